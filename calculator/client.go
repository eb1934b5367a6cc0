package calculator

import (
	"context"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	calculatorv1 "github.com/seed717b8fd8/grpcexamples/pb/calculator/v1"
)

// Client calls a calculator service with Go values. Errors are the server's
// gRPC status errors, returned unchanged: use status.Code(err) to tell
// codes.OutOfRange (overflow) from codes.InvalidArgument (division by zero)
// and from transport codes such as codes.Unavailable or
// codes.DeadlineExceeded. A Client is safe for concurrent use.
type Client struct {
	cc       grpc.ClientConnInterface
	tutorial bool
	add, sub string // method paths of Add and Subtract
	callOpts []grpc.CallOption
}

// NewClient returns a Client that calls the service over cc, usually a
// *grpc.ClientConn. By default it calls grpcexamples.calculator.v1.Calculator;
// [WithTutorialServer] makes it call the tutorial's calculator.Calculator,
// and [WithCallOptions] sets call options for every call. Nil options are
// ignored.
func NewClient(cc grpc.ClientConnInterface, opts ...ClientOption) *Client {
	var cfg clientConfig
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	c := &Client{
		cc:       cc,
		tutorial: cfg.tutorialServer,
		callOpts: cfg.callOpts,
		add:      calculatorv1.Calculator_Add_FullMethodName,
		sub:      calculatorv1.Calculator_Subtract_FullMethodName,
	}
	if c.tutorial {
		c.add = "/" + TutorialServiceName + "/Add"
		c.sub = "/" + TutorialServiceName + "/Subtract"
	}
	return c
}

// Add returns a + b, computed by the server. Overflow of int32 fails with
// codes.OutOfRange.
func (c *Client) Add(ctx context.Context, a, b int32, opts ...grpc.CallOption) (int32, error) {
	out := new(calculatorv1.AddResponse)
	if err := c.invoke(ctx, c.add, &calculatorv1.AddRequest{A: a, B: b}, out, opts); err != nil {
		return 0, err
	}
	return out.GetResult(), nil
}

// Subtract returns a - b, computed by the server. Overflow of int32 fails
// with codes.OutOfRange.
func (c *Client) Subtract(ctx context.Context, a, b int32, opts ...grpc.CallOption) (int32, error) {
	out := new(calculatorv1.SubtractResponse)
	if err := c.invoke(ctx, c.sub, &calculatorv1.SubtractRequest{A: a, B: b}, out, opts); err != nil {
		return 0, err
	}
	return out.GetResult(), nil
}

// Multiply returns a * b, computed by the server. Overflow of int32 fails
// with codes.OutOfRange. With [WithTutorialServer] it fails with
// codes.Unimplemented without calling the server.
func (c *Client) Multiply(ctx context.Context, a, b int32, opts ...grpc.CallOption) (int32, error) {
	if c.tutorial {
		return 0, notInTutorial("Multiply")
	}
	out := new(calculatorv1.MultiplyResponse)
	if err := c.invoke(ctx, calculatorv1.Calculator_Multiply_FullMethodName, &calculatorv1.MultiplyRequest{A: a, B: b}, out, opts); err != nil {
		return 0, err
	}
	return out.GetResult(), nil
}

// Divide returns a / b truncated toward zero and the remainder a % b (sign
// of a), computed by the server. b == 0 fails with codes.InvalidArgument;
// -2147483648 / -1 fails with codes.OutOfRange. With [WithTutorialServer] it
// fails with codes.Unimplemented without calling the server.
func (c *Client) Divide(ctx context.Context, a, b int32, opts ...grpc.CallOption) (quotient, remainder int32, err error) {
	if c.tutorial {
		return 0, 0, notInTutorial("Divide")
	}
	out := new(calculatorv1.DivideResponse)
	if err := c.invoke(ctx, calculatorv1.Calculator_Divide_FullMethodName, &calculatorv1.DivideRequest{A: a, B: b}, out, opts); err != nil {
		return 0, 0, err
	}
	return out.GetQuotient(), out.GetRemainder(), nil
}

func (c *Client) invoke(ctx context.Context, method string, in, out any, opts []grpc.CallOption) error {
	// StaticMethod tells grpc-go's metrics the path is a fixed, known method,
	// as the generated clients do. The call's own options come last, so they
	// win over the Client's.
	all := make([]grpc.CallOption, 0, 1+len(c.callOpts)+len(opts))
	all = append(append(append(all, grpc.StaticMethod()), c.callOpts...), opts...)
	return c.cc.Invoke(ctx, method, in, out, all...)
}

func notInTutorial(method string) error {
	return status.Errorf(codes.Unimplemented,
		"calculator: %s is not part of the tutorial contract (%s has only Add and Subtract)",
		method, TutorialServiceName)
}
