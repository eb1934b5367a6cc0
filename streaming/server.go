package streaming

import (
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"

	"github.com/seed717b8fd8/grpcexamples/internal/rpcerr"
	streamingv1 "github.com/seed717b8fd8/grpcexamples/pb/streaming/v1"
)

// Server implements grpcexamples.streaming.v1.StreamingService
// (pb/proto/grpcexamples/streaming/v1/streaming.proto): one method for each
// of gRPC's four RPC kinds, each behaving as the [Controls] of the call ask.
// Create one with [NewServer] and mount it with [Register]. It is safe for
// concurrent use; of its calls it keeps only their number.
//
// Every method:
//   - checks the controls first and fails with codes.InvalidArgument, before
//     sending anything, when one is out of range (see [Controls]) or when
//     what they ask for is over one of the server's ceilings below;
//   - fails at once with codes.ResourceExhausted when the server already
//     runs its most calls at once;
//   - echoes the request metadata listed in the controls into the response
//     header, which it sends at once (before any pause), and into the
//     trailer, also when the call then fails;
//   - stops at once, even in the middle of a pause, when the call is
//     cancelled or its deadline passes, with codes.Canceled or
//     codes.DeadlineExceeded;
//   - ends with the status the controls ask for, when they ask for one;
//   - fails the first attempts of a call that the controls ask to fail
//     (Controls.FailFirstAttempts), at once and before sending anything.
//
// # Ceilings
//
// Each Server bounds what one remote caller can make it spend, with
// defaults safe for a host that mounts it next to its own services, each
// changed by an option of [NewServer]:
//   - time: a call lasts at most [MaxCallDuration] ([WithMaxCallDuration]),
//     wall time. Pauses asked for over it are refused with
//     codes.InvalidArgument; a call still running when it passes, such as
//     a client-streaming or bidirectional call whose client never closes,
//     or a server stream whose client reads too slowly or not at all, ends
//     with codes.DeadlineExceeded. A request whose pauses fill the ceiling
//     exactly is accepted but, since sending takes time too, may reach it.
//   - bytes sent: the responses of a call carry at most [MaxResponseBytes]
//     of message and payload ([WithMaxResponseBytes]);
//   - load: at most [MaxConcurrentCalls] calls run at once
//     ([WithMaxConcurrentCalls]); one more fails at once with
//     codes.ResourceExhausted rather than wait;
//   - bytes received: a client-streaming call may send at most
//     [MaxClientStreamBytes] ([WithMaxClientStreamBytes]).
//
// Every status message names the ceiling, the value asked for and the
// option that raises it.
//
// # A client that stops reading
//
// gRPC's flow control stops a server from sending more than the client
// has room for: the client grants each stream a window, 64 KiB at first
// (a grpc-go client may grow it, up to 16 MiB, as it measures the
// connection). A server-streaming or bidirectional call whose client stops
// reading therefore holds, on the server, at most two responses and
// 64 KiB: grpc-go queues what a call sends until 64 KiB wait to be
// written, and holds the last response it queued whole until the client's
// window lets its last byte out; the next one, marshalled, waits in Send.
// The payload bytes themselves are shared by all calls, not copied per
// call. With the largest payload that is about 2 MiB per call (measured:
// 2.15 MiB per call, server and client together, with a 64 KiB window),
// so [MaxConcurrentCalls] such calls hold about 200 MiB, for at most
// [MaxCallDuration]: the call then ends, which releases the waiting Send
// at once. As for any gRPC service, grpc-go still keeps the response it
// was writing (a unary response too) until the client reads it, resets the
// stream or the connection closes, and the stream counts until then
// against the connection's limit of concurrent streams: the host bounds
// that with grpc.MaxConcurrentStreams, and how long a stuck connection
// lives with grpc.KeepaliveParams.
//
// To end a call at its ceiling while a Send or Recv waits for the client,
// a streaming call sends and receives on a goroutine of its own, and the
// handler returns at the ceiling; grpc-go then ends the stream, which
// releases the waiting Send or Recv, and the goroutine ends. A host's
// stream interceptor may therefore see the handler return while a
// SendMsg or RecvMsg it wraps is still waiting to fail.
type Server struct {
	streamingv1.UnimplementedStreamingServiceServer

	maxClientStreamBytes int64
	maxCallDuration      time.Duration
	maxResponseBytes     int64
	maxConcurrentCalls   int

	calls   chan struct{} // one element per call in progress
	tooLong error         // the status of a call at maxCallDuration
}

