package main

import (
	"context"
	"net"
	"strings"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/encoding/gzip"
	"google.golang.org/grpc/status"

	"github.com/seed717b8fd8/grpcexamples/calculator"
	"github.com/seed717b8fd8/grpcexamples/greeter"
	"github.com/seed717b8fd8/grpcexamples/keywords"
	"github.com/seed717b8fd8/grpcexamples/streaming"
)

// startBare serves the four services on a grpc.NewServer() with no
// options, the baseline of BenchmarkPaths, and returns its address.
func startBare(b *testing.B) string {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	s := grpc.NewServer()
	calculator.Register(s, calculator.NewServer())
	greeter.Register(s, greeter.NewServer())
	keywords.Register(s, keywords.NewServer())
	streaming.Register(s, streaming.NewServer())
	go s.Serve(lis)
	b.Cleanup(s.Stop)
	return lis.Addr().String()
}

// BenchmarkPaths measures a call of each path through examples/server with
// its default flags and through a bare grpc.NewServer() with the same
// services, client and server in this process over loopback TCP:
//
//   - unary: calculator Add;
//   - server-stream: streaming ServerStream of 3 messages;
//   - gzip-1MiB: a greeter call whose name is 1 MiB of one letter, about
//     1 KiB gzipped on the wire: the server unpacks it whole (it is under
//     -max-recv-bytes) before greeter refuses it with InvalidArgument, the
//     cost a caller can buy with 1 KiB because the server accepts gzip.
//
// Allocations are the client's and the server's together; the server's
// instructions alone, bare against examples/server, are what
// tools/servercost measures.
//
//	go test -run '^$' -bench Paths -benchmem ./examples/server
func BenchmarkPaths(b *testing.B) {
	servers := []struct {
		name  string
		start func(*testing.B) string
	}{
		{"bare", startBare},
		{"server", func(b *testing.B) string { return launch(b, launchOpts{}).addr }},
	}
	bigName := strings.Repeat("n", 1<<20)
	for _, srv := range servers {
		b.Run(srv.name+"/unary", func(b *testing.B) {
			calc := calculator.NewClient(dial(b, srv.start(b), grpc.WithTransportCredentials(insecure.NewCredentials())))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := calc.Add(context.Background(), 1, 2); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(srv.name+"/server-stream", func(b *testing.B) {
			st := streaming.NewClient(dial(b, srv.start(b), grpc.WithTransportCredentials(insecure.NewCredentials())))
			b.ReportAllocs()
			for b.Loop() {
				for _, err := range st.ServerStream(context.Background(), "tick", streaming.Controls{MessageCount: 3}) {
					if err != nil {
						b.Fatal(err)
					}
				}
			}
		})
		b.Run(srv.name+"/gzip-1MiB", func(b *testing.B) {
			g := greeter.NewClient(dial(b, srv.start(b), grpc.WithTransportCredentials(insecure.NewCredentials()),
				grpc.WithDefaultCallOptions(grpc.UseCompressor(gzip.Name))))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := g.SayHello(context.Background(), bigName); status.Code(err) != codes.InvalidArgument {
					b.Fatalf("SayHello of a 1 MiB name: %v, want InvalidArgument", err)
				}
			}
		})
	}
}
