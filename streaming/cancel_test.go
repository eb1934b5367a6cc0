package streaming_test

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"go.uber.org/goleak"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/seed717b8fd8/grpcexamples/bufconntest"
	"github.com/seed717b8fd8/grpcexamples/streaming"
)

// watched is a server whose interceptors report when a handler starts and
// with which code it returns.
type watched struct {
	client  *streaming.Client
	started chan struct{}
	done    chan codes.Code
	// ignore lists the goroutines running once the server is ready, so
	// that goleak.VerifyNone(t, w.ignore) reports only those of the calls.
	ignore goleak.Option
}

func startWatched(t *testing.T) *watched {
	t.Helper()
	w := &watched{started: make(chan struct{}, 1), done: make(chan codes.Code, 1)}
	unary := func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		w.started <- struct{}{}
		resp, err := h(ctx, req)
		w.done <- status.Code(err)
		return resp, err
	}
	stream := func(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, h grpc.StreamHandler) error {
		w.started <- struct{}{}
		err := h(srv, ss)
		w.done <- status.Code(err)
		return err
	}
	srv := bufconntest.Start(t, func(s grpc.ServiceRegistrar) {
		streaming.Register(s, streaming.NewServer())
	}, bufconntest.WithServerOptions(grpc.ChainUnaryInterceptor(unary), grpc.ChainStreamInterceptor(stream)))
	w.client = streaming.NewClient(srv.Conn)
	// One call first, so that both ends of the connection have started all
	// their goroutines (the server's start just after the client sees the
	// connection ready) before the snapshot.
	if _, err := w.client.Unary(testContext(t), "warm up", streaming.Controls{}); err != nil {
		t.Fatal(err)
	}
	<-w.started
	<-w.done
	w.ignore = goleak.IgnoreCurrent()
	return w
}

// slow asks for the longest pause, so that a call that waited it out
// would take 10 s.
var slow = streaming.Controls{Interval: streaming.MaxInterval, MessageCount: 2}

// callSlow makes one slow call of the given kind and returns its error.
func callSlow(t *testing.T, ctx context.Context, c *streaming.Client, kind string) error {
	t.Helper()
	switch kind {
	case "unary":
		_, err := c.Unary(ctx, "m", slow)
		return err
	case "server stream":
		got, err := collect(t, c.ServerStream(ctx, "m", slow))
		if len(got) != 0 {
			t.Errorf("got %d responses, want none", len(got))
		}
		return err
	case "client stream":
		s, err := c.ClientStream(ctx, slow)
		if err != nil {
			return err
		}
		if err := s.Send("m", nil); err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		_, err = s.CloseAndReceive()
		return err
	case "bidi stream":
		b, err := c.BidiStream(ctx, slow)
		if err != nil {
			return err
		}
		if err := b.Send("m", nil); err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		_, err = b.Receive()
		return err
	}
	t.Fatalf("unknown kind %q", kind)
	return nil
}

var kinds = []string{"unary", "server stream", "client stream", "bidi stream"}

// TestDeadline and TestCancel check that every method stops during its
// 10 s pause when the call's deadline passes or it is cancelled: the client
// gets the context's code, the handler returns with Canceled or
// DeadlineExceeded, and no goroutine of the call is left (goleak gives up
// after about 2 s, well before the pause would end). The test takes
// milliseconds, not seconds.
func TestDeadline(t *testing.T) {
	for _, kind := range kinds {
		t.Run(kind, func(t *testing.T) {
			w := startWatched(t)
			ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
			defer cancel()
			err := callSlow(t, ctx, w.client, kind)
			if status.Code(err) != codes.DeadlineExceeded {
				t.Fatalf("error = %v, want DeadlineExceeded", err)
			}
			w.check(t)
		})
	}
}

func TestCancel(t *testing.T) {
	for _, kind := range kinds {
		t.Run(kind, func(t *testing.T) {
			w := startWatched(t)
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			// Cancel once the handler runs, after a moment to let it reach
			// its pause.
			go func() {
				<-w.started
				time.Sleep(50 * time.Millisecond)
				cancel()
			}()
			err := callSlow(t, ctx, w.client, kind)
			if status.Code(err) != codes.Canceled {
				t.Fatalf("error = %v, want Canceled", err)
			}
			w.check(t)
		})
	}
}

// check verifies that no goroutine of the call is left and that the
// handler, if the call reached it, ended with the context's code.
func (w *watched) check(t *testing.T) {
	t.Helper()
	goleak.VerifyNone(t, w.ignore)
	select {
	case code := <-w.done:
		if code != codes.Canceled && code != codes.DeadlineExceeded {
			t.Errorf("handler returned %v, want Canceled or DeadlineExceeded", code)
		}
	default:
		// The deadline passed before the request reached the server.
	}
}

// TestServerStreamBreak checks that breaking out of the range loop cancels
// the call, so that neither the client nor the server keeps a goroutine.
func TestServerStreamBreak(t *testing.T) {
	tests := []struct {
		name string
		ctl  streaming.Controls
	}{
		{"while the server sends", streaming.Controls{MessageCount: streaming.MaxMessageCount, PayloadSize: 1 << 10}},
		{"while the server pauses", streaming.Controls{MessageCount: streaming.MaxMessageCount, Interval: time.Millisecond}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := startWatched(t)
			n := 0
			for _, err := range w.client.ServerStream(testContext(t), "m", tt.ctl) {
				if err != nil {
					t.Fatal(err)
				}
				if n++; n == 1 {
					break
				}
			}
			goleak.VerifyNone(t, w.ignore)
			if code := <-w.done; code != codes.Canceled {
				t.Errorf("handler returned %v, want Canceled", code)
			}
		})
	}
}
