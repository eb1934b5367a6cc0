package streaming

import (
	"context"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"

	streamingv1 "github.com/seed717b8fd8/grpcexamples/pb/streaming/v1"
)

// ClientStream starts a call to [Server.ClientStream] with the controls c,
// which travel with the first [ClientStreamSender.Send]. opts are passed to
// the call. It fails only if the call cannot start, or with
// codes.InvalidArgument when c does not fit the proto.
//
// The caller must end the call with [ClientStreamSender.CloseAndReceive]
// (also after a Send error), or by cancelling ctx.
func (c *Client) ClientStream(ctx context.Context, ctl Controls, opts ...grpc.CallOption) (*ClientStreamSender, error) {
	pc, err := ctl.proto()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	stream, err := c.pb.ClientStream(ctx, c.opts(opts)...)
	if err != nil {
		cancel()
		return nil, err
	}
	return &ClientStreamSender{stream: stream, controls: pc, cancel: cancel}, nil
}

// ClientStreamSender is the client side of a client-streaming call, made
// by [Client.ClientStream]: Send any number of messages, then
// CloseAndReceive the summary. Its methods must not be called concurrently,
// except Header.
type ClientStreamSender struct {
	stream   grpc.ClientStreamingClient[streamingv1.ClientStreamRequest, streamingv1.ClientStreamResponse]
	controls *streamingv1.Controls // sent with the first request, then nil
	cancel   context.CancelFunc
}

// Send sends one request with message and payload (which may be nil). The
// first request carries the call's controls; with no Send at all the
// server sees none, and answers OK with an empty summary.
//
// As in grpc-go, Send returns io.EOF when the server has already ended the
// call (for example with the status the controls ask for);
// CloseAndReceive then returns that status.
func (s *ClientStreamSender) Send(message string, payload []byte) error {
	req := &streamingv1.ClientStreamRequest{Message: message, Payload: payload, Controls: s.controls}
	s.controls = nil
	return s.stream.Send(req)
}

// CloseAndReceive closes the sending side, waits for the server's answer
// and ends the call. It returns the summary, or the call's status error:
// InvalidArgument for out-of-range controls, ResourceExhausted past the
// server's limits, DeadlineExceeded at the server's call-duration ceiling,
// the code the controls ask for, Canceled or DeadlineExceeded when ctx
// ends first; [Server.ClientStream] lists them all.
func (s *ClientStreamSender) CloseAndReceive() (Summary, error) {
	defer s.cancel()
	resp, err := s.stream.CloseAndRecv()
	if err != nil {
		return Summary{}, err
	}
	return Summary{
		Message:      resp.GetMessage(),
		MessageCount: int(resp.GetMessageCount()),
		ByteCount:    resp.GetByteCount(),
	}, nil
}

// Header returns the response header, waiting for it if need be. When the
// controls ask to echo metadata, the server sends the header as soon as it
// has read the first request; otherwise it comes with the answer, so call
// Header before CloseAndReceive only in the first case (or from another
// goroutine).
func (s *ClientStreamSender) Header() (metadata.MD, error) {
	return s.stream.Header()
}

// Trailer returns the trailer. It is complete only after CloseAndReceive.
func (s *ClientStreamSender) Trailer() metadata.MD {
	return s.stream.Trailer()
}
