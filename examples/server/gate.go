package main

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/tap"
)

// Why a call was cut by the server, the cause of its context.
var (
	errCallTooLong = errors.New("call ran longer than -max-call-duration")
	errNoRequest   = errors.New("no request message within -first-message-timeout")
	errEvicted     = errors.New("cut to make room under -max-calls: no request message yet")
)

// Reasons a call ended before its handler ran, as logged and counted.
const (
	reasonRefused   = "refused"    // over -max-calls, with no call to evict
	reasonEvicted   = "evicted"    // over -max-calls: the oldest call without a request message made room
	reasonNoRequest = "no_request" // no request message within -first-message-timeout
	reasonDeadline  = "deadline"   // the client's deadline passed first
	reasonEnded     = "ended"      // reset by the client, connection closed, unknown method or undecodable request
)

// healthWatch is exempt from -max-call-duration: a client doing
// client-side health checking keeps one Watch open per connection for the
// connection's life, and a Watch ended by the server marks the connection
// unhealthy until the client starts a new one. The drain ends them at
// shutdown.
var healthWatch = "/" + healthpb.Health_ServiceDesc.ServiceName + "/Watch"

// callGate admits and bounds every call before grpc-go starts its handler.
// It is the server's tap (grpc.InTapHandle): it runs on the connection's
// reader goroutine when a call's headers arrive, the one place that sees
// every call, including those whose handler never runs (a unary call whose
// request never comes waits in grpc-go's own code, before any
// interceptor). It
//
//   - caps the calls in flight across connections at maxCalls: a call over
//     it takes the place of the oldest call still waiting for its first
//     request message, which is cut (a well-behaved client's request
//     follows its headers at once, so such calls are the idle and the
//     abusive), or, if every call has its request, is refused with
//     ResourceExhausted before any goroutine starts;
//   - cuts a call whose first request message has not arrived firstMsg
//     after its headers, and a call that has run callLimit (health Watch
//     excepted), by cancelling the call's context, which is the stream's:
//     only that context reaches a handler blocked in Recv or Send;
//   - gives each call its request id and the state the server's
//     interceptor and log read (a *call, which is the call's context).
//
// It keeps no timer per call: the calls wait in two lists in the order of
// their deadlines (the same limits for all), and one goroutine (run) looks
// at their heads every tick, a tenth of the shortest limit and at most a
// second, so a call is cut within a tick of its limit.
type callGate struct {
	maxCalls  int           // 0 = no limit
	callLimit time.Duration // 0 = none
	firstMsg  time.Duration // 0 = none
	tick      time.Duration
	// early reports a call that ended before its handler started: a
	// rate-limited log line and a metric. It runs without mu held.
	early func(c *call, reason string)

	mu       sync.Mutex
	inflight int
	pending  callList // admitted, no request message yet; oldest first
	running  callList // request arrived and callLimit applies; earliest deadline first

	stop chan struct{}
	done chan struct{}
}

func newCallGate(maxCalls int, callLimit, firstMsg time.Duration, early func(*call, string)) *callGate {
	g := &callGate{maxCalls: maxCalls, callLimit: callLimit, firstMsg: firstMsg, early: early,
		stop: make(chan struct{}), done: make(chan struct{})}
	g.tick = time.Second
	for _, d := range []time.Duration{callLimit, firstMsg} {
		if d > 0 && d/10 < g.tick {
			g.tick = max(d/10, time.Millisecond)
		}
	}
	go g.run()
	return g
}

// close stops the gate's goroutine; calls still in flight keep their
// contexts, and the server's stop ends them.
func (g *callGate) close() {
	close(g.stop)
	<-g.done
}

// call is the state of one call from its headers to its end, and its
// context: the stream's context, cancellable by the gate, whose Deadline
// is the client's deadline or callLimit after the headers, whichever is
// sooner.
type call struct {
	context.Context
	cancel context.CancelCauseFunc
	start  time.Time
	// deadline is start+callLimit, or zero when callLimit does not apply.
	deadline time.Time
	method   string // the full method name, as the client sent it
	id       string // the request id

	// started is set when the server's interceptor runs: from then on the
	// call's end is logged with its status, not reported as early.
	started atomic.Bool
	// identity is the caller's authenticated identity, for the log; set
	// once, by the authentication step, before the handler runs.
	identity string

	// Guarded by the gate's mu.
	list       *callList
	prev, next *call
	ended      bool // no longer counted in flight
}

