package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/seed717b8fd8/grpcexamples/streaming"
)

// load runs streaming calls until ctx ends or -max passes, as the package
// doc says.
func load(ctx context.Context, cc grpc.ClientConnInterface, args []string) error {
	client := streaming.NewClient(cc)
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
		return errors.New("streaming calls failed or none ran")
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
func long(ctx context.Context, cc grpc.ClientConnInterface, args []string) error {
	client := streaming.NewClient(cc)
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
