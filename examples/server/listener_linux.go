package main

import (
	"errors"
	"net"
	"os"
	"syscall"
)

// acceptQueuedAndStop accepts every connection the kernel has completed on
// lis, then stops lis listening with shutdown(2), which on Linux takes a
// listening socket out of service at once (new connections are refused)
// while its descriptor stays open. shutdown(2), like close(2), resets a
// connection still in the accept queue, so both happen in one pass over
// the socket: a connection is lost only if its handshake completes between
// the last accept4, which found the queue empty, and shutdown, two system
// calls apart (microseconds, unless the kernel preempts this thread right
// there), where closing the listener lost every connection the server had
// not yet accepted.
func acceptQueuedAndStop(lis *net.TCPListener) ([]*net.TCPConn, error) {
	rc, err := lis.SyscallConn()
	if err != nil {
		return nil, err
	}
	var fds []int
	var errs []error
	ctlErr := rc.Control(func(fd uintptr) {
		for {
			// The listening socket is non-blocking: EAGAIN means the queue is empty.
			nfd, _, err := syscall.Accept4(int(fd), syscall.SOCK_NONBLOCK|syscall.SOCK_CLOEXEC)
			if err == syscall.EINTR || err == syscall.ECONNABORTED {
				continue
			}
			if err != nil {
				if err != syscall.EAGAIN {
					errs = append(errs, os.NewSyscallError("accept4", err))
				}
				break
			}
			fds = append(fds, nfd)
		}
		if err := syscall.Shutdown(int(fd), syscall.SHUT_RD); err != nil {
			errs = append(errs, os.NewSyscallError("shutdown", err))
		}
	})
	var conns []*net.TCPConn
	for _, fd := range fds {
		f := os.NewFile(uintptr(fd), "accepted")
		c, err := net.FileConn(f) // a duplicate of fd, in Go's poller
		f.Close()
		if err != nil {
			errs = append(errs, err)
			continue
		}
		conns = append(conns, c.(*net.TCPConn))
	}
	return conns, errors.Join(append(errs, ctlErr)...)
}
