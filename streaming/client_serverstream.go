package streaming

import (
	"context"
	"errors"
	"io"
	"iter"

	"google.golang.org/grpc"

	streamingv1 "github.com/seed717b8fd8/grpcexamples/pb/streaming/v1"
)

// ServerStream returns the responses of a call to [Server.ServerStream]
// with message and the controls c, for use in a range loop:
//
//	for resp, err := range client.ServerStream(ctx, "hi", streaming.Controls{MessageCount: 3}) {
//		if err != nil {
//			return err // the call's status; always the last value
//		}
//		fmt.Println(resp.Sequence, resp.Message)
//	}
//
// Each range makes a new call. The sequence yields each response with a nil
// error, in order; a call that fails yields one final (Response{}, err),
// where err is the call's status: InvalidArgument for out-of-range
// controls or a request over the server's ceilings, ResourceExhausted when
// the server runs its most calls at once, DeadlineExceeded at the server's
// call-duration ceiling, the code c asks for, Canceled or DeadlineExceeded
// when ctx ends first (see [Server.ServerStream]). A call that ends with OK
// yields no error.
//
// Breaking out of the loop cancels the call, so that its goroutines (on
// the client and on the server) end at once instead of waiting for the
// remaining responses. opts are passed to the call:
// grpc.Header fills in once the first response has arrived and
// grpc.Trailer once the call has ended (not when the loop breaks early).
func (c *Client) ServerStream(ctx context.Context, message string, ctl Controls, opts ...grpc.CallOption) iter.Seq2[Response, error] {
	return func(yield func(Response, error) bool) {
		pc, err := ctl.proto()
		if err != nil {
			yield(Response{}, err)
			return
		}
		// Cancelling on return ends the call when the loop breaks early, and
		// releases its resources in every case.
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		stream, err := c.pb.ServerStream(ctx, &streamingv1.ServerStreamRequest{Message: message, Controls: pc}, c.opts(opts)...)
		if err != nil {
			yield(Response{}, err)
			return
		}
		for {
			resp, err := stream.Recv()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				yield(Response{}, err)
				return
			}
			r := Response{Message: resp.GetMessage(), Sequence: int(resp.GetSequence()), Payload: resp.GetPayload()}
			if !yield(r, nil) {
				return
			}
		}
	}
}
