package greeter_test

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/seed717b8fd8/grpcexamples/bufconntest"
	"github.com/seed717b8fd8/grpcexamples/greeter"
)

// startWith serves a greeter built with opts and returns a client of it.
func startWith(t *testing.T, opts ...greeter.Option) *greeter.Client {
	t.Helper()
	srv := bufconntest.Start(t, func(s grpc.ServiceRegistrar) {
		greeter.Register(s, greeter.NewServer(opts...))
	})
	return greeter.NewClient(srv.Conn)
}

// WithMaxNameBytes moves the limit both ways, within the documented
// ceiling; the messages give the limit in force.
func TestWithMaxNameBytes(t *testing.T) {
	tests := []struct {
		why   string
		n     int
		limit int // the limit that must be in force
	}{
		{"lowered", 8, 8},
		{"raised", 1000, 1000},
		{"raised to the ceiling", greeter.MaxNameBytesCeiling, greeter.MaxNameBytesCeiling},
		{"above the ceiling: lowered to it", 1 << 20, greeter.MaxNameBytesCeiling},
		{"zero: the default", 0, greeter.MaxNameBytes},
		{"negative: the default", -1, greeter.MaxNameBytes},
		{"one byte", 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.why, func(t *testing.T) {
			c := startWith(t, greeter.WithMaxNameBytes(tt.n))
			at := strings.Repeat("x", tt.limit)
			if got, err := c.SayHello(t.Context(), at); err != nil || got != "Hello, "+at+"!" {
				t.Errorf("SayHello(%d bytes) = %.20q..., %v; want a greeting", tt.limit, got, err)
			}
			_, err := c.SayHelloAgain(t.Context(), at+"x")
			want := "name is " + strconv.Itoa(tt.limit+1) + " bytes long; this server's limit is " + strconv.Itoa(tt.limit) +
				" bytes (greeter.WithMaxNameBytes, default 256)"
			if status.Code(err) != codes.InvalidArgument || status.Convert(err).Message() != want {
				t.Errorf("SayHelloAgain(%d bytes): err = %v; want InvalidArgument %q", tt.limit+1, err, want)
			}
			_, err = c.SayHello(t.Context(), "")
			want = "name is empty: give a name of 1 to " + strconv.Itoa(tt.limit) + " bytes"
			if status.Code(err) != codes.InvalidArgument || status.Convert(err).Message() != want {
				t.Errorf("SayHello(\"\"): err = %v; want InvalidArgument %q", err, want)
			}
		})
	}
}

// The last WithMaxNameBytes wins, and a nil Option is ignored.
func TestWithMaxNameBytesLastWins(t *testing.T) {
	c := startWith(t, greeter.WithMaxNameBytes(4), nil, greeter.WithMaxNameBytes(5))
	if _, err := c.SayHello(t.Context(), "Ada L"); err != nil {
		t.Errorf("SayHello(5 bytes) with limits 4 then 5: %v", err)
	}
	if _, err := c.SayHello(t.Context(), "Ada Lo"); status.Code(err) != codes.InvalidArgument {
		t.Errorf("SayHello(6 bytes) with limits 4 then 5: err = %v; want InvalidArgument", err)
	}
}

// Per-client call options apply to every call, before the call's own
// options, which win: a per-client receive limit of 1 byte fails every
// reply until a call sets its own limit.
func TestWithCallOptions(t *testing.T) {
	srv := bufconntest.Start(t, func(s grpc.ServiceRegistrar) {
		greeter.Register(s, greeter.NewServer())
	})
	c := greeter.NewClient(srv.Conn, greeter.WithCallOptions(grpc.MaxCallRecvMsgSize(1)))
	if _, err := c.SayHello(t.Context(), "Ada"); status.Code(err) != codes.ResourceExhausted {
		t.Errorf("SayHello with the client's MaxCallRecvMsgSize(1): err = %v; want ResourceExhausted", err)
	}
	if _, err := c.SayHelloAgain(t.Context(), "Ada"); status.Code(err) != codes.ResourceExhausted {
		t.Errorf("SayHelloAgain with the client's MaxCallRecvMsgSize(1): err = %v; want ResourceExhausted", err)
	}
	if got, err := c.SayHello(t.Context(), "Ada", grpc.MaxCallRecvMsgSize(1024)); err != nil || got != "Hello, Ada!" {
		t.Errorf("SayHello with the call's MaxCallRecvMsgSize(1024) = %q, %v; want the call's option to win", got, err)
	}
}

// Options given to WithCallOptions reach the server: grpc.Header fills
// the header the server sent, on every call of that client, and the
// tutorial option still applies next to it.
func TestWithCallOptionsReachTheServer(t *testing.T) {
	var (
		mu   sync.Mutex
		seen []string
	)
	header := func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		mu.Lock()
		seen = append(seen, info.FullMethod)
		mu.Unlock()
		if err := grpc.SetHeader(ctx, metadata.Pairs("x-served-by", "greeter-test")); err != nil {
			return nil, err
		}
		return h(ctx, req)
	}
	srv := bufconntest.Start(t, func(s grpc.ServiceRegistrar) {
		greeter.Register(s, greeter.NewServer(), greeter.WithTutorialNames())
	}, bufconntest.WithServerOptions(grpc.UnaryInterceptor(header)))

	var md metadata.MD
	c := greeter.NewClient(srv.Conn, greeter.WithCallOptions(grpc.Header(&md)), greeter.WithHelloWorldServer())
	if _, err := c.SayHello(t.Context(), "Ada"); err != nil {
		t.Fatal(err)
	}
	if got := md.Get("x-served-by"); len(got) != 1 || got[0] != "greeter-test" {
		t.Errorf("header x-served-by = %q; want [greeter-test]", got)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 1 || seen[0] != "/helloworld.Greeter/SayHello" {
		t.Errorf("server saw %q; want the helloworld path", seen)
	}
}
