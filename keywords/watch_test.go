package keywords_test

import (
	"context"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/seed717b8fd8/grpcexamples/bufconntest"
	"github.com/seed717b8fd8/grpcexamples/keywords"
	keywordsv1 "github.com/seed717b8fd8/grpcexamples/pb/keywords/v1"
)

// watched is a keywords.Server served in memory whose interceptors report
// the code each handler returned, which is what a host's logging
// interceptor logs.
type watched struct {
	srv    *bufconntest.Server
	client *keywords.Client
	pb     keywordsv1.KeywordServiceClient
	codes  chan codes.Code
	// ignore lists the goroutines running once the server is ready, so
	// that checkLeaks reports only those the calls left behind.
	ignore goleak.Option
}

// startWatched serves ks (NewServer() if nil). If wrap is not nil, each
// handler gets wrap(ctx) instead of its call's context: tests use it to end
// a call's context at a chosen moment of the handler's work.
func startWatched(t *testing.T, ks *keywords.Server, wrap func(context.Context) context.Context, regOpts ...keywords.RegisterOption) *watched {
	t.Helper()
	if ks == nil {
		ks = keywords.NewServer()
	}
	if wrap == nil {
		wrap = func(ctx context.Context) context.Context { return ctx }
	}
	w := &watched{codes: make(chan codes.Code, 16)}
	unary := func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		ctx, cancel := handlerTimeout(ctx)
		defer cancel()
		resp, err := h(wrap(ctx), req)
		w.codes <- status.Code(err)
		return resp, err
	}
	stream := func(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, h grpc.StreamHandler) error {
		ctx, cancel := handlerTimeout(ss.Context())
		defer cancel()
		err := h(srv, ctxStream{ss, wrap(ctx)})
		w.codes <- status.Code(err)
		return err
	}
	w.srv = bufconntest.Start(t, func(s grpc.ServiceRegistrar) { keywords.Register(s, ks, regOpts...) },
		bufconntest.WithServerOptions(grpc.ChainUnaryInterceptor(unary), grpc.ChainStreamInterceptor(stream)))
	w.client = keywords.NewClient(w.srv.Conn)
	w.pb = keywordsv1.NewKeywordServiceClient(w.srv.Conn)
	// One call first, so that both ends of the connection have started all
	// their goroutines before the snapshot. Blank text takes no slot, so
	// this works whatever slots the test holds.
	if _, err := w.pb.GetKeywords(context.Background(), &keywordsv1.GetKeywordsRequest{}); err != nil {
		t.Fatal(err)
	}
	<-w.codes
	w.ignore = goleak.IgnoreCurrent()
	return w
}

const handlerTimeoutKey = "test-handler-timeout"

// withHandlerTimeout asks a watched server to give the call's handler a
// deadline d from when it starts. Unlike the call's own deadline, it cannot
// pass before the server has read the request (and so before the handler
// and its interceptors run), which makes the handler's code certain:
// DeadlineExceeded, where a client's deadline may reach the server as a
// cancellation.
func withHandlerTimeout(ctx context.Context, d time.Duration) context.Context {
	return metadata.AppendToOutgoingContext(ctx, handlerTimeoutKey, d.String())
}

func handlerTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	if v := metadata.ValueFromIncomingContext(ctx, handlerTimeoutKey); len(v) == 1 {
		if d, err := time.ParseDuration(v[0]); err == nil {
			return context.WithTimeout(ctx, d)
		}
	}
	return ctx, func() {}
}

type ctxStream struct {
	grpc.ServerStream
	ctx context.Context
}

func (s ctxStream) Context() context.Context { return s.ctx }

// handlerCode returns the code of the next handler to return, waiting for
// it: a call whose client gave up (a deadline, say) may still be running.
func (w *watched) handlerCode(t *testing.T) codes.Code {
	t.Helper()
	select {
	case c := <-w.codes:
		return c
	case <-time.After(30 * time.Second): // a bound on failure, not a wait
		t.Fatal("the handler did not return within 30 s")
		return 0
	}
}

// checkHandler asserts that the next handler to return returned one of
// want.
func (w *watched) checkHandler(t *testing.T, want ...codes.Code) {
	t.Helper()
	if got := w.handlerCode(t); !slices.Contains(want, got) {
		t.Errorf("handler returned %v, want %v", got, want)
	}
}

// checkNoHandler asserts that no handler has returned since the last
// check. Call it once the client has its answer: a handler that ran would
// have reported before its status was sent.
func (w *watched) checkNoHandler(t *testing.T) {
	t.Helper()
	select {
	case c := <-w.codes:
		t.Errorf("a handler ran and returned %v, want none to run", c)
	default:
	}
}

// checkLeaks fails the test if a goroutine of a call is left.
func (w *watched) checkLeaks(t *testing.T) {
	t.Helper()
	goleak.VerifyNone(t, w.ignore)
}

// randomWords returns about n bytes of lower-case pseudo-words, the same
// for the same n: text with many distinct candidates, expensive to rank.
func randomWords(n int) string {
	r := rand.New(rand.NewPCG(uint64(n), 7))
	var b strings.Builder
	b.Grow(n + 16)
	for b.Len() < n {
		for range 3 + r.IntN(6) {
			b.WriteByte(byte('a' + r.IntN(26)))
		}
		if r.IntN(12) == 0 {
			b.WriteString(". ")
		} else {
			b.WriteByte(' ')
		}
	}
	return b.String()
}
