package streaming

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/seed717b8fd8/grpcexamples/internal/rpcerr"
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

	// MaxFailFirstAttempts is the most attempts controls.fail_first_attempts
	// may fail: 10. gRPC clients make at most 5 attempts of a call (gRFC A6
	// caps a retry or hedging policy's maxAttempts at 5), so 10 covers a
	// call that fails more often than any client retries, and a failed
	// attempt costs the server one refused call and no state.
	MaxFailFirstAttempts = 10

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
// [MaxFailFirstAttempts], [MaxEchoKeys], [MaxEchoMetadataSize]) and what
// the fields ask for together against the server's ceilings (the options of [NewServer]); a
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

	// FailFirstAttempts, when not 0, makes the first FailFirstAttempts
	// attempts of a call fail, so that a client's retry (or hedging)
	// policy can be seen at work; 0 to MaxFailFirstAttempts. The server
	// keeps no state: it reads the grpc-previous-rpc-attempts request
	// header, which gRPC clients send on every attempt after the first
	// ("1" on the second attempt, absent on the first). While that count
	// is below FailFirstAttempts the attempt fails at once, before sending
	// a header or a message (after the first request on client-streaming
	// and bidirectional calls), with StatusCode and StatusMessage; the
	// echoed metadata then goes in the trailer only, since a header would
	// commit the call and stop the client from retrying. Later attempts
	// run as if StatusCode were codes.OK. With FailFirstAttempts set,
	// StatusCode must not be codes.OK and StatusAfter must be 0, or the
	// call fails with codes.InvalidArgument; so does a
	// grpc-previous-rpc-attempts header that is not a count (a decimal
	// integer from 0).
	//
	// A retry policy retries only the codes it lists
	// (retryableStatusCodes), so FailFirstAttempts: 2 with
	// codes.Unavailable succeeds on the third attempt of a client that
	// retries Unavailable up to maxAttempts 3 or more, and fails with
	// Unavailable on the first attempt of a client that does not.
	FailFirstAttempts int

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
// (reason CONTROL_OUT_OF_RANGE) when a number does not fit the proto's
// int32 fields, so that it is never sent wrapped around.
func (c Controls) proto() (*streamingv1.Controls, error) {
	var err error
	int32Field := func(name string, v int64) int32 {
		if err == nil && (v < math.MinInt32 || v > math.MaxInt32) {
			err = rpcerr.InvalidArgument("controls."+name, "CONTROL_OUT_OF_RANGE",
				rpcerr.Meta("value", v, "min", math.MinInt32, "max", math.MaxInt32),
				"controls.%s = %d does not fit in int32 (%d to %d)", name, v, math.MinInt32, math.MaxInt32)
		}
		return int32(v)
	}
	pc := &streamingv1.Controls{
		MessageCount:      int32Field("message_count", int64(c.MessageCount)),
		IntervalMs:        int32Field("interval_ms", c.Interval.Milliseconds()),
		PayloadSize:       int32Field("payload_size", int64(c.PayloadSize)),
		StatusCode:        int32Field("status_code", int64(c.StatusCode)),
		StatusMessage:     c.StatusMessage,
		StatusAfter:       int32Field("status_after", int64(c.StatusAfter)),
		EchoMetadata:      c.EchoMetadata,
		FailFirstAttempts: int32Field("fail_first_attempts", int64(c.FailFirstAttempts)),
	}
	if err != nil {
		return nil, err
	}
	return pc, nil
}

