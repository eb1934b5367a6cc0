package calculator_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"github.com/seed717b8fd8/grpcexamples/bufconntest"
	"github.com/seed717b8fd8/grpcexamples/calculator"
	"github.com/seed717b8fd8/grpcexamples/internal/rawcodec"
	calculatorv1 "github.com/seed717b8fd8/grpcexamples/pb/calculator/v1"
)

// overflow is the status message of an int32 overflow.
func overflow(op string, a int32, sym string, b int32, exact int64) string {
	return fmt.Sprintf("%s %d %s %d overflows int32 (range -2147483648..2147483647): the exact result is %d", op, a, sym, b, exact)
}

// abuse lists the operands at every edge of int32, each refused with the
// documented code and message, never a wrapped result.
var abuse = []struct {
	op      string // Add, Subtract, Multiply or Divide
	a, b    int32
	code    codes.Code
	message string
}{
	{"Add", maxI, 1, codes.OutOfRange, overflow("add", maxI, "+", 1, 1<<31)},                              // MaxInt32 + 1
	{"Add", 1, maxI, codes.OutOfRange, overflow("add", 1, "+", maxI, 1<<31)},                              // either order
	{"Add", minI, -1, codes.OutOfRange, overflow("add", minI, "+", -1, -1<<31-1)},                         // MinInt32 - 1, as a sum
	{"Add", maxI, maxI, codes.OutOfRange, overflow("add", maxI, "+", maxI, 2*(1<<31-1))},                  // the largest sum
	{"Add", minI, minI, codes.OutOfRange, overflow("add", minI, "+", minI, -1<<32)},                       // the smallest sum
	{"Subtract", minI, 1, codes.OutOfRange, overflow("subtract", minI, "-", 1, -1<<31-1)},                 // MinInt32 - 1
	{"Subtract", maxI, -1, codes.OutOfRange, overflow("subtract", maxI, "-", -1, 1<<31)},                  // MaxInt32 + 1, as a difference
	{"Subtract", 0, minI, codes.OutOfRange, overflow("subtract", 0, "-", minI, 1<<31)},                    // -MinInt32
	{"Subtract", maxI, minI, codes.OutOfRange, overflow("subtract", maxI, "-", minI, 1<<32-1)},            // the largest difference
	{"Subtract", minI, maxI, codes.OutOfRange, overflow("subtract", minI, "-", maxI, -1<<32+1)},           // the smallest difference
	{"Multiply", minI, -1, codes.OutOfRange, overflow("multiply", minI, "*", -1, 1<<31)},                  // MinInt32 * -1
	{"Multiply", -1, minI, codes.OutOfRange, overflow("multiply", -1, "*", minI, 1<<31)},                  // either order
	{"Multiply", maxI, 2, codes.OutOfRange, overflow("multiply", maxI, "*", 2, 2*(1<<31-1))},              // MaxInt32 * 2
	{"Multiply", minI, 2, codes.OutOfRange, overflow("multiply", minI, "*", 2, -1<<32)},                   // MinInt32 * 2
	{"Multiply", 46341, 46341, codes.OutOfRange, overflow("multiply", 46341, "*", 46341, 2147488281)},     // the smallest square over
	{"Multiply", 65536, 32768, codes.OutOfRange, overflow("multiply", 65536, "*", 32768, 1<<31)},          // 2^31 exactly
	{"Multiply", minI, minI, codes.OutOfRange, overflow("multiply", minI, "*", minI, 1<<62)},              // the largest product
	{"Multiply", maxI, minI, codes.OutOfRange, overflow("multiply", maxI, "*", minI, -(1<<31-1)*(1<<31))}, // the smallest product
	{"Divide", minI, -1, codes.OutOfRange, overflow("divide", minI, "/", -1, 1<<31)},                      // MinInt32 / -1
	{"Divide", 7, 0, codes.InvalidArgument, "divide 7 / 0: division by zero (divisor b must not be 0)"},   // by zero
	{"Divide", 0, 0, codes.InvalidArgument, "divide 0 / 0: division by zero (divisor b must not be 0)"},   // zero by zero
	{"Divide", minI, 0, codes.InvalidArgument, "divide -2147483648 / 0: division by zero (divisor b must not be 0)"},
	{"Divide", maxI, 0, codes.InvalidArgument, "divide 2147483647 / 0: division by zero (divisor b must not be 0)"},
}

func TestAbuse(t *testing.T) {
	c := start(t)
	calls := map[string]func(ctx context.Context, a, b int32) (int32, error){
		"Add":      func(ctx context.Context, a, b int32) (int32, error) { return c.Add(ctx, a, b) },
		"Subtract": func(ctx context.Context, a, b int32) (int32, error) { return c.Subtract(ctx, a, b) },
		"Multiply": func(ctx context.Context, a, b int32) (int32, error) { return c.Multiply(ctx, a, b) },
		"Divide": func(ctx context.Context, a, b int32) (int32, error) {
			q, r, err := c.Divide(ctx, a, b)
			if err != nil && (q != 0 || r != 0) {
				return q, fmt.Errorf("quotient %d, remainder %d returned with %w", q, r, err)
			}
			return q, err
		},
	}
	for _, tt := range abuse {
		got, err := calls[tt.op](t.Context(), tt.a, tt.b)
		if status.Code(err) != tt.code || status.Convert(err).Message() != tt.message || got != 0 {
			t.Errorf("%s(%d, %d) = %d, %v;\nwant 0, code %v, message %q", tt.op, tt.a, tt.b, got, err, tt.code, tt.message)
		}
	}
}

