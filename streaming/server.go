package streaming

import (
	"context"
	"errors"
	"io"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	streamingv1 "github.com/seed717b8fd8/grpcexamples/pb/streaming/v1"
)

// Limits of a client-streaming call, which reads any number of requests
// and keeps a summary of them. They bound the memory one call can take.
const (
	// MaxClientStreamBytes is the default for the most bytes (the sum of
	// len(message) + len(payload) over requests) a client-streaming call may
	// send: 64 MiB. Past it the call fails with codes.ResourceExhausted.
	// [WithMaxClientStreamBytes] changes it.
	MaxClientStreamBytes = 64 << 20

	// MaxSummaryMessageSize is the most bytes of the summary's message (the
	// requests' messages joined by single spaces): 1 MiB. Past it the call
	// fails with codes.ResourceExhausted rather than answer with a message
	// the client could not receive under gRPC's default 4 MiB limit.
	MaxSummaryMessageSize = 1 << 20
)

// Server implements grpcexamples.streaming.v1.StreamingService
// (pb/streaming/v1/streaming.proto): one method for each of gRPC's four RPC
// kinds, each behaving as the [Controls] of the call ask. Create one with
// [NewServer] and mount it with [Register]. It holds no per-call state and
// is safe for concurrent use.
//
// Every method:
//   - checks the controls first and fails with codes.InvalidArgument, before
//     sending anything, when one is out of range (see [Controls]);
//   - echoes the request metadata listed in the controls into the response
//     header, which it sends at once (before any pause), and into the
//     trailer, also when the call then fails;
//   - stops at once, even in the middle of a pause, when the call is
//     cancelled or its deadline passes, with codes.Canceled or
//     codes.DeadlineExceeded;
//   - ends with the status the controls ask for, when they ask for one.
type Server struct {
	streamingv1.UnimplementedStreamingServiceServer

	maxClientStreamBytes int64
}

// NewServer returns a Server configured by opts.
func NewServer(opts ...Option) *Server {
	s := &Server{maxClientStreamBytes: MaxClientStreamBytes}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Unary answers with the request's message, Received set to true (the
// tutorials' acknowledgement flag) and a payload of controls.payload_size
// zero bytes, after a pause of controls.interval_ms. When
// controls.status_code is not OK it answers, after the same pause, with that
// status instead. Status codes: InvalidArgument for out-of-range controls,
// Canceled or DeadlineExceeded when the call ends during the pause, and the
// requested code.
func (s *Server) Unary(ctx context.Context, req *streamingv1.UnaryRequest) (*streamingv1.UnaryResponse, error) {
	c := req.GetControls()
	if err := validate(c, false); err != nil {
		return nil, err
	}
	if err := sendUnaryEcho(ctx, c); err != nil {
		return nil, err
	}
	if err := pause(ctx, interval(c)); err != nil {
		return nil, err
	}
	if err := endStatus(c); err != nil {
		return nil, err
	}
	return &streamingv1.UnaryResponse{
		Message:  req.GetMessage(),
		Received: true,
		Payload:  payload(c),
	}, nil
}

// ServerStream sends controls.message_count responses (0 means 1), each
// after a pause of controls.interval_ms, carrying the request's message, a
// sequence number from 1 and a payload of controls.payload_size zero bytes.
// When controls.status_code is not OK, the call ends with that status right
// after controls.status_after responses (0: before the first one).
// Status codes: InvalidArgument for out-of-range controls (status_after
// above the number of responses included), Canceled or DeadlineExceeded
// when the call ends early, and the requested code.
func (s *Server) ServerStream(req *streamingv1.ServerStreamRequest, stream grpc.ServerStreamingServer[streamingv1.ServerStreamResponse]) error {
	c := req.GetControls()
	if err := validate(c, true); err != nil {
		return err
	}
	ctx := stream.Context()
	if err := sendEcho(stream, c); err != nil {
		return err
	}
	n, end, after := responseCount(c), endStatus(c), c.GetStatusAfter()
	p := payload(c)
	for sent := int32(0); ; sent++ {
		if end != nil && sent == after {
			return end
		}
		if sent == n {
			return nil
		}
		if err := pause(ctx, interval(c)); err != nil {
			return err
		}
		resp := &streamingv1.ServerStreamResponse{Message: req.GetMessage(), Sequence: sent + 1, Payload: p}
		if err := stream.Send(resp); err != nil {
			return streamErr(ctx, err)
		}
	}
}

// ClientStream reads requests until the client closes its side, then,
// after a pause of controls.interval_ms, answers with a summary: the
// requests' messages joined by single spaces, their number, and their byte
// count (the sum of len(message) + len(payload)). The controls are those
// of the first request. When controls.status_code is not OK, the call ends
// with that status as soon as controls.status_after requests have been
// received (0 means right after the first); a client that closes earlier
// gets the summary.
//
// Status codes: InvalidArgument for out-of-range controls;
// ResourceExhausted when the requests exceed the byte limit
// ([MaxClientStreamBytes], or [WithMaxClientStreamBytes]) or the summary's
// message would exceed [MaxSummaryMessageSize]; Canceled or
// DeadlineExceeded when the call ends early; and the requested code.
func (s *Server) ClientStream(stream grpc.ClientStreamingServer[streamingv1.ClientStreamRequest, streamingv1.ClientStreamResponse]) error {
	ctx := stream.Context()
	var (
		c       *streamingv1.Controls
		end     error
		after   int32
		count   int32
		bytes   int64
		message strings.Builder
	)
	for {
		req, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return streamErr(ctx, err)
		}
		if count == 0 {
			c = req.GetControls()
			if err := validate(c, false); err != nil {
				return err
			}
			if err := sendEcho(stream, c); err != nil {
				return err
			}
			end, after = endStatus(c), max(1, c.GetStatusAfter())
		}
		count++
		bytes += int64(len(req.GetMessage()) + len(req.GetPayload()))
		if bytes > s.maxClientStreamBytes {
			return status.Errorf(codes.ResourceExhausted,
				"client stream sent %d bytes in %d requests: at most %d allowed", bytes, count, s.maxClientStreamBytes)
		}
		sep := 0
		if count > 1 {
			sep = 1
		}
		if size := message.Len() + sep + len(req.GetMessage()); size > MaxSummaryMessageSize {
			return status.Errorf(codes.ResourceExhausted,
				"summary message would be %d bytes after %d requests: at most %d allowed", size, count, MaxSummaryMessageSize)
		}
		if sep == 1 {
			message.WriteByte(' ')
		}
		message.WriteString(req.GetMessage())
		if end != nil && count == after {
			return end
		}
	}
	if err := pause(ctx, interval(c)); err != nil {
		return err
	}
	return streamErr(ctx, stream.SendAndClose(&streamingv1.ClientStreamResponse{
		Message:      message.String(),
		MessageCount: count,
		ByteCount:    bytes,
	}))
}

