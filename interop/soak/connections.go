package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/seed717b8fd8/grpcexamples/calculator"
	calculatorv1 "github.com/seed717b8fd8/grpcexamples/pb/calculator/v1"
)

// floodResult is what the connection flood measured.
type floodResult struct {
	idle             int // idle connections opened
	streams          int // header-only streams sent
	goodOK, goodBad  int // the well-behaved client's calls
	rssBefore        int // the server's RSS (MiB) before the flood
	peakRSS, goodGor int // the server's RSS (MiB) and goroutines at the flood's height
	firstBad         error
}

// connectionFlood is phase 5: idle connections that never send the HTTP/2
// preface, and connections that open streams with headers only, never a
// request message, while a well-behaved client makes calls, each on a new
// connection. Every call of that client must succeed.
func connectionFlood(ctx context.Context, c config) (floodResult, error) {
	r := floodResult{rssBefore: int(rssMiB(c.pid, "VmRSS"))}
	var mu sync.Mutex
	var held []net.Conn
	hold := func(conn net.Conn) {
		mu.Lock()
		held = append(held, conn)
		mu.Unlock()
	}
	defer func() {
		for _, conn := range held {
			conn.Close()
		}
	}()

	// Idle connections: a TCP connection and nothing more.
	for range c.idleConns {
		conn, err := net.DialTimeout("tcp", c.addr, 5*time.Second)
		if err != nil {
			return r, fmt.Errorf("idle connection %d: %w", r.idle, err)
		}
		hold(conn)
		r.idle++
	}

	// Header-only streams: the preface, SETTINGS, then HEADERS of unary
	// Add calls without their DATA, as many as the server allows at once
	// on a connection.
	var sent atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, c.floodConns)
	for range c.floodConns {
		wg.Go(func() {
			conn, err := net.DialTimeout("tcp", c.addr, 5*time.Second)
			if err != nil {
				errs <- err
				return
			}
			hold(conn)
			go io.Copy(io.Discard, conn) // the server's SETTINGS, acks and statuses
			if _, err := conn.Write([]byte(http2.ClientPreface)); err != nil {
				errs <- err
				return
			}
			fr := http2.NewFramer(conn, nil)
			if err := fr.WriteSettings(); err != nil {
				errs <- err
				return
			}
			var hb bytes.Buffer
			enc := hpack.NewEncoder(&hb)
			for i := range c.floodStreams {
				hb.Reset()
				for _, f := range [][2]string{
					{":method", "POST"}, {":scheme", "http"}, {":authority", c.addr},
					{":path", "/" + calculatorv1.Calculator_ServiceDesc.ServiceName + "/Add"},
					{"content-type", "application/grpc"}, {"te", "trailers"},
				} {
					enc.WriteField(hpack.HeaderField{Name: f[0], Value: f[1]})
				}
				if err := fr.WriteHeaders(http2.HeadersFrameParam{StreamID: uint32(2*i + 1), BlockFragment: hb.Bytes(), EndHeaders: true}); err != nil {
					errs <- err
					return
				}
				sent.Add(1)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		return r, fmt.Errorf("header-only streams: %w", err)
	}
	r.streams = int(sent.Load())

	// The well-behaved client: new connections, a few calls on each.
	for i := range c.goodConns {
		cc, err := grpc.NewClient(c.addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			return r, err
		}
		calc := calculator.NewClient(cc)
		for range 10 {
			cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			sum, err := calc.Add(cctx, int32(i), 1)
			cancel()
			if err == nil && sum == int32(i)+1 {
				r.goodOK++
			} else {
				r.goodBad++
				if r.firstBad == nil {
					r.firstBad = fmt.Errorf("Add(%d, 1) = %d, %v", i, sum, err)
				}
			}
		}
		if i == c.goodConns/2 {
			r.peakRSS = int(rssMiB(c.pid, "VmRSS"))
			r.goodGor, _ = goroutines(c.debug)
		}
		cc.Close()
	}
	r.peakRSS = max(r.peakRSS, int(rssMiB(c.pid, "VmRSS")))
	return r, nil
}
