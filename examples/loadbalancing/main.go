// Command loadbalancing shows gRPC client-side load balancing over three
// replicas of a server, with grpc-go's own resolver and balancer: a manual
// resolver listing the replicas' addresses, the round_robin policy, and
// client-side health checking (healthCheckConfig) on the server's overall
// status (internal/replicas builds that ClientConn).
//
//	go run ./examples/loadbalancing             # 30 calls per step
//	go run ./examples/loadbalancing -calls 300
//
// It starts three replicas in this process, each a grpc.Server on its own
// 127.0.0.1 port with every grpcexamples service and grpc health, and one
// client. It prints how the client's calls spread over the replicas
// (counted by each replica's server interceptor), then sets replica r2's
// health to NOT_SERVING, as a draining server does, and shows that once
// the client has seen the change no call reaches r2 and none fails; then
// it sets r2 SERVING again and shows r2 back in the rotation. A failed call
// ends the program with its status and exit code 1.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/seed717b8fd8/grpcexamples/calculator"
	"github.com/seed717b8fd8/grpcexamples/internal/replicas"
)

// maxCalls bounds -calls: the calls are sequential, and this many take
// about ten seconds a step on loopback.
const maxCalls = 100_000

// settleTimeout bounds each wait for the client to act on a health change.
// grpc-go acts on the health update it is sent at once; seconds mean the
// health check is not working.
const settleTimeout = 10 * time.Second

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return // -h: the flag package has printed the usage
		}
		fmt.Fprintln(os.Stderr, "loadbalancing:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, w io.Writer) (err error) {
	fs := flag.NewFlagSet("loadbalancing", flag.ContinueOnError)
	calls := fs.Int("calls", 30, fmt.Sprintf("calls per step, 1 to %d", maxCalls))
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *calls < 1 || *calls > maxCalls {
		return fmt.Errorf("-calls %d is out of range; want 1 to %d", *calls, maxCalls)
	}

	set, err := startReplicas(3)
	if err != nil {
		return err
	}
	// Deferred before the client's Close, so it runs after it: the
	// client's health watches must end before GracefulStop can return.
	defer func() { err = errors.Join(err, set.stop()) }()
	fmt.Fprintln(w, "replicas:", set)

	cc, err := replicas.NewClient(set.addrs(), healthService, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return err
	}
	defer cc.Close()
	fmt.Fprintf(w, "client: round_robin over %d addresses, health checked (service %q)\n", len(set), healthService)
	c := newCaller(cc, set)

	if _, err := c.untilAllServe(ctx); err != nil {
		return err
	}
	if err := c.report(ctx, w, *calls); err != nil {
		return err
	}

	r2 := set[1]
	r2.setServing(false)
	fmt.Fprintf(w, "%s health: NOT_SERVING\n", r2.name)
	before := r2.calls.Load()
	n, err := c.untilAvoids(ctx, r2)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "the client moved off %s: %d of the next %d calls reached it\n", r2.name, r2.calls.Load()-before, n)
	before = r2.calls.Load()
	if err := c.report(ctx, w, *calls); err != nil {
		return err
	}
	if got := r2.calls.Load() - before; got != 0 {
		return fmt.Errorf("%s is NOT_SERVING but received %d calls", r2.name, got)
	}

	r2.setServing(true)
	fmt.Fprintf(w, "%s health: SERVING\n", r2.name)
	n, err = c.untilServes(ctx, r2)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "the client picked %s again after %d calls\n", r2.name, n)
	return c.report(ctx, w, *calls)
}

// replicaSet is the replicas the client balances over, in start order.
type replicaSet []*replica

// startReplicas starts n replicas named r1, r2, ... on ports the OS picks.
func startReplicas(n int) (replicaSet, error) {
	var set replicaSet
	for i := range n {
		r, err := startReplica(fmt.Sprintf("r%d", i+1), "127.0.0.1:0")
		if err != nil {
			return nil, errors.Join(err, set.stop())
		}
		set = append(set, r)
	}
	return set, nil
}

func (s replicaSet) addrs() []string {
	a := make([]string, len(s))
	for i, r := range s {
		a[i] = r.addr
	}
	return a
}

func (s replicaSet) stop() error {
	var errs []error
	for _, r := range s {
		errs = append(errs, r.stop())
	}
	return errors.Join(errs...)
}

