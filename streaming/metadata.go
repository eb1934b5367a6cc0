package streaming

import (
	"context"
	"encoding/base64"
	"slices"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	streamingv1 "github.com/seed717b8fd8/grpcexamples/pb/streaming/v1"
)

// MaxEchoMetadataSize is the most bytes of metadata one call may have
// echoed: 4 KiB, measured as HTTP/2 measures a header list (RFC 9113,
// section 6.5.2): for each echoed value, len(key) + the length of the value
// as sent + 32, where a binary ("-bin") value is sent base64-encoded.
// The 32 bytes per value count the cost of a value even when it is empty,
// so that many small values cannot add up unseen. The echo goes out twice,
// in the header and in the trailer; 4 KiB there, plus at most 3 KiB of
// status message ([MaxStatusMessageSize]), keeps the trailer under the
// 8 KiB metadata limit of gRPC's C core and of grpc-go's coming default.
// Real echo keys (a request or trace id) take well under 100 bytes each.
// Past it the call fails with codes.InvalidArgument before anything is sent.
const MaxEchoMetadataSize = 4 << 10

// echoMetadata returns the values of the incoming metadata of ctx under
// keys, lower-cased as gRPC keeps them. Keys absent from the request are
// left out, and so are pseudo-headers (":authority") and "grpc-" keys:
// those belong to the transport, and echoing one (say
// grpc-status-details-bin) could change how the client reads the status.
// It fails with codes.InvalidArgument when the result measures more than
// [MaxEchoMetadataSize].
func echoMetadata(ctx context.Context, keys []string) (metadata.MD, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	in, _ := metadata.FromIncomingContext(ctx)
	out := metadata.MD{}
	size := 0
	for _, k := range keys {
		k = strings.ToLower(k)
		if strings.HasPrefix(k, ":") || strings.HasPrefix(k, "grpc-") {
			continue
		}
		if _, dup := out[k]; dup {
			continue
		}
		v := in[k]
		if len(v) == 0 {
			continue
		}
		for _, s := range v {
			size += len(k) + wireLen(k, s) + 32
		}
		if size > MaxEchoMetadataSize {
			return nil, status.Errorf(codes.InvalidArgument,
				"echoed metadata measures %d bytes or more by key %q (len(key) + len(value) + 32 per value, binary values base64-encoded): at most %d allowed (streaming.MaxEchoMetadataSize)",
				size, k, MaxEchoMetadataSize)
		}
		out[k] = slices.Clone(v)
	}
	return out, nil
}

// wireLen is the length of the value v of key k as gRPC sends it: binary
// values base64-encoded without padding, others as they are.
func wireLen(k, v string) int {
	if strings.HasSuffix(k, "-bin") {
		return base64.RawStdEncoding.EncodedLen(len(v))
	}
	return len(v)
}

// sendEcho sends the metadata that c asks to echo as the header of stream
// at once, before the first response, so that a client can read it while
// the call goes on (a client-streaming client, say, before it closes), and
// sets it in the trailer.
func sendEcho(stream grpc.ServerStream, c *streamingv1.Controls) error {
	md, err := echoMetadata(stream.Context(), c.GetEchoMetadata())
	if err != nil || len(md) == 0 {
		return err
	}
	if err := stream.SendHeader(md); err != nil {
		return streamErr(stream.Context(), err)
	}
	stream.SetTrailer(md)
	return nil
}

// sendUnaryEcho is sendEcho for a unary call.
func sendUnaryEcho(ctx context.Context, c *streamingv1.Controls) error {
	md, err := echoMetadata(ctx, c.GetEchoMetadata())
	if err != nil || len(md) == 0 {
		return err
	}
	if err := grpc.SendHeader(ctx, md); err != nil {
		return streamErr(ctx, err)
	}
	return grpc.SetTrailer(ctx, md)
}
