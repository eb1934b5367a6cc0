package calculator_test

import (
	"math"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/seed717b8fd8/grpcexamples/calculator"
	calculatorv1 "github.com/seed717b8fd8/grpcexamples/pb/calculator/v1"
)

// The Server's methods can be called directly, without gRPC; a nil request
// reads as zero operands, as an empty message on the wire would.
func TestServerDirect(t *testing.T) {
	s := calculator.NewServer()
	if r, err := s.Add(t.Context(), &calculatorv1.AddRequest{A: 2, B: 3}); err != nil || r.GetResult() != 5 {
		t.Errorf("Add(2, 3) = %v, %v; want 5", r, err)
	}
	if r, err := s.Add(t.Context(), nil); err != nil || r.GetResult() != 0 {
		t.Errorf("Add(nil) = %v, %v; want 0", r, err)
	}
	if _, err := s.Divide(t.Context(), nil); status.Code(err) != codes.InvalidArgument {
		t.Errorf("Divide(nil): err = %v; want code InvalidArgument (0 / 0)", err)
	}
}

// fits reports whether x is an int32 value.
func fits(x int64) bool { return x >= math.MinInt32 && x <= math.MaxInt32 }

// FuzzArithmetic checks every operation against exact int64 arithmetic:
// the result is exact when it fits in an int32, and OutOfRange otherwise;
// division by zero is InvalidArgument.
func FuzzArithmetic(f *testing.F) {
	for _, seed := range [][2]int32{
		{0, 0}, {1, 0}, {5, 3}, {-7, 2}, {7, -2},
		{math.MaxInt32, 1}, {math.MinInt32, -1}, {math.MinInt32, 1},
		{math.MaxInt32, math.MaxInt32}, {math.MinInt32, math.MinInt32},
		{46341, 46341}, {-65536, 32768},
	} {
		f.Add(seed[0], seed[1])
	}
	s := calculator.NewServer()
	f.Fuzz(func(t *testing.T, a, b int32) {
		ctx := t.Context()
		wide, wideB := int64(a), int64(b)

		check := func(name string, got int32, err error, exact int64) {
			t.Helper()
			if fits(exact) {
				if err != nil || int64(got) != exact {
					t.Errorf("%s(%d, %d) = %d, %v; want %d", name, a, b, got, err, exact)
				}
			} else if status.Code(err) != codes.OutOfRange {
				t.Errorf("%s(%d, %d) = %d, %v; want OutOfRange (exact %d)", name, a, b, got, err, exact)
			}
		}
		sum, err := s.Add(ctx, &calculatorv1.AddRequest{A: a, B: b})
		check("Add", sum.GetResult(), err, wide+wideB)
		diff, err := s.Subtract(ctx, &calculatorv1.SubtractRequest{A: a, B: b})
		check("Subtract", diff.GetResult(), err, wide-wideB)
		prod, err := s.Multiply(ctx, &calculatorv1.MultiplyRequest{A: a, B: b})
		check("Multiply", prod.GetResult(), err, wide*wideB)

		div, err := s.Divide(ctx, &calculatorv1.DivideRequest{A: a, B: b})
		switch {
		case b == 0:
			if status.Code(err) != codes.InvalidArgument {
				t.Errorf("Divide(%d, 0): err = %v; want InvalidArgument", a, err)
			}
		case !fits(wide / wideB):
			if status.Code(err) != codes.OutOfRange {
				t.Errorf("Divide(%d, %d): err = %v; want OutOfRange", a, b, err)
			}
		default:
			q, r := int64(div.GetQuotient()), int64(div.GetRemainder())
			if err != nil || q != wide/wideB || r != wide%wideB {
				t.Errorf("Divide(%d, %d) = %d, %d, %v; want %d, %d", a, b, q, r, err, wide/wideB, wide%wideB)
			}
			// The defining identities, independent of Go's operators.
			if q*wideB+r != wide || (r != 0 && (r < 0) != (wide < 0)) || abs(r) >= abs(wideB) {
				t.Errorf("Divide(%d, %d) = %d, %d breaks a == q*b + r, sign(r) == sign(a), |r| < |b|", a, b, q, r)
			}
		}
	})
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}
