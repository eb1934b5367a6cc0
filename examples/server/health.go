package main

import (
	"context"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
)

// drainingHealth is grpc-go's health server, with two changes:
//
//   - Check and Watch answer NotFound at once for a service name this
//     server does not serve. The set of names is fixed when the server
//     starts, so such a name can never become SERVING; grpc-go's Watch
//     would instead answer SERVICE_UNKNOWN and hold the call, and its
//     request (the name, up to -max-recv-bytes), open for the life of the
//     connection, exempt from -max-call-duration like every Watch. Health is
//     reachable without a token, so that would be memory anyone could hold.
//     A served name is passed on as the server's own copy, so an open Watch
//     keeps nothing the client sent.
//   - Watch streams end when the drain is over. grpc-go's own Watch only
//     ends with its call, and every client doing client-side health
//     checking keeps one open, so without this GracefulStop would always
//     wait out the whole -grace period.
type drainingHealth struct {
	*health.Server
	served  map[string]string // every name the server reports, to itself
	drained <-chan struct{}
}

// notServed is the NotFound status for a name the server does not serve.
// It quotes at most the name's first 64 bytes.
func notServed(name string) error {
	quoted := name
	if len(quoted) > 64 {
		quoted = strings.ToValidUTF8(quoted[:64], "") + "..."
	}
	return status.Errorf(codes.NotFound,
		"this server does not serve %q (%d bytes); ask for \"\" (the whole server) or a service it lists by reflection", quoted, len(name))
}

// Check is health.Server.Check for a served name, NotFound otherwise.
func (h drainingHealth) Check(ctx context.Context, req *healthpb.HealthCheckRequest) (*healthpb.HealthCheckResponse, error) {
	name, ok := h.served[req.GetService()]
	if !ok {
		return nil, notServed(req.GetService())
	}
	return h.Server.Check(ctx, &healthpb.HealthCheckRequest{Service: name})
}

// Watch is health.Server.Watch for a served name until the drain ends,
// which ends the stream with codes.Unavailable: the client has already
// seen NOT_SERVING, and Unavailable tells it to look elsewhere. A name the
// server does not serve gets NotFound at once.
func (h drainingHealth) Watch(req *healthpb.HealthCheckRequest, stream grpc.ServerStreamingServer[healthpb.HealthCheckResponse]) error {
	name, ok := h.served[req.GetService()]
	if !ok {
		return notServed(req.GetService())
	}
	ctx, cancel := context.WithCancel(stream.Context())
	defer cancel()
	go func() {
		select {
		case <-h.drained:
			cancel()
		case <-ctx.Done():
		}
	}()
	err := h.Server.Watch(&healthpb.HealthCheckRequest{Service: name}, watchStream{stream, ctx})
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
