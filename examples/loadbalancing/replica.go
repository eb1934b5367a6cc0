package main

import (
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"

	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/seed717b8fd8/grpcexamples/calculator"
	"github.com/seed717b8fd8/grpcexamples/greeter"
	"github.com/seed717b8fd8/grpcexamples/keywords"
	"github.com/seed717b8fd8/grpcexamples/streaming"
)

// healthService is the health status the client's healthCheckConfig
// watches: "" is the whole server's, the one examples/server turns
// NOT_SERVING when it starts to drain.
const healthService = ""

// healthPrefix starts the method path of every grpc.health.v1 call. The
// client's health watch is such a call, made to each replica rather than
// balanced over them, so the replicas do not count health calls.
var healthPrefix = "/" + healthpb.Health_ServiceDesc.ServiceName + "/"

// replica is one server of the set: a grpc.Server on its own loopback
// port with every service and grpc health mounted, counting the calls it
// serves.
type replica struct {
	name   string
	addr   string // host:port it listens on
	grpc   *grpc.Server
	health *health.Server
	calls  atomic.Int64 // calls served, health calls excepted
	served chan error   // Serve's result

	stopOnce sync.Once
	stopErr  error
}

// startReplica serves a new replica on addr ("127.0.0.1:0" for a port the
// OS picks; a replica restarted on its old address takes that address).
func startReplica(name, addr string) (*replica, error) {
	lis, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("replica %s: %w", name, err)
	}
	r := &replica{
		name:   name,
		addr:   lis.Addr().String(),
		health: health.NewServer(), // "" is SERVING from the start
		served: make(chan error, 1),
	}
	r.grpc = grpc.NewServer(
		grpc.ChainUnaryInterceptor(r.countUnary),
		grpc.ChainStreamInterceptor(r.countStream),
	)
	calculator.Register(r.grpc, calculator.NewServer())
	greeter.Register(r.grpc, greeter.NewServer())
	keywords.Register(r.grpc, keywords.NewServer())
	streaming.Register(r.grpc, streaming.NewServer())
	healthpb.RegisterHealthServer(r.grpc, r.health)
	go func() { r.served <- r.grpc.Serve(lis) }()
	return r, nil
}

func (r *replica) countUnary(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	if !strings.HasPrefix(info.FullMethod, healthPrefix) {
		r.calls.Add(1)
	}
	return handler(ctx, req)
}

func (r *replica) countStream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	if !strings.HasPrefix(info.FullMethod, healthPrefix) {
		r.calls.Add(1)
	}
	return handler(srv, ss)
}

// setServing sets the status the client's health check watches. The
// replica keeps serving calls either way: NOT_SERVING asks clients to stop
// sending them, as a draining server does.
func (r *replica) setServing(serving bool) {
	st := healthpb.HealthCheckResponse_NOT_SERVING
	if serving {
		st = healthpb.HealthCheckResponse_SERVING
	}
	r.health.SetServingStatus(healthService, st)
}

// stop drains the replica as examples/server does, without its waits:
// every status turns NOT_SERVING, then the server stops gracefully. Open
// health watches hold GracefulStop until their clients go, so close the
// client first, or wait in the client for the balancer to move away (see
// untilAvoids) and let the GOAWAY end the watch.
//
// Calling stop again returns the first call's result.
func (r *replica) stop() error {
	r.stopOnce.Do(func() {
		r.health.Shutdown()
		r.grpc.GracefulStop()
		r.stopErr = <-r.served
	})
	return r.stopErr
}
