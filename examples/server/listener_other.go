//go:build !linux

package main

import "net"

// acceptQueuedAndStop closes lis: outside Linux, shutdown(2) does not take
// a listening socket out of service, so a connection the kernel completed
// but the server had not accepted yet is reset, as with a plain Close.
func acceptQueuedAndStop(lis *net.TCPListener) ([]*net.TCPConn, error) {
	return nil, lis.Close()
}
