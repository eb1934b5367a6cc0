package calculator_test

import (
	"context"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/seed717b8fd8/grpcexamples/bufconntest"
	"github.com/seed717b8fd8/grpcexamples/calculator"
)

// Per-client call options apply to every method, before the call's own
// options, which win: a per-client receive limit of 1 byte fails every
// reply until a call sets its own limit.
func TestWithCallOptions(t *testing.T) {
	srv := bufconntest.Start(t, func(s grpc.ServiceRegistrar) {
		calculator.Register(s, calculator.NewServer())
	})
	c := calculator.NewClient(srv.Conn, calculator.WithCallOptions(grpc.MaxCallRecvMsgSize(1)))
	checks := map[string]error{}
	_, checks["Add"] = c.Add(t.Context(), 5, 3)
	_, checks["Subtract"] = c.Subtract(t.Context(), 10, 4)
	_, checks["Multiply"] = c.Multiply(t.Context(), 6, 7)
	_, _, checks["Divide"] = c.Divide(t.Context(), 7, 2)
	for method, err := range checks {
		if status.Code(err) != codes.ResourceExhausted {
			t.Errorf("%s with the client's MaxCallRecvMsgSize(1): err = %v; want ResourceExhausted", method, err)
		}
	}
	if got, err := c.Add(t.Context(), 5, 3, grpc.MaxCallRecvMsgSize(1024)); err != nil || got != 8 {
		t.Errorf("Add with the call's MaxCallRecvMsgSize(1024) = %d, %v; want 8: the call's option wins", got, err)
	}
}

// Options given to WithCallOptions reach the server (grpc.Header fills the
// header it sent), next to WithTutorialServer, and a nil option is ignored.
func TestWithCallOptionsReachTheServer(t *testing.T) {
	header := func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		if err := grpc.SetHeader(ctx, metadata.Pairs("x-method", info.FullMethod)); err != nil {
			return nil, err
		}
		return h(ctx, req)
	}
	srv := bufconntest.Start(t, func(s grpc.ServiceRegistrar) {
		calculator.Register(s, calculator.NewServer(), calculator.WithTutorialNames())
	}, bufconntest.WithServerOptions(grpc.UnaryInterceptor(header)))

	var md metadata.MD
	c := calculator.NewClient(srv.Conn, calculator.WithCallOptions(grpc.Header(&md)), nil, calculator.WithTutorialServer())
	if got, err := c.Subtract(t.Context(), 10, 4); err != nil || got != 6 {
		t.Fatalf("Subtract(10, 4) = %d, %v; want 6", got, err)
	}
	if got := md.Get("x-method"); len(got) != 1 || got[0] != "/calculator.Calculator/Subtract" {
		t.Errorf("header x-method = %q; want [/calculator.Calculator/Subtract]", got)
	}
}
