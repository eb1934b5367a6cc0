package replicas_test

import (
	"context"
	"encoding/json"
	"net"
	"slices"
	"strings"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"

	"github.com/seed717b8fd8/grpcexamples/calculator"
	"github.com/seed717b8fd8/grpcexamples/internal/replicas"
)

// The balancing itself, over real replicas, is tested in
// examples/loadbalancing; these tests cover the input checks.

func TestSplitAddrs(t *testing.T) {
	got, err := replicas.SplitAddrs("127.0.0.1:50051, localhost:50052 ,[::1]:50053")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"127.0.0.1:50051", "localhost:50052", "[::1]:50053"}
	if !slices.Equal(got, want) {
		t.Errorf("SplitAddrs = %q, want %q", got, want)
	}
}

func TestSplitAddrsRejects(t *testing.T) {
	for _, c := range []struct{ list, msg string }{
		{"", "not host:port"},
		{"127.0.0.1:50051,", "address 2"},
		{"127.0.0.1", "not host:port"},
		{":50051", "has no host"},
		{"127.0.0.1:0", "want a number from 1 to 65535"},
		{"127.0.0.1:65536", "want a number from 1 to 65535"},
		{"127.0.0.1:http", "want a number from 1 to 65535"},
		{"127.0.0.1:50051,127.0.0.1:50051", "listed twice"},
	} {
		_, err := replicas.SplitAddrs(c.list)
		if err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("SplitAddrs(%q) = %v, want an error containing %q", c.list, err, c.msg)
		}
	}
}

func TestServiceConfig(t *testing.T) {
	for _, name := range []string{"", "grpcexamples.calculator.v1.Calculator", `quote" and \backslash`} {
		var sc struct {
			LoadBalancingConfig []map[string]json.RawMessage `json:"loadBalancingConfig"`
			HealthCheckConfig   struct {
				ServiceName *string `json:"serviceName"`
			} `json:"healthCheckConfig"`
		}
		if err := json.Unmarshal([]byte(replicas.ServiceConfig(name)), &sc); err != nil {
			t.Fatalf("ServiceConfig(%q) is not JSON: %v", name, err)
		}
		if len(sc.LoadBalancingConfig) != 1 || sc.LoadBalancingConfig[0]["round_robin"] == nil {
			t.Errorf("ServiceConfig(%q) policy = %v, want round_robin only", name, sc.LoadBalancingConfig)
		}
		if sc.HealthCheckConfig.ServiceName == nil || *sc.HealthCheckConfig.ServiceName != name {
			t.Errorf("ServiceConfig(%q) health service = %v", name, sc.HealthCheckConfig.ServiceName)
		}
		// grpc-go parses the default service config in NewClient and
		// refuses one it cannot use.
		cc, err := grpc.NewClient("passthrough:///127.0.0.1:1",
			grpc.WithTransportCredentials(insecure.NewCredentials()),
			grpc.WithDefaultServiceConfig(replicas.ServiceConfig(name)))
		if err != nil {
			t.Fatalf("grpc-go refuses ServiceConfig(%q): %v", name, err)
		}
		_ = cc.Close()
	}
}

func TestNewClientRejects(t *testing.T) {
	creds := grpc.WithTransportCredentials(insecure.NewCredentials())
	for _, c := range []struct {
		name  string
		addrs []string
		opts  []grpc.DialOption
		msg   string
	}{
		{"no address", nil, []grpc.DialOption{creds}, "no address"},
		{"bad address", []string{"127.0.0.1"}, []grpc.DialOption{creds}, "not host:port"},
		{"repeat", []string{"127.0.0.1:1", "127.0.0.1:1"}, []grpc.DialOption{creds}, "listed twice"},
		{"no credentials", []string{"127.0.0.1:1"}, nil, "credentials"},
	} {
		cc, err := replicas.NewClient(c.addrs, "", c.opts...)
		if err == nil {
			_ = cc.Close()
			t.Errorf("%s: NewClient succeeded, want an error containing %q", c.name, c.msg)
		} else if !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: NewClient error %q, want it to contain %q", c.name, err, c.msg)
		}
	}
}

// A replica without grpc.health.v1 still gets calls, and calls carry the
// first address as :authority, as NewClient documents.
func TestNewClientWithoutHealthService(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	authority := make(chan string, 1)
	srv := grpc.NewServer(grpc.UnaryInterceptor(func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		md, _ := metadata.FromIncomingContext(ctx)
		select {
		case authority <- strings.Join(md.Get(":authority"), ","):
		default:
		}
		return h(ctx, req)
	}))
	calculator.Register(srv, calculator.NewServer())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(lis) }()
	defer func() {
		srv.Stop()
		if err := <-served; err != nil {
			t.Error(err)
		}
	}()

	cc, err := replicas.NewClient([]string{lis.Addr().String()}, "", grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer cc.Close()
	sum, err := calculator.NewClient(cc).Add(t.Context(), 2, 3)
	if err != nil || sum != 5 {
		t.Fatalf("Add(2, 3) = %d, %v; want 5 from a replica without health", sum, err)
	}
	if got := <-authority; got != lis.Addr().String() {
		t.Errorf(":authority = %q, want the first address %q", got, lis.Addr())
	}
}
