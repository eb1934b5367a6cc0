package greeter

// Option configures [NewServer]. The greeter has no settings yet; the
// parameter keeps NewServer's signature stable, and shaped like the other
// services' constructors, when one is added.
type Option func(*serverConfig)

type serverConfig struct{}

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

// ClientOption configures [NewClient]. Create one with [WithTutorialServer]
// or [WithHelloWorldServer].
type ClientOption func(*clientConfig)

type clientConfig struct {
	service string
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
