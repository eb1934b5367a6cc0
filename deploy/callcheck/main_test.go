package main

import (
	"context"
	"net"
	"strings"
	"sync/atomic"
	"testing"

	"go.uber.org/goleak"
	"google.golang.org/grpc"
	"google.golang.org/grpc/stats"

	"github.com/seed717b8fd8/grpcexamples/greeter"
	"github.com/seed717b8fd8/grpcexamples/streaming"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// serve starts a Greeter and a StreamingService on a loopback port, as a
// replica runs them, and returns its address.
func serve(t *testing.T) string {
	t.Helper()
	addr, _ := serveCounting(t)
	return addr
}

// serveCounting is serve, with a count of the unary calls the server got.
func serveCounting(t *testing.T) (string, *atomic.Int64) {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	calls := new(atomic.Int64)
	s := grpc.NewServer(grpc.UnaryInterceptor(func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		calls.Add(1)
		return h(ctx, req)
	}))
	greeter.Register(s, greeter.NewServer())
	streaming.Register(s, streaming.NewServer())
	go s.Serve(lis)
	t.Cleanup(s.Stop)
	return lis.Addr().String(), calls
}

func TestUnaryPassesAgainstAHealthyServer(t *testing.T) {
	addr, calls := serveCounting(t)
	if err := run([]string{"-addr", addr, "unary", "-rate", "200", "-c", "4", "-duration", "250ms"}); err != nil {
		t.Fatal(err)
	}
	// 200 a second for 250 ms: 50 calls, the first at once.
	if n := calls.Load(); n != 50 {
		t.Errorf("the server got %d calls, want 50", n)
	}
}

func TestUnaryFailsWhenCallsFail(t *testing.T) {
	err := run([]string{"-addr", closedAddr(t), "unary", "-rate", "100", "-duration", "100ms"})
	if err == nil || !strings.Contains(err.Error(), "unary calls failed") {
		t.Fatalf("unary with no server: %v, want a failure", err)
	}
}

func TestUnaryRejectsFlagsOutOfRange(t *testing.T) {
	addr := serve(t)
	for _, args := range [][]string{
		{"-rate", "0"}, {"-rate", "100001"}, {"-c", "0"}, {"-c", "1001"}, {"-duration", "0s"}, {"-duration", "11m"},
	} {
		err := run(append([]string{"-addr", addr, "unary"}, args...))
		if err == nil || !strings.Contains(err.Error(), "out of range") {
			t.Errorf("unary %v: %v, want an out-of-range error", args, err)
		}
	}
}

// TestAnAddressListIsBalanced: with several addresses the calls spread
// over every replica (round_robin), not one.
func TestAnAddressListIsBalanced(t *testing.T) {
	a, aCalls := serveCounting(t)
	b, bCalls := serveCounting(t)
	if err := run([]string{"-addr", a + "," + b, "unary", "-rate", "400", "-c", "2", "-duration", "250ms"}); err != nil {
		t.Fatal(err)
	}
	if aCalls.Load() == 0 || bCalls.Load() == 0 || aCalls.Load()+bCalls.Load() != 100 {
		t.Errorf("calls per replica: %d and %d; want 100 in all, spread over both", aCalls.Load(), bCalls.Load())
	}
	if err := run([]string{"-addr", a + "," + a, "unary"}); err == nil {
		t.Error("an address listed twice was accepted")
	}
}

// closedAddr is a loopback address nothing listens on.
func closedAddr(t *testing.T) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := lis.Addr().String()
	lis.Close()
	return addr
}

func TestLoadPassesAgainstAHealthyServer(t *testing.T) {
	if err := run([]string{"-addr", serve(t), "load", "-max", "300ms"}); err != nil {
		t.Fatal(err)
	}
}

func TestLoadFailsWhenCallsFail(t *testing.T) {
	if err := run([]string{"-addr", closedAddr(t), "load", "-max", "100ms"}); err == nil {
		t.Fatal("load passed with no server")
	}
}

func TestLong(t *testing.T) {
	addr := serve(t)
	if err := run([]string{"-addr", addr, "long", "-count", "3", "-interval", "1ms", "-expect", "OK"}); err != nil {
		t.Fatal(err)
	}
	err := run([]string{"-addr", addr, "long", "-count", "3", "-interval", "1ms", "-expect", "Internal"})
	if err == nil || !strings.Contains(err.Error(), "ended with OK, want Internal") {
		t.Fatalf("-expect Internal on a stream that ends with OK: %v, want a failure naming both codes", err)
	}
	if err := run([]string{"-addr", addr, "long", "-expect", "Nope"}); err == nil {
		t.Fatal("-expect Nope was accepted")
	}
}

// TestRetryCountCountsOnlyTransparentRetries: a first attempt is not a
// retry; an attempt grpc-go marks as a transparent retry is.
func TestRetryCountCountsOnlyTransparentRetries(t *testing.T) {
	r := new(retryCount)
	ctx := t.Context()
	r.HandleRPC(ctx, &stats.Begin{Client: true})
	r.HandleRPC(ctx, &stats.Begin{Client: true, IsTransparentRetryAttempt: true})
	r.HandleRPC(ctx, &stats.End{Client: true})
	if n := r.n.Load(); n != 1 {
		t.Errorf("retryCount after a first attempt and one transparent retry: %d, want 1", n)
	}
}
