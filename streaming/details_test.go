package streaming_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/seed717b8fd8/grpcexamples/internal/rpcerr"
	"github.com/seed717b8fd8/grpcexamples/streaming"
)

// documentedReasons are the ErrorInfo reasons of the package
// documentation, by code.
var documentedReasons = map[codes.Code][]string{
	codes.InvalidArgument: {
		"CONTROL_OUT_OF_RANGE", "STATUS_MESSAGE_TOO_LONG", "TOO_MANY_ECHO_KEYS", "ECHO_METADATA_TOO_LARGE",
		"CONTROLS_CONFLICT", "PREVIOUS_ATTEMPTS_HEADER_INVALID", "CALL_DURATION_LIMIT", "RESPONSE_BYTES_LIMIT",
	},
	codes.ResourceExhausted: {"CONCURRENT_CALLS_LIMIT", "CLIENT_STREAM_BYTES_LIMIT", "SUMMARY_MESSAGE_TOO_LARGE", "RESPONSE_BYTES_LIMIT"},
	codes.DeadlineExceeded:  {"CALL_DURATION_LIMIT"},
}

// maxStatusSize bounds a status of the service's own, details included.
// It travels in the trailer, next to at most MaxEchoMetadataSize of echoed
// metadata, under the 8 KiB that gRPC's C core accepts.
const maxStatusSize = 2 << 10

// checkDetails checks that err, an error of the service itself, carries
// an ErrorInfo of a documented reason and, when InvalidArgument, a
// BadRequest with violations of request fields of the same reason, and
// that it stays small.
func checkDetails(t *testing.T, err error) {
	t.Helper()
	d := rpcerr.Summarize(err)
	if d.Domain != "grpcexamples" || !slices.Contains(documentedReasons[d.Code], d.Reason) {
		t.Errorf("%v: details %+v; want domain grpcexamples and a documented reason", err, d)
	}
	if d.Code == codes.InvalidArgument {
		for i, f := range d.Fields {
			if (!strings.HasPrefix(f, "controls.") && f != "message") || d.FieldReasons[i] != d.Reason || d.Descriptions[i] == "" {
				t.Errorf("%v: violation %d: field %q, reason %q, description %q; want a request field, reason %s, a description",
					err, i, f, d.FieldReasons[i], d.Descriptions[i], d.Reason)
			}
		}
		if len(d.Fields) == 0 {
			t.Errorf("%v: no BadRequest field violation", err)
		}
	} else if d.Fields != nil {
		t.Errorf("%v: BadRequest on a %v status", err, d.Code)
	}
	if size := proto.Size(status.Convert(err).Proto()); size > maxStatusSize {
		t.Errorf("%v: status of %d bytes with its details, want at most %d", err, size, maxStatusSize)
	}
}

func badRequest(reason string, meta map[string]string, fields ...string) rpcerr.Summary {
	reasons := make([]string, len(fields))
	for i := range reasons {
		reasons[i] = reason
	}
	return rpcerr.Summary{
		Code: codes.InvalidArgument, Reason: reason, Domain: "grpcexamples", Metadata: meta,
		Fields: fields, FieldReasons: reasons,
	}
}

func errorInfo(code codes.Code, reason string, meta map[string]string) rpcerr.Summary {
	return rpcerr.Summary{Code: code, Reason: reason, Domain: "grpcexamples", Metadata: meta}
}

