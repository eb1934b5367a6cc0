package streaming

import (
	"time"

	"google.golang.org/grpc"
)

// Option configures [NewServer]. Create one with [WithMaxCallDuration],
// [WithMaxResponseBytes], [WithMaxConcurrentCalls] or
// [WithMaxClientStreamBytes].
type Option func(*Server)

// WithMaxCallDuration sets the longest one call may last, wall time from
// the start of its handler (default [MaxCallDuration]; d <= 0 keeps it).
// A request whose controls ask for longer (interval_ms, or message_count ×
// interval_ms on a server-streaming call) fails at once with
// codes.InvalidArgument; a call still running when it passes ends with
// codes.DeadlineExceeded. The client's own deadline, when shorter, ends the
// call first.
func WithMaxCallDuration(d time.Duration) Option {
	return func(s *Server) {
		if d > 0 {
			s.maxCallDuration = d
		}
	}
}

// WithMaxResponseBytes sets the most response bytes one call may ask for,
// the sum over its responses of len(message) + len(payload) (default
// [MaxResponseBytes]; n < 1 keeps it). A unary or server-streaming request
// over it fails at once with codes.InvalidArgument, and so does a payload
// alone over it on any call; a bidirectional call ends with
// codes.ResourceExhausted before the response that would pass it; a
// client-streaming summary over it fails with codes.ResourceExhausted.
func WithMaxResponseBytes(n int64) Option {
	return func(s *Server) {
		if n > 0 {
			s.maxResponseBytes = n
		}
	}
}

// WithMaxConcurrentCalls sets the most calls, of every kind, that the
// Server runs at once (default [MaxConcurrentCalls]; n < 1 keeps it). A
// call beyond it fails at once with codes.ResourceExhausted: it does not
// wait for a place. The tutorial acknowledgements of [WithTutorialNames]
// do no work worth bounding and are not counted.
func WithMaxConcurrentCalls(n int) Option {
	return func(s *Server) {
		if n > 0 {
			s.maxConcurrentCalls = n
		}
	}
}

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
