package calculator_test

import (
	"testing"

	"github.com/seed717b8fd8/grpcexamples/calculator"
	calculatorv1 "github.com/seed717b8fd8/grpcexamples/pb/calculator/v1"
)

// BenchmarkClientAdd measures one Add round trip over an in-memory gRPC
// connection: the cost of gRPC itself, since the addition is trivial.
func BenchmarkClientAdd(b *testing.B) {
	c := start(b)
	ctx := b.Context()
	for b.Loop() {
		if _, err := c.Add(ctx, 2, 3); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkServerDivide measures the service's own work, called directly.
func BenchmarkServerDivide(b *testing.B) {
	s := calculator.NewServer()
	ctx := b.Context()
	in := &calculatorv1.DivideRequest{A: -7, B: 2}
	for b.Loop() {
		if _, err := s.Divide(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
}
