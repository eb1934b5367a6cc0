// Package streaming is an example gRPC service with one method for each of
// gRPC's four RPC kinds (unary, server-streaming, client-streaming and
// bidirectional), whose behaviour the caller controls on each call: how many
// responses, the pause before each, the payload size, a status to end with
// and after how many messages, and request metadata to echo back. It serves
// both as a small lesson in the four kinds and as a test target for
// proxies, interceptors, load balancers and clients.
//
// The contract is pb/proto/grpcexamples/streaming/v1/streaming.proto
// (grpcexamples.streaming.v1.StreamingService, Go package streamingv1).
// Field 1 of every message is the string message of the Python unary and
// bidirectional tutorials, and on request ([WithTutorialNames]) the service
// also answers under their wire names: /unary.Unary/GetServerResponse,
// /grpctest.Grpctest/GetServerResponse (an acknowledgement) and
// /bidirectional.Bidirectional/GetServerResponse (an echo of each message).
//
// # Mounting
//
// Mount it on your own server next to your services:
//
//	s := grpc.NewServer()
//	streaming.Register(s, streaming.NewServer())
//
// and call it with the typed [Client]:
//
//	c := streaming.NewClient(conn)
//	resp, err := c.Unary(ctx, "hello", streaming.Controls{PayloadSize: 1024})
//	for r, err := range c.ServerStream(ctx, "tick", streaming.Controls{MessageCount: 5, Interval: time.Second}) { ... }
//
// # Testing
//
// In tests, start it in memory with bufconntest, with no ports:
//
//	srv := bufconntest.Start(t, func(s grpc.ServiceRegistrar) {
//		streaming.Register(s, streaming.NewServer())
//	})
//	c := streaming.NewClient(srv.Conn)
//
// # Controls
//
// [Controls] (the proto's Controls message) set, per call: MessageCount
// (server-streaming responses), Interval (pause before each response),
// PayloadSize (zero bytes in each response), StatusCode, StatusMessage and
// StatusAfter (a status to end with, and after how many messages),
// FailFirstAttempts (fail the first attempts of a call with StatusCode, for
// a client's retry policy to retry), and EchoMetadata (request metadata
// keys copied into the response header and trailer). On client-streaming
// and bidirectional calls the controls of the first request apply to the
// whole call. Limits on each control: [MaxMessageCount], [MaxInterval],
// [MaxPayloadSize], [MaxStatusMessageSize], [MaxFailFirstAttempts],
// [MaxEchoKeys], [MaxEchoMetadataSize], [MaxSummaryMessageSize].
//
// # Retries
//
// FailFirstAttempts shows a client's retry policy at work with no state on
// the server: gRPC clients number the attempts of a call in the
// grpc-previous-rpc-attempts request header, and the server fails each
// attempt whose number is below FailFirstAttempts, before sending anything,
// so that the client may retry it. A grpc-go client retries when its
// service config has a retry policy for the method:
//
//	conn, err := grpc.NewClient(target, grpc.WithDefaultServiceConfig(`{"methodConfig": [{
//		"name": [{"service": "grpcexamples.streaming.v1.StreamingService"}],
//		"retryPolicy": {"maxAttempts": 4, "initialBackoff": "0.1s", "maxBackoff": "1s",
//			"backoffMultiplier": 2, "retryableStatusCodes": ["UNAVAILABLE"]}}]}`), ...)
//	// Fails twice with Unavailable on the server, succeeds on the third attempt:
//	resp, err := streaming.NewClient(conn).Unary(ctx, "hi",
//		streaming.Controls{FailFirstAttempts: 2, StatusCode: codes.Unavailable})
//
// With a code the policy does not list, the first failure is final.
//
// # Ceilings
//
// A host mounts the service next to its own, and a remote caller chooses
// the controls, so each [Server] bounds what one caller can make it spend,
// with defaults safe to mount and options of [NewServer] to change them:
//
//	streaming.NewServer(
//		streaming.WithMaxCallDuration(30*time.Second), // default MaxCallDuration, 2 min
//		streaming.WithMaxResponseBytes(16<<20),        // default MaxResponseBytes, 64 MiB
//		streaming.WithMaxConcurrentCalls(20),          // default MaxConcurrentCalls, 100
//		streaming.WithMaxClientStreamBytes(1<<20),     // default MaxClientStreamBytes, 64 MiB
//	)
//
// A request over a ceiling fails before anything is sent, and its status
// message names the ceiling, the value asked for and the option. A call
// still running at the duration ceiling (a client that never closes its
// side, or reads too slowly) ends then. [Server] describes what a call
// whose client stops reading holds.
//
// # Status codes
//
//   - InvalidArgument: a control out of range, or controls asking for more
//     than a ceiling (pauses over the call duration, responses over the
//     response bytes), or echoed metadata too large; before any response
//     is sent. The message names the field, its value and the limit.
//   - ResourceExhausted: the server already runs its most calls at once;
//     a client-streaming call sent more bytes than the server accepts, or
//     its summary message would be too large; a bidirectional call's
//     responses would pass the response-byte ceiling.
//   - DeadlineExceeded: the call reached the server's duration ceiling
//     (the message says so), or the client's deadline passed.
//   - Canceled: the call was cancelled. On cancellation or a deadline
//     every method stops at once, without waiting out its pause.
//   - Any code from OK to Unauthenticated (0 to 16): the code the controls
//     ask for, with their message.
//
// # Error details
//
// The errors of the service itself (not the status the controls ask for,
// which is sent exactly as asked, nor those of gRPC) also carry details a
// program can act on without parsing the message (AIP-193's google.rpc
// error model, in the grpc-status-details-bin trailer, which clients in
// every language read): a google.rpc.ErrorInfo with domain "grpcexamples",
// a reason and metadata, and, on InvalidArgument, a google.rpc.BadRequest
// whose field violations name the request fields at fault, with the same
// reason. By code and reason:
//
// InvalidArgument, with the request fields at fault and the ErrorInfo
// metadata:
//
//   - CONTROL_OUT_OF_RANGE: controls.<the control>; value, min, max.
//   - STATUS_MESSAGE_TOO_LONG: controls.status_message; lengthBytes,
//     limitBytes.
//   - TOO_MANY_ECHO_KEYS: controls.echo_metadata; keys, limit.
//   - ECHO_METADATA_TOO_LARGE: controls.echo_metadata; sizeBytes,
//     limitBytes.
//   - CONTROLS_CONFLICT: controls.fail_first_attempts with
//     controls.status_code (left OK) or controls.status_after (not 0);
//     failFirstAttempts, statusAfter.
//   - PREVIOUS_ATTEMPTS_HEADER_INVALID: controls.fail_first_attempts;
//     header (the grpc-previous-rpc-attempts header is not a count).
//   - CALL_DURATION_LIMIT: controls.interval_ms, with message_count or
//     status_after when the pauses of a server stream add up past the
//     ceiling; intervalMs and limitMs, or responses, intervalMs, totalMs
//     and limitMs.
//   - RESPONSE_BYTES_LIMIT: controls.payload_size, or message,
//     controls.payload_size and message_count or status_after when the
//     responses add up past the ceiling; payloadBytes and limitBytes, or
//     responses, bytesPerResponse, totalBytes and limitBytes.
//
// ResourceExhausted and DeadlineExceeded, with the ErrorInfo metadata:
//
//   - CONCURRENT_CALLS_LIMIT: limit.
//   - CLIENT_STREAM_BYTES_LIMIT: sentBytes, requests, limitBytes.
//   - SUMMARY_MESSAGE_TOO_LARGE: sizeBytes, requests, limitBytes.
//   - RESPONSE_BYTES_LIMIT (a bidirectional call): response, totalBytes,
//     limitBytes.
//   - CALL_DURATION_LIMIT (DeadlineExceeded at the server's ceiling):
//     limitMs.
//
// The numbers are decimal; min, max and limit count what the field counts
// (milliseconds for interval_ms, bytes for payload_size). The [Client]
// returns every status unchanged; read the details with status.FromError
// and (*status.Status).Details (errdetails is
// google.golang.org/genproto/googleapis/rpc/errdetails):
//
//	_, err := c.Unary(ctx, "hi", streaming.Controls{PayloadSize: 2 << 20})
//	st, _ := status.FromError(err)
//	for _, d := range st.Details() {
//		switch d := d.(type) {
//		case *errdetails.BadRequest:
//			for _, v := range d.GetFieldViolations() {
//				fmt.Println(v.GetField(), v.GetReason()) // controls.payload_size CONTROL_OUT_OF_RANGE
//			}
//		case *errdetails.ErrorInfo:
//			fmt.Println(d.GetMetadata()["max"]) // 1048576
//		}
//	}
//
// A DeadlineExceeded with reason CALL_DURATION_LIMIT is the server's
// ceiling; one without details is the client's own deadline.
package streaming
