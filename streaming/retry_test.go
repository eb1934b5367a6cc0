package streaming_test

import (
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/seed717b8fd8/grpcexamples/bufconntest"
	"github.com/seed717b8fd8/grpcexamples/streaming"
)

// retryPolicy is a grpc-go service config that retries UNAVAILABLE on
// every method of the service, up to 4 attempts in all. The backoff is
// short so that the test is quick; gRPC draws each pause at random below
// it, so the test does not depend on it.
const retryPolicy = `{"methodConfig": [{
	"name": [{"service": "grpcexamples.streaming.v1.StreamingService"}],
	"retryPolicy": {
		"maxAttempts": 4,
		"initialBackoff": "0.001s",
		"maxBackoff": "0.001s",
		"backoffMultiplier": 1,
		"retryableStatusCodes": ["UNAVAILABLE"]
	}
}]}`

// attempts records, for each call the server's handlers see, the
// grpc-previous-rpc-attempts header it came with ("" when absent).
type attempts struct {
	mu      sync.Mutex
	headers []string
}

func (a *attempts) record(ctx context.Context) {
	v := metadata.ValueFromIncomingContext(ctx, "grpc-previous-rpc-attempts")
	a.mu.Lock()
	defer a.mu.Unlock()
	a.headers = append(a.headers, firstOr(v, ""))
}

func (a *attempts) take() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	h := a.headers
	a.headers = nil
	return h
}

func firstOr(v []string, def string) string {
	if len(v) == 0 {
		return def
	}
	return v[0]
}

// startCounted serves a Server whose interceptors count the attempts that
// reach it, and returns a client whose connection has the retry policy
// (retry true) or none.
func startCounted(t *testing.T, retry bool) (*streaming.Client, *attempts) {
	t.Helper()
	a := &attempts{}
	unary := func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		a.record(ctx)
		return h(ctx, req)
	}
	stream := func(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, h grpc.StreamHandler) error {
		a.record(ss.Context())
		return h(srv, ss)
	}
	var dial []grpc.DialOption
	if retry {
		dial = append(dial, grpc.WithDefaultServiceConfig(retryPolicy))
	}
	srv := bufconntest.Start(t, func(s grpc.ServiceRegistrar) {
		streaming.Register(s, streaming.NewServer())
	}, bufconntest.WithServerOptions(grpc.ChainUnaryInterceptor(unary), grpc.ChainStreamInterceptor(stream)),
		bufconntest.WithDialOptions(dial...))
	return streaming.NewClient(srv.Conn), a
}

// callKind makes one call of kind with ctl and returns its messages (the
// responses', or the summary's) and its error.
func callKind(t *testing.T, ctx context.Context, c *streaming.Client, kind string, ctl streaming.Controls) ([]string, error) {
	t.Helper()
	switch kind {
	case "unary":
		r, err := c.Unary(ctx, "m", ctl)
		return []string{r.Message}, err
	case "server stream":
		ctl.MessageCount = 2
		got, err := collect(t, c.ServerStream(ctx, "m", ctl))
		var msgs []string
		for _, r := range got {
			msgs = append(msgs, r.Message)
		}
		return msgs, err
	case "client stream":
		s, err := c.ClientStream(ctx, ctl)
		if err != nil {
			return nil, err
		}
		for _, m := range []string{"a", "b"} {
			if err := s.Send(m, nil); err != nil {
				break // io.EOF: the status comes from CloseAndReceive
			}
		}
		sum, err := s.CloseAndReceive()
		return []string{sum.Message}, err
	case "bidi stream":
		b, err := c.BidiStream(ctx, ctl)
		if err != nil {
			return nil, err
		}
		defer b.Close()
		var msgs []string
		for _, m := range []string{"a", "b"} {
			if err := b.Send(m, nil); err != nil {
				break
			}
			r, err := b.Receive()
			if err != nil {
				return msgs, err
			}
			msgs = append(msgs, r.Message)
		}
		if err := b.CloseSend(); err != nil {
			return msgs, err
		}
		if _, err := b.Receive(); !errors.Is(err, io.EOF) {
			return msgs, err
		}
		return msgs, nil
	}
	t.Fatalf("unknown kind %q", kind)
	return nil, nil
}

var callKinds = []string{"unary", "server stream", "client stream", "bidi stream"}

// wantMessages is what each kind answers when it succeeds.
var wantMessages = map[string][]string{
	"unary":         {"m"},
	"server stream": {"m", "m"},
	"client stream": {"a b"},
	"bidi stream":   {"a", "b"},
}

