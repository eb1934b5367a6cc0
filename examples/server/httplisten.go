package main

import (
	"net"
	"sync"
)

// httpLimitListener holds at most n connections of the HTTP port open at
// once (-max-http-connections): past it, Accept waits for one to close,
// and new connections wait in the kernel's accept queue meanwhile, as
// netutil.LimitListener does on the gRPC port. It is not netutil's
// because that one's connections hide *net.TCPConn's CloseWrite, which
// net/http uses to close a connection after an error response (431 for
// headers over -max-header-bytes, 400 for a malformed request): without
// it the kernel resets the connection, and the client reads the reset
// instead of the response.
type httpLimitListener struct {
	net.Listener
	sem  chan struct{}
	once sync.Once
	done chan struct{} // closed by Close
}

func newHTTPLimitListener(l net.Listener, n int) *httpLimitListener {
	return &httpLimitListener{Listener: l, sem: make(chan struct{}, n), done: make(chan struct{})}
}

func (l *httpLimitListener) Accept() (net.Conn, error) {
	select {
	case l.sem <- struct{}{}:
	case <-l.done:
		return nil, net.ErrClosed
	}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.sem
		return nil, err
	}
	release := sync.OnceFunc(func() { <-l.sem })
	if tc, ok := c.(*net.TCPConn); ok {
		return &limitedTCPConn{TCPConn: tc, release: release}, nil
	}
	return &limitedConn{Conn: c, release: release}, nil
}

func (l *httpLimitListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return l.Listener.Close()
}

// limitedTCPConn and limitedConn give their place back once closed.
type limitedTCPConn struct {
	*net.TCPConn
	release func()
}

func (c *limitedTCPConn) Close() error {
	defer c.release()
	return c.TCPConn.Close()
}

type limitedConn struct {
	net.Conn
	release func()
}

func (c *limitedConn) Close() error {
	defer c.release()
	return c.Conn.Close()
}
