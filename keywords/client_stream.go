package keywords

import (
	"context"
	"unicode/utf8"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	keywordsv1 "github.com/seed717b8fd8/grpcexamples/pb/keywords/v1"
)

// Stream is an open StreamKeywords call, from [Client.Stream]: send texts
// with Send and read one Result per text, in the same order, with Receive.
// One goroutine may call Send and CloseSend while another calls Receive;
// neither method may be called by two goroutines at once.
//
// A stream holds resources until it ends. End it either by calling
// CloseSend and then Receive until it returns an error (io.EOF after a clean
// end), or by cancelling the context given to [Client.Stream], which aborts
// it at once.
type Stream struct {
	st keywordsv1.KeywordService_StreamKeywordsClient
}

// Stream opens a StreamKeywords call. ctx bounds the whole stream:
// cancelling it ends the stream (Receive then returns codes.Canceled).
//
// With [WithTutorialServer] it fails with codes.Unimplemented without calling
// the server, because the tutorial contract has no stream method.
func (c *Client) Stream(ctx context.Context, opts ...grpc.CallOption) (*Stream, error) {
	if c.tutorial {
		return nil, status.Error(codes.Unimplemented, "keywords: the tutorial KeywordService has no stream method; use GetKeywords")
	}
	st, err := c.v1.StreamKeywords(ctx, opts...)
	if err != nil {
		return nil, err
	}
	return &Stream{st: st}, nil
}

// Send sends one request; the server answers requests in the order sent.
// Text that is not valid UTF-8 fails with InvalidArgument before sending and
// leaves the stream usable.
//
// Send does not wait for the answer. When the stream has already ended (for
// example because the server refused an earlier request), Send returns
// io.EOF and Receive returns the status that ended it.
func (s *Stream) Send(req Request) error {
	if !utf8.ValidString(req.Text) {
		return status.Error(codes.InvalidArgument, checkText(req.Text).Error())
	}
	return s.st.Send(toProto(req))
}

// CloseSend tells the server no more requests follow. Results for the
// requests already sent can still be received.
func (s *Stream) CloseSend() error {
	return s.st.CloseSend()
}

// Receive returns the answer to the next request sent, blocking until it
// arrives. After CloseSend and the last answer it returns io.EOF. Any other
// error is the status that ended the stream, unchanged: InvalidArgument
// naming the refused request (see [Server.StreamKeywords]), Canceled or
// DeadlineExceeded when ctx ended, Unavailable when the connection broke.
func (s *Stream) Receive() (Result, error) {
	resp, err := s.st.Recv()
	if err != nil {
		return Result{}, err
	}
	return fromProto(resp), nil
}
