package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// queuedConns dials n connections to addr and writes a request on each
// ("call 0", "call 1", ...), as a proxy does the moment connect() returns,
// then waits until the kernel holds all n in the accept queue of lis, the
// listening socket, unaccepted.
func queuedConns(t *testing.T, lis *net.TCPListener, n int) []net.Conn {
	t.Helper()
	var conns []net.Conn
	for i := range n {
		c, err := net.Dial("tcp", lis.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		if _, err := fmt.Fprintf(c, "call %d", i); err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	rc, err := lis.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); ; {
		// For a listening socket, TCP_INFO's unacked is the length of its
		// accept queue.
		var queued uint32
		if err := rc.Control(func(fd uintptr) {
			info, err := unix.GetsockoptTCPInfo(int(fd), unix.IPPROTO_TCP, unix.TCP_INFO)
			if err == nil {
				queued = info.Unacked
			}
		}); err != nil {
			t.Fatal(err)
		}
		if queued == uint32(n) {
			return conns
		}
		if time.Now().After(deadline) {
			t.Fatalf("the kernel queued %d of %d connections", queued, n)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestCloseResetsQueuedConnections is the failure the listener exists to
// prevent: closing a listening socket resets the connections the kernel
// completed but nobody accepted, and a request already written on one is
// lost.
func TestCloseResetsQueuedConnections(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	conns := queuedConns(t, lis.(*net.TCPListener), 2)
	lis.Close()
	for i, c := range conns {
		if _, err := c.Read(make([]byte, 1)); !errors.Is(err, syscall.ECONNRESET) {
			t.Errorf("connection %d after Close: read error %v, want ECONNRESET", i, err)
		}
	}
}

// TestStopListeningServesQueuedConnections: stopListening hands out, through
// Accept, every connection the kernel had completed, with the request
// written on it, so that each gets its answer; a new connection is refused
// at once; Accept then waits for Close.
func TestStopListeningServesQueuedConnections(t *testing.T) {
	l, err := listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	const n = 3
	conns := queuedConns(t, l.TCPListener, n)

	took, err := l.stopListening()
	if err != nil || took != n {
		t.Fatalf("stopListening took %d connections, %v; want %d", took, err, n)
	}
	if c, err := net.Dial("tcp", l.Addr().String()); !errors.Is(err, syscall.ECONNREFUSED) {
		if c != nil {
			c.Close()
		}
		t.Errorf("dialing after stopListening: %v, want ECONNREFUSED", err)
	}
	if l.waitTaken(after(10 * time.Millisecond)) {
		t.Error("waitTaken before any connection was read: true, want false")
	}
	for range n {
		c, err := l.Accept()
		if err != nil {
			t.Fatalf("Accept after stopListening: %v", err)
		}
		req := make([]byte, len("call 0"))
		if _, err := io.ReadFull(c, req); err != nil {
			t.Fatalf("reading a queued connection: %v", err)
		}
		if _, err := fmt.Fprintf(c, "answer to %s", req); err != nil {
			t.Fatal(err)
		}
		c.Close()
	}
	for i, c := range conns {
		got, err := io.ReadAll(c)
		if want := fmt.Sprintf("answer to call %d", i); err != nil || string(got) != want {
			t.Errorf("connection %d: %q, %v; want %q", i, got, err, want)
		}
	}
	if !l.waitTaken(after(10 * time.Second)) {
		t.Error("waitTaken after every connection was read: false, want true")
	}

	accepted := make(chan error, 1)
	go func() {
		_, err := l.Accept()
		accepted <- err
	}()
	select {
	case err := <-accepted:
		t.Fatalf("Accept with the queue empty returned %v before Close; want it to wait", err)
	case <-time.After(50 * time.Millisecond):
	}
	l.Close()
	if err := <-accepted; !errors.Is(err, net.ErrClosed) {
		t.Errorf("Accept after Close: %v, want net.ErrClosed", err)
	}
}

// after returns a channel closed after d.
func after(d time.Duration) <-chan struct{} {
	c := make(chan struct{})
	time.AfterFunc(d, func() { close(c) })
	return c
}
