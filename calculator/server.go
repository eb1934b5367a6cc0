package calculator

import (
	"context"
	"math"

	"google.golang.org/grpc/codes"

	"github.com/seed717b8fd8/grpcexamples/internal/rpcerr"
	calculatorv1 "github.com/seed717b8fd8/grpcexamples/pb/calculator/v1"
)

// Server implements calculatorv1.CalculatorServer: checked int32
// arithmetic, as specified in
// pb/proto/grpcexamples/calculator/v1/calculator.proto. It holds no state, so
// one Server may serve any number of concurrent calls, and its methods may
// also be called directly, without a network.
//
// Create one with [NewServer] and mount it with [Register].
type Server struct {
	calculatorv1.UnimplementedCalculatorServer
}

var _ calculatorv1.CalculatorServer = (*Server)(nil)

// NewServer returns a calculator service ready to [Register]. It takes no
// options because the calculator has nothing to set: every request is two
// int32 operands, so its cost is fixed and tiny, and its answers are
// defined by int32 arithmetic alone. (The other services' options bound
// caller-controlled sizes and work, which the calculator does not have.)
func NewServer() *Server {
	return &Server{}
}

// Add returns a + b. It fails with codes.OutOfRange when the sum does not
// fit in an int32.
func (s *Server) Add(_ context.Context, in *calculatorv1.AddRequest) (*calculatorv1.AddResponse, error) {
	a, b := in.GetA(), in.GetB()
	r, err := checked("add", a, "+", b, int64(a)+int64(b))
	if err != nil {
		return nil, err
	}
	return &calculatorv1.AddResponse{Result: r}, nil
}

// Subtract returns a - b. It fails with codes.OutOfRange when the
// difference does not fit in an int32.
func (s *Server) Subtract(_ context.Context, in *calculatorv1.SubtractRequest) (*calculatorv1.SubtractResponse, error) {
	a, b := in.GetA(), in.GetB()
	r, err := checked("subtract", a, "-", b, int64(a)-int64(b))
	if err != nil {
		return nil, err
	}
	return &calculatorv1.SubtractResponse{Result: r}, nil
}

// Multiply returns a * b. It fails with codes.OutOfRange when the product
// does not fit in an int32.
func (s *Server) Multiply(_ context.Context, in *calculatorv1.MultiplyRequest) (*calculatorv1.MultiplyResponse, error) {
	a, b := in.GetA(), in.GetB()
	r, err := checked("multiply", a, "*", b, int64(a)*int64(b))
	if err != nil {
		return nil, err
	}
	return &calculatorv1.MultiplyResponse{Result: r}, nil
}

// Divide returns a / b truncated toward zero and the remainder a % b, which
// has the sign of a (Go's / and % operators; a == quotient*b + remainder).
// It fails with codes.InvalidArgument when b is 0 (reason
// DIVISION_BY_ZERO, field b), and with codes.OutOfRange for
// -2147483648 / -1, whose quotient 2147483648 does not fit in an int32
// (reason INT32_OVERFLOW); the package documentation lists the details.
func (s *Server) Divide(_ context.Context, in *calculatorv1.DivideRequest) (*calculatorv1.DivideResponse, error) {
	a, b := in.GetA(), in.GetB()
	if b == 0 {
		return nil, rpcerr.InvalidArgument("b", "DIVISION_BY_ZERO",
			rpcerr.Meta("operation", "divide", "a", a),
			"divide %d / 0: division by zero (divisor b must not be 0)", a)
	}
	q, err := checked("divide", a, "/", b, int64(a)/int64(b))
	if err != nil {
		return nil, err
	}
	return &calculatorv1.DivideResponse{Quotient: q, Remainder: a % b}, nil
}

// checked returns exact as an int32, or an OutOfRange status naming the
// operation when it does not fit, with an ErrorInfo (reason INT32_OVERFLOW)
// whose metadata gives the operands, the exact result and the range, so a
// program can fall back to wider arithmetic without parsing the message.
// Callers compute exact in int64, where no int32 sum, difference, product
// or quotient can overflow.
func checked(op string, a int32, sym string, b int32, exact int64) (int32, error) {
	if exact < math.MinInt32 || exact > math.MaxInt32 {
		return 0, rpcerr.New(codes.OutOfRange, "INT32_OVERFLOW",
			rpcerr.Meta("operation", op, "a", a, "b", b, "exactResult", exact, "min", math.MinInt32, "max", math.MaxInt32),
			"%s %d %s %d overflows int32 (range %d..%d): the exact result is %d",
			op, a, sym, b, math.MinInt32, math.MaxInt32, exact)
	}
	return int32(exact), nil
}
