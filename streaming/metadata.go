package streaming

import (
	"context"
	"slices"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"

	streamingv1 "github.com/seed717b8fd8/grpcexamples/pb/streaming/v1"
)

// echoMetadata returns the values of the incoming metadata of ctx under
// keys, lower-cased as gRPC keeps them. Keys absent from the request are
// left out, and so are pseudo-headers (":authority") and "grpc-" keys:
// those belong to the transport, and echoing one (say
// grpc-status-details-bin) could change how the client reads the status.
func echoMetadata(ctx context.Context, keys []string) metadata.MD {
	if len(keys) == 0 {
		return nil
	}
	in, _ := metadata.FromIncomingContext(ctx)
	out := metadata.MD{}
	for _, k := range keys {
		k = strings.ToLower(k)
		if strings.HasPrefix(k, ":") || strings.HasPrefix(k, "grpc-") {
			continue
		}
		if v := in[k]; len(v) > 0 {
			out[k] = slices.Clone(v)
		}
	}
	return out
}

// sendEcho sends the metadata that c asks to echo as the header of stream
// at once, before the first response, so that a client can read it while
// the call goes on (a client-streaming client, say, before it closes), and
// sets it in the trailer.
func sendEcho(stream grpc.ServerStream, c *streamingv1.Controls) error {
	md := echoMetadata(stream.Context(), c.GetEchoMetadata())
	if len(md) == 0 {
		return nil
	}
	if err := stream.SendHeader(md); err != nil {
		return streamErr(stream.Context(), err)
	}
	stream.SetTrailer(md)
	return nil
}

// sendUnaryEcho is sendEcho for a unary call.
func sendUnaryEcho(ctx context.Context, c *streamingv1.Controls) error {
	md := echoMetadata(ctx, c.GetEchoMetadata())
	if len(md) == 0 {
		return nil
	}
	if err := grpc.SendHeader(ctx, md); err != nil {
		return streamErr(ctx, err)
	}
	return grpc.SetTrailer(ctx, md)
}