// operands is an AddRequest (or any of the v1 requests: a = 1, b = 2)
// built by hand, so that it can hold what a protobuf library would not
// write.
func operands(a, b uint64) []byte {
	m := protowire.AppendVarint(protowire.AppendTag(nil, 1, protowire.VarintType), a)
	return protowire.AppendVarint(protowire.AppendTag(m, 2, protowire.VarintType), b)
}

// wireAbuse lists Add requests that a client in another language, or one
// built by hand, can send, and what grpc-go and the service make of them.
var wireAbuse = []struct {
	why     string
	req     []byte
	code    codes.Code
	message string // a part of the status message
	handled bool   // whether the service's handler ran
	result  int32  // the sum, when code is OK
}{
	{"garbage", []byte("\xff\xff\xff\xff"), codes.Internal, "grpc: failed to unmarshal the received message", false, 0},
	{"text", []byte("a=2&b=3"), codes.Internal, "grpc: failed to unmarshal the received message", false, 0},
	{"truncated varint", []byte{0x08, 0x80}, codes.Internal, "grpc: failed to unmarshal the received message", false, 0},
	{"length past the end", []byte{0x1a, 0x10, 'x'}, codes.Internal, "grpc: failed to unmarshal the received message", false, 0},
	{"field number 0", []byte{0x00, 0x01}, codes.Internal, "grpc: failed to unmarshal the received message", false, 0},
	{"empty message: 0 + 0", nil, codes.OK, "", true, 0},
	{"unknown fields are ignored", protowire.AppendString(protowire.AppendTag(
		protowire.AppendVarint(protowire.AppendTag(operands(2, 3), 3, protowire.VarintType), 99), 1000, protowire.BytesType), "extra"),
		codes.OK, "", true, 5},
	{"a field twice: the last wins", append(operands(2, 3), operands(20, 30)...), codes.OK, "", true, 50},
	{"an operand with the wrong wire type is an unknown field: it reads as 0",
		protowire.AppendString(protowire.AppendTag(operands(2, 3)[:2], 2, protowire.BytesType), "3"), codes.OK, "", true, 2},
	// The protobuf language guide: a varint wider than 32 bits read into
	// an int32 field keeps its low 32 bits (the C++ cast). The service
	// never sees the difference.
	{"an operand wider than 32 bits is truncated by the decoder", operands(1<<32+2, 3), codes.OK, "", true, 5},
	{"negative operands are 10-byte varints", operands(uint64(1<<64-2), 3), codes.OK, "", true, 1},
	{"an overflow sent by hand is still OutOfRange", operands(1<<31-1, 1), codes.OutOfRange, "overflows int32", true, 0},
	// Over the server's default grpc.MaxRecvMsgSize (4 MiB): grpc-go
	// refuses the message before decoding it.
	{"5 MiB of unknown field", protowire.AppendBytes(protowire.AppendTag(operands(2, 3), 9, protowire.BytesType), make([]byte, 5<<20)),
		codes.ResourceExhausted, "larger than max", false, 0},
}

// What happens to bytes no Go client would send: grpc-go's codec refuses
// what is not protobuf with Internal, and the handler never runs; what it
// decodes reaches the arithmetic.
func TestAbuseOnTheWire(t *testing.T) {
	var handlers rawcodec.HandlerCounter
	srv := bufconntest.Start(t, func(s grpc.ServiceRegistrar) {
		calculator.Register(s, calculator.NewServer(), calculator.WithTutorialNames())
	}, bufconntest.WithServerOptions(handlers.ServerOption()))

	for _, method := range []string{calculatorv1.Calculator_Add_FullMethodName, "/calculator.Calculator/Add"} {
		for _, tt := range wireAbuse {
			resp, ran, err := handlers.Invoke(t.Context(), srv.Conn, method, tt.req)
			if status.Code(err) != tt.code || !strings.Contains(status.Convert(err).Message(), tt.message) {
				t.Errorf("%s (%s): err = %v; want code %v, message containing %q", method, tt.why, err, tt.code, tt.message)
			}
			if ran != tt.handled {
				t.Errorf("%s (%s): handler ran = %v; want %v", method, tt.why, ran, tt.handled)
			}
			if tt.code == codes.OK {
				var sum calculatorv1.AddResponse
				if err := proto.Unmarshal(resp, &sum); err != nil || sum.GetResult() != tt.result {
					t.Errorf("%s (%s): result %d, %v; want %d", method, tt.why, sum.GetResult(), err, tt.result)
				}
			}
		}
	}
}
