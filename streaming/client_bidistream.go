package streaming

import (
	"context"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"

	streamingv1 "github.com/seed717b8fd8/grpcexamples/pb/streaming/v1"
)

// BidiStream starts a call to [Server.BidiStream] with the controls c,
// which travel with the first [BidiStream.Send]. opts are passed to the
// call. It fails only if the call cannot start, or with
// codes.InvalidArgument when c does not fit the proto.
//
// The server answers each request as it arrives, so a caller may send one
// message and receive its answer before sending the next. To end the call
// cleanly, CloseSend and then call Receive until it returns an error
// (io.EOF when the call ended with OK); to abandon it, call
// [BidiStream.Close] or cancel ctx. A call left otherwise keeps its
// resources until the connection closes.
func (c *Client) BidiStream(ctx context.Context, ctl Controls, opts ...grpc.CallOption) (*BidiStream, error) {
	pc, err := ctl.proto()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	stream, err := c.pb.BidiStream(ctx, c.opts(opts)...)
	if err != nil {
		cancel()
		return nil, err
	}
	return &BidiStream{stream: stream, controls: pc, cancel: cancel}, nil
}

// BidiStream is the client side of a bidirectional call, made by
// [Client.BidiStream]. One goroutine may Send (and CloseSend) while another
// Receives; neither Send nor Receive may be called concurrently with
// itself. Header and Close are safe to call from any goroutine, Trailer once
// Receive has returned an error.
type BidiStream struct {
	stream   grpc.BidiStreamingClient[streamingv1.BidiStreamRequest, streamingv1.BidiStreamResponse]
	controls *streamingv1.Controls // sent with the first request, then nil
	cancel   context.CancelFunc
}

// Send sends one request with message and payload (which may be nil; the
// server does not echo it). The first request carries the
// call's controls.
//
// As in grpc-go, Send returns io.EOF when the server has already ended the
// call; Receive then returns the call's status.
func (b *BidiStream) Send(message string, payload []byte) error {
	req := &streamingv1.BidiStreamRequest{Message: message, Payload: payload, Controls: b.controls}
	b.controls = nil
	return b.stream.Send(req)
}

// CloseSend tells the server that no more requests will come. The server
// answers those it has, then ends the call.
func (b *BidiStream) CloseSend() error {
	return b.stream.CloseSend()
}

// Receive returns the next response. At the end of the call it returns
// io.EOF when the call ended with OK, or else the call's status error:
// InvalidArgument for out-of-range controls, ResourceExhausted past the
// server's limits, DeadlineExceeded at the server's call-duration ceiling,
// the code the controls ask for, Canceled or DeadlineExceeded when ctx
// ends first (or after Close); [Server.BidiStream] lists them all.
// Once it has returned an error, the call is over and its resources freed.
func (b *BidiStream) Receive() (Response, error) {
	resp, err := b.stream.Recv()
	if err != nil {
		b.cancel()
		return Response{}, err
	}
	return Response{Message: resp.GetMessage(), Sequence: int(resp.GetSequence()), Payload: resp.GetPayload()}, nil
}

// Header returns the response header, waiting for it if need be. When the
// controls ask to echo metadata, the server sends it as soon as it has
// read the first request; otherwise with the first response.
func (b *BidiStream) Header() (metadata.MD, error) {
	return b.stream.Header()
}

// Trailer returns the trailer. It is complete only after Receive has
// returned an error.
func (b *BidiStream) Trailer() metadata.MD {
	return b.stream.Trailer()
}

// Close cancels the call if it is still going on, so that Send and Receive
// return at once, and frees its resources. It is safe to call more than
// once and after the call has ended; defer it right after BidiStream.
func (b *BidiStream) Close() {
	b.cancel()
}
