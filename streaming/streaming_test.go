package streaming_test

import (
	"context"
	"errors"
	"io"
	"iter"
	"slices"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/seed717b8fd8/grpcexamples/bufconntest"
	"github.com/seed717b8fd8/grpcexamples/streaming"
)

// guard bounds each test's calls, so that a server that fails to answer
// fails the test instead of hanging it. No test relies on it for timing.
const guard = 10 * time.Second

// start mounts a Server built with opts on an in-memory server and returns
// a client of it.
func start(t testing.TB, opts ...streaming.Option) *streaming.Client {
	t.Helper()
	srv := bufconntest.Start(t, func(s grpc.ServiceRegistrar) {
		streaming.Register(s, streaming.NewServer(opts...))
	})
	return streaming.NewClient(srv.Conn)
}

func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), guard)
	t.Cleanup(cancel)
	return ctx
}

// collect ranges over seq and returns the responses and the final error.
func collect(t *testing.T, seq iter.Seq2[streaming.Response, error]) ([]streaming.Response, error) {
	t.Helper()
	var got []streaming.Response
	for r, err := range seq {
		if err != nil {
			return got, err
		}
		got = append(got, r)
	}
	return got, nil
}

// wantStatus fails the test unless err is a status with code and message.
func wantStatus(t *testing.T, err error, code codes.Code, message string) {
	t.Helper()
	st, ok := status.FromError(err)
	if !ok || st.Code() != code || st.Message() != message {
		t.Fatalf("error = %v, want status %v %q", err, code, message)
	}
}

func zeros(b []byte) bool { return !slices.ContainsFunc(b, func(c byte) bool { return c != 0 }) }

func TestUnary(t *testing.T) {
	c := start(t)
	ctx := testContext(t)
	got, err := c.Unary(ctx, "hello", streaming.Controls{PayloadSize: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if got.Message != "hello" || !got.Received || len(got.Payload) != 1000 || !zeros(got.Payload) {
		t.Errorf("Unary = {%q, %v, %d bytes}, want {hello, true, 1000 zero bytes}", got.Message, got.Received, len(got.Payload))
	}

	got, err = c.Unary(ctx, "", streaming.Controls{})
	if err != nil {
		t.Fatal(err)
	}
	if got.Message != "" || !got.Received || len(got.Payload) != 0 {
		t.Errorf("Unary with zero controls = %+v, want empty message, received, no payload", got)
	}
}

func TestServerStream(t *testing.T) {
	tests := []struct {
		name     string
		controls streaming.Controls
		want     int
	}{
		{"zero count means one", streaming.Controls{}, 1},
		{"five with payload", streaming.Controls{MessageCount: 5, PayloadSize: 10}, 5},
		{"with interval", streaming.Controls{MessageCount: 3, Interval: time.Millisecond, PayloadSize: 1}, 3},
		{"max count", streaming.Controls{MessageCount: streaming.MaxMessageCount}, streaming.MaxMessageCount},
	}
	c := start(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := collect(t, c.ServerStream(testContext(t), "tick", tt.controls))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tt.want {
				t.Fatalf("got %d responses, want %d", len(got), tt.want)
			}
			for i, r := range got {
				if r.Sequence != i+1 || r.Message != "tick" || len(r.Payload) != tt.controls.PayloadSize || !zeros(r.Payload) {
					t.Fatalf("response %d = {%q, seq %d, %d bytes}, want {tick, seq %d, %d zero bytes}",
						i, r.Message, r.Sequence, len(r.Payload), i+1, tt.controls.PayloadSize)
				}
			}
		})
	}
}

func TestServerStreamRangesAgain(t *testing.T) {
	c := start(t)
	seq := c.ServerStream(testContext(t), "again", streaming.Controls{MessageCount: 2})
	for range 2 {
		got, err := collect(t, seq)
		if err != nil || len(got) != 2 {
			t.Fatalf("range over the same sequence: %d responses, %v; want 2, nil", len(got), err)
		}
	}
}

