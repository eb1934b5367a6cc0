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
// StatusAfter (a status to end with, and after how many messages), and
// EchoMetadata (request metadata keys copied into the response header and
// trailer). On client-streaming and bidirectional calls the controls of the
// first request apply to the whole call. Limits on each control:
// [MaxMessageCount], [MaxInterval], [MaxPayloadSize], [MaxStatusMessageSize],
// [MaxEchoKeys], [MaxEchoMetadataSize], [MaxSummaryMessageSize].
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
package streaming
