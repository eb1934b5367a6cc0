// Package streaming is an example gRPC service with one method for each of
// gRPC's four RPC kinds (unary, server-streaming, client-streaming and
// bidirectional), whose behaviour the caller controls on each call: how many
// responses, the pause before each, the payload size, a status to end with
// and after how many messages, and request metadata to echo back. It serves
// both as a small lesson in the four kinds and as a test target for
// proxies, interceptors, load balancers and clients.
//
// The contract is pb/streaming/v1/streaming.proto
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
// first request apply to the whole call. Limits: [MaxMessageCount],
// [MaxInterval], [MaxPayloadSize], [MaxEchoKeys], [MaxClientStreamBytes],
// [MaxSummaryMessageSize].
//
// # Status codes
//
//   - InvalidArgument: a control out of range (the message names the field,
//     its value and the limit), before any response is sent.
//   - ResourceExhausted: a client-streaming call sent more bytes than the
//     server accepts, or its summary message would be too large.
//   - Canceled, DeadlineExceeded: the call was cancelled or its deadline
//     passed; every method then stops at once, without waiting out its
//     pause.
//   - Any code from OK to Unauthenticated (0 to 16): the code the controls
//     ask for, with their message.
package streaming