// With a retry policy for UNAVAILABLE, a call whose first K attempts fail
// with UNAVAILABLE succeeds after K retries when K < maxAttempts, each
// attempt numbered by the client in grpc-previous-rpc-attempts; with K =
// maxAttempts every attempt fails and the client returns the last status.
func TestFailFirstAttemptsRetried(t *testing.T) {
	c, seen := startCounted(t, true)
	for _, kind := range callKinds {
		for _, k := range []int{1, 3} {
			ctl := streaming.Controls{FailFirstAttempts: k, StatusCode: codes.Unavailable, StatusMessage: "try again"}
			got, err := callKind(t, testContext(t), c, kind, ctl)
			if err != nil || !slices.Equal(got, wantMessages[kind]) {
				t.Errorf("%s failing %d attempts: %q, %v; want %q after %d retries", kind, k, got, err, wantMessages[kind], k)
			}
			want := []string{"", "1", "2", "3"}[:k+1]
			if h := seen.take(); !slices.Equal(h, want) {
				t.Errorf("%s failing %d attempts: the server saw attempts with grpc-previous-rpc-attempts %q; want %q", kind, k, h, want)
			}
		}

		// grpc-go returns the last attempt's code, with its message after
		// one of its own ("max retries exhausted: failed after 4
		// attempts: ..." in grpc-go 1.84). On a call whose client sends
		// requests, grpc-go 1.84 may instead wrap the io.EOF of replaying
		// a request to the last attempt, which the server has already
		// ended (its retryLocked hands that error, not the attempt's
		// status, to shouldRetry): a client-side race this test accepts.
		ctl := streaming.Controls{FailFirstAttempts: 4, StatusCode: codes.Unavailable, StatusMessage: "try again"}
		_, err := callKind(t, testContext(t), c, kind, ctl)
		st := status.Convert(err)
		unavailable := st.Code() == codes.Unavailable && strings.HasSuffix(st.Message(), "try again")
		replayEOF := (kind == "client stream" || kind == "bidi stream") && errors.Is(err, io.EOF)
		if !unavailable && !replayEOF {
			t.Errorf("%s failing all 4 attempts: %v; want Unavailable ending \"try again\"", kind, err)
		}
		if h := seen.take(); !slices.Equal(h, []string{"", "1", "2", "3"}) {
			t.Errorf("%s failing all 4 attempts: the server saw %q; want 4 attempts", kind, h)
		}
	}
}

// A code the policy does not list is not retried: one attempt, its status
// returned as is. Without a policy nothing is retried.
func TestFailFirstAttemptsNotRetried(t *testing.T) {
	for _, tc := range []struct {
		name  string
		retry bool
		code  codes.Code
	}{
		{"non-retryable code", true, codes.Internal},
		{"non-retryable code", true, codes.ResourceExhausted},
		{"no retry policy", false, codes.Unavailable},
	} {
		c, seen := startCounted(t, tc.retry)
		for _, kind := range callKinds {
			ctl := streaming.Controls{FailFirstAttempts: 1, StatusCode: tc.code, StatusMessage: "once"}
			_, err := callKind(t, testContext(t), c, kind, ctl)
			if st := status.Convert(err); st.Code() != tc.code || st.Message() != "once" {
				t.Errorf("%s, %s: %v; want %v \"once\"", tc.name, kind, err, tc.code)
			}
			if h := seen.take(); !slices.Equal(h, []string{""}) {
				t.Errorf("%s, %s: the server saw attempts %q; want one", tc.name, kind, h)
			}
		}
	}
}

// The server keeps no state: the header alone decides. A client that
// says it has made 2 attempts already gets an answer to a call failing
// the first 2; one that says 1 does not.
func TestFailFirstAttemptsReadsOnlyTheHeader(t *testing.T) {
	c, _ := startCounted(t, false)
	ctl := streaming.Controls{FailFirstAttempts: 2, StatusCode: codes.Unavailable}
	for _, kind := range callKinds {
		ctx := metadata.AppendToOutgoingContext(testContext(t), "grpc-previous-rpc-attempts", "2")
		if got, err := callKind(t, ctx, c, kind, ctl); err != nil || !slices.Equal(got, wantMessages[kind]) {
			t.Errorf("%s, third attempt by its header: %q, %v; want %q", kind, got, err, wantMessages[kind])
		}
		ctx = metadata.AppendToOutgoingContext(testContext(t), "grpc-previous-rpc-attempts", "1")
		if _, err := callKind(t, ctx, c, kind, ctl); status.Code(err) != codes.Unavailable {
			t.Errorf("%s, second attempt by its header: %v; want Unavailable", kind, err)
		}
	}
}

// A failed attempt sends no header, which would commit the call: the
// echoed metadata comes in the trailer only.
func TestFailedAttemptEchoesInTheTrailer(t *testing.T) {
	c, _ := startCounted(t, false)
	ctx := metadata.AppendToOutgoingContext(testContext(t), "x-request-id", "r1")
	var header, trailer metadata.MD
	_, err := c.Unary(ctx, "m", streaming.Controls{FailFirstAttempts: 1, StatusCode: codes.Unavailable, EchoMetadata: []string{"x-request-id"}},
		grpc.Header(&header), grpc.Trailer(&trailer))
	if status.Code(err) != codes.Unavailable {
		t.Fatalf("err = %v; want Unavailable", err)
	}
	if len(header) != 0 || !slices.Equal(trailer.Get("x-request-id"), []string{"r1"}) {
		t.Errorf("header %v, trailer %v; want no header, x-request-id r1 in the trailer", header, trailer)
	}
}
