package bufconntest_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"

	"github.com/seed717b8fd8/grpcexamples/bufconntest"
)

// registerHealth mounts grpc-go's health service, a real service that is
// independent of this module's own.
func registerHealth(s grpc.ServiceRegistrar) {
	hs := health.NewServer()
	hs.SetServingStatus("svc", healthpb.HealthCheckResponse_SERVING)
	healthpb.RegisterHealthServer(s, hs)
}

func TestStartServesRegisteredServices(t *testing.T) {
	srv := bufconntest.Start(t, registerHealth)
	resp, err := healthpb.NewHealthClient(srv.Conn).Check(t.Context(), &healthpb.HealthCheckRequest{Service: "svc"})
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	if got := resp.GetStatus(); got != healthpb.HealthCheckResponse_SERVING {
		t.Errorf("status = %v, want SERVING", got)
	}
	// A service that was not registered answers Unimplemented, as over TCP.
	_, err = callUnknownMethod(t.Context(), srv.Conn)
	if status.Code(err) != codes.Unimplemented {
		t.Errorf("unknown method: code = %v, want Unimplemented (err %v)", status.Code(err), err)
	}
}

func callUnknownMethod(ctx context.Context, cc grpc.ClientConnInterface) (*healthpb.HealthCheckResponse, error) {
	out := new(healthpb.HealthCheckResponse)
	return out, cc.Invoke(ctx, "/no.such.Service/Method", &healthpb.HealthCheckRequest{}, out)
}

func TestConnIsReadyOnReturn(t *testing.T) {
	srv := bufconntest.Start(t, registerHealth)
	if st := srv.Conn.GetState().String(); st != "READY" {
		t.Errorf("state after Start = %s, want READY", st)
	}
}

func TestCloseStopsServerAndIsIdempotent(t *testing.T) {
	srv, err := bufconntest.NewServer(registerHealth)
	if err != nil {
		t.Fatal(err)
	}
	cc, err := srv.Dial()
	if err != nil {
		t.Fatal(err)
	}
	srv.Close()
	srv.Close() // second Close is a no-op

	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	_, err = healthpb.NewHealthClient(cc).Check(ctx, &healthpb.HealthCheckRequest{})
	if code := status.Code(err); code != codes.Canceled && code != codes.Unavailable {
		t.Errorf("call on a connection closed by Close: code = %v, want Canceled or Unavailable (err %v)", code, err)
	}
	if _, err := srv.Dial(); err == nil {
		t.Error("Dial after Close succeeded, want an error")
	}
}

func TestServerAndDialOptionsApply(t *testing.T) {
	var serverSaw, clientSaw atomic.Int32
	srv := bufconntest.Start(t, registerHealth,
		bufconntest.WithServerOptions(grpc.ChainUnaryInterceptor(
			func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
				serverSaw.Add(1)
				return h(ctx, req)
			})),
		bufconntest.WithDialOptions(grpc.WithChainUnaryInterceptor(
			func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
				clientSaw.Add(1)
				return invoker(ctx, method, req, reply, cc, opts...)
			})),
		bufconntest.WithBufferSize(64<<10),
	)
	extra, err := srv.Dial()
	if err != nil {
		t.Fatal(err)
	}
	for _, cc := range []*grpc.ClientConn{srv.Conn, extra} {
		if _, err := healthpb.NewHealthClient(cc).Check(t.Context(), &healthpb.HealthCheckRequest{}); err != nil {
			t.Fatalf("Check: %v", err)
		}
	}
	if got := serverSaw.Load(); got != 2 {
		t.Errorf("server interceptor saw %d calls, want 2", got)
	}
	if got := clientSaw.Load(); got != 2 {
		t.Errorf("client interceptor saw %d calls (Conn and Dial share dial options), want 2", got)
	}
}

func TestCloseEndsOpenStreams(t *testing.T) {
	srv, err := bufconntest.NewServer(registerHealth)
	if err != nil {
		t.Fatal(err)
	}
	watch, err := healthpb.NewHealthClient(srv.Conn).Watch(t.Context(), &healthpb.HealthCheckRequest{Service: "svc"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := watch.Recv(); err != nil {
		t.Fatalf("first Watch update: %v", err)
	}
	// Close must not wait for the open Watch stream (which never ends by
	// itself); goleak in TestMain proves its goroutines are gone.
	srv.Close()
	if _, err := watch.Recv(); err == nil {
		t.Error("Watch stream still delivering after Close")
	}
}

func TestNewServerFailsOnBadDialOption(t *testing.T) {
	// A dial option that makes client creation fail is reported, not hidden.
	_, err := bufconntest.NewServer(registerHealth, bufconntest.WithDialOptions(
		grpc.WithDefaultServiceConfig("{not json")))
	if err == nil {
		t.Fatal("NewServer with an invalid service config: err = nil, want an error")
	}
	if errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("got a timeout, want the configuration error at once: %v", err)
	}
}
