package streaming

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"

	"github.com/seed717b8fd8/grpcexamples/internal/rpcerr"
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
			return nil, rpcerr.InvalidArgument("controls.echo_metadata", "ECHO_METADATA_TOO_LARGE",
				rpcerr.Meta("sizeBytes", size, "limitBytes", MaxEchoMetadataSize),
				"echoed metadata measures %d bytes or more by key %s (len(key) + len(value) + 32 per value, binary values base64-encoded): at most %d allowed (streaming.MaxEchoMetadataSize)",
				size, quoteKey(k), MaxEchoMetadataSize)
		}
		out[k] = slices.Clone(v)
	}
	return out, nil
}

// maxQuotedKey is how much of a metadata key a status message quotes. A
// key is bounded only by the host's header-list limit (16 MiB by default
// in grpc-go), and the message travels back in a trailer.
const maxQuotedKey = 64

// quoteKey quotes k as %q does, cut to maxQuotedKey bytes with its full
// length noted when longer.
func quoteKey(k string) string {
	if len(k) <= maxQuotedKey {
		return strconv.Quote(k)
	}
	return fmt.Sprintf("%q... (%d bytes)", k[:maxQuotedKey], len(k))
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

// failAttempt ends an attempt that fails (see failedAttempt) with its
// status failed, after setting the metadata c asks to echo in the trailer
// only: a header would commit the call, and the client would not retry it.
func failAttempt(ctx context.Context, c *streamingv1.Controls, failed error, setTrailer func(metadata.MD) error) error {
	md, err := echoMetadata(ctx, c.GetEchoMetadata())
	if err != nil {
		return err
	}
	if len(md) > 0 {
		if err := setTrailer(md); err != nil {
			return streamErr(ctx, err)
		}
	}
	return failed
}

// setTrailer adapts a stream's SetTrailer to failAttempt.
func setTrailer(stream grpc.ServerStream) func(metadata.MD) error {
	return func(md metadata.MD) error {
		stream.SetTrailer(md)
		return nil
	}
}
