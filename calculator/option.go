package calculator

// Option configures [NewServer]. The calculator has no settings yet; the
// parameter keeps NewServer's signature stable, and shaped like the other
// services' constructors, when one is added.
type Option func(*serverConfig)

type serverConfig struct{}

// RegisterOption configures [Register]. Create one with [WithTutorialNames].
type RegisterOption func(*registerConfig)

type registerConfig struct {
	tutorialNames bool
}

// WithTutorialNames makes [Register] also serve the calculator tutorial's
// wire names, /calculator.Calculator/Add and /calculator.Calculator/Subtract
// (pb/tutorial/calculator.proto: AddRequest{int32 a = 1; int32 b = 2},
// AddResponse{int32 result = 1}, and the same for Subtract), so a client
// generated from the tutorial's .proto works unchanged. They behave exactly
// as the v1 Add and Subtract, status codes included. The tutorial service has
// no Multiply or Divide, so neither is served under its name.
//
// It is opt-in because an application may already serve a service named
// calculator.Calculator, and *grpc.Server treats a duplicate registration
// as fatal (it logs the error and exits the program).
func WithTutorialNames() RegisterOption {
	return func(c *registerConfig) { c.tutorialNames = true }
}

// ClientOption configures [NewClient]. Create one with [WithTutorialServer].
type ClientOption func(*clientConfig)

type clientConfig struct {
	tutorialServer bool
}

// WithTutorialServer makes the [Client] talk to a server of the calculator
// tutorial's contract (the tutorial's Python server, or one mounted with
// [WithTutorialNames]) instead of the v1 service: [Client.Add] and
// [Client.Subtract] call /calculator.Calculator/Add and /Subtract, and
// [Client.Multiply] and [Client.Divide] fail with codes.Unimplemented
// without calling the server, since that contract has no such methods.
func WithTutorialServer() ClientOption {
	return func(c *clientConfig) { c.tutorialServer = true }
}
