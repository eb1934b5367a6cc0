package calculator_test

import (
	"context"
	"reflect"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"

	"github.com/seed717b8fd8/grpcexamples/bufconntest"
	"github.com/seed717b8fd8/grpcexamples/calculator"
	"github.com/seed717b8fd8/grpcexamples/internal/rpcerr"
)

// overflowDetails is what a program reads from an overflow: the operands,
// the exact result and the range, without parsing the message.
func overflowDetails(op, a, b, exact string) rpcerr.Summary {
	return rpcerr.Summary{
		Code: codes.OutOfRange, Reason: "INT32_OVERFLOW", Domain: "grpcexamples",
		Metadata: map[string]string{
			"operation": op, "a": a, "b": b, "exactResult": exact,
			"min": "-2147483648", "max": "2147483647",
		},
	}
}

// Every kind of error carries its details over the wire, on the v1 names
// and, for Add and Subtract, on the tutorial's.
func TestErrorDetails(t *testing.T) {
	divide := func(c *calculator.Client, ctx context.Context, a, b int32) error {
		_, _, err := c.Divide(ctx, a, b)
		return err
	}
	call := func(o op) func(*calculator.Client, context.Context, int32, int32) error {
		return func(c *calculator.Client, ctx context.Context, a, b int32) error {
			_, err := o.call(c, ctx, a, b)
			return err
		}
	}
	tests := []struct {
		name     string
		call     func(*calculator.Client, context.Context, int32, int32) error
		a, b     int32
		tutorial bool // also served under the tutorial's name
		want     rpcerr.Summary
	}{
		{"Add", call(add), maxI, 1, true, overflowDetails("add", "2147483647", "1", "2147483648")},
		{"Subtract", call(sub), minI, 1, true, overflowDetails("subtract", "-2147483648", "1", "-2147483649")},
		{"Multiply", call(mul), minI, minI, false, overflowDetails("multiply", "-2147483648", "-2147483648", "4611686018427387904")},
		{"Divide overflow", divide, minI, -1, false, overflowDetails("divide", "-2147483648", "-1", "2147483648")},
		{"Divide by zero", divide, 7, 0, false, rpcerr.Summary{
			Code: codes.InvalidArgument, Reason: "DIVISION_BY_ZERO", Domain: "grpcexamples",
			Metadata:     map[string]string{"operation": "divide", "a": "7"},
			Fields:       []string{"b"},
			FieldReasons: []string{"DIVISION_BY_ZERO"},
			Descriptions: []string{"divide 7 / 0: division by zero (divisor b must not be 0)"},
		}},
	}
	srv := bufconntest.Start(t, func(s grpc.ServiceRegistrar) {
		calculator.Register(s, calculator.NewServer(), calculator.WithTutorialNames())
	})
	clients := map[string]*calculator.Client{
		"v1":       calculator.NewClient(srv.Conn),
		"tutorial": calculator.NewClient(srv.Conn, calculator.WithTutorialServer()),
	}
	for name, c := range clients {
		for _, tt := range tests {
			if name == "tutorial" && !tt.tutorial {
				continue
			}
			err := tt.call(c, t.Context(), tt.a, tt.b)
			if got := rpcerr.Summarize(err); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("%s %s(%d, %d): details\n got %+v\nwant %+v", name, tt.name, tt.a, tt.b, got, tt.want)
			}
		}
	}
}
