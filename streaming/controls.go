package streaming

import (
	"math"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	streamingv1 "github.com/seed717b8fd8/grpcexamples/pb/streaming/v1"
)

// Limits on the controls of one call (message Controls of
// pb/proto/grpcexamples/streaming/v1/streaming.proto). A control outside
// its limit fails the call with codes.InvalidArgument before anything is
// sent. They are fixed; what the controls ask for together is bounded by
// the server's ceilings, which options change (see [Server]).
const (
	// MaxMessageCount is the largest number of responses a server-streaming
	// call may ask for: enough to exercise flow control and back-pressure,
	// few enough that a call with a short interval ends in seconds.
	MaxMessageCount = 10000

	// MaxInterval is the longest pause before a response. It is longer than
	// most deadlines a test would set, so deadlines and cancellation can be
	// tested, yet bounded so that a forgotten call ends.
	MaxInterval = 10 * time.Second

	// MaxPayloadSize is the largest payload of one response, in bytes (1 MiB).
	// It is a quarter of gRPC's default 4 MiB receive limit, so a response
	// with the largest payload reaches a client with default settings.
	MaxPayloadSize = 1 << 20

	// MaxEchoKeys is the most metadata keys one call may ask to echo. Real
	// requests carry a handful; the bound keeps headers small.
	MaxEchoKeys = 64

	// MaxStatusMessageSize is the most bytes of controls.status_message:
	// 1 KiB, room for any sentence a test wants to see come back. gRPC sends
	// the message percent-encoded in the trailer, at most three bytes for
	// each, so it takes at most 3 KiB there; with the echoed metadata
	// ([MaxEchoMetadataSize]) the trailer stays under 8 KiB, the default
	// metadata limit of gRPC's C core (which Python's grpcio uses) and the
	// header-list limit grpc-go is moving its clients to.
	MaxStatusMessageSize = 1 << 10

	// maxStatusCode is the largest gRPC status code (codes.Unauthenticated).
	maxStatusCode = int32(codes.Unauthenticated)
)

// Controls set how the server behaves for one call. It is the Go form of
// the proto message grpcexamples.streaming.v1.Controls; the zero value means
// one message, no pause, no payload, end with OK and echo no metadata.
// On client-streaming and bidirectional calls the controls travel with the
// first request and apply to the whole call.
//
// The server checks every field, on every kind of call, against its range
// ([MaxMessageCount], [MaxInterval], [MaxPayloadSize], [MaxStatusMessageSize],
// [MaxEchoKeys], [MaxEchoMetadataSize]) and what the fields ask for
// together against the server's ceilings (the options of [NewServer]); a
// value out of range fails the call with codes.InvalidArgument naming the
// field, the value and the limit, before anything is sent. A value too
// large for the proto's int32 fields fails the same way on the client,
// without a call.
type Controls struct {
	// MessageCount is the number of responses of a server-streaming call,
	// 0 to MaxMessageCount; 0 means 1. Other kinds ignore it.
	MessageCount int

	// Interval is the pause before each response, 0 to MaxInterval. It is
	// sent in whole milliseconds (rounded down). On a unary call it delays
	// the answer, response or status; on a client-streaming call it delays
	// the summary. The pauses of a server-streaming call (one per response
	// it sends: MessageCount, or StatusAfter when it ends with a status)
	// must add up to at most the server's call-duration ceiling
	// ([MaxCallDuration] by default), or the call fails with
	// codes.InvalidArgument; so must one pause on other kinds.
	Interval time.Duration

	// PayloadSize is the size in bytes of the payload of each response,
	// 0 to MaxPayloadSize. The payload is that many zero bytes. The
	// client-streaming summary has no payload and ignores it. The responses
	// of a call, len(message) + PayloadSize bytes each, must add up to at
	// most the server's response-byte ceiling ([MaxResponseBytes] by
	// default): a unary or server-streaming request over it fails with
	// codes.InvalidArgument, a bidirectional call ends with
	// codes.ResourceExhausted before the response that would pass it.
	PayloadSize int

	// StatusCode, when not codes.OK, is the status the call ends with, with
	// StatusMessage as its message. See StatusAfter for when. It must be a
	// gRPC code: codes.OK to codes.Unauthenticated (0 to 16).
	StatusCode codes.Code

	// StatusMessage is the message of the status set by StatusCode, at most
	// MaxStatusMessageSize bytes.
	StatusMessage string

	// StatusAfter is when the status of StatusCode ends the call: after
	// this many responses on server-streaming and bidirectional calls (at
	// most MessageCount on server-streaming calls), and once this many
	// requests have been received on client-streaming calls. 0 means at
	// once: before any response (on client-streaming and bidirectional calls,
	// right after the first request, which carries the controls). A stream
	// that ends before that point ends normally. It must not be negative.
	// Unary calls ignore it.
	StatusAfter int

	// EchoMetadata lists request metadata keys (at most MaxEchoKeys) whose
	// values the server copies into both the response header and the
	// trailer. Keys are matched case-insensitively, as gRPC lower-cases
	// them; binary keys (ending in "-bin") work as is. Keys absent from the
	// request are skipped, and so are gRPC's own: pseudo-headers
	// (":authority"), keys starting with "grpc-", and those grpc-go drops
	// from responses (such as "user-agent" and "content-type"). The echoed
	// metadata must measure at most MaxEchoMetadataSize bytes (see there
	// how), or the call fails with codes.InvalidArgument before anything is
	// sent.
	EchoMetadata []string
}

