package main

import (
	"context"
	"errors"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/tap"
)

// errCallTooLong is the cause of a call's context ending at
// -max-call-duration, which tells it apart from the client's own deadline.
var errCallTooLong = errors.New("call ran longer than -max-call-duration")

// healthWatch is exempt from -max-call-duration: a client doing
// client-side health checking keeps one Watch open per connection for the
// connection's life, and a Watch ended by the server marks the connection
// unhealthy until the client starts a new one. The drain ends them at
// shutdown.
var healthWatch = "/" + healthpb.Health_ServiceDesc.ServiceName + "/Watch"

// callDeadline returns the tap handle that gives every call's stream a
// deadline at most limit from its start, keeping an earlier one the client
// set. It works at the transport rather than in an interceptor because
// only the stream's own context unblocks a handler waiting in Recv or in
// Send on a client that does not read: a context an interceptor derives
// reaches the handler's code but not the transport.
func callDeadline(limit time.Duration) tap.ServerInHandle {
	return func(ctx context.Context, info *tap.Info) (context.Context, error) {
		if info.FullMethodName == healthWatch {
			return ctx, nil
		}
		ctx, cancel := context.WithTimeoutCause(ctx, limit, errCallTooLong)
		// grpc-go cancels the stream's context, this one's parent, when the
		// call ends; that stops the timer, so cancel has nothing left to do.
		_ = cancel
		return ctx, nil
	}
}

// callTooLong turns the end of a call that ran into -max-call-duration,
// whatever the handler returned, into codes.DeadlineExceeded with a
// message naming the limit and the flag. A handler waiting in Recv or Send
// at that moment makes grpc-go answer at once with its own
// DeadlineExceeded ("context deadline exceeded"): the code is the same,
// and the log still names the limit.
func callTooLong(ctx context.Context, limit time.Duration, err error) error {
	if ctx.Err() != nil && errors.Is(context.Cause(ctx), errCallTooLong) {
		return status.Errorf(codes.DeadlineExceeded,
			"the call ran longer than the server allows (%v; the server's -max-call-duration flag sets it)", limit)
	}
	return err
}

func unaryCallTooLong(limit time.Duration) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		resp, err := handler(ctx, req)
		if err := callTooLong(ctx, limit, err); err != nil {
			return nil, err
		}
		return resp, nil
	}
}

func streamCallTooLong(limit time.Duration) grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
		return callTooLong(ss.Context(), limit, handler(srv, ss))
	}
}
