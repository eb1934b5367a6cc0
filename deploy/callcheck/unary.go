package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"slices"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/status"

	"github.com/seed717b8fd8/grpcexamples/greeter"
)

// Bounds of unary's flags: a load this program can hold on one machine,
// and a run short enough for a script.
const (
	maxRate        = 100_000
	maxConcurrency = 1_000
	maxDuration    = 10 * time.Minute
)

// unary sends SayHello calls at a fixed rate, as the package doc says. Like
// ghz, it never has more than -c calls open: when all are, the next call
// waits for one to end, and the rate reached falls below -rate.
func unary(ctx context.Context, cc grpc.ClientConnInterface, retries *retryCount, args []string) error {
	fs := flag.NewFlagSet("unary", flag.ContinueOnError)
	rate := fs.Int("rate", 2000, fmt.Sprintf("calls a second, all workers together, 1 to %d", maxRate))
	conc := fs.Int("c", 50, fmt.Sprintf("calls open at once at most, 1 to %d", maxConcurrency))
	dur := fs.Duration("duration", 24*time.Second, fmt.Sprintf("how long to start calls, at most %v", maxDuration))
	name := fs.String("name", "rolling", "the name each call greets")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case *rate < 1 || *rate > maxRate:
		return fmt.Errorf("-rate %d is out of range; want 1 to %d", *rate, maxRate)
	case *conc < 1 || *conc > maxConcurrency:
		return fmt.Errorf("-c %d is out of range; want 1 to %d", *conc, maxConcurrency)
	case *dur <= 0 || *dur > maxDuration:
		return fmt.Errorf("-duration %v is out of range; want more than 0 and at most %v", *dur, maxDuration)
	}
	client := greeter.NewClient(cc)
	want := "Hello, " + *name + "!"

	// The pacer hands out one token per call, at the rate; a worker takes
	// one, makes the call and records it.
	start := time.Now()
	tokens := make(chan struct{})
	go func() {
		defer close(tokens)
		for n := 0; ; n++ {
			due := time.Duration(n) * time.Second / time.Duration(*rate)
			if due >= *dur {
				return
			}
			if wait := time.Until(start.Add(due)); wait > 0 {
				select {
				case <-time.After(wait):
				case <-ctx.Done():
					return
				}
			}
			select {
			case tokens <- struct{}{}:
			case <-ctx.Done():
				return
			}
		}
	}()

	var (
		mu        sync.Mutex
		latencies []time.Duration
		failed    []error
		wg        sync.WaitGroup
	)
	for range *conc {
		wg.Go(func() {
			for range tokens {
				// A call already started runs to its end, not to the signal.
				callCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), callTimeout)
				t := time.Now()
				got, err := client.SayHello(callCtx, *name)
				took := time.Since(t)
				cancel()
				if err == nil && got != want {
					err = fmt.Errorf("answer %q, want %q", got, want)
				}
				mu.Lock()
				latencies = append(latencies, took)
				if err != nil {
					failed = append(failed, err)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)

	calls := len(latencies)
	p99 := time.Duration(0)
	if calls > 0 {
		slices.Sort(latencies)
		p99 = latencies[(calls*99+99)/100-1]
	}
	fmt.Printf("unary: %d calls, %d OK, %d failed, p99 %.2f ms, %.2f calls/s, %d retried by grpc-go\n",
		calls, calls-len(failed), len(failed), float64(p99)/float64(time.Millisecond), float64(calls)/elapsed.Seconds(), retries.n.Load())
	for i, err := range failed {
		if i == 5 {
			fmt.Printf("  ... and %d more\n", len(failed)-i)
			break
		}
		fmt.Printf("  %v: %s\n", status.Code(err), status.Convert(err).Message())
	}
	if len(failed) > 0 || calls == 0 {
		return errors.New("unary calls failed or none ran")
	}
	return nil
}
