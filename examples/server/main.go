// Command server serves every grpcexamples service on one TCP port, with the
// pieces a production gRPC server carries: grpc health with a status per
// service, server reflection (so grpcurl needs no .proto), request logging
// with log/slog, panic recovery, limits on what one caller can make the
// server hold, TLS and mTLS, bearer tokens and per-method authorization,
// OpenTelemetry and Prometheus, and graceful shutdown on SIGINT or SIGTERM.
// The services know nothing of these: each is a grpc-go or
// go-grpc-middleware piece that the server adds around them, as a host
// adds them around its own services, but for the call gate and the log
// (gate.go, interceptor.go), which are the server's own because no
// library bounds what they bound at the cost of a bare server.
//
//	go run ./examples/server                       # 127.0.0.1:50051
//	go run ./examples/server -addr 127.0.0.1:0     # the OS picks a port; see the "listening" log line
//	go run ./examples/server -tutorial-names       # also serve the tutorials' wire names
//	go run ./examples/server -log-level debug      # log every call, not only failed and slow ones
//	go run ./examples/server -debug-addr 127.0.0.1:6060  # also serve net/http/pprof there (goroutines, heap)
//
// # Security
//
// -tls-cert and -tls-key serve TLS (1.2 at least). -tls-client-ca FILE
// also requires every client to present a certificate issued by one of
// that file's CAs (mTLS): the handshake refuses any other client, before
// any call, health included. A handler finds the client certificate in
// peer.FromContext(ctx); the log line of a call names its subject
// (peer.subject).
//
// -auth-tokens FILE requires a bearer token ("authorization: Bearer
// TOKEN" metadata) on every call but those of health and reflection, which
// stay open for load balancers, probes and grpcurl. The file holds one
// "TOKEN IDENTITY" per line (auth/tokens.txt is an example, with fake
// tokens); the server keeps only the tokens' SHA-256 and compares in
// constant time. A missing or unknown token is Unauthenticated. Tokens
// need TLS: plaintext would let anyone on the path read and replay them
// (-auth-allow-plaintext is for a TLS-terminating proxy on the same host).
//
// -authz-policy FILE authorizes each call with grpc-go's authz package: an
// RBAC policy of allow and deny rules over method paths, headers and the
// client certificate (auth/authz-policy.json is an example, explained in
// auth/README.md). A call no rule allows is PermissionDenied. The token's
// identity reaches the policy as the x-auth-identity header, which the
// server sets after checking the token and deletes from every caller's
// request first, so that no caller can claim one; an mTLS client's identity
// is its certificate (a rule's "principals"). The file is reread every
// -authz-refresh (1m), so a policy changes without a restart: each policy
// loaded is logged ("authz policy loaded"); an invalid edit leaves the last
// valid policy in force, and grpc-go logs why at its WARNING level
// (GRPC_GO_LOG_SEVERITY_LEVEL=warning).
//
//	go run ./examples/server -tls-cert server.pem -tls-key server.key -tls-client-ca ca.pem
//	go run ./examples/server -tls-cert server.pem -tls-key server.key \
//	    -auth-tokens examples/server/auth/tokens.txt -authz-policy examples/server/auth/authz-policy.json
//
// # Telemetry
//
// -otel stdout writes OpenTelemetry spans and metrics of every call
// (otelgrpc: a span per call with rpc.method and rpc.response.status_code,
// and the rpc.server.call.duration histogram) to stdout as JSON; -otel
// otlp, or -otel http://HOST:4317, exports them over OTLP/gRPC, configured
// further by the standard OTEL_* variables. A caller's W3C traceparent
// makes the server's span its child. Calls of methods the server does not
// serve are not recorded, so a caller cannot grow a metric series per
// invented name.
//
// -metrics-addr ADDR serves Prometheus metrics at http://ADDR/metrics, on a
// listener of its own (a bare port means 127.0.0.1): go-grpc-middleware's
// grpc_server_started_total, grpc_server_handled_total (by method and
// code), message counts and the grpc_server_handling_seconds histogram,
// and the Go runtime's and the process's metrics.
//
// Every call has a request id: the caller's x-request-id metadata when it
// is 1 to 128 letters, digits or ._:- characters, a new one otherwise
// (a random prefix for the process and a counter: "K7QX2M4ZPA-1f3"). It is in every log line of the call (request.id, with
// trace_id and span_id when the call is traced), on its span, and in the
// response trailer (x-request-id), so that a caller can quote it.
//
// Requests may be gzip-compressed (and are then answered in kind); a
// request is held to -max-recv-bytes once decompressed. That is a cost the
// server accepts, and a host should know it: DEFLATE packs up to about
// 1,000 bytes in one, so about 1 KiB on the wire can make the server
// unpack a whole -max-recv-bytes request before any limit of a service
// looks at it (about a millisecond of one core for a megabyte of zeros;
// BenchmarkPaths/server/gzip-1MiB measures it). The gate, -max-calls and
// -max-concurrent-streams bound how many such requests are unpacked at
// once. A server that cannot afford it drops the encoding/gzip import in
// server.go; gzip clients then get Unimplemented.
//
// # Browsers and HTTP
//
// -http-addr ADDR also serves every service on a second, HTTP listener
// (http.go), through connectrpc.com/vanguard: gRPC-Web, the Connect
// protocol, REST routes and gRPC, and the page at "/". Its calls run
// through the same interceptors and limits as the gRPC port's, with TLS
// when -tls-cert is set: they count against the same -max-calls, and
// -first-message-timeout and -max-call-duration cut them, as on the gRPC
// port. Its connections have a cap of their own, -max-http-connections;
// -connection-timeout bounds a TLS handshake and each request's headers.
// -cors-origins lists the origins whose pages may call it. -authz-policy
// is refused with it (grpc-go's authz needs the gRPC transport's
// connection, which grpc.Server.ServeHTTP does not give a call). On
// shutdown it drains before the gRPC server stops.
//
//	go run ./examples/server -http-addr 127.0.0.1:8080   # open http://127.0.0.1:8080/
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
//	-max-connections                  4096          connections open at once; more wait to be accepted (0 = none)
//	-connection-timeout               10s           a new connection's TLS handshake and HTTP/2 preface, then closed
//	-first-message-timeout            10s           a call's wait for its first request message, then DeadlineExceeded (0 = none)
//	-max-calls                        1000          calls in flight on all connections; past it the oldest call still
//	                                                without its request is cut (DeadlineExceeded), else ResourceExhausted (0 = none)
//	-log-rate                         100           call log lines a second at INFO and above; the rest counted, not written (0 = none)
//	-stream-workers                   GOMAXPROCS    goroutines kept to run calls (0 = one new goroutine per call)
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
// A call that ends before its handler runs (refused or cut by the gate,
// or ended by its client or its deadline while its request was awaited) is
// logged as "call ended before its handler" with its reason (refused,
// evicted, no_request, deadline, ended): WARN for the server's cuts, INFO
// for the client's. -metrics-addr counts them in
// grpcexamples_server_calls_ended_early_total{reason}, and the calls in
// flight in grpcexamples_server_calls_in_flight. Lines at INFO and above
// are limited to -log-rate a second, so a flood of failing calls cannot
// flood the log: the first line written after some were held back says
// how many (log.dropped_before).
//
// # Shutdown
//
// On the first SIGINT or SIGTERM every health status turns NOT_SERVING at
// once, and new connections and calls are still served for -drain so that
// health watchers and load balancers move away. Then the server stops
// listening, so that a new connection is refused (a proxy passes its call
// on), after accepting every connection the kernel had already completed,
// which it serves like any other: closing the listener would reset them,
// and with them a call a client may already have written (listener.go).
// Then health Watch streams end with Unavailable and the server stops
// gracefully (GOAWAY), waiting at most -grace, from the end of the drain,
// for open calls before it cuts them.
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

	"golang.org/x/net/netutil"
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
	defer s.close()
	tcp, err := listen(s.cfg.addr)
	if err != nil {
		s.grpc.Stop() // its health server's goroutines, if any
		return err
	}
	var lis net.Listener = tcp
	if s.cfg.maxConnections > 0 {
		// Past the limit, Accept waits for a connection to close; new
		// connections wait in the kernel's accept queue meanwhile.
		lis = netutil.LimitListener(lis, s.cfg.maxConnections)
	}
	s.log.Info("listening", "addr", lis.Addr().String(), "tls", s.cfg.tlsCert != "", "mtls", s.cfg.tlsClientCA != "",
		"auth_tokens", s.cfg.authTokens != "", "authz_policy", s.cfg.authzPolicy != "", "otel", s.cfg.otel,
		"tutorial_names", s.cfg.tutorialNames,
		"log_level", s.cfg.logLevel, "max_concurrent_streams", s.cfg.maxConcurrentStreams,
		"max_recv_bytes", s.cfg.maxRecvBytes, "max_call_duration", s.cfg.maxCallDuration)
	for _, side := range []struct {
		flag, addr string
		start      func() (func(), error)
	}{
		{"-debug-addr", s.cfg.debugAddr, func() (func(), error) { return serveDebug(s.cfg.debugAddr, s.log) }},
		{"-metrics-addr", s.cfg.metricsAddr, func() (func(), error) {
			s.metrics.metrics.InitializeMetrics(s.grpc) // a zero series for every method, before the first scrape
			return serveHTTP("metrics", s.cfg.metricsAddr, s.metrics.handler(), s.log)
		}},
	} {
		if side.addr == "" {
			continue
		}
		stop, err := side.start()
		if err != nil {
			lis.Close()
			s.grpc.Stop()
			return fmt.Errorf("%s: %w", side.flag, err)
		}
		defer stop()
	}
	web, err := s.startHTTP()
	if err != nil {
		lis.Close()
		s.grpc.Stop()
		return fmt.Errorf("-http-addr: %w", err)
	}
	defer web.close()
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
	// Stop listening before GracefulStop, which would reset the connections
	// the kernel has completed but grpc-go has not started to serve (see
	// listener): take them first, serve them, then refuse new ones.
	graceOver := make(chan struct{})
	defer time.AfterFunc(grace, func() { close(graceOver) }).Stop()
	queued, err := tcp.stopListening()
	if err != nil {
		s.log.Warn("stopping the listener", "err", err)
	}
	s.log.Info("drain over: stopped listening", "queued_connections", queued)
	close(s.drained) // ends health Watch streams, which would hold GracefulStop
	if !tcp.waitTaken(graceOver) {
		s.log.Warn("grace period over before every accepted connection was served")
	}
	stopped := make(chan struct{})
	graceCtx, cutHTTP := context.WithCancel(context.Background())
	defer cutHTTP()
	go func() {
		web.shutdown(graceCtx) // first: GracefulStop would cut the HTTP port's calls
		s.grpc.GracefulStop()
		close(stopped)
	}()
	select {
	case <-stopped:
	case <-graceOver:
		s.log.Warn("grace period over: cutting open calls")
		cutHTTP()
		s.grpc.Stop()
		<-stopped
	}
	if err := <-served; err != nil && !errors.Is(err, grpc.ErrServerStopped) {
		return err
	}
	s.log.Info("stopped")
	return nil
}
