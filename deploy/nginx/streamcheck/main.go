// Command streamcheck makes streaming calls to examples/server's
// StreamingService through a proxy and checks every response: it is the
// streaming half of deploy/nginx/rolling-restart.sh.
//
//	streamcheck -addr 127.0.0.1:PORT load [-max 60s]
//	streamcheck -addr 127.0.0.1:PORT long -count 40 -interval 200ms -expect OK
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
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	"github.com/seed717b8fd8/grpcexamples/streaming"
)

// callTimeout bounds one call of load. Its calls take about 100 ms; the
// bound turns a hang (a proxy holding a call forever) into a failure.
const callTimeout = 10 * time.Second

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "streamcheck: FAIL:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("streamcheck", flag.ContinueOnError)
	addr := fs.String("addr", "", "the proxy's address, host:port (plaintext HTTP/2)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *addr == "" || fs.NArg() == 0 {
		return errors.New("usage: streamcheck -addr HOST:PORT load|long [flags]")
	}
	cc, err := grpc.NewClient(*addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return err
	}
	defer cc.Close()
	client := streaming.NewClient(cc)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	switch mode, rest := fs.Arg(0), fs.Args()[1:]; mode {
	case "load":
		return load(ctx, client, rest)
	case "long":
		return long(ctx, client, rest)
	default:
		return fmt.Errorf("unknown mode %q: want load or long", mode)
	}
}

// load runs streaming calls until ctx ends or -max passes, as the package
// doc says.
func load(ctx context.Context, client *streaming.Client, args []string) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	maxRun := fs.Duration("max", time.Minute, "stop after this long even without a signal")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, *maxRun)
	defer cancel()

	var (
		mu     sync.Mutex
		ok     = map[string]int{}
		failed []error
		wg     sync.WaitGroup
	)
	worker := func(kind string, call func(context.Context, int) error) {
		defer wg.Done()
		for i := 0; ctx.Err() == nil; i++ {
			// A call already started runs to its end, not to the signal, so
			// that stopping the load fails no call.
			callCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), callTimeout)
			err := call(callCtx, i)
			cancel()
			mu.Lock()
			if err != nil {
				failed = append(failed, fmt.Errorf("%s call %d: %w", kind, i, err))
			} else {
				ok[kind]++
			}
			mu.Unlock()
		}
	}
	wg.Add(2)
	go worker("server stream", func(ctx context.Context, i int) error { return serverStream(ctx, client, i) })
	go worker("bidi", func(ctx context.Context, i int) error { return bidi(ctx, client, i) })
	wg.Wait()

	fmt.Printf("streams: %d server streams OK, %d bidirectional calls OK, %d failed\n",
		ok["server stream"], ok["bidi"], len(failed))
	for i, err := range failed {
		if i == 5 {
			fmt.Printf("  ... and %d more\n", len(failed)-i)
			break
		}
		fmt.Printf("  %v\n", err)
	}
	if len(failed) > 0 || ok["server stream"] == 0 || ok["bidi"] == 0 {
		return errors.New("streaming calls through the proxy failed or none ran")
	}
	return nil
}

// serverStream makes one server stream of 10 responses and checks them.
func serverStream(ctx context.Context, client *streaming.Client, i int) error {
	const n = 10
	msg := fmt.Sprintf("stream %d", i)
	got := 0
	for resp, err := range client.ServerStream(ctx, msg, streaming.Controls{MessageCount: n, Interval: 10 * time.Millisecond}) {
		if err != nil {
			return fmt.Errorf("after %d responses: %w", got, err)
		}
		got++
		if resp.Message != msg || resp.Sequence != got {
			return fmt.Errorf("response %d is (%q, %d), want (%q, %d)", got, resp.Message, resp.Sequence, msg, got)
		}
	}
	if got != n {
		return fmt.Errorf("ended with OK after %d responses, want %d", got, n)
	}
	return nil
}

// bidi sends 10 messages on one bidirectional call, reading each echo
// before sending the next, and checks the echoes.
func bidi(ctx context.Context, client *streaming.Client, i int) error {
	const n = 10
	call, err := client.BidiStream(ctx, streaming.Controls{})
	if err != nil {
		return err
	}
	defer call.Close()
	for k := 1; k <= n; k++ {
		msg := fmt.Sprintf("bidi %d.%d", i, k)
		if err := call.Send(msg, nil); err != nil {
			_, err = call.Receive() // the call's status
			return fmt.Errorf("send %d: %w", k, err)
		}
		resp, err := call.Receive()
		if err != nil {
			return fmt.Errorf("receive %d: %w", k, err)
		}
		if resp.Message != msg || resp.Sequence != k {
			return fmt.Errorf("echo %d is (%q, %d), want (%q, %d)", k, resp.Message, resp.Sequence, msg, k)
		}
	}
	if err := call.CloseSend(); err != nil {
		return err
	}
	if _, err := call.Receive(); !errors.Is(err, io.EOF) {
		return fmt.Errorf("after the last echo: %v, want the end of the call (OK)", err)
	}
	return nil
}

// long makes one long server stream, as the package doc says.
func long(ctx context.Context, client *streaming.Client, args []string) error {
	fs := flag.NewFlagSet("long", flag.ContinueOnError)
	count := fs.Int("count", 40, "responses to ask for")
	interval := fs.Duration("interval", 200*time.Millisecond, "pause before each response")
	expect := fs.String("expect", "OK", "the status code the stream must end with (OK, Unavailable, ...)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	want, err := parseCode(*expect)
	if err != nil {
		return err
	}
	// Room for the whole stream, and then some; a stream that hangs fails.
	ctx, cancel := context.WithTimeout(ctx, time.Duration(*count)*(*interval)+30*time.Second)
	defer cancel()

	start := time.Now()
	got, inOrder := 0, true
	var callErr error
	for resp, err := range client.ServerStream(ctx, "long", streaming.Controls{MessageCount: *count, Interval: *interval}) {
		if err != nil {
			callErr = err
			break
		}
		got++
		inOrder = inOrder && resp.Sequence == got
		if got == 1 {
			fmt.Println("first response")
		}
	}
	st := status.Convert(callErr)
	fmt.Printf("long stream: %d of %d responses, ended with %v (%q) after %v\n",
		got, *count, st.Code(), st.Message(), time.Since(start).Round(time.Millisecond))
	switch {
	case st.Code() != want:
		return fmt.Errorf("the stream ended with %v, want %v", st.Code(), want)
	case want == codes.OK && (got != *count || !inOrder):
		return fmt.Errorf("the stream ended with OK after %d responses (in order: %v), want all %d in order", got, inOrder, *count)
	}
	return nil
}

// parseCode reads a status code by its Go name (OK, DeadlineExceeded).
func parseCode(name string) (codes.Code, error) {
	for c := codes.OK; c <= codes.Unauthenticated; c++ {
		if c.String() == name {
			return c, nil
		}
	}
	return 0, fmt.Errorf("-expect %q: want a status code's name, such as OK or Unavailable", name)
}