// NewServer returns a Server configured by opts: [WithMaxCallDuration],
// [WithMaxResponseBytes], [WithMaxConcurrentCalls] and
// [WithMaxClientStreamBytes], each defaulting to the constant of the same
// name ([MaxCallDuration], ...).
func NewServer(opts ...Option) *Server {
	s := &Server{
		maxClientStreamBytes: MaxClientStreamBytes,
		maxCallDuration:      MaxCallDuration,
		maxResponseBytes:     MaxResponseBytes,
		maxConcurrentCalls:   MaxConcurrentCalls,
	}
	for _, o := range opts {
		o(s)
	}
	s.calls = make(chan struct{}, s.maxConcurrentCalls)
	s.tooLong = rpcerr.New(codes.DeadlineExceeded, "CALL_DURATION_LIMIT",
		rpcerr.Meta("limitMs", s.maxCallDuration.Milliseconds()),
		"call reached this server's limit of %v per call (raise it with streaming.WithMaxCallDuration)", s.maxCallDuration)
	return s
}

// Unary answers with the request's message, Received set to true (the
// tutorials' acknowledgement flag) and a payload of controls.payload_size
// zero bytes, after a pause of controls.interval_ms. When
// controls.status_code is not OK it answers, after the same pause, with that
// status instead.
//
// Status codes: InvalidArgument for out-of-range controls, a pause over the
// call-duration ceiling, or a response (len(message) + payload_size) over
// the response-byte ceiling; ResourceExhausted when the server already runs
// its most calls at once; Canceled or DeadlineExceeded when the call ends
// during the pause; and the requested code.
func (s *Server) Unary(ctx context.Context, req *streamingv1.UnaryRequest) (*streamingv1.UnaryResponse, error) {
	c := req.GetControls()
	if err := validate(c, false); err != nil {
		return nil, err
	}
	if err := s.checkPause(c); err != nil {
		return nil, err
	}
	if err := s.checkPayload(c); err != nil {
		return nil, err
	}
	if endStatus(c) == nil {
		if err := s.checkResponses(c, 1, len(req.GetMessage()), ""); err != nil {
			return nil, err
		}
	}
	if failed := failedAttempt(ctx, c); failed != nil {
		return nil, failAttempt(ctx, c, failed, func(md metadata.MD) error { return grpc.SetTrailer(ctx, md) })
	}
	ctx, done, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
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
//
// The responses it will send (message_count, or status_after when it ends
// with a status) are checked before the first: their pauses against the
// call-duration ceiling ([WithMaxCallDuration]) and their bytes, each
// len(message) + payload_size, against the response-byte ceiling
// ([WithMaxResponseBytes]).
//
// Status codes: InvalidArgument for out-of-range controls (status_after
// above the number of responses included) or a request over a ceiling,
// before any response; ResourceExhausted when the server already runs its
// most calls at once; DeadlineExceeded when the call reaches the
// call-duration ceiling (as one whose client reads too slowly does);
// Canceled or DeadlineExceeded when the call is cancelled or its deadline
// passes; and the requested code.
func (s *Server) ServerStream(req *streamingv1.ServerStreamRequest, stream grpc.ServerStreamingServer[streamingv1.ServerStreamResponse]) error {
	c := req.GetControls()
	if err := validate(c, true); err != nil {
		return err
	}
	if err := s.checkPayload(c); err != nil {
		return err
	}
	countField := "controls.message_count"
	if endStatus(c) != nil {
		countField = "controls.status_after"
	}
	if err := s.checkResponses(c, int64(sentResponses(c)), len(req.GetMessage()), countField); err != nil {
		return err
	}
	if failed := failedAttempt(stream.Context(), c); failed != nil {
		return failAttempt(stream.Context(), c, failed, setTrailer(stream))
	}
	ctx, done, err := s.begin(stream.Context())
	if err != nil {
		return err
	}
	defer done()
	if err := sendEcho(stream, c); err != nil {
		return err
	}
	n, end, after := responseCount(c), endStatus(c), c.GetStatusAfter()
	p := payload(c)
	return detach(ctx, func() error {
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
	})
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
// Status codes: InvalidArgument for out-of-range controls or a pause over
// the call-duration ceiling; ResourceExhausted when the server already runs
// its most calls at once ([WithMaxConcurrentCalls]), when the requests
// exceed the byte limit ([MaxClientStreamBytes], or
// [WithMaxClientStreamBytes]) or when the summary's message would exceed
// [MaxSummaryMessageSize] (or the response-byte ceiling, if lower);
// DeadlineExceeded when the call reaches the call-duration ceiling
// ([WithMaxCallDuration]), as one whose client never closes its side does;
// Canceled or DeadlineExceeded when the call is cancelled or its deadline
// passes; and the requested code.
func (s *Server) ClientStream(stream grpc.ClientStreamingServer[streamingv1.ClientStreamRequest, streamingv1.ClientStreamResponse]) error {
	ctx, done, err := s.begin(stream.Context())
	if err != nil {
		return err
	}
	defer done()
	return detach(ctx, func() error { return s.clientStream(ctx, stream) })
}

// clientStream is the body of ClientStream, run by detach with the call's
// context.
func (s *Server) clientStream(ctx context.Context, stream grpc.ClientStreamingServer[streamingv1.ClientStreamRequest, streamingv1.ClientStreamResponse]) error {
	var (
		c       *streamingv1.Controls
		end     error
		after   int32
		count   int32
		bytes   int64
		message strings.Builder
	)
	// The summary's message is a response too: it must fit the
	// response-byte ceiling when that is below MaxSummaryMessageSize.
	maxSummary, summaryLimit := int64(MaxSummaryMessageSize), "streaming.MaxSummaryMessageSize"
	if s.maxResponseBytes < maxSummary {
		maxSummary, summaryLimit = s.maxResponseBytes, "this server's response bytes per call, streaming.WithMaxResponseBytes"
	}
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
			if err := s.checkStreamControls(c); err != nil {
				return err
			}
			if failed := failedAttempt(ctx, c); failed != nil {
				return failAttempt(ctx, c, failed, setTrailer(stream))
			}
			if err := sendEcho(stream, c); err != nil {
				return err
			}
			end, after = endStatus(c), max(1, c.GetStatusAfter())
		}
		count++
		bytes += int64(len(req.GetMessage()) + len(req.GetPayload()))
		if bytes > s.maxClientStreamBytes {
			return rpcerr.New(codes.ResourceExhausted, "CLIENT_STREAM_BYTES_LIMIT",
				rpcerr.Meta("sentBytes", bytes, "requests", count, "limitBytes", s.maxClientStreamBytes),
				"client stream sent %d bytes in %d requests: at most %d allowed (raise it with streaming.WithMaxClientStreamBytes)",
				bytes, count, s.maxClientStreamBytes)
		}
		sep := 0
		if count > 1 {
			sep = 1
		}
		if size := int64(message.Len() + sep + len(req.GetMessage())); size > maxSummary {
			return rpcerr.New(codes.ResourceExhausted, "SUMMARY_MESSAGE_TOO_LARGE",
				rpcerr.Meta("sizeBytes", size, "requests", count, "limitBytes", maxSummary),
				"summary message would be %d bytes after %d requests: at most %d allowed (%s)", size, count, maxSummary, summaryLimit)
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
// Status codes: InvalidArgument for out-of-range controls;
// ResourceExhausted when the server has too many calls in progress
// ([WithMaxConcurrentCalls]), or before a response that would bring the
// bytes sent (len(message) + len(payload) over responses) past the
// server's ceiling ([WithMaxResponseBytes]); DeadlineExceeded when the call
// reaches the server's duration ceiling ([WithMaxCallDuration]), as one
// whose client never closes its side does; Canceled or DeadlineExceeded
// when the call is cancelled or its deadline passes; and the requested
// code.
func (s *Server) BidiStream(stream grpc.BidiStreamingServer[streamingv1.BidiStreamRequest, streamingv1.BidiStreamResponse]) error {
	ctx, done, err := s.begin(stream.Context())
	if err != nil {
		return err
	}
	defer done()
	return detach(ctx, func() error { return s.bidiStream(ctx, stream) })
}

// bidiStream is the body of BidiStream, run by detach with the call's
// context.
func (s *Server) bidiStream(ctx context.Context, stream grpc.BidiStreamingServer[streamingv1.BidiStreamRequest, streamingv1.BidiStreamResponse]) error {
	var (
		c     *streamingv1.Controls
		end   error
		after int32
		p     []byte
		bytes int64 // sent so far: len(message) + len(payload) over responses
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
			if err := s.checkStreamControls(c); err != nil {
				return err
			}
			if failed := failedAttempt(ctx, c); failed != nil {
				return failAttempt(ctx, c, failed, setTrailer(stream))
			}
			if err := sendEcho(stream, c); err != nil {
				return err
			}
			end, after, p = endStatus(c), c.GetStatusAfter(), payload(c)
			if end != nil && after == 0 {
				return end
			}
		}
		size := int64(len(req.GetMessage()) + len(p))
		if bytes+size > s.maxResponseBytes {
			return rpcerr.New(codes.ResourceExhausted, "RESPONSE_BYTES_LIMIT",
				rpcerr.Meta("response", sent+1, "totalBytes", bytes+size, "limitBytes", s.maxResponseBytes),
				"response %d would bring the bytes sent to %d: over this server's limit of %d response bytes per call (raise it with streaming.WithMaxResponseBytes)",
				sent+1, bytes+size, s.maxResponseBytes)
		}
		if err := pause(ctx, interval(c)); err != nil {
			return err
		}
		sent++
		bytes += size
		resp := &streamingv1.BidiStreamResponse{Message: req.GetMessage(), Sequence: sent, Payload: p}
		if err := stream.Send(resp); err != nil {
			return streamErr(ctx, err)
		}
		if end != nil && sent == after {
			return end
		}
	}
}

// checkStreamControls checks the controls of a client-streaming or
// bidirectional call, whose responses are not known in advance: each
// control in its range, one pause and one payload within the ceilings.
func (s *Server) checkStreamControls(c *streamingv1.Controls) error {
	if err := validate(c, false); err != nil {
		return err
	}
	if err := s.checkPause(c); err != nil {
		return err
	}
	return s.checkPayload(c)
}

// interval is controls.interval_ms as a duration.
func interval(c *streamingv1.Controls) time.Duration {
	return time.Duration(c.GetIntervalMs()) * time.Millisecond
}

// payload returns controls.payload_size zero bytes (nil for none): a
// slice of one array of MaxPayloadSize zeros that serves every response of
// every call, so that a call holds no payload of its own while its client
// is slow to read. Nothing writes to it: messages are marshalled on Send
// and gRPC forbids changing a message once sent; the capacity is cut to
// the length so that an append copies.
func payload(c *streamingv1.Controls) []byte {
	if n := c.GetPayloadSize(); n > 0 {
		return zeros()[:n:n]
	}
	return nil
}

// zeros is allocated on first use, so that a program that imports the
// package without serving payloads does not pay for it.
var zeros = sync.OnceValue(func() []byte { return make([]byte, MaxPayloadSize) })

// pause waits for d, or less if ctx ends first, in which case it returns
// ctx's status (see ctxStatus).
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
	if ctx.Err() != nil {
		return ctxStatus(ctx)
	}
	return nil
}

// streamErr reports an error of Send or Recv: the context's status, when
// the call has ended, or else err unchanged.
func streamErr(ctx context.Context, err error) error {
	if err != nil && ctx.Err() != nil {
		return ctxStatus(ctx)
	}
	return err
}
