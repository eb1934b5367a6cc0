package main

import (
	"net"
	"sync"
	"time"
)

// listener is the server's TCP listener. It adds one thing to
// net.TCPListener: stopListening, which ends listening without resetting a
// connection a client has already opened.
//
// Why: closing a listening socket makes the kernel reset (RST) every
// connection it has completed but the program has not accepted yet, and
// grpc-go's GracefulStop closes its listeners and then closes, unread, any
// connection it accepted but had not started to serve. A client may
// already have written a call on such a connection: nginx's grpc_pass
// writes the call as soon as connect() succeeds, and never passes a call
// it has sent on to another replica, so the call fails ("recv() failed
// (104: Connection reset by peer) while reading response header from
// upstream"). The window is short, but a proxy opens connections all the
// time under load, and a starved CPU widens it to milliseconds.
//
// The server's shutdown therefore calls stopListening when the drain ends:
// it accepts every connection already completed and hands them to grpc-go
// like any other, and stops listening, so that a new connection is refused
// (a proxy passes that call on). Then waitTaken waits until grpc-go has
// started to serve each connection handed out, and only then may
// GracefulStop send GOAWAY on them all.
type listener struct {
	*net.TCPListener

	mu      sync.Mutex
	busy    int           // Accept calls inside AcceptTCP, and connections handed out but not yet read
	changed chan struct{} // a token each time busy falls
	// stopping is set when stopListening begins; queued, filled by it,
	// are handed out by Accept once stopped is closed.
	stopping bool
	stopped  chan struct{}
	queued   []net.Conn
	closed   chan struct{} // closed by Close

	closeOnce sync.Once
}

// listen listens on addr, a TCP host:port.
func listen(addr string) (*listener, error) {
	lis, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	return &listener{
		TCPListener: lis.(*net.TCPListener),
		changed:     make(chan struct{}, 1),
		stopped:     make(chan struct{}),
		closed:      make(chan struct{}),
	}, nil
}

// Accept returns the next connection. Once stopListening has run, it
// returns the connections stopListening took, then waits for Close.
func (l *listener) Accept() (net.Conn, error) {
	l.mu.Lock()
	stopping := l.stopping
	if !stopping {
		l.busy++ // until the connection is read, or AcceptTCP fails
	}
	l.mu.Unlock()
	if !stopping {
		c, err := l.AcceptTCP()
		if err == nil {
			return l.track(c), nil
		}
		l.release()
		l.mu.Lock()
		stopping = l.stopping
		l.mu.Unlock()
		if !stopping {
			return nil, err
		}
	}
	<-l.stopped
	l.mu.Lock()
	if len(l.queued) > 0 {
		c := l.queued[0]
		l.queued = l.queued[1:]
		l.mu.Unlock()
		return c, nil
	}
	l.mu.Unlock()
	<-l.closed
	return nil, net.ErrClosed
}

// track wraps c, counted in busy, so that its first Read or Close releases
// it: grpc-go reads a connection first thing once it has decided to serve
// it (the client's HTTP/2 preface, or its TLS handshake).
func (l *listener) track(c *net.TCPConn) net.Conn {
	return &acceptedConn{TCPConn: c, taken: sync.OnceFunc(l.release)}
}

func (l *listener) release() {
	l.mu.Lock()
	l.busy--
	l.mu.Unlock()
	select {
	case l.changed <- struct{}{}:
	default:
	}
}

// stopListening accepts every connection the kernel has completed, stops
// listening (a new connection is then refused), and hands the connections
// it took to the next Accept calls. It returns how many it took. Call it
// once, before Close.
func (l *listener) stopListening() (int, error) {
	l.mu.Lock()
	l.stopping = true
	l.mu.Unlock()
	conns, err := acceptQueuedAndStop(l.TCPListener)
	l.mu.Lock()
	for _, c := range conns {
		l.busy++
		l.queued = append(l.queued, l.track(c))
	}
	l.mu.Unlock()
	close(l.stopped)
	// Wakes an Accept still waiting in AcceptTCP, which then hands out
	// the queue.
	_ = l.SetDeadline(time.Now())
	return len(conns), err
}

// waitTaken waits, after stopListening, until grpc-go has read from every
// connection Accept handed out and no Accept is still taking one from the
// kernel, or until timeout fires; it reports whether they were all taken.
func (l *listener) waitTaken(timeout <-chan struct{}) bool {
	for {
		l.mu.Lock()
		busy := l.busy
		l.mu.Unlock()
		if busy == 0 {
			return true
		}
		select {
		case <-l.changed:
		case <-timeout:
			return false
		}
	}
}

// Close stops listening, ends the Accept waiting after stopListening, and
// closes a connection it took that no Accept handed out.
func (l *listener) Close() error {
	l.closeOnce.Do(func() { close(l.closed) })
	l.mu.Lock()
	left := l.queued
	l.queued = nil
	l.mu.Unlock()
	for _, c := range left {
		c.Close()
	}
	return l.TCPListener.Close()
}

// acceptedConn is a connection Accept handed out; taken runs on its first
// Read or Close.
type acceptedConn struct {
	*net.TCPConn
	taken func()
}

func (c *acceptedConn) Read(p []byte) (int, error) {
	c.taken()
	return c.TCPConn.Read(p)
}

func (c *acceptedConn) Close() error {
	c.taken()
	return c.TCPConn.Close()
}
