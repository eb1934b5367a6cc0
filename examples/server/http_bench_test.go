package main

import (
	"context"
	"io"
	"net/http"
	"testing"

	"connectrpc.com/connect"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/seed717b8fd8/grpcexamples/calculator"
	calculatorv1 "github.com/seed717b8fd8/grpcexamples/pb/calculator/v1"
)

// BenchmarkHTTPCall measures one unary call (calculator Add, over
// loopback TCP, client and server in this process) on the gRPC port and
// through the HTTP port in each protocol, side by side: what the
// transcoder costs per call against the native port.
//
//	go test -run '^$' -bench HTTPCall -benchmem ./examples/server
func BenchmarkHTTPCall(b *testing.B) {
	srv := launchHTTP(b, nil)
	add := &calculatorv1.AddRequest{A: 1, B: 2}
	b.Run("native gRPC", func(b *testing.B) {
		calc := calculator.NewClient(dial(b, srv.addr, grpc.WithTransportCredentials(insecure.NewCredentials())))
		benchCalls(b, func(ctx context.Context) error { _, err := calc.Add(ctx, 1, 2); return err })
	})
	for _, p := range []struct {
		name string
		h2   bool
		opts []connect.ClientOption
	}{
		{"gRPC via HTTP port, HTTP/2", true, []connect.ClientOption{connect.WithGRPC()}},
		{"gRPC-Web, HTTP/2", true, []connect.ClientOption{connect.WithGRPCWeb()}},
		{"Connect proto, HTTP/2", true, nil},
		{"Connect JSON, HTTP/2", true, []connect.ClientOption{connect.WithProtoJSON()}},
		{"Connect JSON, HTTP/1.1", false, []connect.ClientOption{connect.WithProtoJSON()}},
	} {
		b.Run(p.name, func(b *testing.B) {
			hc := h1Client(b)
			if p.h2 {
				hc = h2cClient(b)
			}
			c := connect.NewClient[calculatorv1.AddRequest, calculatorv1.AddResponse](hc, srv.url+"/grpcexamples.calculator.v1.Calculator/Add", p.opts...)
			benchCalls(b, func(ctx context.Context) error { _, err := c.CallUnary(ctx, connect.NewRequest(add)); return err })
		})
	}
	b.Run("REST GET, HTTP/1.1", func(b *testing.B) {
		hc := h1Client(b)
		benchCalls(b, func(ctx context.Context) error {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.url+"/v1/calculator/add?a=1&b=2", nil)
			resp, err := hc.Do(req)
			if err != nil {
				return err
			}
			_, err = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			return err
		})
	})
}

func benchCalls(b *testing.B, call func(context.Context) error) {
	ctx := context.Background()
	if err := call(ctx); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := call(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