func TestClientStream(t *testing.T) {
	c := start(t)
	ctx := testContext(t)

	s, err := c.ClientStream(ctx, streaming.Controls{})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []struct {
		msg     string
		payload []byte
	}{{"a", nil}, {"bb", []byte{1, 2, 3}}, {"ccc", nil}} {
		if err := s.Send(m.msg, m.payload); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.CloseAndReceive()
	if err != nil {
		t.Fatal(err)
	}
	want := streaming.Summary{Message: "a bb ccc", MessageCount: 3, ByteCount: 1 + 2 + 3 + 3}
	if got != want {
		t.Errorf("summary = %+v, want %+v", got, want)
	}

	// With no request the server sees no controls and sums nothing.
	s, err = c.ClientStream(ctx, streaming.Controls{StatusCode: codes.Aborted})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.CloseAndReceive(); err != nil || got != (streaming.Summary{}) {
		t.Errorf("empty stream: %+v, %v; want zero summary, nil", got, err)
	}
}

// TestBidiStreamAnswersEachMessage proves the server answers each request
// before the client sends the next one: the client waits for each answer
// before it sends again, which would block for ever (until the guard) if the
// server waited for the client to close.
func TestBidiStreamAnswersEachMessage(t *testing.T) {
	c := start(t)
	b, err := c.BidiStream(testContext(t), streaming.Controls{PayloadSize: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	for i, msg := range []string{"one", "two", "three"} {
		if err := b.Send(msg, []byte("ignored")); err != nil {
			t.Fatal(err)
		}
		r, err := b.Receive()
		if err != nil {
			t.Fatalf("answer to %q: %v", msg, err)
		}
		if r.Message != msg || r.Sequence != i+1 || len(r.Payload) != 4 || !zeros(r.Payload) {
			t.Fatalf("answer to %q = {%q, seq %d, %d bytes}, want {%q, seq %d, 4 zero bytes}", msg, r.Message, r.Sequence, len(r.Payload), msg, i+1)
		}
	}
	if err := b.CloseSend(); err != nil {
		t.Fatal(err)
	}
	if r, err := b.Receive(); !errors.Is(err, io.EOF) {
		t.Fatalf("after CloseSend: %+v, %v; want io.EOF", r, err)
	}
}

func TestUnaryStatus(t *testing.T) {
	c := start(t)
	_, err := c.Unary(testContext(t), "x", streaming.Controls{StatusCode: codes.NotFound, StatusMessage: "no such thing", Interval: time.Millisecond})
	wantStatus(t, err, codes.NotFound, "no such thing")
}

func TestServerStreamStatusAfter(t *testing.T) {
	c := start(t)
	for _, after := range []int{0, 2, 5} {
		t.Run("", func(t *testing.T) {
			got, err := collect(t, c.ServerStream(testContext(t), "s", streaming.Controls{
				MessageCount: 5, StatusCode: codes.Unavailable, StatusMessage: "try later", StatusAfter: after,
			}))
			wantStatus(t, err, codes.Unavailable, "try later")
			if len(got) != after {
				t.Errorf("status after %d: got %d responses first", after, len(got))
			}
		})
	}
}

func TestClientStreamStatusAfter(t *testing.T) {
	c := start(t)
	tests := []struct {
		after, send int
		wantStatus  bool
	}{
		{after: 0, send: 1, wantStatus: true}, // 0: right after the first request
		{after: 0, send: 4, wantStatus: true},
		{after: 3, send: 3, wantStatus: true},
		{after: 3, send: 6, wantStatus: true},
		{after: 3, send: 2, wantStatus: false}, // closed before the third request
		{after: 1, send: 0, wantStatus: false}, // no request carries the controls
	}
	for _, tt := range tests {
		t.Run("", func(t *testing.T) {
			s, err := c.ClientStream(testContext(t), streaming.Controls{
				StatusCode: codes.FailedPrecondition, StatusMessage: "not now", StatusAfter: tt.after,
			})
			if err != nil {
				t.Fatal(err)
			}
			for range tt.send {
				// io.EOF means the server has ended the call: its status
				// comes from CloseAndReceive.
				if err := s.Send("m", nil); errors.Is(err, io.EOF) {
					break
				} else if err != nil {
					t.Fatal(err)
				}
			}
			got, err := s.CloseAndReceive()
			if tt.wantStatus {
				wantStatus(t, err, codes.FailedPrecondition, "not now")
				return
			}
			if err != nil || got.MessageCount != tt.send {
				t.Fatalf("status after %d, %d sent: %+v, %v; want a summary of %d", tt.after, tt.send, got, err, tt.send)
			}
		})
	}
}

func TestBidiStreamStatusAfter(t *testing.T) {
	c := start(t)
	tests := []struct {
		after, send int
		wantStatus  bool
	}{
		{after: 0, send: 1, wantStatus: true},
		{after: 2, send: 2, wantStatus: true},
		{after: 3, send: 2, wantStatus: false}, // client closes first: OK
	}
	for _, tt := range tests {
		t.Run("", func(t *testing.T) {
			b, err := c.BidiStream(testContext(t), streaming.Controls{
				StatusCode: codes.PermissionDenied, StatusMessage: "go away", StatusAfter: tt.after,
			})
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close()
			received := 0
			for i := range tt.send {
				if err := b.Send("m", nil); err != nil {
					t.Fatal(err)
				}
				if i < tt.after {
					if _, err := b.Receive(); err != nil {
						t.Fatal(err)
					}
					received++
				}
			}
			if !tt.wantStatus {
				if err := b.CloseSend(); err != nil {
					t.Fatal(err)
				}
			}
			// The call must end now: with the status once status_after
			// responses are out, or with io.EOF after the client closed.
			r, err := b.Receive()
			if tt.wantStatus {
				wantStatus(t, err, codes.PermissionDenied, "go away")
			} else if !errors.Is(err, io.EOF) {
				t.Fatalf("got %+v, %v; want io.EOF", r, err)
			}
			if received != min(tt.after, tt.send) {
				t.Errorf("received %d responses before the end, want %d", received, min(tt.after, tt.send))
			}
		})
	}
}

// echoControls ask to echo three keys set by echoContext, one of them
// binary and one in upper case, plus two keys that must not be echoed.
var echoControls = streaming.Controls{EchoMetadata: []string{"X-Trace", "x-multi", "x-data-bin", "absent", "user-agent"}}

func echoContext(t *testing.T) context.Context {
	return metadata.AppendToOutgoingContext(testContext(t),
		"x-trace", "abc", "x-multi", "1", "x-multi", "2", "x-data-bin", "\x00\x01\xff", "x-other", "not asked")
}

// wantEcho fails the test unless md holds the echoed keys of echoContext.
func wantEcho(t *testing.T, where string, md metadata.MD) {
	t.Helper()
	want := map[string][]string{"x-trace": {"abc"}, "x-multi": {"1", "2"}, "x-data-bin": {"\x00\x01\xff"}}
	for k, v := range want {
		if got := md.Get(k); !slices.Equal(got, v) {
			t.Errorf("%s[%q] = %q, want %q", where, k, got, v)
		}
	}
	for _, k := range []string{"absent", "x-other"} {
		if got := md.Get(k); got != nil {
			t.Errorf("%s[%q] = %q, want none", where, k, got)
		}
	}
}

func TestEchoMetadata(t *testing.T) {
	c := start(t)

	t.Run("unary", func(t *testing.T) {
		var header, trailer metadata.MD
		if _, err := c.Unary(echoContext(t), "m", echoControls, grpc.Header(&header), grpc.Trailer(&trailer)); err != nil {
			t.Fatal(err)
		}
		wantEcho(t, "header", header)
		wantEcho(t, "trailer", trailer)
	})

	t.Run("unary failing", func(t *testing.T) {
		ctl := echoControls
		ctl.StatusCode = codes.Internal
		var header, trailer metadata.MD
		_, err := c.Unary(echoContext(t), "m", ctl, grpc.Header(&header), grpc.Trailer(&trailer))
		wantStatus(t, err, codes.Internal, "")
		wantEcho(t, "header", header)
		wantEcho(t, "trailer", trailer)
	})

	t.Run("server stream", func(t *testing.T) {
		var header, trailer metadata.MD
		ctl := echoControls
		ctl.MessageCount = 3
		if _, err := collect(t, c.ServerStream(echoContext(t), "m", ctl, grpc.Header(&header), grpc.Trailer(&trailer))); err != nil {
			t.Fatal(err)
		}
		wantEcho(t, "header", header)
		wantEcho(t, "trailer", trailer)
	})

	t.Run("client stream", func(t *testing.T) {
		s, err := c.ClientStream(echoContext(t), echoControls)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Send("m", nil); err != nil {
			t.Fatal(err)
		}
		// The header comes as soon as the server has read the first
		// request, before the client closes.
		header, err := s.Header()
		if err != nil {
			t.Fatal(err)
		}
		wantEcho(t, "header", header)
		if _, err := s.CloseAndReceive(); err != nil {
			t.Fatal(err)
		}
		wantEcho(t, "trailer", s.Trailer())
	})

	t.Run("bidi stream", func(t *testing.T) {
		b, err := c.BidiStream(echoContext(t), echoControls)
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		if err := b.Send("m", nil); err != nil {
			t.Fatal(err)
		}
		header, err := b.Header()
		if err != nil {
			t.Fatal(err)
		}
		wantEcho(t, "header", header)
		if _, err := b.Receive(); err != nil {
			t.Fatal(err)
		}
		if err := b.CloseSend(); err != nil {
			t.Fatal(err)
		}
		if _, err := b.Receive(); !errors.Is(err, io.EOF) {
			t.Fatalf("Receive after CloseSend: %v, want io.EOF", err)
		}
		wantEcho(t, "trailer", b.Trailer())
	})
}

func TestClientStreamResourceExhausted(t *testing.T) {
	tests := []struct {
		name     string
		opts     []streaming.Option
		messages []string
		payload  []byte
	}{
		{"bytes over WithMaxClientStreamBytes", []streaming.Option{streaming.WithMaxClientStreamBytes(10)}, []string{"hello", "world!"}, nil},
		{"payload bytes count", []streaming.Option{streaming.WithMaxClientStreamBytes(10)}, []string{"a"}, make([]byte, 10)},
		{"summary message too long", nil, []string{
			string(make([]byte, streaming.MaxSummaryMessageSize/2)),
			string(make([]byte, streaming.MaxSummaryMessageSize/2)),
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := start(t, tt.opts...)
			s, err := c.ClientStream(testContext(t), streaming.Controls{})
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range tt.messages {
				if err := s.Send(m, tt.payload); errors.Is(err, io.EOF) {
					break
				} else if err != nil {
					t.Fatal(err)
				}
			}
			_, err = s.CloseAndReceive()
			if status.Code(err) != codes.ResourceExhausted {
				t.Fatalf("error = %v, want ResourceExhausted", err)
			}
		})
	}

	// At the limit the call succeeds.
	c := start(t, streaming.WithMaxClientStreamBytes(10))
	s, err := c.ClientStream(testContext(t), streaming.Controls{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send("hello", []byte("12345")); err != nil {
		t.Fatal(err)
	}
	if got, err := s.CloseAndReceive(); err != nil || got.ByteCount != 10 {
		t.Fatalf("10 bytes with a limit of 10: %+v, %v; want ByteCount 10", got, err)
	}
}

func TestWithCallOptions(t *testing.T) {
	srv := bufconntest.Start(t, func(s grpc.ServiceRegistrar) { streaming.Register(s, nil) })
	var header metadata.MD
	c := streaming.NewClient(srv.Conn, streaming.WithCallOptions(grpc.Header(&header)))
	if _, err := c.Unary(echoContext(t), "m", echoControls); err != nil {
		t.Fatal(err)
	}
	wantEcho(t, "header", header)
}
