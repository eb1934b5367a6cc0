package streaming_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/seed717b8fd8/grpcexamples/bufconntest"
	streamingv1 "github.com/seed717b8fd8/grpcexamples/pb/streaming/v1"
	"github.com/seed717b8fd8/grpcexamples/streaming"
)

// abuseServer is a Server on bufconn whose interceptors report the code
// each handler returned, so that a test can wait for the server to end a
// call (at a ceiling, say) before its client does anything more: the
// ordering comes from the server, not from sleeping.
type abuseServer struct {
	client *streaming.Client
	pb     streamingv1.StreamingServiceClient
	ended  chan codes.Code
}

func startAbuse(t *testing.T, opts ...streaming.Option) *abuseServer {
	t.Helper()
	a := &abuseServer{ended: make(chan codes.Code, 64)}
	unary := func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		resp, err := h(ctx, req)
		a.ended <- status.Code(err)
		return resp, err
	}
	stream := func(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, h grpc.StreamHandler) error {
		err := h(srv, ss)
		a.ended <- status.Code(err)
		return err
	}
	srv := bufconntest.Start(t, func(s grpc.ServiceRegistrar) {
		streaming.Register(s, streaming.NewServer(opts...))
	}, bufconntest.WithServerOptions(grpc.ChainUnaryInterceptor(unary), grpc.ChainStreamInterceptor(stream)))
	a.client = streaming.NewClient(srv.Conn)
	a.pb = streamingv1.NewStreamingServiceClient(srv.Conn)
	return a
}

// handlerEnded waits until a handler has returned and gives its code.
func (a *abuseServer) handlerEnded(t *testing.T, ctx context.Context) codes.Code {
	t.Helper()
	select {
	case code := <-a.ended:
		return code
	case <-ctx.Done():
		t.Fatal("no handler returned before the test's guard")
		return codes.Unknown
	}
}

// A call makes one abusive call and returns how many responses came before
// its error.
type call func(t *testing.T, ctx context.Context, a *abuseServer) (responses int, err error)

func unaryCall(message string, ctl streaming.Controls) call {
	return func(_ *testing.T, ctx context.Context, a *abuseServer) (int, error) {
		_, err := a.client.Unary(ctx, message, ctl)
		return 0, err
	}
}

func serverStreamCall(message string, ctl streaming.Controls) call {
	return func(t *testing.T, ctx context.Context, a *abuseServer) (int, error) {
		got, err := collect(t, a.client.ServerStream(ctx, message, ctl))
		return len(got), err
	}
}

// clientStreamCall sends messages (stopping early if the server has ended
// the call) and closes.
func clientStreamCall(ctl streaming.Controls, messages ...string) call {
	return func(_ *testing.T, ctx context.Context, a *abuseServer) (int, error) {
		s, err := a.client.ClientStream(ctx, ctl)
		if err != nil {
			return 0, err
		}
		for _, m := range messages {
			if err := s.Send(m, nil); err != nil {
				break // io.EOF: the status comes from CloseAndReceive
			}
		}
		_, err = s.CloseAndReceive()
		return 0, err
	}
}

// bidiCall sends each message and reads its answer, then closes and reads
// the end of the call.
func bidiCall(ctl streaming.Controls, messages ...string) call {
	return func(_ *testing.T, ctx context.Context, a *abuseServer) (int, error) {
		b, err := a.client.BidiStream(ctx, ctl)
		if err != nil {
			return 0, err
		}
		defer b.Close()
		n := 0
		for _, m := range messages {
			if err := b.Send(m, nil); err != nil {
				break // io.EOF: the status comes from Receive
			}
			if _, err := b.Receive(); err != nil {
				return n, err
			}
			n++
		}
		if err := b.CloseSend(); err != nil {
			return n, err
		}
		_, err = b.Receive()
		if errors.Is(err, io.EOF) {
			err = nil
		}
		return n, err
	}
}

// eachKind is one call of each kind with the controls ctl.
func eachKind(ctl streaming.Controls) map[string]call {
	return map[string]call{
		"unary":         unaryCall("m", ctl),
		"server stream": serverStreamCall("m", ctl),
		"client stream": clientStreamCall(ctl, "m"),
		"bidi stream":   bidiCall(ctl, "m"),
	}
}

