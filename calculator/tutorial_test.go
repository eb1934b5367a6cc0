package calculator_test

import (
	"context"
	"sync"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/seed717b8fd8/grpcexamples/bufconntest"
	"github.com/seed717b8fd8/grpcexamples/calculator"
	tutorialpb "github.com/seed717b8fd8/grpcexamples/internal/tutorialpb/calculator"
	calculatorv1 "github.com/seed717b8fd8/grpcexamples/pb/calculator/v1"
)

// A client generated from the tutorial's .proto gets the tutorial's
// answers (the Python client's calls: 5 + 3 and 10 - 4) and our status
// codes.
func TestTutorialClient(t *testing.T) {
	srv := bufconntest.Start(t, func(s grpc.ServiceRegistrar) {
		calculator.Register(s, calculator.NewServer(), calculator.WithTutorialNames())
	})
	stub := tutorialpb.NewCalculatorClient(srv.Conn)

	add, err := stub.Add(t.Context(), &tutorialpb.AddRequest{A: 5, B: 3})
	if err != nil || add.GetResult() != 8 {
		t.Errorf("tutorial Add(5, 3) = %v, %v; want result 8", add, err)
	}
	diff, err := stub.Subtract(t.Context(), &tutorialpb.SubtractRequest{A: 10, B: 4})
	if err != nil || diff.GetResult() != 6 {
		t.Errorf("tutorial Subtract(10, 4) = %v, %v; want result 6", diff, err)
	}
	if _, err := stub.Add(t.Context(), &tutorialpb.AddRequest{A: maxI, B: 1}); status.Code(err) != codes.OutOfRange {
		t.Errorf("tutorial Add(MaxInt32, 1): err = %v; want code OutOfRange", err)
	}
	if _, err := stub.Subtract(t.Context(), &tutorialpb.SubtractRequest{A: minI, B: 1}); status.Code(err) != codes.OutOfRange {
		t.Errorf("tutorial Subtract(MinInt32, 1): err = %v; want code OutOfRange", err)
	}

	// The v1 service is still served next to the tutorial name.
	if got, err := calculator.NewClient(srv.Conn).Add(t.Context(), 5, 3); err != nil || got != 8 {
		t.Errorf("v1 Add(5, 3) = %d, %v; want 8", got, err)
	}
}

// Without WithTutorialNames the tutorial's paths are not served.
func TestTutorialNamesAreOptIn(t *testing.T) {
	srv := bufconntest.Start(t, func(s grpc.ServiceRegistrar) {
		calculator.Register(s, calculator.NewServer())
	})
	stub := tutorialpb.NewCalculatorClient(srv.Conn)
	if _, err := stub.Add(t.Context(), &tutorialpb.AddRequest{A: 5, B: 3}); status.Code(err) != codes.Unimplemented {
		t.Errorf("tutorial Add without WithTutorialNames: err = %v; want code Unimplemented", err)
	}
	if _, err := stub.Subtract(t.Context(), &tutorialpb.SubtractRequest{A: 10, B: 4}); status.Code(err) != codes.Unimplemented {
		t.Errorf("tutorial Subtract without WithTutorialNames: err = %v; want code Unimplemented", err)
	}
}

// The tutorial service has only Add and Subtract, so Multiply and Divide
// are not served under its name.
func TestTutorialNameServesOnlyTutorialMethods(t *testing.T) {
	srv := bufconntest.Start(t, func(s grpc.ServiceRegistrar) {
		calculator.Register(s, calculator.NewServer(), calculator.WithTutorialNames())
	})
	for _, method := range []string{"Multiply", "Divide"} {
		path := "/calculator.Calculator/" + method
		err := srv.Conn.Invoke(t.Context(), path, &calculatorv1.DivideRequest{A: 6, B: 3}, new(calculatorv1.DivideResponse))
		if status.Code(err) != codes.Unimplemented {
			t.Errorf("%s: err = %v; want code Unimplemented", path, err)
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
		calculator.Register(s, calculator.NewServer(), calculator.WithTutorialNames())
	}, bufconntest.WithServerOptions(grpc.UnaryInterceptor(record)))

	stub := tutorialpb.NewCalculatorClient(srv.Conn)
	if _, err := stub.Add(t.Context(), &tutorialpb.AddRequest{A: 1, B: 2}); err != nil {
		t.Fatal(err)
	}
	if _, err := stub.Subtract(t.Context(), &tutorialpb.SubtractRequest{A: 1, B: 2}); err != nil {
		t.Fatal(err)
	}
	if _, err := calculator.NewClient(srv.Conn).Add(t.Context(), 1, 2); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	want := []string{"/calculator.Calculator/Add", "/calculator.Calculator/Subtract", calculatorv1.Calculator_Add_FullMethodName}
	if len(seen) != len(want) {
		t.Fatalf("interceptor saw %q; want %q", seen, want)
	}
	for i := range want {
		if seen[i] != want[i] {
			t.Errorf("call %d: interceptor saw %q; want %q", i, seen[i], want[i])
		}
	}
}

