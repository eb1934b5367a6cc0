// Command server serves every grpcexamples service on one TCP port, with the
// pieces a production gRPC server carries: grpc health with a status per
// service, server reflection (so grpcurl needs no .proto), request logging
// with log/slog, panic recovery, limits on what one caller can make the
// server hold, optional TLS, and graceful shutdown on SIGINT or SIGTERM.
//
//	go run ./examples/server                       # 127.0.0.1:50051
//	go run ./examples/server -addr 127.0.0.1:0     # the OS picks a port; see the "listening" log line
//	go run ./examples/server -tutorial-names       # also serve the tutorials' wire names
//	go run ./examples/server -log-level debug      # log every call, not only failed and slow ones
//	go run ./examples/server -debug-addr 127.0.0.1:6060  # also serve net/http/pprof there (goroutines, heap)
//
// # Limits
//
// Each is a flag; 0 turns off those marked "0 = none".
//
//	flag                              default       what it bounds
//	-max-concurrent-streams           100           calls open at once on one connection; more wait (0 = none)
//	-max-recv-bytes                   1 MiB+16 KiB  one request message; larger: ResourceExhausted
//	-max-send-bytes                   4 MiB         one response message; larger: ResourceExhausted
//	-max-header-bytes                 16 KiB        a call's request metadata; larger: the call fails (Internal)
//	-max-call-duration                5m            a call's life, then DeadlineExceeded; health Watch excepted (0 = none)
//	-keepalive-min-time               5s            client ping interval; faster: GOAWAY "too_many_pings"
//	-keepalive-permit-without-stream  true          client pings on a connection with no open call
//	-max-connection-idle              5m            a connection with no open call, then GOAWAY (0 = none)
//	-max-connection-age               30m           any connection (±10%), then GOAWAY (0 = none)
//	-max-connection-age-grace         5m            calls still open at -max-connection-age, then cut
//	-keepalive-time                   1m            silence before the server pings the client
//	-keepalive-timeout                20s           wait for that ping's ack, then close the connection
//
// The receive limit sits just above the largest request a service accepts
// (a keywords request with keywords.MaxTextBytes of text). Keep
// -max-connection-age-grace at least -max-call-duration, so that no call
// the server allows is cut. config.go gives the reason for each value.
//
// # Logs
//
// Logs are log/slog text on stderr. With the default -log-level info, an
// OK call is not logged unless it took at least -slow (1s): a slow unary
// call at WARN, a long stream at INFO. A call the client cancelled is
// INFO; a call failed because of its request (InvalidArgument,
// ResourceExhausted, DeadlineExceeded, ...) is WARN; a server fault
// (Internal, Unknown, Unavailable, DataLoss) is ERROR. -log-level debug
// logs every call's start and end. A handler's panic becomes Internal for
// the client, with a generic message, and an ERROR line with the panic and
// its stack; the server keeps serving. Text a caller chooses (status
// messages, error strings) is cut to 256 bytes in the log, with a note of
// how many bytes were cut. The lifecycle lines (listening, shutting down,
// stopped) are written at any -log-level.
//
// # Shutdown
//
// On the first SIGINT or SIGTERM every health status turns NOT_SERVING at
// once, new calls are still served for -drain so that health watchers and
// load balancers move away, then health Watch streams end with Unavailable
// and the server stops gracefully, waiting at most -grace for open calls
// before it cuts them.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"google.golang.org/grpc"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stderr, nil); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return // -h: the flag package has printed the usage
		}
		fmt.Fprintln(os.Stderr, "server:", err)
		os.Exit(1)
	}
}

// run serves until ctx is done, then shuts down as the package doc says.
// ready, if not nil, is called with the listening address once the server
// accepts calls (tests use it; people read the "listening" log line).
func run(ctx context.Context, args []string, logOut io.Writer, ready func(net.Addr)) error {
	cfg, err := parseFlags(args, logOut)
	if err != nil {
		return err
	}
	s, err := newServer(cfg, logOut)
	if err != nil {
		return err
	}
	return s.serve(ctx, ready)
}

// serve listens on -addr and serves until ctx is done, then drains and
// stops. It returns nil after a clean shutdown.
func (s *server) serve(ctx context.Context, ready func(net.Addr)) error {
	lis, err := net.Listen("tcp", s.cfg.addr)
	if err != nil {
		s.grpc.Stop() // its health server's goroutines, if any
		return err
	}
	s.log.Info("listening", "addr", lis.Addr().String(), "tls", s.cfg.tlsCert != "", "tutorial_names", s.cfg.tutorialNames,
		"log_level", s.cfg.logLevel, "max_concurrent_streams", s.cfg.maxConcurrentStreams,
		"max_recv_bytes", s.cfg.maxRecvBytes, "max_call_duration", s.cfg.maxCallDuration)
	if s.cfg.debugAddr != "" {
		stopDebug, err := serveDebug(s.cfg.debugAddr, s.log)
		if err != nil {
			lis.Close()
			s.grpc.Stop()
			return fmt.Errorf("-debug-addr: %w", err)
		}
		defer stopDebug()
	}
	served := make(chan error, 1)
	go func() { served <- s.grpc.Serve(lis) }()
	if ready != nil {
		ready(lis.Addr())
	}

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}

	drain, grace := s.cfg.drain, s.cfg.grace
	s.log.Info("shutting down: health NOT_SERVING", "drain", drain, "grace", grace)
	s.health.Shutdown()
	select {
	case <-time.After(drain):
	case err := <-served:
		return err
	}
	close(s.drained) // ends health Watch streams, which would hold GracefulStop
	stopped := make(chan struct{})
	go func() {
		s.grpc.GracefulStop()
		close(stopped)
	}()
	select {
	case <-stopped:
	case <-time.After(grace):
		s.log.Warn("grace period over: cutting open calls")
		s.grpc.Stop()
		<-stopped
	}
	if err := <-served; err != nil && !errors.Is(err, grpc.ErrServerStopped) {
		return err
	}
	s.log.Info("stopped")
	return nil
}