// validate checks c (nil is the zero value) against the limits. For
// server-streaming calls (serverStream true) status_after must also be at
// most the number of responses. The error is a codes.InvalidArgument status
// naming the first field out of range, its value and the limit, with the
// details of the package documentation's table.
func validate(c *streamingv1.Controls, serverStream bool) error {
	inRange := func(name string, v, lo, hi int64, unit string) error {
		if v < lo || v > hi {
			return rpcerr.InvalidArgument("controls."+name, "CONTROL_OUT_OF_RANGE",
				rpcerr.Meta("value", v, "min", lo, "max", hi),
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
		inRange("fail_first_attempts", int64(c.GetFailFirstAttempts()), 0, MaxFailFirstAttempts, ""),
	}
	for _, err := range checks {
		if err != nil {
			return err
		}
	}
	if n := len(c.GetStatusMessage()); n > MaxStatusMessageSize {
		return rpcerr.InvalidArgument("controls.status_message", "STATUS_MESSAGE_TOO_LONG",
			rpcerr.Meta("lengthBytes", n, "limitBytes", MaxStatusMessageSize),
			"controls.status_message is %d bytes: at most %d allowed (streaming.MaxStatusMessageSize)", n, MaxStatusMessageSize)
	}
	if n := len(c.GetEchoMetadata()); n > MaxEchoKeys {
		return rpcerr.InvalidArgument("controls.echo_metadata", "TOO_MANY_ECHO_KEYS",
			rpcerr.Meta("keys", n, "limit", MaxEchoKeys),
			"controls.echo_metadata has %d keys: at most %d allowed", n, MaxEchoKeys)
	}
	if c.GetFailFirstAttempts() > 0 {
		// fail_first_attempts gives status_code a meaning of its own: the
		// code of the failed attempts, sent before anything else.
		if c.GetStatusCode() == int32(codes.OK) {
			return rpcerr.Error{
				Code: codes.InvalidArgument, Reason: "CONTROLS_CONFLICT",
				Fields:   []string{"controls.fail_first_attempts", "controls.status_code"},
				Metadata: rpcerr.Meta("failFirstAttempts", c.GetFailFirstAttempts()),
				Message: fmt.Sprintf("controls.fail_first_attempts = %d needs a status_code to fail them with: set status_code to a code other than OK (0), such as 14 (UNAVAILABLE)",
					c.GetFailFirstAttempts()),
			}.Err()
		}
		if c.GetStatusAfter() != 0 {
			return rpcerr.Error{
				Code: codes.InvalidArgument, Reason: "CONTROLS_CONFLICT",
				Fields:   []string{"controls.fail_first_attempts", "controls.status_after"},
				Metadata: rpcerr.Meta("failFirstAttempts", c.GetFailFirstAttempts(), "statusAfter", c.GetStatusAfter()),
				Message: fmt.Sprintf("controls.status_after = %d cannot be used with fail_first_attempts = %d: failed attempts end before any message, so that the client may retry them; set status_after to 0",
					c.GetStatusAfter(), c.GetFailFirstAttempts()),
			}.Err()
		}
	}
	if serverStream {
		if after, n := c.GetStatusAfter(), responseCount(c); after > n {
			return rpcerr.InvalidArgument("controls.status_after", "CONTROL_OUT_OF_RANGE",
				rpcerr.Meta("value", after, "min", 0, "max", n),
				"controls.status_after = %d is out of range: must be 0 to the number of responses (%d)", after, n)
		}
	}
	return nil
}

// checkPause checks one pause against the call-duration ceiling, for every
// kind of call.
func (s *Server) checkPause(c *streamingv1.Controls) error {
	if d := interval(c); d > s.maxCallDuration {
		return rpcerr.InvalidArgument("controls.interval_ms", "CALL_DURATION_LIMIT",
			rpcerr.Meta("intervalMs", c.GetIntervalMs(), "limitMs", s.maxCallDuration.Milliseconds()),
			"controls.interval_ms = %d is over this server's limit of %v per call (raise it with streaming.WithMaxCallDuration)",
			c.GetIntervalMs(), s.maxCallDuration)
	}
	return nil
}

// checkPayload checks that one payload fits the response-byte ceiling, for
// every kind of call.
func (s *Server) checkPayload(c *streamingv1.Controls) error {
	if n := int64(c.GetPayloadSize()); n > s.maxResponseBytes {
		return rpcerr.InvalidArgument("controls.payload_size", "RESPONSE_BYTES_LIMIT",
			rpcerr.Meta("payloadBytes", n, "limitBytes", s.maxResponseBytes),
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
// countField is the request field that sets n ("controls.message_count"
// or "controls.status_after" on a server-streaming call, "" on a unary
// one): with the pause, or the payload and message, it is a field at fault.
func (s *Server) checkResponses(c *streamingv1.Controls, n int64, message int, countField string) error {
	noun := "responses"
	if n == 1 {
		noun = "response"
	}
	var count []string
	if countField != "" {
		count = []string{countField}
	}
	if d := time.Duration(n) * interval(c); d > s.maxCallDuration {
		return rpcerr.Error{
			Code: codes.InvalidArgument, Reason: "CALL_DURATION_LIMIT",
			Fields: append([]string{"controls.interval_ms"}, count...),
			Metadata: rpcerr.Meta("responses", n, "intervalMs", c.GetIntervalMs(),
				"totalMs", d.Milliseconds(), "limitMs", s.maxCallDuration.Milliseconds()),
			Message: fmt.Sprintf("controls ask for %d %s with a pause of %d ms before each, %v in all: over this server's limit of %v per call (raise it with streaming.WithMaxCallDuration)",
				n, noun, c.GetIntervalMs(), d, s.maxCallDuration),
		}.Err()
	}
	each := int64(message) + int64(c.GetPayloadSize())
	if total := n * each; total > s.maxResponseBytes {
		return rpcerr.Error{
			Code: codes.InvalidArgument, Reason: "RESPONSE_BYTES_LIMIT",
			Fields: append([]string{"message", "controls.payload_size"}, count...),
			Metadata: rpcerr.Meta("responses", n, "bytesPerResponse", each,
				"totalBytes", total, "limitBytes", s.maxResponseBytes),
			Message: fmt.Sprintf("controls ask for %d %s of %d bytes (message %d + payload %d), %d bytes in all: over this server's limit of %d response bytes per call (raise it with streaming.WithMaxResponseBytes)",
				n, noun, each, message, c.GetPayloadSize(), total, s.maxResponseBytes),
		}.Err()
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
// for OK. With fail_first_attempts, status_code is for the failed attempts
// only (see failedAttempt), and a call that runs ends with OK.
func endStatus(c *streamingv1.Controls) error {
	if c.GetStatusCode() == int32(codes.OK) || c.GetFailFirstAttempts() > 0 {
		return nil
	}
	return status.Error(codes.Code(c.GetStatusCode()), c.GetStatusMessage())
}

// previousAttemptsHeader is the request header in which gRPC clients count
// the attempts of a call made before this one (gRFC A6).
const previousAttemptsHeader = "grpc-previous-rpc-attempts"

// failedAttempt returns the status this attempt of the call fails with, or
// nil when it runs: with fail_first_attempts N, the attempts whose
// grpc-previous-rpc-attempts header (0 when absent) is below N fail with
// status_code and status_message. A header that is not a count is
// InvalidArgument. The caller sends nothing before it, so that the failure
// is a trailers-only response, which a client may retry.
func failedAttempt(ctx context.Context, c *streamingv1.Controls) error {
	n := c.GetFailFirstAttempts()
	if n == 0 {
		return nil
	}
	previous := 0
	md, _ := metadata.FromIncomingContext(ctx)
	if v := md.Get(previousAttemptsHeader); len(v) > 0 {
		p, err := strconv.Atoi(v[0])
		if err != nil || p < 0 {
			shown := v[0]
			if len(shown) > 32 {
				shown = shown[:32] + "..."
			}
			return rpcerr.InvalidArgument("controls.fail_first_attempts", "PREVIOUS_ATTEMPTS_HEADER_INVALID",
				rpcerr.Meta("header", previousAttemptsHeader),
				"controls.fail_first_attempts needs the %s request header to count previous attempts, but it is %q, not a decimal integer from 0",
				previousAttemptsHeader, shown)
		}
		previous = p
	}
	if previous >= int(n) {
		return nil
	}
	return status.Error(codes.Code(c.GetStatusCode()), c.GetStatusMessage())
}