// One error of each reason, with exactly the details a program reads.
func TestErrorDetails(t *testing.T) {
	m := func(kv ...any) map[string]string { return rpcerr.Meta(kv...) }
	unavailable := streaming.Controls{FailFirstAttempts: 1, StatusCode: codes.Unavailable}
	tests := []struct {
		name string
		opts []streaming.Option
		call call
		want rpcerr.Summary
	}{
		{"control out of range", nil, unaryCall("m", streaming.Controls{PayloadSize: 2 << 20}),
			badRequest("CONTROL_OUT_OF_RANGE", m("value", 2<<20, "min", 0, "max", streaming.MaxPayloadSize), "controls.payload_size")},
		{"control beyond int32, refused by the client", nil, unaryCall("m", streaming.Controls{MessageCount: 1 << 40}),
			badRequest("CONTROL_OUT_OF_RANGE", m("value", 1<<40, "min", -1<<31, "max", 1<<31-1), "controls.message_count")},
		{"status message too long", nil, unaryCall("m", streaming.Controls{StatusCode: codes.Aborted, StatusMessage: strings.Repeat("x", 1025)}),
			badRequest("STATUS_MESSAGE_TOO_LONG", m("lengthBytes", 1025, "limitBytes", 1024), "controls.status_message")},
		{"too many echo keys", nil, bidiCall(streaming.Controls{EchoMetadata: make([]string, 65)}, "m"),
			badRequest("TOO_MANY_ECHO_KEYS", m("keys", 65, "limit", 64), "controls.echo_metadata")},
		{"echoed metadata too large", nil, withMD(unaryCall("m", streaming.Controls{EchoMetadata: []string{"x-big"}}), "x-big", strings.Repeat("v", 5000)),
			badRequest("ECHO_METADATA_TOO_LARGE", m("sizeBytes", 5+5000+32, "limitBytes", 4096), "controls.echo_metadata")},
		{"fail_first_attempts without a status code", nil, serverStreamCall("m", streaming.Controls{FailFirstAttempts: 2}),
			badRequest("CONTROLS_CONFLICT", m("failFirstAttempts", 2), "controls.fail_first_attempts", "controls.status_code")},
		{"fail_first_attempts with status_after", nil, clientStreamCall(streaming.Controls{FailFirstAttempts: 1, StatusCode: codes.Unavailable, StatusAfter: 3}, "m"),
			badRequest("CONTROLS_CONFLICT", m("failFirstAttempts", 1, "statusAfter", 3), "controls.fail_first_attempts", "controls.status_after")},
		{"attempt header not a count", nil, withMD(unaryCall("m", unavailable), "grpc-previous-rpc-attempts", "-1"),
			badRequest("PREVIOUS_ATTEMPTS_HEADER_INVALID", m("header", "grpc-previous-rpc-attempts"), "controls.fail_first_attempts")},
		{"one pause over the duration ceiling", []streaming.Option{streaming.WithMaxCallDuration(time.Second)},
			bidiCall(streaming.Controls{Interval: 2 * time.Second}, "m"),
			badRequest("CALL_DURATION_LIMIT", m("intervalMs", 2000, "limitMs", 1000), "controls.interval_ms")},
		{"pauses over the duration ceiling", []streaming.Option{streaming.WithMaxCallDuration(time.Second)},
			serverStreamCall("m", streaming.Controls{MessageCount: 11, Interval: 100 * time.Millisecond}),
			badRequest("CALL_DURATION_LIMIT", m("responses", 11, "intervalMs", 100, "totalMs", 1100, "limitMs", 1000),
				"controls.interval_ms", "controls.message_count")},
		{"pauses before the status over the duration ceiling", []streaming.Option{streaming.WithMaxCallDuration(time.Second)},
			serverStreamCall("m", streaming.Controls{MessageCount: 20, Interval: 100 * time.Millisecond, StatusCode: codes.Aborted, StatusAfter: 11}),
			badRequest("CALL_DURATION_LIMIT", m("responses", 11, "intervalMs", 100, "totalMs", 1100, "limitMs", 1000),
				"controls.interval_ms", "controls.status_after")},
		{"payload over the byte ceiling", []streaming.Option{streaming.WithMaxResponseBytes(100)},
			clientStreamCall(streaming.Controls{PayloadSize: 101}, "m"),
			badRequest("RESPONSE_BYTES_LIMIT", m("payloadBytes", 101, "limitBytes", 100), "controls.payload_size")},
		{"response over the byte ceiling", []streaming.Option{streaming.WithMaxResponseBytes(100)},
			unaryCall(strings.Repeat("m", 60), streaming.Controls{PayloadSize: 41}),
			badRequest("RESPONSE_BYTES_LIMIT", m("responses", 1, "bytesPerResponse", 101, "totalBytes", 101, "limitBytes", 100),
				"message", "controls.payload_size")},
		{"responses over the byte ceiling", []streaming.Option{streaming.WithMaxResponseBytes(100)},
			serverStreamCall("12345", streaming.Controls{MessageCount: 5, PayloadSize: 20}),
			badRequest("RESPONSE_BYTES_LIMIT", m("responses", 5, "bytesPerResponse", 25, "totalBytes", 125, "limitBytes", 100),
				"message", "controls.payload_size", "controls.message_count")},
		{"bidirectional responses reach the byte ceiling", []streaming.Option{streaming.WithMaxResponseBytes(100)},
			bidiCall(streaming.Controls{PayloadSize: 30}, "12345", "12345", "12345"),
			errorInfo(codes.ResourceExhausted, "RESPONSE_BYTES_LIMIT", m("response", 3, "totalBytes", 105, "limitBytes", 100))},
		{"client stream over its byte limit", []streaming.Option{streaming.WithMaxClientStreamBytes(5)},
			clientStreamCall(streaming.Controls{}, "hello", "world"),
			errorInfo(codes.ResourceExhausted, "CLIENT_STREAM_BYTES_LIMIT", m("sentBytes", 10, "requests", 2, "limitBytes", 5))},
		{"summary over the byte ceiling", []streaming.Option{streaming.WithMaxResponseBytes(10)},
			clientStreamCall(streaming.Controls{}, "hello", "world"),
			errorInfo(codes.ResourceExhausted, "SUMMARY_MESSAGE_TOO_LARGE", m("sizeBytes", 11, "requests", 2, "limitBytes", 10))},
		{"one call over the concurrency ceiling", []streaming.Option{streaming.WithMaxConcurrentCalls(1)},
			overCapacity(1, unaryCall("m", streaming.Controls{})),
			errorInfo(codes.ResourceExhausted, "CONCURRENT_CALLS_LIMIT", m("limit", 1))},
		{"call at the duration ceiling", []streaming.Option{streaming.WithMaxCallDuration(50 * time.Millisecond)},
			neverClosingClientStream(1),
			errorInfo(codes.DeadlineExceeded, "CALL_DURATION_LIMIT", m("limitMs", 50))},
		// The status the controls ask for is sent as asked, without details.
		{"the status asked for", nil, unaryCall("m", streaming.Controls{StatusCode: codes.Aborted, StatusMessage: "stop"}),
			rpcerr.Summary{Code: codes.Aborted}},
		{"a failed attempt", nil, unaryCall("m", unavailable), rpcerr.Summary{Code: codes.Unavailable}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := startAbuse(t, tt.opts...)
			_, err := tt.call(t, testContext(t), a)
			got := rpcerr.Summarize(err)
			got.Descriptions = nil // the status message; TestAbuse checks it
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("%v: details\n got %+v\nwant %+v", err, got, tt.want)
			}
			if tt.want.Reason != "" {
				checkDetails(t, err)
			}
		})
	}
}
