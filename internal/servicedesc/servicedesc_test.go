package servicedesc_test

import (
	"context"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/seed717b8fd8/grpcexamples/bufconntest"
	"github.com/seed717b8fd8/grpcexamples/internal/servicedesc"
)

func TestRenameServesUnderNewNameAndReportsIt(t *testing.T) {
	var seen []string
	desc := servicedesc.Rename(&healthpb.Health_ServiceDesc, "renamed.Health", "x.proto", "Check")
	if len(desc.Methods) != 1 || len(desc.Streams) != 0 {
		t.Fatalf("kept %d methods, %d streams; want only Check", len(desc.Methods), len(desc.Streams))
	}
	srv := bufconntest.Start(t, func(s grpc.ServiceRegistrar) {
		s.RegisterService(desc, health.NewServer())
	}, bufconntest.WithServerOptions(grpc.ChainUnaryInterceptor(
		func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
			seen = append(seen, info.FullMethod)
			return h(ctx, req)
		})))
	out := new(healthpb.HealthCheckResponse)
	if err := srv.Conn.Invoke(t.Context(), "/renamed.Health/Check", &healthpb.HealthCheckRequest{}, out); err != nil {
		t.Fatalf("call under the new name: %v", err)
	}
	if out.GetStatus() != healthpb.HealthCheckResponse_SERVING {
		t.Errorf("status = %v, want SERVING", out.GetStatus())
	}
	if len(seen) != 1 || seen[0] != "/renamed.Health/Check" {
		t.Errorf("interceptor saw %q, want [/renamed.Health/Check]", seen)
	}
}

func TestRenameKeepsStreamsAndPanicsOnUnknownMethod(t *testing.T) {
	all := servicedesc.Rename(&healthpb.Health_ServiceDesc, "renamed.Health", "x.proto")
	if len(all.Methods) != len(healthpb.Health_ServiceDesc.Methods) || len(all.Streams) != len(healthpb.Health_ServiceDesc.Streams) {
		t.Errorf("with no methods listed, kept %d/%d; want all", len(all.Methods), len(all.Streams))
	}
	defer func() {
		if recover() == nil {
			t.Error("Rename with an unknown method did not panic")
		}
	}()
	servicedesc.Rename(&healthpb.Health_ServiceDesc, "renamed.Health", "x.proto", "NoSuchMethod")
}
