package main

import (
	"context"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
)

// drainingHealth is grpc-go's health server whose Watch streams end when
// the drain is over. grpc-go's own Watch only ends with its call, and every
// client doing client-side health checking keeps one open, so without this
// GracefulStop would always wait out the whole -grace period.
type drainingHealth struct {
	*health.Server
	drained <-chan struct{}
}

// Watch is health.Server.Watch until the drain ends, which ends the stream
// with codes.Unavailable: the client has already seen NOT_SERVING, and
// Unavailable tells it to look elsewhere.
func (h drainingHealth) Watch(req *healthpb.HealthCheckRequest, stream grpc.ServerStreamingServer[healthpb.HealthCheckResponse]) error {
	ctx, cancel := context.WithCancel(stream.Context())
	defer cancel()
	go func() {
		select {
		case <-h.drained:
			cancel()
		case <-ctx.Done():
		}
	}()
	err := h.Server.Watch(req, watchStream{stream, ctx})
	select {
	case <-h.drained:
		return status.Error(codes.Unavailable, "server is shutting down")
	default:
		return err
	}
}

// watchStream is a Watch stream with a context that also ends at the drain.
type watchStream struct {
	grpc.ServerStreamingServer[healthpb.HealthCheckResponse]
	ctx context.Context
}

func (w watchStream) Context() context.Context { return w.ctx }
