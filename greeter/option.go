package greeter

import "google.golang.org/grpc"

// Option configures [NewServer]. Create one with [WithMaxNameBytes].
type Option func(*Server)

// WithMaxNameBytes sets the longest name, in bytes of UTF-8, that the
// [Server] greets; longer names fail with codes.InvalidArgument. The default
// is [MaxNameBytes] (256). n < 1 keeps the default, and n above
// [MaxNameBytesCeiling] (4096) is lowered to it: a name is one line, and the
// ceiling keeps every reply, and every log line that quotes one, small
// whatever the host configures.
func WithMaxNameBytes(n int) Option {
	return func(s *Server) {
		switch {
		case n < 1:
		case n > MaxNameBytesCeiling:
			s.maxNameBytes = MaxNameBytesCeiling
		default:
			s.maxNameBytes = n
		}
	}
}

// RegisterOption configures [Register]. Create one with [WithTutorialNames].
type RegisterOption func(*registerConfig)

type registerConfig struct {
	tutorialNames bool
}

// WithTutorialNames makes [Register] also serve the tutorials' wire names:
// the Python greeter tutorial's greeter.Greeter ([TutorialServiceName],
// pb/tutorial/greeter.proto) and the grpc.io quick start's
// helloworld.Greeter ([HelloWorldServiceName], pb/tutorial/helloworld.proto),
// each with SayHello and SayHelloAgain. Both use HelloRequest{string name =
// 1} and HelloReply{string message = 1}, the v1 field numbers, so their
// generated clients work unchanged. They behave exactly as the v1 methods,
// name checks included.
//
// It is opt-in because an application may already serve a service of either
// name (grpc-go's own examples register helloworld.Greeter), and
// *grpc.Server treats a duplicate registration as fatal (it logs the error
// and exits the program).
func WithTutorialNames() RegisterOption {
	return func(c *registerConfig) { c.tutorialNames = true }
}

// ClientOption configures [NewClient]. Create one with [WithTutorialServer],
// [WithHelloWorldServer] or [WithCallOptions].
type ClientOption func(*clientConfig)

type clientConfig struct {
	service  string
	callOpts []grpc.CallOption
}

// WithTutorialServer makes the [Client] call greeter.Greeter
// ([TutorialServiceName]) instead of the v1 service: the Python greeter
// tutorial's server, or one mounted with [WithTutorialNames].
func WithTutorialServer() ClientOption {
	return func(c *clientConfig) { c.service = TutorialServiceName }
}

// WithHelloWorldServer makes the [Client] call helloworld.Greeter
// ([HelloWorldServiceName]) instead of the v1 service: a grpc.io quick start
// server, or one mounted with [WithTutorialNames]. The quick start's own
// servers may implement only SayHello; SayHelloAgain then fails with
// codes.Unimplemented from the server.
func WithHelloWorldServer() ClientOption {
	return func(c *clientConfig) { c.service = HelloWorldServiceName }
}

// WithCallOptions adds call options to every call the [Client] makes, before
// the options given to the call itself (which win where they conflict).
// For example grpc.WaitForReady(true) or grpc.UseCompressor("gzip").
func WithCallOptions(opts ...grpc.CallOption) ClientOption {
	return func(c *clientConfig) { c.callOpts = append(c.callOpts, opts...) }
}
