package greeter_test

import (
	"context"
	"sync"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/seed717b8fd8/grpcexamples/bufconntest"
	"github.com/seed717b8fd8/grpcexamples/greeter"
	greeterpb "github.com/seed717b8fd8/grpcexamples/internal/tutorialpb/greeter"
	helloworldpb "github.com/seed717b8fd8/grpcexamples/internal/tutorialpb/helloworld"
	greeterv1 "github.com/seed717b8fd8/grpcexamples/pb/greeter/v1"
)

// tutorialStub is what the two tutorials' generated clients have in
// common, so one test covers both.
type tutorialStub struct {
	service       string
	sayHello      func(ctx context.Context, name string) (string, error)
	sayHelloAgain func(ctx context.Context, name string) (string, error)
}

func tutorialStubs(cc grpc.ClientConnInterface) []tutorialStub {
	g := greeterpb.NewGreeterClient(cc)
	h := helloworldpb.NewGreeterClient(cc)
	return []tutorialStub{
		{
			service: "greeter.Greeter",
			sayHello: func(ctx context.Context, name string) (string, error) {
				r, err := g.SayHello(ctx, &greeterpb.HelloRequest{Name: name})
				return r.GetMessage(), err
			},
			sayHelloAgain: func(ctx context.Context, name string) (string, error) {
				r, err := g.SayHelloAgain(ctx, &greeterpb.HelloRequest{Name: name})
				return r.GetMessage(), err
			},
		},
		{
			service: "helloworld.Greeter",
			sayHello: func(ctx context.Context, name string) (string, error) {
				r, err := h.SayHello(ctx, &helloworldpb.HelloRequest{Name: name})
				return r.GetMessage(), err
			},
			sayHelloAgain: func(ctx context.Context, name string) (string, error) {
				r, err := h.SayHelloAgain(ctx, &helloworldpb.HelloRequest{Name: name})
				return r.GetMessage(), err
			},
		},
	}
}

// Clients generated from the tutorials' .proto files get the tutorials'
// greetings (the Python client's "Happy Chappy") and our name checks.
func TestTutorialClients(t *testing.T) {
	srv := bufconntest.Start(t, func(s grpc.ServiceRegistrar) {
		greeter.Register(s, greeter.NewServer(), greeter.WithTutorialNames())
	})
	for _, stub := range tutorialStubs(srv.Conn) {
		if got, err := stub.sayHello(t.Context(), "Happy Chappy"); err != nil || got != "Hello, Happy Chappy!" {
			t.Errorf("%s SayHello = %q, %v; want %q", stub.service, got, err, "Hello, Happy Chappy!")
		}
		if got, err := stub.sayHelloAgain(t.Context(), "Happy Chappy"); err != nil || got != "Hello again, Happy Chappy!" {
			t.Errorf("%s SayHelloAgain = %q, %v; want %q", stub.service, got, err, "Hello again, Happy Chappy!")
		}
		if _, err := stub.sayHello(t.Context(), ""); status.Code(err) != codes.InvalidArgument {
			t.Errorf("%s SayHello(\"\"): err = %v; want code InvalidArgument", stub.service, err)
		}
		if _, err := stub.sayHelloAgain(t.Context(), "a\nb"); status.Code(err) != codes.InvalidArgument {
			t.Errorf("%s SayHelloAgain(%q): err = %v; want code InvalidArgument", stub.service, "a\nb", err)
		}
	}

	// The v1 service is still served next to the tutorial names.
	if got, err := greeter.NewClient(srv.Conn).SayHello(t.Context(), "Ada"); err != nil || got != "Hello, Ada!" {
		t.Errorf("v1 SayHello = %q, %v; want %q", got, err, "Hello, Ada!")
	}
}

// Without WithTutorialNames the tutorials' paths are not served.
func TestTutorialNamesAreOptIn(t *testing.T) {
	srv := bufconntest.Start(t, func(s grpc.ServiceRegistrar) {
		greeter.Register(s, greeter.NewServer())
	})
	for _, stub := range tutorialStubs(srv.Conn) {
		if _, err := stub.sayHello(t.Context(), "Ada"); status.Code(err) != codes.Unimplemented {
			t.Errorf("%s SayHello without WithTutorialNames: err = %v; want code Unimplemented", stub.service, err)
		}
		if _, err := stub.sayHelloAgain(t.Context(), "Ada"); status.Code(err) != codes.Unimplemented {
			t.Errorf("%s SayHelloAgain without WithTutorialNames: err = %v; want code Unimplemented", stub.service, err)
		}
	}
}

