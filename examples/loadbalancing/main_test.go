package main

import (
	"bytes"
	"context"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/seed717b8fd8/grpcexamples/internal/replicas"
)

// TestMain fails the run if a test leaves a goroutine behind (a replica
// not stopped, a connection or health watch left open).
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// startSet starts n replicas and a client balancing over them, and stops
// both when the test ends (the client first, which ends its health
// watches so the replicas can stop gracefully).
func startSet(t *testing.T, n int, opts ...grpc.DialOption) (replicaSet, *caller) {
	t.Helper()
	set, err := startReplicas(n)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := set.stop(); err != nil {
			t.Errorf("stopping replicas: %v", err)
		}
	})
	opts = append([]grpc.DialOption{grpc.WithTransportCredentials(insecure.NewCredentials())}, opts...)
	cc, err := replicas.NewClient(set.addrs(), healthService, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cc.Close() })
	return set, newCaller(cc, set)
}

// checkSpread fails the test unless every replica in want got a count
// within ±20% of their mean and every other replica got none.
func checkSpread(t *testing.T, set replicaSet, got []int64, want ...*replica) {
	t.Helper()
	var sum int64
	in := make(map[*replica]bool, len(want))
	for _, r := range want {
		in[r] = true
	}
	for i, r := range set {
		if in[r] {
			sum += got[i]
		}
	}
	mean := float64(sum) / float64(len(want))
	for i, r := range set {
		switch {
		case !in[r] && got[i] != 0:
			t.Errorf("%s served %d calls, want none (counts %v)", r.name, got[i], got)
		case in[r] && (float64(got[i]) < 0.8*mean || float64(got[i]) > 1.2*mean):
			t.Errorf("%s served %d calls, want within ±20%% of the mean %.1f (counts %v)", r.name, got[i], mean, got)
		}
	}
}

// TestRoundRobinFollowsHealth is issue 11's test of client-side balancing:
// 300 calls spread evenly over three replicas; a replica set NOT_SERVING
// gets no further call and no call fails; set SERVING again, it is back
// in the rotation.
func TestRoundRobinFollowsHealth(t *testing.T) {
	const calls = 300
	ctx := t.Context()
	set, c := startSet(t, 3)
	r1, r2, r3 := set[0], set[1], set[2]

	if _, err := c.untilAllServe(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := c.callN(ctx, calls)
	if err != nil {
		t.Fatal(err)
	}
	checkSpread(t, set, got, r1, r2, r3)

	r2.setServing(false)
	// Calls between the status change and the client acting on it may
	// still reach r2, which still serves them; none may fail.
	if _, err := c.untilAvoids(ctx, r2); err != nil {
		t.Fatal(err)
	}
	got, err = c.callN(ctx, calls)
	if err != nil {
		t.Fatal(err)
	}
	checkSpread(t, set, got, r1, r3)

	r2.setServing(true)
	if _, err := c.untilServes(ctx, r2); err != nil {
		t.Fatal(err)
	}
	got, err = c.callN(ctx, calls)
	if err != nil {
		t.Fatal(err)
	}
	checkSpread(t, set, got, r1, r2, r3)
}

// TestRollingRestartLosesNoCall restarts every replica in turn, as a
// deployment does, while four goroutines keep calling: each replica turns
// NOT_SERVING, the client moves off it, it stops gracefully and starts
// again on its address, and the client brings it back. No call may fail.
func TestRollingRestartLosesNoCall(t *testing.T) {
	ctx := t.Context()
	// A replica is down for a moment between stop and start; the client
	// redials it after a short backoff instead of grpc-go's default 1s, to
	// keep the test fast.
	set, c := startSet(t, 3, grpc.WithConnectParams(grpc.ConnectParams{
		Backoff:           backoff.Config{BaseDelay: 10 * time.Millisecond, Multiplier: 1.6, Jitter: 0.2, MaxDelay: 100 * time.Millisecond},
		MinConnectTimeout: time.Second,
	}))
	if _, err := c.untilAllServe(ctx); err != nil {
		t.Fatal(err)
	}

	loadCtx, stopLoad := context.WithCancel(ctx)
	var (
		wg       sync.WaitGroup
		ok       atomic.Int64
		failed   atomic.Int64
		firstErr atomic.Value
	)
	for range 4 {
		wg.Go(func() {
			for loadCtx.Err() == nil {
				// The call's own context is not loadCtx, so that stopping
				// the load never turns a call in flight into a failure.
				if err := c.call(ctx); err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err)
					continue
				}
				ok.Add(1)
			}
		})
	}
	// Runs before startSet's cleanups, so no call is made on a closed client.
	t.Cleanup(func() { stopLoad(); wg.Wait() })

	for _, old := range set {
		old.setServing(false)
		if _, err := c.untilAvoids(ctx, old); err != nil {
			t.Fatal(err)
		}
		if err := old.stop(); err != nil {
			t.Fatalf("stopping %s: %v", old.name, err)
		}
		fresh, err := startReplica(old.name, old.addr)
		if err != nil {
			t.Fatalf("restarting %s on %s: %v", old.name, old.addr, err)
		}
		c.replace(old, fresh) // set shares c.set's entries, so Cleanup stops fresh
		if _, err := c.untilServes(ctx, fresh); err != nil {
			t.Fatal(err)
		}
	}
	stopLoad()
	wg.Wait()

	if n := failed.Load(); n > 0 {
		t.Errorf("%d of %d calls failed during the rolling restart; first: %v", n, ok.Load()+n, firstErr.Load())
	}
	t.Logf("%d calls during the rolling restart, none failed", ok.Load())
	got, err := c.callN(ctx, 300)
	if err != nil {
		t.Fatal(err)
	}
	checkSpread(t, set, got, set...)
}

func TestRunShowsBalancing(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), []string{"-calls", "30"}, &out); err != nil {
		t.Fatalf("run: %v\noutput so far:\n%s", err, out.String())
	}
	got := out.String()
	steps := regexp.MustCompile(`(?m)^30 calls, none failed: r1 (\d+), r2 (\d+), r3 (\d+)$`).FindAllStringSubmatch(got, -1)
	if len(steps) != 3 {
		t.Fatalf("want 3 lines of 30 calls, got %d\n%s", len(steps), got)
	}
	for i, s := range steps {
		var counts []int
		for _, v := range s[1:] {
			n, _ := strconv.Atoi(v)
			counts = append(counts, n)
		}
		wantR2 := i != 1 // the middle step runs while r2 is NOT_SERVING
		if (counts[1] > 0) != wantR2 || counts[0] == 0 || counts[2] == 0 {
			t.Errorf("step %d: %s", i+1, s[0])
		}
	}
	for _, want := range []string{
		`client: round_robin over 3 addresses, health checked (service "")`,
		"r2 health: NOT_SERVING\nthe client moved off r2: ",
		"r2 health: SERVING\nthe client picked r2 again after ",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q\n%s", want, got)
		}
	}
}

func TestRunRejectsCallsOutOfRange(t *testing.T) {
	for _, arg := range []string{"0", "-1", strconv.Itoa(maxCalls + 1)} {
		var out bytes.Buffer
		err := run(t.Context(), []string{"-calls", arg}, &out)
		if err == nil || !strings.Contains(err.Error(), "want 1 to") {
			t.Errorf("-calls %s: got %v, want an error naming the range", arg, err)
		}
	}
}