// String lists the replicas as "r1=127.0.0.1:PORT r2=...".
func (s replicaSet) String() string {
	parts := make([]string, len(s))
	for i, r := range s {
		parts[i] = r.name + "=" + r.addr
	}
	return strings.Join(parts, " ")
}

// caller makes calls through the balanced ClientConn and reads, from the
// replicas' server interceptors, where they went. Its methods may run from
// several goroutines at once.
type caller struct {
	calc *calculator.Client

	mu  sync.Mutex
	set replicaSet // replace changes its entries
}

func newCaller(cc grpc.ClientConnInterface, set replicaSet) *caller {
	return &caller{calc: calculator.NewClient(cc), set: set}
}

// call makes one call.
func (c *caller) call(ctx context.Context) error {
	if _, err := c.calc.Add(ctx, 2, 3); err != nil {
		return fmt.Errorf("a call failed: %w", err)
	}
	return nil
}

// counts returns each replica's count of calls served.
func (c *caller) counts() []int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := make([]int64, len(c.set))
	for i, r := range c.set {
		n[i] = r.calls.Load()
	}
	return n
}

// replace tells c that fresh has taken old's place: a replica restarted on
// the address it had.
func (c *caller) replace(old, fresh *replica) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, r := range c.set {
		if r == old {
			c.set[i] = fresh
		}
	}
}

// callN makes n calls one after another and returns how many each replica
// served meanwhile, as its server interceptor counted them.
func (c *caller) callN(ctx context.Context, n int) ([]int64, error) {
	before := c.counts()
	for range n {
		if err := c.call(ctx); err != nil {
			return nil, err
		}
	}
	after := c.counts()
	for i := range after {
		after[i] -= before[i]
	}
	return after, nil
}

// report makes n calls and prints how they spread.
func (c *caller) report(ctx context.Context, w io.Writer, n int) error {
	got, err := c.callN(ctx, n)
	if err != nil {
		return err
	}
	parts := make([]string, len(got))
	c.mu.Lock()
	for i, k := range got {
		parts[i] = fmt.Sprintf("%s %d", c.set[i].name, k)
	}
	c.mu.Unlock()
	fmt.Fprintf(w, "%d calls, none failed: %s\n", n, strings.Join(parts, ", "))
	return nil
}

// until makes calls one after another until done reports true, and
// returns how many it made. It gives up after settleTimeout, naming what
// did not happen.
func (c *caller) until(ctx context.Context, what string, done func() bool) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, settleTimeout)
	defer cancel()
	for n := 0; ; {
		if ctx.Err() != nil {
			return n, fmt.Errorf("after %d calls in %v the client still did not %s; is client-side health checking enabled?", n, settleTimeout, what)
		}
		if err := c.call(ctx); err != nil {
			return n, err
		}
		n++
		if done() {
			return n, nil
		}
	}
}

// untilAllServe makes calls until every replica has served one, so that
// the client holds a ready, healthy connection to each.
func (c *caller) untilAllServe(ctx context.Context) (int, error) {
	start := c.counts()
	return c.until(ctx, "reach every replica", func() bool {
		for i, k := range c.counts() {
			if k == start[i] {
				return false
			}
		}
		return true
	})
}

// avoidWindow is how many calls, per replica, the other replicas must
// serve while one serves none before the client is taken to have stopped
// picking it. round_robin gives each ready replica one pick in every turn
// of len(set) picks, whoever makes the calls; the margin covers calls
// picked for the replica but not yet arrived there, at most one per
// goroutine calling.
const avoidWindow = 20

// untilAvoids makes calls until r serves none while the other replicas
// serve avoidWindow×len(set) calls.
func (c *caller) untilAvoids(ctx context.Context, r *replica) (int, error) {
	mark := func() (int64, int64) {
		var others int64
		for _, k := range c.counts() {
			others += k
		}
		mine := r.calls.Load()
		return mine, others - mine
	}
	mine, others := mark()
	return c.until(ctx, "stop picking "+r.name, func() bool {
		m, o := mark()
		if m != mine {
			mine, others = m, o
			return false
		}
		return o-others >= int64(avoidWindow*len(c.set))
	})
}

// untilServes makes calls until r serves one.
func (c *caller) untilServes(ctx context.Context, r *replica) (int, error) {
	start := r.calls.Load()
	return c.until(ctx, "pick "+r.name+" again", func() bool { return r.calls.Load() > start })
}