// Server interceptors (logging, metrics) see the path the client called,
// not the v1 path behind it.
func TestTutorialNamesReportTheirPathToInterceptors(t *testing.T) {
	var (
		mu   sync.Mutex
		seen []string
	)
	record := func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		mu.Lock()
		seen = append(seen, info.FullMethod)
		mu.Unlock()
		return h(ctx, req)
	}
	srv := bufconntest.Start(t, func(s grpc.ServiceRegistrar) {
		greeter.Register(s, greeter.NewServer(), greeter.WithTutorialNames())
	}, bufconntest.WithServerOptions(grpc.UnaryInterceptor(record)))

	for _, stub := range tutorialStubs(srv.Conn) {
		if _, err := stub.sayHello(t.Context(), "Ada"); err != nil {
			t.Fatal(err)
		}
		if _, err := stub.sayHelloAgain(t.Context(), "Ada"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := greeter.NewClient(srv.Conn).SayHello(t.Context(), "Ada"); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"/greeter.Greeter/SayHello", "/greeter.Greeter/SayHelloAgain",
		"/helloworld.Greeter/SayHello", "/helloworld.Greeter/SayHelloAgain",
		greeterv1.Greeter_SayHello_FullMethodName,
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != len(want) {
		t.Fatalf("interceptor saw %q; want %q", seen, want)
	}
	for i := range want {
		if seen[i] != want[i] {
			t.Errorf("call %d: interceptor saw %q; want %q", i, seen[i], want[i])
		}
	}
}

// pythonGreeter stands in for the Python tutorial's server: the tutorial's
// generated code, no name checks.
type pythonGreeter struct {
	greeterpb.UnimplementedGreeterServer
}

func (pythonGreeter) SayHello(_ context.Context, in *greeterpb.HelloRequest) (*greeterpb.HelloReply, error) {
	return &greeterpb.HelloReply{Message: "Hello, " + in.GetName() + "!"}, nil
}

func (pythonGreeter) SayHelloAgain(_ context.Context, in *greeterpb.HelloRequest) (*greeterpb.HelloReply, error) {
	return &greeterpb.HelloReply{Message: "Hello again, " + in.GetName() + "!"}, nil
}

// quickStartGreeter stands in for a grpc.io quick start server, which
// implements only SayHello.
type quickStartGreeter struct {
	helloworldpb.UnimplementedGreeterServer
}

func (quickStartGreeter) SayHello(_ context.Context, in *helloworldpb.HelloRequest) (*helloworldpb.HelloReply, error) {
	return &helloworldpb.HelloReply{Message: "Hello " + in.GetName()}, nil
}

// Our Client, told which tutorial contract to use, calls servers that know
// only that contract.
func TestClientWithTutorialServers(t *testing.T) {
	srv := bufconntest.Start(t, func(s grpc.ServiceRegistrar) {
		greeterpb.RegisterGreeterServer(s, pythonGreeter{})
		helloworldpb.RegisterGreeterServer(s, quickStartGreeter{})
	})

	py := greeter.NewClient(srv.Conn, greeter.WithTutorialServer())
	if got, err := py.SayHello(t.Context(), "Happy Chappy"); err != nil || got != "Hello, Happy Chappy!" {
		t.Errorf("tutorial SayHello = %q, %v", got, err)
	}
	if got, err := py.SayHelloAgain(t.Context(), "Happy Chappy"); err != nil || got != "Hello again, Happy Chappy!" {
		t.Errorf("tutorial SayHelloAgain = %q, %v", got, err)
	}

	hw := greeter.NewClient(srv.Conn, greeter.WithHelloWorldServer())
	if got, err := hw.SayHello(t.Context(), "world"); err != nil || got != "Hello world" {
		t.Errorf("quick start SayHello = %q, %v; want %q", got, err, "Hello world")
	}
	if _, err := hw.SayHelloAgain(t.Context(), "world"); status.Code(err) != codes.Unimplemented {
		t.Errorf("quick start SayHelloAgain: err = %v; want code Unimplemented from the server", err)
	}

	// The last option wins.
	last := greeter.NewClient(srv.Conn, greeter.WithHelloWorldServer(), greeter.WithTutorialServer())
	if got, err := last.SayHelloAgain(t.Context(), "Ada"); err != nil || got != "Hello again, Ada!" {
		t.Errorf("WithHelloWorldServer then WithTutorialServer: SayHelloAgain = %q, %v; want the tutorial's", got, err)
	}

	// The default client calls the v1 name, which this server lacks.
	if _, err := greeter.NewClient(srv.Conn).SayHello(t.Context(), "Ada"); status.Code(err) != codes.Unimplemented {
		t.Errorf("v1 SayHello on a tutorial-only server: err = %v; want code Unimplemented", err)
	}
}

// Our Client with either tutorial option also talks to our own server
// mounted WithTutorialNames, name checks included.
func TestClientWithTutorialServersOnOurServer(t *testing.T) {
	srv := bufconntest.Start(t, func(s grpc.ServiceRegistrar) {
		greeter.Register(s, greeter.NewServer(), greeter.WithTutorialNames())
	})
	for _, opt := range []greeter.ClientOption{greeter.WithTutorialServer(), greeter.WithHelloWorldServer()} {
		c := greeter.NewClient(srv.Conn, opt)
		if got, err := c.SayHelloAgain(t.Context(), "Ada"); err != nil || got != "Hello again, Ada!" {
			t.Errorf("SayHelloAgain = %q, %v; want %q", got, err, "Hello again, Ada!")
		}
		if _, err := c.SayHello(t.Context(), "   "); status.Code(err) != codes.InvalidArgument {
			t.Errorf("SayHello(spaces): err = %v; want code InvalidArgument", err)
		}
	}
}
