package calculator

import (
	"google.golang.org/grpc"

	"github.com/seed717b8fd8/grpcexamples/internal/servicedesc"
	calculatorv1 "github.com/seed717b8fd8/grpcexamples/pb/calculator/v1"
)

// TutorialServiceName is the calculator tutorial's service name
// (pb/tutorial/calculator.proto), served by [Register] with
// [WithTutorialNames] and called by a [Client] built with
// [WithTutorialServer].
const TutorialServiceName = "calculator.Calculator"

// Register mounts srv on s as grpcexamples.calculator.v1.Calculator and,
// with [WithTutorialNames], also as the tutorial's calculator.Calculator
// (Add and Subtract only). It only registers: it creates no server,
// listener or goroutine. Call it before s starts serving. A nil srv means NewServer().
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
	calculatorv1.RegisterCalculatorServer(s, srv)
	if cfg.tutorialNames {
		s.RegisterService(tutorialServiceDesc, srv)
	}
}

// tutorialServiceDesc serves the v1 handlers under the tutorial's service
// name. The messages are the same bytes on the wire (same field numbers and
// types), so the v1 handlers decode the tutorial's requests unchanged.
var tutorialServiceDesc = servicedesc.Rename(&calculatorv1.Calculator_ServiceDesc,
	TutorialServiceName, "pb/tutorial/calculator.proto", "Add", "Subtract")
