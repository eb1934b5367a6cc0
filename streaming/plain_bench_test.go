package streaming_test

import (
	"context"
	"testing"

	"google.golang.org/grpc"

	"github.com/seed717b8fd8/grpcexamples/bufconntest"
	streamingv1 "github.com/seed717b8fd8/grpcexamples/pb/streaming/v1"
	"github.com/seed717b8fd8/grpcexamples/streaming"
)

// plainStreaming is the least a ServerStream handler can be: generated
// code's interface, no ceilings, no validation.
type plainStreaming struct {
	streamingv1.UnimplementedStreamingServiceServer
}

func (plainStreaming) ServerStream(req *streamingv1.ServerStreamRequest, stream grpc.ServerStreamingServer[streamingv1.ServerStreamResponse]) error {
	for i := range req.GetControls().GetMessageCount() {
		if err := stream.Send(&streamingv1.ServerStreamResponse{Message: req.GetMessage(), Sequence: i + 1}); err != nil {
			return err
		}
	}
	return nil
}

// BenchmarkServerStreamCall measures one server-streaming call of 3 small
// responses over bufconn, through this package's Server and through a
// plain handler of the same method, so that -benchmem shows what the
// Server's ceilings (call duration, concurrent calls, response bytes)
// cost per call in allocations.
func BenchmarkServerStreamCall(b *testing.B) {
	for _, c := range []struct {
		name string
		srv  streamingv1.StreamingServiceServer
	}{
		{"plain", plainStreaming{}},
		{"streaming.Server", streaming.NewServer()},
	} {
		b.Run(c.name, func(b *testing.B) {
			ts := bufconntest.Start(b, func(s grpc.ServiceRegistrar) { streamingv1.RegisterStreamingServiceServer(s, c.srv) })
			cl := streaming.NewClient(ts.Conn)
			b.ReportAllocs()
			for b.Loop() {
				n := 0
				for _, err := range cl.ServerStream(context.Background(), "tick", streaming.Controls{MessageCount: 3}) {
					if err != nil {
						b.Fatal(err)
					}
					n++
				}
				if n != 3 {
					b.Fatalf("%d responses, want 3", n)
				}
			}
		})
	}
}
