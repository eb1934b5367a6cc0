package calculator_test

import (
	"context"
	"math"
	"sync"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/seed717b8fd8/grpcexamples/bufconntest"
	"github.com/seed717b8fd8/grpcexamples/calculator"
)

const (
	maxI = math.MaxInt32
	minI = math.MinInt32
)

// start serves a calculator in memory and returns a client of it.
func start(t testing.TB, opts ...calculator.RegisterOption) *calculator.Client {
	t.Helper()
	srv := bufconntest.Start(t, func(s grpc.ServiceRegistrar) {
		calculator.Register(s, calculator.NewServer(), opts...)
	})
	return calculator.NewClient(srv.Conn)
}

// op is one binary operation of the Client with a single result.
type op struct {
	name string
	call func(c *calculator.Client, ctx context.Context, a, b int32, opts ...grpc.CallOption) (int32, error)
}

var (
	add = op{"add", (*calculator.Client).Add}
	sub = op{"subtract", (*calculator.Client).Subtract}
	mul = op{"multiply", (*calculator.Client).Multiply}
)

func TestArithmetic(t *testing.T) {
	c := start(t)
	tests := []struct {
		op   op
		a, b int32
		want int32
	}{
		{add, 5, 3, 8}, // the tutorial client's call
		{add, 0, 0, 0},
		{add, -7, 2, -5},
		{add, maxI, 0, maxI},
		{add, maxI, minI, -1},
		{add, minI + 1, -1, minI},
		{sub, 10, 4, 6}, // the tutorial client's call
		{sub, 4, 10, -6},
		{sub, minI, 0, minI},
		{sub, -1, maxI, minI},
		{sub, maxI - 1, -1, maxI},
		{mul, 6, 7, 42},
		{mul, -6, 7, -42},
		{mul, -6, -7, 42},
		{mul, maxI, 0, 0},
		{mul, maxI, 1, maxI},
		{mul, maxI, -1, -maxI},
		{mul, minI, 1, minI},
		{mul, 46340, 46340, 2147395600}, // largest square in range
		{mul, -65536, 32768, minI},
	}
	for _, tt := range tests {
		got, err := tt.op.call(c, t.Context(), tt.a, tt.b)
		if err != nil || got != tt.want {
			t.Errorf("%s(%d, %d) = %d, %v; want %d, nil", tt.op.name, tt.a, tt.b, got, err, tt.want)
		}
	}
}

func TestOverflowIsOutOfRange(t *testing.T) {
	c := start(t)
	tests := []struct {
		op      op
		a, b    int32
		message string // the whole status message
	}{
		{add, maxI, 1, "add 2147483647 + 1 overflows int32 (range -2147483648..2147483647): the exact result is 2147483648"},
		{add, minI, -1, "add -2147483648 + -1 overflows int32 (range -2147483648..2147483647): the exact result is -2147483649"},
		{add, maxI, maxI, "add 2147483647 + 2147483647 overflows int32 (range -2147483648..2147483647): the exact result is 4294967294"},
		{sub, minI, 1, "subtract -2147483648 - 1 overflows int32 (range -2147483648..2147483647): the exact result is -2147483649"},
		{sub, 0, minI, "subtract 0 - -2147483648 overflows int32 (range -2147483648..2147483647): the exact result is 2147483648"},
		{mul, 46341, 46341, "multiply 46341 * 46341 overflows int32 (range -2147483648..2147483647): the exact result is 2147488281"},
		{mul, minI, -1, "multiply -2147483648 * -1 overflows int32 (range -2147483648..2147483647): the exact result is 2147483648"},
		{mul, minI, minI, "multiply -2147483648 * -2147483648 overflows int32 (range -2147483648..2147483647): the exact result is 4611686018427387904"},
	}
	for _, tt := range tests {
		got, err := tt.op.call(c, t.Context(), tt.a, tt.b)
		if status.Code(err) != codes.OutOfRange || status.Convert(err).Message() != tt.message {
			t.Errorf("%s(%d, %d) = %d, %v; want code OutOfRange, message %q", tt.op.name, tt.a, tt.b, got, err, tt.message)
		}
		if got != 0 {
			t.Errorf("%s(%d, %d) returned %d with an error; want 0", tt.op.name, tt.a, tt.b, got)
		}
	}
}

