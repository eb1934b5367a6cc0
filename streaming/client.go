package streaming

import (
	"context"

	"google.golang.org/grpc"

	streamingv1 "github.com/seed717b8fd8/grpcexamples/pb/streaming/v1"
)

// Client calls a StreamingService (grpcexamples.streaming.v1, as mounted
// by [Register]) with Go values. Create one with [NewClient]. It is safe
// for concurrent use; the streams it returns are not (see each).
//
// Errors are returned unchanged: the server's status (read it with
// status.Code and status.Convert), or gRPC's own (Unavailable,
// DeadlineExceeded, ...). [Controls] whose numbers do not fit the proto's
// int32 fields fail with codes.InvalidArgument without a call.
type Client struct {
	pb       streamingv1.StreamingServiceClient
	callOpts []grpc.CallOption
}

// NewClient returns a Client that calls through cc (a *grpc.ClientConn,
// say, or bufconntest.Server.Conn).
func NewClient(cc grpc.ClientConnInterface, opts ...ClientOption) *Client {
	c := &Client{pb: streamingv1.NewStreamingServiceClient(cc)}
	for _, o := range opts {
		o(c)
	}
	return c
}

// UnaryResponse is the answer of [Client.Unary].
type UnaryResponse struct {
	// Message is the request's message.
	Message string
	// Received is always true: the server received the request.
	Received bool
	// Payload holds Controls.PayloadSize zero bytes.
	Payload []byte
}

// Response is one response of a server-streaming or bidirectional call.
type Response struct {
	// Message is the request's message (on a bidirectional call, that of
	// the request this answers).
	Message string
	// Sequence is the 1-based position of this response in the stream.
	Sequence int
	// Payload holds Controls.PayloadSize zero bytes.
	Payload []byte
}

// Summary is the answer of a client-streaming call.
type Summary struct {
	// Message is the requests' messages joined by single spaces.
	Message string
	// MessageCount is the number of requests the server received.
	MessageCount int
	// ByteCount is the sum of len(message) + len(payload) over requests.
	ByteCount int64
}

// Unary calls [Server.Unary] with message and the controls c, passing opts
// (for example grpc.Header and grpc.Trailer, to read the echoed metadata)
// to the call. It returns the response, or the call's status error:
// InvalidArgument for out-of-range controls or a request over the server's
// ceilings, ResourceExhausted when the server runs its most calls at once,
// the code c asks for, Canceled or DeadlineExceeded when ctx ends first
// (see [Server.Unary]).
func (c *Client) Unary(ctx context.Context, message string, ctl Controls, opts ...grpc.CallOption) (UnaryResponse, error) {
	pc, err := ctl.proto()
	if err != nil {
		return UnaryResponse{}, err
	}
	resp, err := c.pb.Unary(ctx, &streamingv1.UnaryRequest{Message: message, Controls: pc}, c.opts(opts)...)
	if err != nil {
		return UnaryResponse{}, err
	}
	return UnaryResponse{Message: resp.GetMessage(), Received: resp.GetReceived(), Payload: resp.GetPayload()}, nil
}

// opts returns the client's call options followed by those of the call.
func (c *Client) opts(call []grpc.CallOption) []grpc.CallOption {
	if len(c.callOpts) == 0 {
		return call
	}
	return append(append(make([]grpc.CallOption, 0, len(c.callOpts)+len(call)), c.callOpts...), call...)
}
