package keywords

import (
	"context"
	"io"
	"sync/atomic"
	"unicode/utf8"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	keywordsv1 "github.com/seed717b8fd8/grpcexamples/pb/keywords/v1"
)

// Stream is an open StreamKeywords call, from [Client.Stream]: send texts
// with Send and read one Result per text, in the same order, with Receive.
// One goroutine may call Send and CloseSend while another calls Receive;
// neither method may be called by two goroutines at once. Close is safe to
// call from any goroutine, at any time.
//
// A stream holds resources (a goroutine and buffers on each side) until it
// ends. End it cleanly by calling CloseSend and then Receive until it
// returns an error (io.EOF after a clean end); abandon it with Close or by
// cancelling the context given to [Client.Stream]. Deferring Close right
// after Client.Stream covers every path.
type Stream struct {
	st     keywordsv1.KeywordService_StreamKeywordsClient
	cancel context.CancelFunc
	closed atomic.Bool
}

// Stream opens a StreamKeywords call, passing the client's
// [WithCallOptions] and then opts to it. ctx bounds the whole stream:
// cancelling it ends the stream (Receive then returns codes.Canceled).
//
// With [WithTutorialServer] it fails with codes.Unimplemented without calling
// the server, because the tutorial contract has no stream method.
func (c *Client) Stream(ctx context.Context, opts ...grpc.CallOption) (*Stream, error) {
	if c.tutorial {
		return nil, status.Error(codes.Unimplemented, "keywords: the tutorial KeywordService has no stream method; use GetKeywords")
	}
	// The stream gets its own cancel so that Close can end it whatever the
	// caller's ctx does.
	ctx, cancel := context.WithCancel(ctx)
	st, err := c.v1.StreamKeywords(ctx, c.opts(opts)...)
	if err != nil {
		cancel()
		return nil, err
	}
	return &Stream{st: st, cancel: cancel}, nil
}

// Send sends one request; the server answers requests in the order sent.
// Text that is not valid UTF-8 fails with InvalidArgument before sending and
// leaves the stream usable.
//
// Send does not wait for the answer. When the stream has already ended (for
// example because the server refused an earlier request, or after Close),
// Send returns io.EOF and Receive returns the status that ended it.
func (s *Stream) Send(req Request) error {
	if s.closed.Load() {
		return io.EOF
	}
	if !utf8.ValidString(req.Text) {
		return requestStatus(checkText(req.Text), 0, "")
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
// DeadlineExceeded when ctx ended, Canceled after Close, Unavailable when
// the connection broke. Once it has returned an error, the call is over and
// its resources are freed.
func (s *Stream) Receive() (Result, error) {
	if s.closed.Load() {
		return Result{}, errClosed
	}
	resp, err := s.st.Recv()
	if err != nil {
		s.cancel()
		return Result{}, err
	}
	if s.closed.Load() {
		// Close raced with a result already buffered: the caller asked
		// for no more results, so do not hand out one.
		return Result{}, errClosed
	}
	return fromProto(resp), nil
}

var errClosed = status.Error(codes.Canceled, "keywords: Stream.Close was called")

// Close ends the call if it is still going on, so that a blocked Send or
// Receive returns at once, and frees its resources; the server's handler
// sees its context cancelled and stops the extraction in progress. After
// Close, Send returns io.EOF and Receive a Canceled status. It is safe to
// call more than once, from any goroutine, and after the call has ended.
func (s *Stream) Close() {
	s.closed.Store(true)
	s.cancel()
}