// withMD makes c send the request metadata kv (key, value, key, value, ...).
func withMD(c call, kv ...string) call {
	return func(t *testing.T, ctx context.Context, a *abuseServer) (int, error) {
		return c(t, metadata.AppendToOutgoingContext(ctx, kv...), a)
	}
}

// rawUnary calls Unary through the generated client, with controls the
// Go Client would refuse to send.
func rawUnary(ctl *streamingv1.Controls) call {
	return func(_ *testing.T, ctx context.Context, a *abuseServer) (int, error) {
		_, err := a.pb.Unary(ctx, &streamingv1.UnaryRequest{Controls: ctl})
		return 0, err
	}
}

// rawServerStream starts a server-streaming call through the generated
// client, which, unlike the iterator of Client.ServerStream, does not read
// until told: a client that does not read. It waits until the server has
// ended the call, then reads everything and returns what came.
func rawServerStream(message string, ctl *streamingv1.Controls, wantHandler codes.Code) call {
	return func(t *testing.T, ctx context.Context, a *abuseServer) (int, error) {
		stream, err := a.pb.ServerStream(ctx, &streamingv1.ServerStreamRequest{Message: message, Controls: ctl})
		if err != nil {
			return 0, err
		}
		if code := a.handlerEnded(t, ctx); code != wantHandler {
			t.Errorf("handler returned %v while the client was not reading, want %v", code, wantHandler)
		}
		n := 0
		for {
			if _, err := stream.Recv(); err != nil {
				return n, err
			}
			n++
		}
	}
}

// neverClosingClientStream sends that many requests, then neither sends nor
// closes until the server has ended the call.
func neverClosingClientStream(sends int) call {
	return func(t *testing.T, ctx context.Context, a *abuseServer) (int, error) {
		s, err := a.client.ClientStream(ctx, streaming.Controls{})
		if err != nil {
			return 0, err
		}
		for range sends {
			if err := s.Send("m", nil); err != nil {
				t.Fatal(err)
			}
		}
		if code := a.handlerEnded(t, ctx); code != codes.DeadlineExceeded {
			t.Errorf("handler returned %v, want DeadlineExceeded", code)
		}
		_, err = s.CloseAndReceive()
		return 0, err
	}
}

// neverClosingBidi sends that many requests, reads their answers, then
// neither sends nor closes until the server has ended the call.
func neverClosingBidi(sends int) call {
	return func(t *testing.T, ctx context.Context, a *abuseServer) (int, error) {
		b, err := a.client.BidiStream(ctx, streaming.Controls{})
		if err != nil {
			return 0, err
		}
		defer b.Close()
		n := 0
		for range sends {
			if err := b.Send("m", nil); err != nil {
				t.Fatal(err)
			}
			if _, err := b.Receive(); err != nil {
				t.Fatal(err)
			}
			n++
		}
		if code := a.handlerEnded(t, ctx); code != codes.DeadlineExceeded {
			t.Errorf("handler returned %v, want DeadlineExceeded", code)
		}
		_, err = b.Receive()
		return n, err
	}
}

// overCapacity holds limit client-streaming calls open, each past the
// point where the server has admitted it (it has echoed the header, which
// it does after reading the first request), then makes one more call with
// extra, and closes the held ones.
func overCapacity(limit int, extra call) call {
	return func(t *testing.T, ctx context.Context, a *abuseServer) (int, error) {
		ctx = metadata.AppendToOutgoingContext(ctx, "x-held", "yes")
		var held []*streaming.ClientStreamSender
		for range limit {
			s, err := a.client.ClientStream(ctx, streaming.Controls{EchoMetadata: []string{"x-held"}})
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Send("m", nil); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Header(); err != nil {
				t.Fatal(err)
			}
			held = append(held, s)
		}
		n, err := extra(t, ctx, a)
		for _, s := range held {
			if _, err := s.CloseAndReceive(); err != nil {
				t.Errorf("held call: %v", err)
			}
		}
		// The places are free again once the held calls have their status.
		if _, err := a.client.Unary(ctx, "m", streaming.Controls{}); err != nil {
			t.Errorf("call after the held ones ended: %v", err)
		}
		return n, err
	}
}