// proto converts c to its wire form. It fails with codes.InvalidArgument
// when a number does not fit the proto's int32 fields, so that it is never
// sent wrapped around.
func (c Controls) proto() (*streamingv1.Controls, error) {
	var err error
	int32Field := func(name string, v int64) int32 {
		if err == nil && (v < math.MinInt32 || v > math.MaxInt32) {
			err = status.Errorf(codes.InvalidArgument,
				"controls.%s = %d does not fit in int32 (%d to %d)", name, v, math.MinInt32, math.MaxInt32)
		}
		return int32(v)
	}
	pc := &streamingv1.Controls{
		MessageCount:  int32Field("message_count", int64(c.MessageCount)),
		IntervalMs:    int32Field("interval_ms", c.Interval.Milliseconds()),
		PayloadSize:   int32Field("payload_size", int64(c.PayloadSize)),
		StatusCode:    int32Field("status_code", int64(c.StatusCode)),
		StatusMessage: c.StatusMessage,
		StatusAfter:   int32Field("status_after", int64(c.StatusAfter)),
		EchoMetadata:  c.EchoMetadata,
	}
	if err != nil {
		return nil, err
	}
	return pc, nil
}

// validate checks c (nil is the zero value) against the limits. For
// server-streaming calls (serverStream true) status_after must also be at
// most the number of responses. The error is a codes.InvalidArgument status
// naming the first field out of range, its value and the limit.
func validate(c *streamingv1.Controls, serverStream bool) error {
	inRange := func(name string, v, lo, hi int64, unit string) error {
		if v < lo || v > hi {
			return status.Errorf(codes.InvalidArgument,
				"controls.%s = %d is out of range: must be %d to %d%s", name, v, lo, hi, unit)
		}
		return nil
	}
	checks := []error{
		inRange("message_count", int64(c.GetMessageCount()), 0, MaxMessageCount, ""),
		inRange("interval_ms", int64(c.GetIntervalMs()), 0, MaxInterval.Milliseconds(), " ms"),
		inRange("payload_size", int64(c.GetPayloadSize()), 0, MaxPayloadSize, " bytes"),
		inRange("status_code", int64(c.GetStatusCode()), 0, int64(maxStatusCode), ""),
		inRange("status_after", int64(c.GetStatusAfter()), 0, math.MaxInt32, ""),
	}
	for _, err := range checks {
		if err != nil {
			return err
		}
	}
	if n := len(c.GetStatusMessage()); n > MaxStatusMessageSize {
		return status.Errorf(codes.InvalidArgument,
			"controls.status_message is %d bytes: at most %d allowed (streaming.MaxStatusMessageSize)", n, MaxStatusMessageSize)
	}
	if n := len(c.GetEchoMetadata()); n > MaxEchoKeys {
		return status.Errorf(codes.InvalidArgument,
			"controls.echo_metadata has %d keys: at most %d allowed", n, MaxEchoKeys)
	}
	if serverStream {
		if after, n := c.GetStatusAfter(), responseCount(c); after > n {
			return status.Errorf(codes.InvalidArgument,
				"controls.status_after = %d is out of range: must be 0 to the number of responses (%d)", after, n)
		}
	}
	return nil
}

