package calculator

import "google.golang.org/grpc"

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

// ClientOption configures [NewClient]. Create one with [WithTutorialServer]
// or [WithCallOptions].
type ClientOption func(*clientConfig)

type clientConfig struct {
	tutorialServer bool
	callOpts       []grpc.CallOption
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

// WithCallOptions adds call options to every call the [Client] makes, before
// the options given to the call itself (which win where they conflict).
// For example grpc.WaitForReady(true) or grpc.UseCompressor("gzip").
func WithCallOptions(opts ...grpc.CallOption) ClientOption {
	return func(c *clientConfig) { c.callOpts = append(c.callOpts, opts...) }
}
