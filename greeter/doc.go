// Package greeter is the grpc.io quick start's greeting service as a
// library: SayHello answers "Hello, NAME!" and SayHelloAgain answers
// "Hello again, NAME!".
//
// It follows the Python greeter tutorial (service greeter.Greeter with
// SayHello and SayHelloAgain, pb/tutorial/greeter.proto), itself the grpc.io
// quick start's helloworld.Greeter (pb/tutorial/helloworld.proto) with a
// second method. Its own contract is grpcexamples.greeter.v1.Greeter in
// pb/greeter/v1/greeter.proto. Unlike the tutorial it checks the name (see
// Status codes).
//
// # Mounting
//
// [Register] adds the service to your own server, next to your services; it
// creates no server, listener or goroutine:
//
//	s := grpc.NewServer()
//	greeter.Register(s, greeter.NewServer())
//
// With [WithTutorialNames] the same server also answers the tutorials'
// method paths, /greeter.Greeter/... and /helloworld.Greeter/..., so their
// clients (the Python tutorial's, grpc-go's examples/helloworld) work
// unchanged.
//
// # Calling
//
// [Client] takes and returns Go values:
//
//	msg, err := greeter.NewClient(conn).SayHello(ctx, "Happy Chappy")
//	// msg == "Hello, Happy Chappy!"
//
// # Testing
//
// [github.com/seed717b8fd8/grpcexamples/bufconntest] runs the service in
// memory, over a real gRPC connection but without a port:
//
//	srv := bufconntest.Start(t, func(s grpc.ServiceRegistrar) {
//		greeter.Register(s, greeter.NewServer())
//	})
//	msg, err := greeter.NewClient(srv.Conn).SayHello(t.Context(), "Ada")
//
// # Status codes
//
// The name is greeted exactly as given (no trimming, no case change) when it
// is a short line of text. Otherwise both methods fail with
// codes.InvalidArgument and a message saying what is wrong:
//
//   - the name is empty;
//   - it is longer than [MaxNameBytes] bytes (the message gives its length);
//   - it is not valid UTF-8 (a gRPC client cannot send such a name: proto3
//     string fields must be UTF-8, and grpc-go's client fails the call with
//     codes.Internal before sending; the server checks again for direct
//     callers);
//   - it contains a control character (Unicode category Cc: C0 controls
//     such as newline or tab, DEL, and C1 controls), which would break the
//     one-line greeting and could forge lines in logs that print it;
//   - it consists only of white space (Unicode White_Space), so there is
//     nobody to greet.
//
// The tutorials' servers accept any name, the empty one included.
package greeter