// checkPause checks one pause against the call-duration ceiling, for every
// kind of call.
func (s *Server) checkPause(c *streamingv1.Controls) error {
	if d := interval(c); d > s.maxCallDuration {
		return status.Errorf(codes.InvalidArgument,
			"controls.interval_ms = %d is over this server's limit of %v per call (raise it with streaming.WithMaxCallDuration)",
			c.GetIntervalMs(), s.maxCallDuration)
	}
	return nil
}

// checkPayload checks that one payload fits the response-byte ceiling, for
// every kind of call.
func (s *Server) checkPayload(c *streamingv1.Controls) error {
	if n := int64(c.GetPayloadSize()); n > s.maxResponseBytes {
		return status.Errorf(codes.InvalidArgument,
			"controls.payload_size = %d is over this server's limit of %d response bytes per call (raise it with streaming.WithMaxResponseBytes)",
			n, s.maxResponseBytes)
	}
	return nil
}

// checkResponses checks what n responses, each carrying message bytes of
// message and the payload of c, add up to against the call's ceilings:
// their pauses against the call duration, their bytes against the
// response bytes. It is for calls whose responses are known from the
// request: unary (n = 1) and server-streaming.
func (s *Server) checkResponses(c *streamingv1.Controls, n int64, message int) error {
	noun := "responses"
	if n == 1 {
		noun = "response"
	}
	if d := time.Duration(n) * interval(c); d > s.maxCallDuration {
		return status.Errorf(codes.InvalidArgument,
			"controls ask for %d %s with a pause of %d ms before each, %v in all: over this server's limit of %v per call (raise it with streaming.WithMaxCallDuration)",
			n, noun, c.GetIntervalMs(), d, s.maxCallDuration)
	}
	each := int64(message) + int64(c.GetPayloadSize())
	if total := n * each; total > s.maxResponseBytes {
		return status.Errorf(codes.InvalidArgument,
			"controls ask for %d %s of %d bytes (message %d + payload %d), %d bytes in all: over this server's limit of %d response bytes per call (raise it with streaming.WithMaxResponseBytes)",
			n, noun, each, message, c.GetPayloadSize(), total, s.maxResponseBytes)
	}
	return nil
}

// sentResponses is the number of responses a server-streaming call sends:
// status_after when it ends with a status, else message_count (0 means 1).
func sentResponses(c *streamingv1.Controls) int32 {
	if endStatus(c) != nil {
		return c.GetStatusAfter()
	}
	return responseCount(c)
}

// responseCount is the number of responses of a server-streaming call:
// message_count, where 0 means 1.
func responseCount(c *streamingv1.Controls) int32 {
	return max(1, c.GetMessageCount())
}

// endStatus is the status the controls ask the call to end with, or nil
// for OK.
func endStatus(c *streamingv1.Controls) error {
	if c.GetStatusCode() == int32(codes.OK) {
		return nil
	}
	return status.Error(codes.Code(c.GetStatusCode()), c.GetStatusMessage())
}
