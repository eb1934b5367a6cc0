// Command callcheck makes calls to replicas of examples/server and checks
// every answer: it is the client of the rolling-restart scripts
// (deploy/nginx/rolling-restart.sh, deploy/roundrobin/rolling-restart.sh).
//
//	callcheck -addr 127.0.0.1:PORT load [-max 60s]
//	callcheck -addr 127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3 unary -rate 2000 -c 50 -duration 24s
//	callcheck -addr 127.0.0.1:PORT long -count 40 -interval 200ms -expect OK
//
// -addr is one address (a proxy: every call goes there) or a
// comma-separated list of replicas, which the client balances itself:
// grpc-go's round_robin with client-side health checking, as
// examples/client -addr a,b,c does (internal/replicas), so that a replica
// whose health turns NOT_SERVING gets no new call.
//
// unary sends greeter SayHello calls at -rate a second, at most -c at a
// time, for -duration, each with a 10 s deadline, and checks each answer.
// It prints "unary: N calls, N OK, N failed, p99 X ms, R calls/s, N
// retried by grpc-go" (transparent retries: attempts grpc-go made again
// because the first never reached a server's handler) and exits 1 if any
// call failed (printing the first few errors).
//
// load repeats, until SIGINT or SIGTERM (or -max), server streams of 10
// responses 10 ms apart and bidirectional calls of 10 messages, on two
// workers; every call must end with OK and every response must carry the
// right message and sequence number. On the signal it lets the calls under
// way finish, prints how many of each kind succeeded, and exits 1 if any
// failed (printing the first few errors).
//
// long makes one server stream of -count responses -interval apart. It
// prints "first response" once the first has arrived (the script then
// stops the replica serving it), then one line with what came back:
// responses received, the status code and the time taken. It exits 0 when
// the code is -expect (and, for OK, when every response arrived in order),
// 1 otherwise.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/seed717b8fd8/grpcexamples/internal/replicas"
)

// callTimeout bounds one call. The calls take about 100 ms at most; the
// bound turns a hang (a proxy or replica holding a call forever) into a
// failure.
const callTimeout = 10 * time.Second

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "callcheck: FAIL:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("callcheck", flag.ContinueOnError)
	addr := fs.String("addr", "", "a proxy's address, host:port, or replicas' host:port,host:port,... to balance over (plaintext HTTP/2)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *addr == "" || fs.NArg() == 0 {
		return errors.New("usage: callcheck -addr HOST:PORT[,HOST:PORT...] unary|load|long [flags]")
	}
	retries := new(retryCount)
	cc, err := dial(*addr, grpc.WithStatsHandler(retries))
	if err != nil {
		return err
	}
	defer cc.Close()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	switch mode, rest := fs.Arg(0), fs.Args()[1:]; mode {
	case "unary":
		return unary(ctx, cc, retries, rest)
	case "load":
		return load(ctx, cc, rest)
	case "long":
		return long(ctx, cc, rest)
	default:
		return fmt.Errorf("unknown mode %q: want unary, load or long", mode)
	}
}

// dial connects to one address, or balances over a list of them.
func dial(addr string, opts ...grpc.DialOption) (*grpc.ClientConn, error) {
	opts = append(opts, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if !strings.Contains(addr, ",") {
		return grpc.NewClient(addr, opts...)
	}
	addrs, err := replicas.SplitAddrs(addr)
	if err != nil {
		return nil, err
	}
	return replicas.NewClient(addrs, "", opts...)
}
