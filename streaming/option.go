package streaming

import "google.golang.org/grpc"

// Option configures [NewServer]. Create one with [WithMaxClientStreamBytes].
type Option func(*Server)

// WithMaxClientStreamBytes sets the most bytes (the sum of len(message) +
// len(payload) over requests) one client-streaming call may send before it
// fails with codes.ResourceExhausted. The default is
// [MaxClientStreamBytes]; n < 1 keeps it.
func WithMaxClientStreamBytes(n int64) Option {
	return func(s *Server) {
		if n > 0 {
			s.maxClientStreamBytes = n
		}
	}
}

// RegisterOption configures [Register]. Create one with [WithTutorialNames].
type RegisterOption func(*registerOptions)

type registerOptions struct {
	tutorialNames bool
}

// WithTutorialNames makes [Register] also serve the wire names of the
// Python unary and bidirectional tutorials (pb/tutorial/unary.proto,
// grpctest.proto and bidirectional.proto), so their clients work unchanged:
//
//   - /unary.Unary/GetServerResponse and /grpctest.Grpctest/GetServerResponse
//     acknowledge the request as the tutorial server does: the response
//     message is `Hello I am up and running received "MSG" message from you`
//     (MSG being the request's message) and received is true.
//   - /bidirectional.Bidirectional/GetServerResponse echoes each message, in
//     order, as it arrives: it is [Server.BidiStream] under another name
//     (the tutorial client ignores the sequence and payload fields).
//
// It is opt-in because an application may already serve a service of one of
// those names, and a *grpc.Server treats a duplicate registration as fatal
// (it logs the error and exits the process).
func WithTutorialNames() RegisterOption {
	return func(o *registerOptions) { o.tutorialNames = true }
}

// ClientOption configures [NewClient]. Create one with [WithCallOptions].
type ClientOption func(*Client)

// WithCallOptions adds call options to every call the [Client] makes, before
// the options given to the call itself (which win where they conflict).
// For example grpc.WaitForReady(true) or grpc.UseCompressor("gzip").
func WithCallOptions(opts ...grpc.CallOption) ClientOption {
	return func(c *Client) { c.callOpts = append(c.callOpts, opts...) }
}