func TestDivide(t *testing.T) {
	c := start(t)
	tests := []struct {
		a, b    int32
		q, r    int32
		comment string
	}{
		{7, 2, 3, 1, ""},
		{-7, 2, -3, -1, "truncated toward zero, remainder has the dividend's sign"},
		{7, -2, -3, 1, ""},
		{-7, -2, 3, -1, ""},
		{0, 5, 0, 0, ""},
		{6, 3, 2, 0, ""},
		{maxI, 1, maxI, 0, ""},
		{minI, 1, minI, 0, ""},
		{minI, 2, minI / 2, 0, ""},
		{minI, maxI, -1, -1, ""},
		{maxI, minI, 0, maxI, ""},
	}
	for _, tt := range tests {
		q, r, err := c.Divide(t.Context(), tt.a, tt.b)
		if err != nil || q != tt.q || r != tt.r {
			t.Errorf("Divide(%d, %d) = %d, %d, %v; want %d, %d, nil %s", tt.a, tt.b, q, r, err, tt.q, tt.r, tt.comment)
		}
	}
}

func TestDivideErrors(t *testing.T) {
	c := start(t)
	tests := []struct {
		a, b    int32
		code    codes.Code
		message string
	}{
		{7, 0, codes.InvalidArgument, "divide 7 / 0: division by zero (divisor b must not be 0)"},
		{0, 0, codes.InvalidArgument, "divide 0 / 0: division by zero (divisor b must not be 0)"},
		{minI, 0, codes.InvalidArgument, "divide -2147483648 / 0: division by zero (divisor b must not be 0)"},
		{minI, -1, codes.OutOfRange, "divide -2147483648 / -1 overflows int32 (range -2147483648..2147483647): the exact result is 2147483648"},
	}
	for _, tt := range tests {
		q, r, err := c.Divide(t.Context(), tt.a, tt.b)
		if status.Code(err) != tt.code || status.Convert(err).Message() != tt.message {
			t.Errorf("Divide(%d, %d) = %d, %d, %v; want code %v, message %q", tt.a, tt.b, q, r, err, tt.code, tt.message)
		}
		if q != 0 || r != 0 {
			t.Errorf("Divide(%d, %d) returned %d, %d with an error; want 0, 0", tt.a, tt.b, q, r)
		}
	}
}

// The client hands its call options to grpc: a 1-byte receive limit must
// reject the server's reply.
func TestClientPassesCallOptions(t *testing.T) {
	c := start(t)
	limit := grpc.MaxCallRecvMsgSize(1)
	checks := map[string]error{}
	_, checks["Add"] = c.Add(t.Context(), 5, 3, limit)
	_, checks["Subtract"] = c.Subtract(t.Context(), 10, 4, limit)
	_, checks["Multiply"] = c.Multiply(t.Context(), 6, 7, limit)
	_, _, checks["Divide"] = c.Divide(t.Context(), 7, 2, limit)
	for method, err := range checks {
		if status.Code(err) != codes.ResourceExhausted {
			t.Errorf("%s with MaxCallRecvMsgSize(1): err = %v; want code ResourceExhausted", method, err)
		}
	}
}

// A canceled context ends the call with the transport's Canceled status,
// returned unchanged.
func TestClientCanceledContext(t *testing.T) {
	c := start(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := c.Add(ctx, 1, 2); status.Code(err) != codes.Canceled {
		t.Errorf("Add with a canceled context: err = %v; want code Canceled", err)
	}
	if _, _, err := c.Divide(ctx, 1, 2); status.Code(err) != codes.Canceled {
		t.Errorf("Divide with a canceled context: err = %v; want code Canceled", err)
	}
}

// The client fails with Unimplemented against a server without the
// service, rather than returning a zero result.
func TestClientWithoutService(t *testing.T) {
	srv := bufconntest.Start(t, nil)
	c := calculator.NewClient(srv.Conn)
	if got, err := c.Add(t.Context(), 1, 2); status.Code(err) != codes.Unimplemented {
		t.Errorf("Add on a server without the calculator = %d, %v; want code Unimplemented", got, err)
	}
}

// One Server serves many concurrent callers (run with -race).
func TestConcurrentCalls(t *testing.T) {
	c := start(t)
	var wg sync.WaitGroup
	for i := range int32(50) {
		wg.Go(func() {
			if got, err := c.Multiply(t.Context(), i, i); err != nil || got != i*i {
				t.Errorf("Multiply(%d, %d) = %d, %v; want %d", i, i, got, err, i*i)
			}
			if _, err := c.Add(t.Context(), maxI, i+1); status.Code(err) != codes.OutOfRange {
				t.Errorf("Add(MaxInt32, %d): err = %v; want OutOfRange", i+1, err)
			}
		})
	}
	wg.Wait()
}

// A nil server registers NewServer(), as in the other service packages,
// and a nil option is ignored.
func TestRegisterNilServer(t *testing.T) {
	srv := bufconntest.Start(t, func(s grpc.ServiceRegistrar) {
		calculator.Register(s, nil, nil, calculator.WithTutorialNames())
	})
	got, err := calculator.NewClient(srv.Conn).Add(context.Background(), 2, 3)
	if err != nil || got != 5 {
		t.Fatalf("Add(2, 3) = %d, %v; want 5, nil", got, err)
	}
}