type callKey struct{}

// Value makes the call findable from any context derived from it.
func (c *call) Value(key any) any {
	if _, ok := key.(callKey); ok {
		return c
	}
	return c.Context.Value(key)
}

// Deadline is the sooner of the client's deadline and the server's limit.
func (c *call) Deadline() (time.Time, bool) {
	d, ok := c.Context.Deadline()
	if c.deadline.IsZero() || ok && d.Before(c.deadline) {
		return d, ok
	}
	return c.deadline, true
}

// Err reports a call the gate cut as context.DeadlineExceeded, as a
// deadline would: it ran too long, or its first request message did not
// come in time (by -first-message-timeout, or before the server, at
// -max-calls, needed its place). grpc-go writes the status of a call whose
// Recv fails on its own, before the handler returns, from this error, so
// the client sees DeadlineExceeded whether grpc-go's status or the
// observer's (which names the flag) is written first.
func (c *call) Err() error {
	err := c.Context.Err()
	if err == context.Canceled {
		switch context.Cause(c.Context) {
		case errCallTooLong, errNoRequest, errEvicted:
			return context.DeadlineExceeded
		}
	}
	return err
}

// callFrom returns the call ctx belongs to, or nil outside one.
func callFrom(ctx context.Context) *call {
	c, _ := ctx.Value(callKey{}).(*call)
	return c
}

// tap is the grpc.InTapHandle that admits a call, as the type's comment
// says. grpc-go calls it with its transport's lock held, so it never waits.
func (g *callGate) tap(ctx context.Context, info *tap.Info) (context.Context, error) {
	c, err := g.admit(ctx, info.FullMethodName, requestIDFrom(info.Header), 0)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// admit admits a call of method, whose request id is id, with a context
// derived from ctx, as the type's comment says: it returns the call, or
// the ResourceExhausted status of a call refused under maxCalls (already
// reported as early). The tap admits the gRPC port's calls; the HTTP
// port's, which grpc.Server.ServeHTTP serves without the tap, are
// admitted by httpGate, with a grace: the gate cuts them grace after
// callLimit, since their timeout header is set to callLimit and grpc-go
// ends them there itself, with DeadlineExceeded; a cut at that moment
// would race with the status grpc-go writes, and ServeHTTP may close the
// call before writing it.
func (g *callGate) admit(ctx context.Context, method, id string, grace time.Duration) (*call, error) {
	c := &call{start: time.Now(), method: method, id: id}
	if g.callLimit > 0 && method != healthWatch {
		c.deadline = c.start.Add(g.callLimit + grace)
	}
	c.Context, c.cancel = context.WithCancelCause(ctx)

	var evicted *call
	g.mu.Lock()
	if g.maxCalls > 0 && g.inflight >= g.maxCalls {
		evicted = g.pending.head
		if evicted == nil {
			g.mu.Unlock()
			c.cancel(nil)
			g.early(c, reasonRefused)
			return nil, status.Errorf(codes.ResourceExhausted,
				"the server is at its limit of %d calls in flight (its -max-calls flag); retry later", g.maxCalls)
		}
		g.retire(evicted)
	}
	g.inflight++
	g.pending.pushBack(c)
	g.mu.Unlock()
	if evicted != nil {
		g.cut(evicted, errEvicted, reasonEvicted)
	}
	return c, nil
}

// arrived records that c's first request message is in: it leaves the
// pending list for the running one (or none, without a call limit).
func (g *callGate) arrived(c *call) {
	g.mu.Lock()
	if c.list == &g.pending {
		g.pending.remove(c)
		if !c.deadline.IsZero() {
			g.running.insertByDeadline(c)
		}
	}
	g.mu.Unlock()
}

// end records that c's handler has returned.
func (g *callGate) end(c *call) {
	g.mu.Lock()
	if c.list != nil {
		c.list.remove(c)
	}
	if !c.ended {
		c.ended = true
		g.inflight--
	}
	g.mu.Unlock()
}

// retire takes c off its list and out of the count; mu is held.
func (g *callGate) retire(c *call) {
	if c.list != nil {
		c.list.remove(c)
	}
	c.ended = true
	g.inflight--
}

// cut cancels c with cause and, if its handler never started, reports it.
// A started handler returns, and the interceptor logs the call with a
// status naming the cause.
func (g *callGate) cut(c *call, cause error, reason string) {
	c.cancel(cause)
	if !c.started.Load() {
		g.early(c, reason)
	}
}

// run cuts the calls past their limits every tick and reaps the pending
// calls that ended before their handler ran (grpc-go cancels a call's
// context when its stream ends, whatever ended it).
func (g *callGate) run() {
	defer close(g.done)
	t := time.NewTicker(g.tick)
	defer t.Stop()
	type victim struct {
		c      *call
		cause  error
		reason string
	}
	var victims []victim
	for {
		select {
		case <-g.stop:
			return
		case <-t.C:
		}
		now := time.Now()
		victims = victims[:0]
		g.mu.Lock()
		for c := g.pending.head; c != nil; {
			next := c.next
			switch {
			case c.Err() != nil:
				reason := reasonEnded
				if errors.Is(c.Err(), context.DeadlineExceeded) {
					reason = reasonDeadline
				}
				g.retire(c)
				if !c.started.Load() {
					victims = append(victims, victim{c, nil, reason})
				}
			case !c.deadline.IsZero() && !now.Before(c.deadline):
				g.retire(c)
				victims = append(victims, victim{c, errCallTooLong, reasonNoRequest})
			case g.firstMsg > 0 && now.Sub(c.start) >= g.firstMsg:
				g.retire(c)
				victims = append(victims, victim{c, errNoRequest, reasonNoRequest})
			}
			c = next
		}
		for c := g.running.head; c != nil && !now.Before(c.deadline); c = g.running.head {
			g.running.remove(c) // still in flight until its handler returns
			victims = append(victims, victim{c, errCallTooLong, ""})
		}
		g.mu.Unlock()
		for _, v := range victims {
			switch {
			case v.cause == nil:
				g.early(v.c, v.reason)
			case v.reason == "":
				v.c.cancel(v.cause)
			default:
				g.cut(v.c, v.cause, v.reason)
			}
		}
		clear(victims) // let the calls go
	}
}

// inFlight returns the number of calls the gate counts in flight.
func (g *callGate) inFlight() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.inflight
}

