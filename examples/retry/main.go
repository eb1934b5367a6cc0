// Command retry shows a client retrying failed calls by its service config,
// with nothing to code around the call: grpc-go replays the call when its
// status is one the retry policy lists, up to maxAttempts attempts in all,
// and returns the first success or the last failure.
//
//	go run ./examples/retry
//
// The server is the streaming service in memory (bufconntest). Its
// Controls.FailFirstAttempts fails the first K attempts of a call with the
// code the caller chooses; it keeps no state, because grpc-go numbers each
// retry in the grpc-previous-rpc-attempts request header. A server
// interceptor prints each attempt it sees. Three calls show the policy:
//
//   - the first 2 attempts fail with UNAVAILABLE, a code the policy lists:
//     the third attempt succeeds and the caller sees only the success;
//   - the first 10 attempts fail with UNAVAILABLE: the client stops at
//     maxAttempts (4) and returns the last attempt's status;
//   - the first attempt fails with FAILED_PRECONDITION, a code the policy
//     does not list: that status is final at once.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path"
	"strconv"
	"sync"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/seed717b8fd8/grpcexamples/bufconntest"
	"github.com/seed717b8fd8/grpcexamples/streaming"
)

// serviceConfig retries every streaming method that fails with
// UNAVAILABLE, up to 4 attempts in all. Only UNAVAILABLE is safe to retry
// for any method: it means the call did not run or the connection broke,
// while other codes are the server's answer. The pauses between attempts
// are drawn at random below 10ms, then 20ms, 40ms (short for a
// demonstration; production configs start near 100ms).
const serviceConfig = `{
  "methodConfig": [{
    "name": [{"service": "grpcexamples.streaming.v1.StreamingService"}],
    "retryPolicy": {
      "maxAttempts": 4,
      "initialBackoff": "0.01s",
      "maxBackoff": "0.1s",
      "backoffMultiplier": 2,
      "retryableStatusCodes": ["UNAVAILABLE"]
    }
  }]
}`

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "retry:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, w io.Writer) error {
	out := &syncWriter{w: w}
	srv, err := bufconntest.NewServer(func(s grpc.ServiceRegistrar) {
		streaming.Register(s, streaming.NewServer())
	},
		bufconntest.WithServerOptions(grpc.ChainUnaryInterceptor(printAttempts(out))),
		bufconntest.WithDialOptions(grpc.WithDefaultServiceConfig(serviceConfig)),
	)
	if err != nil {
		return err
	}
	defer srv.Close()
	client := streaming.NewClient(srv.Conn)

	for i, c := range []struct {
		about string
		ctl   streaming.Controls
	}{
		{"the first 2 attempts fail with Unavailable", streaming.Controls{FailFirstAttempts: 2, StatusCode: codes.Unavailable, StatusMessage: "try again"}},
		{"the first 10 attempts fail with Unavailable", streaming.Controls{FailFirstAttempts: 10, StatusCode: codes.Unavailable, StatusMessage: "try again"}},
		{"the first attempt fails with FailedPrecondition", streaming.Controls{FailFirstAttempts: 1, StatusCode: codes.FailedPrecondition, StatusMessage: "not retryable"}},
	} {
		if i > 0 {
			out.printf("\n")
		}
		out.printf("client: Unary(%q), %s\n", "ping", c.about)
		resp, err := client.Unary(ctx, "ping", c.ctl)
		if err != nil {
			st := status.Convert(err)
			out.printf("client: -> %v: %s\n", st.Code(), st.Message())
			continue
		}
		out.printf("client: -> %q\n", resp.Message)
	}
	return nil
}

// printAttempts is a server interceptor that prints every attempt the
// server sees, numbered by the grpc-previous-rpc-attempts header that
// grpc-go sends on a retry (absent on the first attempt), and its outcome.
func printAttempts(out *syncWriter) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		header := "no grpc-previous-rpc-attempts header"
		attempt := 1
		if v := metadata.ValueFromIncomingContext(ctx, "grpc-previous-rpc-attempts"); len(v) > 0 {
			header = "grpc-previous-rpc-attempts: " + v[0]
			if n, err := strconv.Atoi(v[0]); err == nil {
				attempt = n + 1
			}
		}
		resp, err := handler(ctx, req)
		out.printf("  server: %s attempt %d (%s) -> %v\n", path.Base(info.FullMethod), attempt, header, status.Code(err))
		return resp, err
	}
}

// syncWriter lets the server's goroutines and the client's print to one
// writer. Each line is written whole; their order is the calls' order,
// since the server prints an attempt's outcome before it sends it.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) printf(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fmt.Fprintf(s.w, format, args...)
}
