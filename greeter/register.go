package greeter

import (
	"google.golang.org/grpc"

	"github.com/seed717b8fd8/grpcexamples/internal/servicedesc"
	greeterv1 "github.com/seed717b8fd8/grpcexamples/pb/greeter/v1"
)

// Tutorial service names, served by [Register] with [WithTutorialNames]
// and called by a [Client] built with [WithTutorialServer] or
// [WithHelloWorldServer].
const (
	// TutorialServiceName is the Python greeter tutorial's service
	// (pb/tutorial/greeter.proto).
	TutorialServiceName = "greeter.Greeter"
	// HelloWorldServiceName is the grpc.io quick start's service
	// (pb/tutorial/helloworld.proto).
	HelloWorldServiceName = "helloworld.Greeter"
)

// Register mounts srv on s as grpcexamples.greeter.v1.Greeter and, with
// [WithTutorialNames], also as greeter.Greeter and helloworld.Greeter. It
// only registers: it creates no server, listener or goroutine. Call it
// before s starts serving. A nil srv means NewServer().
//
// A *grpc.Server treats registering a service name twice as fatal (it logs
// the error and exits the program), so call Register once per server.
func Register(s grpc.ServiceRegistrar, srv *Server, opts ...RegisterOption) {
	if srv == nil {
		srv = NewServer()
	}
	var cfg registerConfig
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	greeterv1.RegisterGreeterServer(s, srv)
	if cfg.tutorialNames {
		s.RegisterService(tutorialServiceDesc, srv)
		s.RegisterService(helloWorldServiceDesc, srv)
	}
}

// The tutorial names serve the v1 handlers: the messages are the same bytes
// on the wire (same field numbers and types), so the v1 handlers decode the
// tutorials' requests unchanged.
var (
	tutorialServiceDesc   = servicedesc.Rename(&greeterv1.Greeter_ServiceDesc, TutorialServiceName, "pb/tutorial/greeter.proto")
	helloWorldServiceDesc = servicedesc.Rename(&greeterv1.Greeter_ServiceDesc, HelloWorldServiceName, "pb/tutorial/helloworld.proto")
)
