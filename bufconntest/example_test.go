package bufconntest_test

import (
	"context"
	"fmt"
	"log"

	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	reflectionpb "google.golang.org/grpc/reflection/grpc_reflection_v1"

	"github.com/seed717b8fd8/grpcexamples/bufconntest"
)

// Start a server in memory with grpc-go's health service mounted, call it
// over a real gRPC connection, and close it.
func ExampleNewServer() {
	srv, err := bufconntest.NewServer(func(s grpc.ServiceRegistrar) {
		healthpb.RegisterHealthServer(s, health.NewServer())
	})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	resp, err := healthpb.NewHealthClient(srv.Conn).Check(context.Background(), &healthpb.HealthCheckRequest{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.GetStatus())
	// Output: SERVING
}

// Serve gRPC server reflection next to the services, and list them as
// grpcurl's list command does.
func ExampleWithReflection() {
	srv, err := bufconntest.NewServer(func(s grpc.ServiceRegistrar) {
		healthpb.RegisterHealthServer(s, health.NewServer())
	}, bufconntest.WithReflection())
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	stream, err := reflectionpb.NewServerReflectionClient(srv.Conn).ServerReflectionInfo(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	err = stream.Send(&reflectionpb.ServerReflectionRequest{
		MessageRequest: &reflectionpb.ServerReflectionRequest_ListServices{},
	})
	if err != nil {
		log.Fatal(err)
	}
	resp, err := stream.Recv()
	if err != nil {
		log.Fatal(err)
	}
	_ = stream.CloseSend()
	for _, s := range resp.GetListServicesResponse().GetService() {
		fmt.Println(s.GetName())
	}
	// Unordered output:
	// grpc.health.v1.Health
	// grpc.reflection.v1.ServerReflection
	// grpc.reflection.v1alpha.ServerReflection
}