// cutStatus is the status of a call the gate cut, naming the limit and its
// flag, or nil if the gate did not cut it.
func (g *callGate) cutStatus(c *call) error {
	if c.Err() == nil {
		return nil
	}
	switch cause := context.Cause(c); cause {
	case errCallTooLong:
		return status.Errorf(codes.DeadlineExceeded,
			"the call ran longer than the server allows (%v; the server's -max-call-duration flag sets it)", g.callLimit)
	case errNoRequest:
		return status.Errorf(codes.DeadlineExceeded,
			"no request message arrived within %v of the call's start (the server's -first-message-timeout flag)", g.firstMsg)
	case errEvicted:
		return status.Errorf(codes.DeadlineExceeded,
			"no request message arrived before the server reached its limit of %d calls in flight (its -max-calls flag) and cut this call, the oldest waiting for one", g.maxCalls)
	}
	return nil
}

// callList is a doubly linked list of calls.
type callList struct {
	head, tail *call
}

func (l *callList) pushBack(c *call) {
	c.list, c.prev, c.next = l, l.tail, nil
	if l.tail != nil {
		l.tail.next = c
	} else {
		l.head = c
	}
	l.tail = c
}

// insertByDeadline keeps the list in the order of deadlines. Calls arrive
// in nearly that order, so the walk from the tail is short: it passes at
// most the HTTP port's calls admitted within their grace before (their
// deadlines are that much later).
func (l *callList) insertByDeadline(c *call) {
	after := l.tail
	for after != nil && c.deadline.Before(after.deadline) {
		after = after.prev
	}
	c.list, c.prev = l, after
	if after == nil {
		c.next = l.head
		l.head = c
	} else {
		c.next = after.next
		after.next = c
	}
	if c.next != nil {
		c.next.prev = c
	} else {
		l.tail = c
	}
}

func (l *callList) remove(c *call) {
	if c.prev != nil {
		c.prev.next = c.next
	} else {
		l.head = c.next
	}
	if c.next != nil {
		c.next.prev = c.prev
	} else {
		l.tail = c.prev
	}
	c.list, c.prev, c.next = nil, nil, nil
}
