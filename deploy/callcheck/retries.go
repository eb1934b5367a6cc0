package main

import (
	"context"
	"sync/atomic"

	"google.golang.org/grpc/stats"
)

// retryCount is a stats.Handler that counts the transparent retries of the
// calls made on a connection: the attempts grpc-go made again by itself
// because the first one never reached a server's handler (the stream was
// refused by a GOAWAY, or its connection closed before it was sent). Such
// a call runs once, on the replica that answers, so the rolling-restart
// scripts can still count every OK call in exactly one replica's log.
type retryCount struct{ n atomic.Int64 }

func (r *retryCount) TagRPC(ctx context.Context, _ *stats.RPCTagInfo) context.Context { return ctx }

func (r *retryCount) HandleRPC(_ context.Context, s stats.RPCStats) {
	if b, ok := s.(*stats.Begin); ok && b.IsTransparentRetryAttempt {
		r.n.Add(1)
	}
}

func (r *retryCount) TagConn(ctx context.Context, _ *stats.ConnTagInfo) context.Context { return ctx }

func (r *retryCount) HandleConn(context.Context, stats.ConnStats) {}
