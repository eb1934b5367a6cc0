package main

import (
	"net"
	"strings"
	"testing"

	"go.uber.org/goleak"
	"google.golang.org/grpc"

	"github.com/seed717b8fd8/grpcexamples/streaming"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// serve starts a StreamingService on a loopback port, as the replicas
// behind the proxy run it, and returns its address.
func serve(t *testing.T) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := grpc.NewServer()
	streaming.Register(s, streaming.NewServer())
	go s.Serve(lis)
	t.Cleanup(s.Stop)
	return lis.Addr().String()
}

func TestLoadPassesAgainstAHealthyServer(t *testing.T) {
	if err := run([]string{"-addr", serve(t), "load", "-max", "300ms"}); err != nil {
		t.Fatal(err)
	}
}

func TestLoadFailsWhenCallsFail(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := lis.Addr().String()
	lis.Close() // nothing listens there: every call fails
	if err := run([]string{"-addr", addr, "load", "-max", "100ms"}); err == nil {
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