// TestAbuse makes each kind of request a remote caller could use to make
// the service cost its host more than the documented ceilings, and checks
// that each gets the documented status, with a message naming the limit,
// the value and (for server options) the option that raises it; that no
// response is sent before an InvalidArgument; and, through TestMain's
// goleak check, that no goroutine outlives the calls. Ceilings are set low
// with the options so that each case takes milliseconds.
func TestAbuse(t *testing.T) {
	const (
		shortCall = 50 * time.Millisecond // a call-duration ceiling that passes quickly
		mib       = 1 << 20
	)
	type abuse struct {
		name string
		opts []streaming.Option
		call call
		code codes.Code
		// want are parts of the status message.
		want []string
		// responses is how many responses may come before the status.
		responses int
	}
	var cases []abuse

	// Each control out of range, on every kind of call.
	for _, bad := range []struct {
		name string
		ctl  streaming.Controls
		want []string
	}{
		{"message_count negative", streaming.Controls{MessageCount: -1}, []string{"message_count = -1", "0 to 10000"}},
		{"message_count over max", streaming.Controls{MessageCount: streaming.MaxMessageCount + 1}, []string{"message_count = 10001", "0 to 10000"}},
		{"interval negative", streaming.Controls{Interval: -time.Millisecond}, []string{"interval_ms = -1", "0 to 10000 ms"}},
		{"interval over max", streaming.Controls{Interval: streaming.MaxInterval + time.Millisecond}, []string{"interval_ms = 10001", "0 to 10000 ms"}},
		{"payload negative", streaming.Controls{PayloadSize: -1}, []string{"payload_size = -1", "0 to 1048576 bytes"}},
		{"payload over max", streaming.Controls{PayloadSize: streaming.MaxPayloadSize + 1}, []string{"payload_size = 1048577", "0 to 1048576 bytes"}},
		{"status code over 16", streaming.Controls{StatusCode: 17}, []string{"status_code = 17", "0 to 16"}},
		{"status after negative", streaming.Controls{StatusCode: codes.Aborted, StatusAfter: -1}, []string{"status_after = -1"}},
		{"huge status message", streaming.Controls{StatusCode: codes.Aborted, StatusMessage: strings.Repeat("x", 1<<20)},
			[]string{"status_message is 1048576 bytes", "at most 1024", "MaxStatusMessageSize"}},
		{"status message one byte over", streaming.Controls{StatusCode: codes.Aborted, StatusMessage: strings.Repeat("é", 512) + "x"},
			[]string{"status_message is 1025 bytes", "at most 1024"}},
		{"too many echo keys", streaming.Controls{EchoMetadata: make([]string, streaming.MaxEchoKeys+1)}, []string{"echo_metadata has 65 keys", "at most 64"}},
		{"fail_first_attempts negative", streaming.Controls{FailFirstAttempts: -1, StatusCode: codes.Unavailable},
			[]string{"fail_first_attempts = -1", "0 to 10"}},
		{"fail_first_attempts over max", streaming.Controls{FailFirstAttempts: streaming.MaxFailFirstAttempts + 1, StatusCode: codes.Unavailable},
			[]string{"fail_first_attempts = 11", "0 to 10"}},
		{"fail_first_attempts without a status code", streaming.Controls{FailFirstAttempts: 1},
			[]string{"fail_first_attempts = 1 needs a status_code", "14 (UNAVAILABLE)"}},
		{"fail_first_attempts with status_after", streaming.Controls{FailFirstAttempts: 1, StatusCode: codes.Unavailable, StatusAfter: 1},
			[]string{"status_after = 1 cannot be used with fail_first_attempts = 1"}},
	} {
		for kind, c := range eachKind(bad.ctl) {
			cases = append(cases, abuse{name: kind + "/" + bad.name, call: c, code: codes.InvalidArgument, want: bad.want})
		}
	}

	// Values the Go client cannot send (codes.Code is unsigned) or that
	// depend on another control, sent as another language's client would.
	cases = append(cases,
		abuse{
			name: "unary/negative status code", call: rawUnary(&streamingv1.Controls{StatusCode: -1}),
			code: codes.InvalidArgument, want: []string{"status_code = -1", "0 to 16"},
		},
		abuse{
			name: "server stream/status after beyond the responses",
			call: serverStreamCall("m", streaming.Controls{MessageCount: 3, StatusCode: codes.Aborted, StatusAfter: 4}),
			code: codes.InvalidArgument, want: []string{"status_after = 4", "number of responses (3)"},
		},
	)

	// A retry-attempt header that is not a count, sent by hand.
	for kind, c := range eachKind(streaming.Controls{FailFirstAttempts: 1, StatusCode: codes.Unavailable}) {
		cases = append(cases, abuse{
			name: kind + "/grpc-previous-rpc-attempts not a count",
			call: withMD(c, "grpc-previous-rpc-attempts", "one"),
			code: codes.InvalidArgument, want: []string{`grpc-previous-rpc-attempts request header`, `"one"`},
		})
	}

	// Echoed metadata too large: measured as HTTP/2 measures headers.
	echo := streaming.Controls{EchoMetadata: []string{"x-big", "x-big-bin", "x-many"}}
	for kind, c := range eachKind(echo) {
		for _, md := range []struct {
			name string
			kv   []string
		}{
			{"one large value", []string{"x-big", strings.Repeat("v", 5000)}},
			// 3100 bytes are 4134 once base64-encoded, as they are sent.
			{"binary value counted encoded", []string{"x-big-bin", strings.Repeat("\xff", 3100)}},
			// 120 empty values: 120 × (6 + 0 + 32) = 4560 bytes.
			{"many empty values", repeatKV("x-many", "", 120)},
		} {
			cases = append(cases, abuse{
				name: kind + "/echoed metadata " + md.name, call: withMD(c, md.kv...), code: codes.InvalidArgument,
				want: []string{"echoed metadata", "at most 4096", "MaxEchoMetadataSize"},
			})
		}
		// A key is bounded only by the host's header-list limit: the
		// message quotes 64 bytes of it.
		long := "x-" + strings.Repeat("k", 5000)
		cases = append(cases, abuse{
			name: kind + "/echoed metadata of a 5002-byte key",
			call: withMD(eachKind(streaming.Controls{EchoMetadata: []string{long}})[kind], long, "v"),
			code: codes.InvalidArgument,
			want: []string{`by key "x-kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"... (5002 bytes)`, "at most 4096"},
		})
	}

	// Totals over the server's ceilings, refused before anything is sent.
	cases = append(cases,
		abuse{
			name: "server stream/10000 responses of 1 MiB, the measured 10 GiB request",
			call: serverStreamCall("m", streaming.Controls{MessageCount: 10000, PayloadSize: mib}),
			code: codes.InvalidArgument,
			want: []string{"10000 responses of 1048577 bytes", "10485770000 bytes in all", "67108864", "streaming.WithMaxResponseBytes"},
		},
		abuse{
			name: "server stream/large message echoed in every response",
			call: serverStreamCall(strings.Repeat("m", 100<<10), streaming.Controls{MessageCount: 1000}),
			code: codes.InvalidArgument,
			want: []string{"1000 responses of 102400 bytes (message 102400 + payload 0)", "streaming.WithMaxResponseBytes"},
		},
		abuse{
			name: "server stream/10000 responses 10 s apart, the measured 27.8 h request",
			call: serverStreamCall("m", streaming.Controls{MessageCount: 10000, Interval: 10 * time.Second}),
			code: codes.InvalidArgument,
			want: []string{"10000 responses with a pause of 10000 ms", "27h46m40s", "2m0s", "streaming.WithMaxCallDuration"},
		},
		abuse{
			name: "server stream/pauses over a lowered duration ceiling",
			opts: []streaming.Option{streaming.WithMaxCallDuration(time.Second)},
			call: serverStreamCall("m", streaming.Controls{MessageCount: 11, Interval: 100 * time.Millisecond}),
			code: codes.InvalidArgument,
			want: []string{"11 responses", "1.1s in all", "limit of 1s", "streaming.WithMaxCallDuration"},
		},
		abuse{
			name: "server stream/only the responses before the status count",
			opts: []streaming.Option{streaming.WithMaxCallDuration(time.Second)},
			call: serverStreamCall("m", streaming.Controls{MessageCount: 11, Interval: 100 * time.Millisecond, StatusCode: codes.Aborted, StatusAfter: 11}),
			code: codes.InvalidArgument,
			want: []string{"11 responses", "1.1s in all"},
		},
		abuse{
			name: "unary/pause over a lowered duration ceiling",
			opts: []streaming.Option{streaming.WithMaxCallDuration(time.Second)},
			call: unaryCall("m", streaming.Controls{Interval: 2 * time.Second}),
			code: codes.InvalidArgument,
			want: []string{"interval_ms = 2000", "limit of 1s", "streaming.WithMaxCallDuration"},
		},
		abuse{
			name: "unary/response over a lowered byte ceiling",
			opts: []streaming.Option{streaming.WithMaxResponseBytes(100)},
			call: unaryCall(strings.Repeat("m", 60), streaming.Controls{PayloadSize: 41}),
			code: codes.InvalidArgument,
			want: []string{"1 response of 101 bytes", "limit of 100", "streaming.WithMaxResponseBytes"},
		},
		abuse{
			name: "client stream/pause over a lowered duration ceiling",
			opts: []streaming.Option{streaming.WithMaxCallDuration(time.Second)},
			call: clientStreamCall(streaming.Controls{Interval: 2 * time.Second}, "m"),
			code: codes.InvalidArgument,
			want: []string{"interval_ms = 2000", "limit of 1s", "streaming.WithMaxCallDuration"},
		},
		abuse{
			name: "client stream/summary over a lowered byte ceiling",
			opts: []streaming.Option{streaming.WithMaxResponseBytes(10)},
			call: clientStreamCall(streaming.Controls{}, "hello", "world"),
			code: codes.ResourceExhausted,
			want: []string{"summary message would be 11 bytes", "at most 10", "streaming.WithMaxResponseBytes"},
		},
		abuse{
			name: "bidi stream/payload over a lowered byte ceiling",
			opts: []streaming.Option{streaming.WithMaxResponseBytes(100)},
			call: bidiCall(streaming.Controls{PayloadSize: 101}, "m"),
			code: codes.InvalidArgument,
			want: []string{"payload_size = 101", "limit of 100 response bytes", "streaming.WithMaxResponseBytes"},
		},
		abuse{
			name: "bidi stream/bytes sent reach a lowered byte ceiling",
			opts: []streaming.Option{streaming.WithMaxResponseBytes(100)},
			call: bidiCall(streaming.Controls{PayloadSize: 30}, "12345", "12345", "12345"),
			code: codes.ResourceExhausted, responses: 2,
			want: []string{"response 3 would bring the bytes sent to 105", "limit of 100", "streaming.WithMaxResponseBytes"},
		},
	)

	// Load: calls beyond the concurrency ceiling fail at once.
	for kind, c := range eachKind(streaming.Controls{}) {
		cases = append(cases, abuse{
			name: kind + "/one call over the concurrency ceiling",
			opts: []streaming.Option{streaming.WithMaxConcurrentCalls(2)},
			call: overCapacity(2, c),
			code: codes.ResourceExhausted,
			want: []string{"2 calls already in progress", "streaming.WithMaxConcurrentCalls"},
		})
	}

	// Calls that would last for ever end at the duration ceiling.
	wall := []string{"limit of 50ms per call", "streaming.WithMaxCallDuration"}
	cases = append(cases,
		abuse{
			// 64 responses of 1 MiB fit the default byte ceiling, and far
			// exceed what flow control lets through to a client that does
			// not read, so the server's Send blocks until the ceiling.
			name: "server stream/client never reads",
			opts: []streaming.Option{streaming.WithMaxCallDuration(shortCall)},
			call: rawServerStream("", &streamingv1.Controls{MessageCount: 64, PayloadSize: mib}, codes.DeadlineExceeded),
			code: codes.DeadlineExceeded, responses: 63, want: wall,
		},
		abuse{
			name: "client stream/client never closes",
			opts: []streaming.Option{streaming.WithMaxCallDuration(shortCall)},
			call: neverClosingClientStream(2),
			code: codes.DeadlineExceeded, want: wall,
		},
		abuse{
			name: "client stream/client never sends",
			opts: []streaming.Option{streaming.WithMaxCallDuration(shortCall)},
			call: neverClosingClientStream(0),
			code: codes.DeadlineExceeded, want: wall,
		},
		abuse{
			name: "bidi stream/client never closes",
			opts: []streaming.Option{streaming.WithMaxCallDuration(shortCall)},
			call: neverClosingBidi(2),
			code: codes.DeadlineExceeded, responses: 2, want: wall,
		},
		abuse{
			name: "bidi stream/client never sends",
			opts: []streaming.Option{streaming.WithMaxCallDuration(shortCall)},
			call: neverClosingBidi(0),
			code: codes.DeadlineExceeded, want: wall,
		},
	)

	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			a := startAbuse(t, tt.opts...)
			n, err := tt.call(t, testContext(t), a)
			st := status.Convert(err)
			if st.Code() != tt.code {
				t.Fatalf("error = %v, want %v", err, tt.code)
			}
			for _, w := range tt.want {
				if !strings.Contains(st.Message(), w) {
					t.Errorf("message %q does not say %q", st.Message(), w)
				}
			}
			if n > tt.responses {
				t.Errorf("%d responses before the status, want at most %d", n, tt.responses)
			}
			checkDetails(t, err)
		})
	}
}