// BidiStream answers each request as it arrives, in order, after a pause
// of controls.interval_ms: the response echoes the request's message, with
// a sequence number from 1 and a payload of controls.payload_size zero
// bytes. The controls are those of the first request. The call ends with OK
// when the client closes its side and every request has been answered. When
// controls.status_code is not OK, the call ends with that status right
// after controls.status_after responses (0 means right after the first
// request, with no response); a client that closes earlier gets OK.
//
// Status codes: InvalidArgument for out-of-range controls, Canceled or
// DeadlineExceeded when the call ends early, and the requested code.
func (s *Server) BidiStream(stream grpc.BidiStreamingServer[streamingv1.BidiStreamRequest, streamingv1.BidiStreamResponse]) error {
	ctx := stream.Context()
	var (
		c     *streamingv1.Controls
		end   error
		after int32
		p     []byte
	)
	for sent := int32(0); ; {
		req, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return streamErr(ctx, err)
		}
		if c == nil {
			c = req.GetControls()
			if c == nil {
				c = &streamingv1.Controls{}
			}
			if err := validate(c, false); err != nil {
				return err
			}
			if err := sendEcho(stream, c); err != nil {
				return err
			}
			end, after, p = endStatus(c), c.GetStatusAfter(), payload(c)
			if end != nil && after == 0 {
				return end
			}
		}
		if err := pause(ctx, interval(c)); err != nil {
			return err
		}
		sent++
		resp := &streamingv1.BidiStreamResponse{Message: req.GetMessage(), Sequence: sent, Payload: p}
		if err := stream.Send(resp); err != nil {
			return streamErr(ctx, err)
		}
		if end != nil && sent == after {
			return end
		}
	}
}

// interval is controls.interval_ms as a duration.
func interval(c *streamingv1.Controls) time.Duration {
	return time.Duration(c.GetIntervalMs()) * time.Millisecond
}

// payload returns controls.payload_size zero bytes (nil for none). One
// slice serves every response of a call: messages are marshalled on Send
// and never change it.
func payload(c *streamingv1.Controls) []byte {
	if n := c.GetPayloadSize(); n > 0 {
		return make([]byte, n)
	}
	return nil
}

// pause waits for d, or less if ctx ends first, in which case it returns
// ctx's error as a status (Canceled or DeadlineExceeded).
func pause(ctx context.Context, d time.Duration) error {
	if d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
			return nil
		case <-ctx.Done():
		}
	}
	if err := ctx.Err(); err != nil {
		return status.FromContextError(err).Err()
	}
	return nil
}

// streamErr reports an error of Send or Recv: the context's, as a status,
// when the call has ended, or else err unchanged.
func streamErr(ctx context.Context, err error) error {
	if err != nil && ctx.Err() != nil {
		return status.FromContextError(ctx.Err()).Err()
	}
	return err
}
