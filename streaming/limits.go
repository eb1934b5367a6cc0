package streaming

import (
	"context"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/seed717b8fd8/grpcexamples/internal/rpcerr"
)

// Per-server ceilings: the defaults of the options of [NewServer]. A remote
// caller chooses the controls, so each ceiling bounds what one request can
// make a host's server spend: time, bytes sent and memory. A request that
// asks for more fails before anything is sent; the message names the
// ceiling, the value asked for and the option that raises it.
const (
	// MaxCallDuration is the default for the longest a call may last, wall
	// time from the start of its handler: 2 minutes. A server-streaming call
	// whose message_count × interval_ms asks for more fails at once with
	// codes.InvalidArgument; a call still running when it passes (a
	// client-streaming or bidirectional client that never closes its side,
	// a client that reads slowly or not at all) ends with
	// codes.DeadlineExceeded, the code gRPC uses for a deadline, here the
	// server's. Two minutes is twelve times [MaxInterval], room for a slow
	// demonstration stream or an interactive grpcurl session, and short
	// enough that a forgotten or hostile call frees its share of the server
	// within minutes. [WithMaxCallDuration] changes it.
	MaxCallDuration = 2 * time.Minute

	// MaxResponseBytes is the default for the most response bytes one call
	// may ask for: the sum over its responses of len(message) +
	// len(payload), 64 MiB. A unary or server-streaming request over it
	// fails at once with codes.InvalidArgument; a bidirectional call, whose
	// total is known only as it goes, ends with codes.ResourceExhausted
	// before the response that would pass it. 64 MiB is [MaxClientStreamBytes],
	// the same budget in the other direction: 64 responses of the largest
	// payload, or all [MaxMessageCount] responses of a 6 KiB one.
	// [WithMaxResponseBytes] changes it.
	MaxResponseBytes = 64 << 20

	// MaxConcurrentCalls is the default for the most calls one Server runs
	// at once, of every kind: 100. One more fails at once with
	// codes.ResourceExhausted, rather than wait, so that a client under load
	// sees the limit instead of a slow call; it may retry. A call holds its
	// place from the start of its handler until its status is sent. The
	// bound matters for memory: a server-streaming call whose client stops
	// reading holds up to two responses (see [Server]), so 100 such calls
	// with the largest payload hold about 200 MiB. [WithMaxConcurrentCalls]
	// changes it.
	MaxConcurrentCalls = 100
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
	// requests' messages joined by single spaces): 1 MiB, or the server's
	// response-byte ceiling when that is lower. Past it the call fails with
	// codes.ResourceExhausted rather than answer with a message the client
	// could not receive under gRPC's default 4 MiB limit.
	MaxSummaryMessageSize = 1 << 20
)

// begin admits one call: it takes one of the server's places for
// concurrent calls, or fails with codes.ResourceExhausted when none is
// free, and returns the call's context, which ends with s.tooLong once the
// call has run for s.maxCallDuration. end must be called when the handler
// returns; it frees the place before gRPC sends the status, so a client
// that has its status knows the place is free.
func (s *Server) begin(ctx context.Context) (_ context.Context, end func(), _ error) {
	select {
	case s.calls <- struct{}{}:
	default:
		return nil, nil, rpcerr.New(codes.ResourceExhausted, "CONCURRENT_CALLS_LIMIT",
			rpcerr.Meta("limit", cap(s.calls)),
			"%d calls already in progress, this server's limit (raise it with streaming.WithMaxConcurrentCalls); retry later",
			cap(s.calls))
	}
	ctx, cancel := context.WithTimeoutCause(ctx, s.maxCallDuration, s.tooLong)
	return ctx, func() { cancel(); <-s.calls }, nil
}

// detach runs body, the part of a streaming handler that sends and
// receives, on a goroutine of its own, and returns its error, or ctx's
// status as soon as ctx ends. A Send waiting for a client that does not
// read, or a Recv waiting for one that neither sends nor closes, is
// released only when the stream's own context ends, which the server cannot
// bring forward; returning from the handler can, because grpc-go then
// cancels the stream, which releases the Send or Recv and so ends body.
// body must use only ctx and the stream, and must not block otherwise.
func detach(ctx context.Context, body func() error) error {
	done := make(chan error, 1) // body never waits to report
	go func() { done <- body() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctxStatus(ctx)
	}
}

// ctxStatus is the status of a call whose context has ended: the cause set
// by [Server.begin] at the duration ceiling, or else Canceled or
// DeadlineExceeded for the client's cancellation or deadline.
func ctxStatus(ctx context.Context) error {
	if cause := context.Cause(ctx); cause != nil {
		if _, ok := status.FromError(cause); ok {
			return cause
		}
	}
	return status.FromContextError(ctx.Err()).Err()
}