// repeatKV is key, value repeated n times, for metadata.AppendToOutgoingContext.
func repeatKV(key, value string, n int) []string {
	kv := make([]string, 0, 2*n)
	for range n {
		kv = append(kv, key, value)
	}
	return kv
}

// TestCeilingsAccepted checks that requests at each ceiling succeed: the
// limits are inclusive, and the defaults leave the teaching uses alone.
func TestCeilingsAccepted(t *testing.T) {
	ctx := testContext(t)
	a := startAbuse(t, streaming.WithMaxResponseBytes(100))
	// 4 × (5 + 20) = 100 bytes.
	got, err := collect(t, a.client.ServerStream(ctx, "12345", streaming.Controls{MessageCount: 4, PayloadSize: 20}))
	if err != nil || len(got) != 4 {
		t.Errorf("server stream at the byte ceiling: %d responses, %v; want 4, nil", len(got), err)
	}
	if _, err := a.client.Unary(ctx, strings.Repeat("m", 60), streaming.Controls{PayloadSize: 40}); err != nil {
		t.Errorf("unary at the byte ceiling: %v", err)
	}
	if n, err := bidiCall(streaming.Controls{PayloadSize: 45}, "12345", "12345")(t, ctx, a); err != nil || n != 2 {
		t.Errorf("bidi stream at the byte ceiling: %d responses, %v; want 2, nil", n, err)
	}

	// The default byte ceiling: 64 responses of the largest payload. A
	// request over a ceiling fails before the first response, so the first
	// one shows it was accepted; breaking then spares moving 64 MiB.
	d := startAbuse(t)
	for _, err := range d.client.ServerStream(ctx, "", streaming.Controls{MessageCount: 64, PayloadSize: streaming.MaxPayloadSize}) {
		if err != nil {
			t.Errorf("64 responses of the largest payload: %v", err)
		}
		break
	}

	// The largest status message and echoed metadata just under the limit.
	md := metadata.AppendToOutgoingContext(ctx, "x-echo", strings.Repeat("v", streaming.MaxEchoMetadataSize-len("x-echo")-32))
	var header, trailer metadata.MD
	_, err = d.client.Unary(md, "m", streaming.Controls{
		StatusCode: codes.Aborted, StatusMessage: strings.Repeat("é", streaming.MaxStatusMessageSize/2), EchoMetadata: []string{"x-echo"},
	}, grpc.Header(&header), grpc.Trailer(&trailer))
	if st := status.Convert(err); st.Code() != codes.Aborted || len(st.Message()) != streaming.MaxStatusMessageSize {
		t.Errorf("largest status message: %v, %d bytes; want Aborted, %d bytes", st.Code(), len(st.Message()), streaming.MaxStatusMessageSize)
	}
	if len(header.Get("x-echo")) != 1 || len(trailer.Get("x-echo")) != 1 {
		t.Errorf("largest echo: header %d values, trailer %d; want 1 and 1", len(header.Get("x-echo")), len(trailer.Get("x-echo")))
	}
}
