// Package grpcexamples is a library of example gRPC services to mount on
// your own server, call from your tests, and copy from. This root package
// holds documentation only.
//
// # Services
//
// Each service lives in its own package with the same four parts: a Server
// built by NewServer, a Register function that mounts it on any
// grpc.ServiceRegistrar, a typed Client built by NewClient over any
// grpc.ClientConnInterface, and runnable examples. Every NewClient takes
// WithCallOptions, call options for every call of that client (the
// options given to a call come after them, and win).
//
//   - [github.com/seed717b8fd8/grpcexamples/calculator]: checked int32
//     arithmetic (Add, Subtract, Multiply, Divide); overflow is OutOfRange,
//     division by zero InvalidArgument.
//   - [github.com/seed717b8fd8/grpcexamples/greeter]: SayHello and
//     SayHelloAgain, the grpc.io quick start's greeting, of a name that must
//     be one line of visible text (256 bytes by default); anything else is
//     InvalidArgument, naming the offending code point.
//   - [github.com/seed717b8fd8/grpcexamples/keywords]: a keyphrase extractor,
//     usable as plain Go (keywords.Extract) and over gRPC (unary and
//     bidirectional streaming).
//   - [github.com/seed717b8fd8/grpcexamples/streaming]: one method for each
//     RPC kind (unary, server-streaming, client-streaming, bidirectional
//     streaming) whose message count, interval, payload size, final status
//     code and echoed metadata the caller sets per call.
//
// # Mounting a service
//
// Register never creates a server, a listener or a goroutine: it adds the
// service to yours, next to your own services.
//
//	s := grpc.NewServer()
//	calculator.Register(s, calculator.NewServer())
//	greeter.Register(s, greeter.NewServer(), greeter.WithTutorialNames())
//
// Our services use namespaced proto packages (grpcexamples.<service>.v1),
// so they never collide with a user's own or grpc-go's helloworld types.
// The WithTutorialNames option also serves the wire names of the tutorials
// this project grew out of (calculator.Calculator, helloworld.Greeter,
// KeywordService, ...); their .proto files are in pb/tutorial.
//
// # Testing
//
// [github.com/seed717b8fd8/grpcexamples/bufconntest] starts a server in
// memory, like net/http/httptest, and hands back a ready connection:
//
//	srv := bufconntest.Start(t, func(s grpc.ServiceRegistrar) {
//		calculator.Register(s, calculator.NewServer())
//	})
//	sum, err := calculator.NewClient(srv.Conn).Add(ctx, 2, 3)
//
// bufconntest.WithReflection adds server reflection, for tests that list
// or describe the services as grpcurl does.
//
// # Generated code
//
// The .proto files under pb/ are the source (ours in the proto root
// pb/proto, registered as grpcexamples/<service>/v1/<service>.proto); the Go
// generated from them is checked in at pb/<service>/v1. Regenerate with go
// generate (which runs tools/generate.sh with the plugin versions pinned in
// the tools module).
package grpcexamples

//go:generate bash tools/generate.sh
