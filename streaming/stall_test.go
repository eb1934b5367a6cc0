package streaming_test

import (
	"context"
	"runtime"
	"sync/atomic"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/seed717b8fd8/grpcexamples/bufconntest"
	streamingv1 "github.com/seed717b8fd8/grpcexamples/pb/streaming/v1"
	"github.com/seed717b8fd8/grpcexamples/streaming"
)

// sendCounter wraps a server stream to report its Sends: entered receives
// the 1-based number of each Send as it starts, and sent counts those that
// returned without error.
type sendCounter struct {
	grpc.ServerStream
	entered chan<- int
	n       int
	sent    *atomic.Int64
}

func (s *sendCounter) SendMsg(m any) error {
	s.n++
	s.entered <- s.n
	err := s.ServerStream.SendMsg(m)
	if err == nil {
		s.sent.Add(1)
	}
	return err
}

// liveHeap is the bytes of live heap objects, after the collector has run
// twice so that sync.Pool caches (grpc-go keeps its buffers in such pools)
// are emptied.
func liveHeap() int64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}

// TestStalledServerStreamsHoldBoundedMemory proves the bound documented on
// Server: a server-streaming call whose client does not read holds at most
// two responses on the server, the one gRPC is writing (held whole until
// the client's flow-control window lets all of it out) and the one Send is
// blocked on, plus the window's worth of bytes on their way. N calls of the
// largest payload are opened by clients that never read; once each call's
// second Send has started (the first having returned), the live heap of
// the whole process (server and in-memory clients) must have grown by at
// most N × (2 × payload + window), with a quarter more for bookkeeping.
// Before the payload was shared across calls it was three payloads per
// call, which this bound rejects. The clients then cancel, and each call
// must have completed exactly one Send: the second stayed blocked.
//
// The clients' window is fixed at grpc-go's initial 64 KiB. By default a
// grpc-go client grows it by bandwidth estimation (up to 16 MiB), which
// lets more bytes out to the client without changing what the server holds
// per call; a fixed window keeps the measurement exact.
func TestStalledServerStreamsHoldBoundedMemory(t *testing.T) {
	const (
		n       = 16
		payload = streaming.MaxPayloadSize
		window  = 64 << 10
	)
	entered := make(chan int, 4*n)
	ended := make(chan codes.Code, n)
	var sent atomic.Int64
	count := func(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, h grpc.StreamHandler) error {
		err := h(srv, &sendCounter{ServerStream: ss, entered: entered, sent: &sent})
		ended <- status.Code(err)
		return err
	}
	srv := bufconntest.Start(t, func(s grpc.ServiceRegistrar) {
		streaming.Register(s, streaming.NewServer())
	},
		bufconntest.WithServerOptions(grpc.ChainStreamInterceptor(count)),
		bufconntest.WithDialOptions(grpc.WithInitialWindowSize(window), grpc.WithInitialConnWindowSize(window)))
	pb := streamingv1.NewStreamingServiceClient(srv.Conn)

	before := liveHeap()
	ctx, cancel := context.WithCancel(testContext(t))
	defer cancel()
	// 64 responses of 1 MiB: the most the default byte ceiling allows.
	req := &streamingv1.ServerStreamRequest{Controls: &streamingv1.Controls{MessageCount: 64, PayloadSize: payload}}
	for range n {
		if _, err := pb.ServerStream(ctx, req); err != nil {
			t.Fatal(err)
		}
	}
	for blocked := 0; blocked < n; {
		select {
		case i := <-entered:
			if i == 2 {
				blocked++
			}
		case <-ctx.Done():
			t.Fatalf("only %d of %d calls reached their second Send", blocked, n)
		}
	}
	grown := liveHeap() - before
	limit := int64(n) * (2*payload + window) * 5 / 4
	t.Logf("%d stalled calls of %d-byte responses: live heap grew by %.2f MiB, %.2f MiB per call (bound %.2f MiB per call)",
		n, payload, float64(grown)/(1<<20), float64(grown)/n/(1<<20), float64(limit)/n/(1<<20))
	if grown > limit {
		t.Errorf("live heap grew by %d bytes for %d stalled calls, want at most %d", grown, n, limit)
	}

	cancel()
	for range n {
		if code := <-ended; code != codes.Canceled {
			t.Errorf("handler returned %v, want Canceled", code)
		}
	}
	if got := sent.Load(); got != n {
		t.Errorf("%d Sends completed over %d calls whose client never read, want %d (one each)", got, n, n)
	}
}
