package bufconntest_test

import (
	"context"
	"fmt"
	"log"

	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

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
