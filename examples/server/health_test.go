package main

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"

	"github.com/seed717b8fd8/grpcexamples/bufconntest"
	calculatorv1 "github.com/seed717b8fd8/grpcexamples/pb/calculator/v1"
)

func TestHealthNotFound(t *testing.T) {
	cc, _, _, _ := startServer(t)
	hc := healthpb.NewHealthClient(cc)
	ctx := t.Context()
	for _, name := range []string{"", calculatorv1.Calculator_ServiceDesc.ServiceName} {
		resp, err := hc.Check(ctx, &healthpb.HealthCheckRequest{Service: name})
		if err != nil || resp.GetStatus() != healthpb.HealthCheckResponse_SERVING {
			t.Errorf("Check(%q) = %v, %v; want SERVING", name, resp.GetStatus(), err)
		}
		w, err := hc.Watch(ctx, &healthpb.HealthCheckRequest{Service: name})
		if err == nil {
			var resp *healthpb.HealthCheckResponse
			resp, err = w.Recv()
			if resp.GetStatus() != healthpb.HealthCheckResponse_SERVING {
				t.Errorf("Watch(%q) = %v, %v; want SERVING", name, resp.GetStatus(), err)
			}
		}
	}
	for _, name := range []string{"nope", "grpcexamples.calculator.v1.calculator", strings.Repeat("x", 1<<20)} {
		_, err := hc.Check(ctx, &healthpb.HealthCheckRequest{Service: name})
		if status.Code(err) != codes.NotFound || len(status.Convert(err).Message()) > 256 {
			t.Errorf("Check of a name of %d bytes not served: %v; want a short NotFound", len(name), err)
		}
		w, err := hc.Watch(ctx, &healthpb.HealthCheckRequest{Service: name})
		if err == nil {
			_, err = w.Recv()
		}
		if status.Code(err) != codes.NotFound || !strings.Contains(status.Convert(err).Message(), fmt.Sprintf("(%d bytes)", len(name))) {
			t.Errorf("Watch of a name of %d bytes not served: %v; want NotFound", len(name), err)
		}
	}
}

// watchNames opens n Watch calls for distinct names of size bytes each,
// one after another; each ends when its first answer arrives, or its
// error. It returns the statuses seen, by code.
func watchNames(t *testing.T, cc grpc.ClientConnInterface, n, size int) map[codes.Code]int {
	t.Helper()
	hc := healthpb.NewHealthClient(cc)
	codesSeen := map[codes.Code]int{}
	for i := range n {
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		name := fmt.Sprintf("%08d", i) + strings.Repeat("n", size-8)
		w, err := hc.Watch(ctx, &healthpb.HealthCheckRequest{Service: name})
		if err == nil {
			_, err = w.Recv()
		}
		cancel()
		codesSeen[status.Code(err)]++
	}
	return codesSeen
}

// liveHeap returns the bytes of live heap after garbage collections.
func liveHeap() uint64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// heapSettles returns the live heap once it is at most limit bytes, or
// the last figure after 10 s: a handler may still be returning when the
// client has its answer.
func heapSettles(limit uint64) uint64 {
	deadline := time.Now().Add(10 * time.Second)
	for {
		if h := liveHeap(); h <= limit || time.Now().After(deadline) {
			return h
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// The names the two tests below send: 300 of 128 KiB, 37.5 MiB in all.
// What the server keeps of them must stay under an eighth of that.
const (
	watchCount     = 300
	watchNameBytes = 128 << 10
	watchKeptBytes = watchCount * watchNameBytes / 8
)

// TestHealthWatchKeepsNoName is the regression test of grpc-go's health
// Watch leak (fixed in v1.85.0: before, every name ever watched stayed in
// the health server's map for the life of the process, 2 GB after 2,000
// calls of 1 MiB names). It runs grpc-go's own health server, as a host
// mounting it would, watches 300 distinct long names, and checks the heap
// comes back to where it started.
func TestHealthWatchKeepsNoName(t *testing.T) {
	srv := bufconntest.Start(t, func(s grpc.ServiceRegistrar) {
		healthpb.RegisterHealthServer(s, health.NewServer())
	}, bufconntest.WithServerOptions(grpc.MaxRecvMsgSize(2*watchNameBytes)))
	watchNames(t, srv.Conn, 1, watchNameBytes) // connection and buffers warm
	base := liveHeap()
	got := watchNames(t, srv.Conn, watchCount, watchNameBytes)
	if got[codes.DeadlineExceeded] != 0 || got[codes.OK] != watchCount {
		t.Fatalf("Watch results by code: %v; want %d SERVICE_UNKNOWN answers", got, watchCount)
	}
	if after := heapSettles(base + watchKeptBytes); after > base+watchKeptBytes {
		t.Errorf("heap %d MiB after %d Watches of %d KiB names, %d MiB before: grpc-go's health server keeps the names",
			after>>20, watchCount, watchNameBytes>>10, base>>20)
	}
}

// TestHealthWatchNotServed is the same against this server's health,
// which answers NotFound and keeps nothing.
func TestHealthWatchNotServed(t *testing.T) {
	cc, _, _, _ := startServer(t)
	watchNames(t, cc, 1, watchNameBytes)
	base := liveHeap()
	got := watchNames(t, cc, watchCount, watchNameBytes)
	if got[codes.NotFound] != watchCount {
		t.Fatalf("Watch results by code: %v; want %d NotFound", got, watchCount)
	}
	if after := heapSettles(base + watchKeptBytes); after > base+watchKeptBytes {
		t.Errorf("heap %d MiB after %d Watches of %d KiB names, %d MiB before", after>>20, watchCount, watchNameBytes>>10, base>>20)
	}
}