// pythonTutorialServer stands in for the tutorial's Python server: it
// serves only the tutorial contract, from the tutorial's generated code.
type pythonTutorialServer struct {
	tutorialpb.UnimplementedCalculatorServer
}

func (pythonTutorialServer) Add(_ context.Context, in *tutorialpb.AddRequest) (*tutorialpb.AddResponse, error) {
	return &tutorialpb.AddResponse{Result: in.GetA() + in.GetB()}, nil
}

func (pythonTutorialServer) Subtract(_ context.Context, in *tutorialpb.SubtractRequest) (*tutorialpb.SubtractResponse, error) {
	return &tutorialpb.SubtractResponse{Result: in.GetA() - in.GetB()}, nil
}

// Our Client built WithTutorialServer calls a server that knows only the
// tutorial contract.
func TestClientWithTutorialServer(t *testing.T) {
	srv := bufconntest.Start(t, func(s grpc.ServiceRegistrar) {
		tutorialpb.RegisterCalculatorServer(s, pythonTutorialServer{})
	})
	c := calculator.NewClient(srv.Conn, calculator.WithTutorialServer())

	if got, err := c.Add(t.Context(), 5, 3); err != nil || got != 8 {
		t.Errorf("Add(5, 3) = %d, %v; want 8", got, err)
	}
	if got, err := c.Subtract(t.Context(), 10, 4); err != nil || got != 6 {
		t.Errorf("Subtract(10, 4) = %d, %v; want 6", got, err)
	}
	if got, err := c.Multiply(t.Context(), 6, 7); status.Code(err) != codes.Unimplemented {
		t.Errorf("Multiply = %d, %v; want code Unimplemented", got, err)
	}
	if q, r, err := c.Divide(t.Context(), 7, 2); status.Code(err) != codes.Unimplemented {
		t.Errorf("Divide = %d, %d, %v; want code Unimplemented", q, r, err)
	}

	// The default client calls the v1 name, which this server lacks.
	if _, err := calculator.NewClient(srv.Conn).Add(t.Context(), 5, 3); status.Code(err) != codes.Unimplemented {
		t.Errorf("v1 Add on a tutorial-only server: err = %v; want code Unimplemented", err)
	}
}

// Our Client WithTutorialServer also talks to our own server mounted
// WithTutorialNames, status codes included.
func TestClientWithTutorialServerOnOurServer(t *testing.T) {
	c := calculator.NewClient(startConn(t, calculator.WithTutorialNames()), calculator.WithTutorialServer())
	if got, err := c.Add(t.Context(), -7, 2); err != nil || got != -5 {
		t.Errorf("Add(-7, 2) = %d, %v; want -5", got, err)
	}
	if _, err := c.Subtract(t.Context(), minI, 1); status.Code(err) != codes.OutOfRange {
		t.Errorf("Subtract(MinInt32, 1): err = %v; want code OutOfRange", err)
	}
}

func startConn(t *testing.T, opts ...calculator.RegisterOption) grpc.ClientConnInterface {
	t.Helper()
	return bufconntest.Start(t, func(s grpc.ServiceRegistrar) {
		calculator.Register(s, calculator.NewServer(), opts...)
	}).Conn
}
