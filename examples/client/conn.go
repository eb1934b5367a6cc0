package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc"
	"go.opentelemetry.io/otel/propagation"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/encoding/gzip"
	"google.golang.org/grpc/keepalive"

	"github.com/seed717b8fd8/grpcexamples/internal/replicas"
	"github.com/seed717b8fd8/grpcexamples/internal/telemetry"
)

// connConfig is how the client connects and calls: the global flags that
// come before the command.
type connConfig struct {
	addr     string
	timeout  time.Duration
	tutorial bool
	md       mdFlag

	tls           bool
	tlsCA         string
	tlsCert       string
	tlsKey        string
	tlsServerName string
	tokenFile     string

	serviceConfig string
	retry         int
	gzip          bool
	waitForReady  bool

	keepaliveTime    time.Duration
	keepaliveTimeout time.Duration

	otel string
}

// minClientKeepalive is the shortest -keepalive-time: grpc-go raises a
// shorter client ping interval to 10s anyway, and a server's
// -keepalive-min-time (5s by default) must be at most the client's
// interval, or it closes the connection with GOAWAY "too_many_pings".
const minClientKeepalive = 10 * time.Second

// maxRetryAttempts is the most attempts -retry allows: gRFC A6 caps a
// retry policy's maxAttempts at 5 (grpc-go lowers larger values to 5).
const maxRetryAttempts = 5

// retryServiceConfig is the service config -retry N builds: every method
// is retried on UNAVAILABLE (the code of a server that is restarting, or a
// connection that broke) up to N attempts in all, with exponential backoff
// from 100ms to 1s and jitter; retryThrottling stops retrying when more
// than half of recent calls failed, so that retries cannot pile onto a
// server that is already down. Only UNAVAILABLE is safe to retry for any
// method: other codes mean the server decided, and retrying a call that
// changed something may do it twice.
const retryServiceConfig = `{
  "methodConfig": [{
    "name": [{}],
    "retryPolicy": {
      "maxAttempts": %d,
      "initialBackoff": "0.1s",
      "maxBackoff": "1s",
      "backoffMultiplier": 2,
      "retryableStatusCodes": ["UNAVAILABLE"]
    }
  }],
  "retryThrottling": {"maxTokens": 10, "tokenRatio": 0.1}
}`

func (c *connConfig) flags(fs *flag.FlagSet) {
	fs.StringVar(&c.addr, "addr", "127.0.0.1:50051", "server address host:port, or several replicas host:port,host:port,... balanced with round_robin and client-side health checking")
	fs.DurationVar(&c.timeout, "timeout", 10*time.Second, "deadline of the call")
	fs.BoolVar(&c.tutorial, "tutorial-names", false, "call the tutorials' wire names (calculator.Calculator, greeter.Greeter, KeywordService)")
	fs.Var(&c.md, "md", "request metadata key=value (repeatable)")

	fs.BoolVar(&c.tls, "tls", false, "connect with TLS, trusting the system's CAs (implied by the other -tls flags)")
	fs.StringVar(&c.tlsCA, "tls-ca", "", "PEM file of the CA certificates to trust instead of the system's")
	fs.StringVar(&c.tlsCert, "tls-cert", "", "PEM client certificate for mTLS, with -tls-key")
	fs.StringVar(&c.tlsKey, "tls-key", "", "PEM private key of -tls-cert")
	fs.StringVar(&c.tlsServerName, "tls-server-name", "", "name the server's certificate must hold (default: the host of -addr)")
	fs.StringVar(&c.tokenFile, "token-file", "", "file whose first line is a bearer token to send with every call (as \"authorization: Bearer TOKEN\"); needs TLS")

	fs.StringVar(&c.serviceConfig, "service-config", "", "gRPC service config file (JSON): retry or hedging policy, timeouts, load balancing")
	fs.IntVar(&c.retry, "retry", 0, fmt.Sprintf("retry calls that fail with UNAVAILABLE, up to this many attempts in all (2 to %d), with backoff; 0 = no retry", maxRetryAttempts))
	fs.BoolVar(&c.gzip, "gzip", false, "compress requests with gzip (the server answers in kind)")
	fs.BoolVar(&c.waitForReady, "wait-for-ready", false, "wait, until the deadline, for the server to be reachable instead of failing at once with UNAVAILABLE")

	fs.DurationVar(&c.keepaliveTime, "keepalive-time", 0, "ping the server after this long without activity on an open call, at least 10s; 0 = off")
	fs.DurationVar(&c.keepaliveTimeout, "keepalive-timeout", 20*time.Second, "close the connection (the call fails with UNAVAILABLE) when a ping is not answered within this long")

	fs.StringVar(&c.otel, "otel", "", telemetry.FlagUsage+"; the client writes \"stdout\" telemetry to stderr, which keeps stdout for results")
}

// check validates the flags that need no file.
func (c *connConfig) check() error {
	if (c.tlsCert == "") != (c.tlsKey == "") {
		return errors.New("-tls-cert and -tls-key go together")
	}
	if c.tlsCA != "" || c.tlsCert != "" || c.tlsServerName != "" {
		c.tls = true
	}
	if c.tokenFile != "" && !c.tls {
		// grpc-go would refuse too, naming its own API; name the flag.
		return errors.New("-token-file needs TLS, so that the token cannot be read on the way: add -tls (or -tls-ca FILE when a private CA issued the server's certificate)")
	}
	if c.serviceConfig != "" && c.retry != 0 {
		return errors.New("-service-config and -retry: give one; put a retry policy in the service config file")
	}
	if c.retry != 0 && (c.retry < 2 || c.retry > maxRetryAttempts) {
		return fmt.Errorf("-retry %d: want 2 to %d attempts in all (gRPC's cap), or 0 for none", c.retry, maxRetryAttempts)
	}
	if c.keepaliveTime != 0 && c.keepaliveTime < minClientKeepalive {
		return fmt.Errorf("-keepalive-time %v: want 0 (off) or at least %v, the shortest interval grpc-go clients ping at", c.keepaliveTime, minClientKeepalive)
	}
	if c.keepaliveTimeout <= 0 {
		return fmt.Errorf("-keepalive-timeout %v: want a duration above 0", c.keepaliveTimeout)
	}
	return telemetry.Check(c.otel)
}

// dialOptions turns the configuration into grpc-go dial options, reading
// the files the flags name; errors name the flag. stderr receives
// -otel stdout telemetry. closeFn flushes the telemetry.
func (c *connConfig) dialOptions(stderr io.Writer) (opts []grpc.DialOption, closeFn func(), err error) {
	closeFn = func() {}
	transport := insecure.NewCredentials()
	if c.tls {
		tc := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: c.tlsServerName}
		if c.tlsCA != "" {
			pemBytes, err := os.ReadFile(c.tlsCA)
			if err != nil {
				return nil, closeFn, fmt.Errorf("-tls-ca: %w", err)
			}
			tc.RootCAs = x509.NewCertPool()
			if !tc.RootCAs.AppendCertsFromPEM(pemBytes) {
				return nil, closeFn, fmt.Errorf("-tls-ca %s: no PEM certificate in the file", c.tlsCA)
			}
		}
		if c.tlsCert != "" {
			pair, err := tls.LoadX509KeyPair(c.tlsCert, c.tlsKey)
			if err != nil {
				return nil, closeFn, fmt.Errorf("-tls-cert %s / -tls-key %s: %w", c.tlsCert, c.tlsKey, err)
			}
			tc.Certificates = []tls.Certificate{pair}
		}
		transport = credentials.NewTLS(tc)
	}
	opts = append(opts, grpc.WithTransportCredentials(transport))

	if c.tokenFile != "" {
		b, err := os.ReadFile(c.tokenFile)
		if err != nil {
			return nil, closeFn, fmt.Errorf("-token-file: %w", err)
		}
		token, _, _ := strings.Cut(string(b), "\n")
		token = strings.TrimSpace(token)
		if token == "" {
			return nil, closeFn, fmt.Errorf("-token-file %s: the first line is empty", c.tokenFile)
		}
		opts = append(opts, grpc.WithPerRPCCredentials(bearerToken(token)))
	}

	switch {
	case c.serviceConfig != "":
		b, err := os.ReadFile(c.serviceConfig)
		if err != nil {
			return nil, closeFn, fmt.Errorf("-service-config: %w", err)
		}
		opts = append(opts, grpc.WithDefaultServiceConfig(string(b)))
	case c.retry != 0:
		opts = append(opts, grpc.WithDefaultServiceConfig(fmt.Sprintf(retryServiceConfig, c.retry)))
	}

	var callOpts []grpc.CallOption
	if c.gzip {
		callOpts = append(callOpts, grpc.UseCompressor(gzip.Name))
	}
	if c.waitForReady {
		callOpts = append(callOpts, grpc.WaitForReady(true))
	}
	if len(callOpts) > 0 {
		opts = append(opts, grpc.WithDefaultCallOptions(callOpts...))
	}
	if c.keepaliveTime > 0 {
		// Pings only while a call is open: a command-line client has one
		// call, and pinging an idle connection gains nothing.
		opts = append(opts, grpc.WithKeepaliveParams(keepalive.ClientParameters{Time: c.keepaliveTime, Timeout: c.keepaliveTimeout}))
	}
	if c.otel != "" {
		tel, err := telemetry.New(context.Background(), c.otel, "grpcexamples-client", stderr)
		if err != nil {
			return nil, closeFn, err
		}
		closeFn = func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := tel.Shutdown(ctx); err != nil {
				fmt.Fprintln(stderr, "client: flushing telemetry:", err)
			}
		}
		opts = append(opts, grpc.WithStatsHandler(otelgrpc.NewClientHandler(
			otelgrpc.WithTracerProvider(tel.Tracer),
			otelgrpc.WithMeterProvider(tel.Meter),
			otelgrpc.WithPropagators(propagation.TraceContext{}),
		)))
	}
	return opts, closeFn, nil
}

// bearerToken is grpc-go's per-RPC credentials for a bearer token: every
// call carries "authorization: Bearer TOKEN". It requires transport
// security, so grpc.NewClient refuses it on a plaintext connection ("the
// credentials require transport level security"), and it checks again on
// every call that the connection is encrypted, as grpc-go's own
// credentials/oauth does: a token sent in plaintext can be read and
// replayed by anyone on the path.
type bearerToken string

func (t bearerToken) GetRequestMetadata(ctx context.Context, _ ...string) (map[string]string, error) {
	ri, _ := credentials.RequestInfoFromContext(ctx)
	if err := credentials.CheckSecurityLevel(ri.AuthInfo, credentials.PrivacyAndIntegrity); err != nil {
		return nil, fmt.Errorf("refusing to send the bearer token: %w", err)
	}
	return map[string]string{"authorization": "Bearer " + string(t)}, nil
}

func (bearerToken) RequireTransportSecurity() bool { return true }

// connect makes the client connection: to one address as given, or, for a
// comma-separated list of replicas, one connection that spreads calls
// over them with grpc-go's round_robin balancer and client-side health
// checking (internal/replicas), so a replica that drains (health
// NOT_SERVING) gets no new calls. A single address gets no health check:
// its one server draining would fail every call at once.
func (c *connConfig) connect(opts []grpc.DialOption) (*grpc.ClientConn, error) {
	if !strings.Contains(c.addr, ",") {
		return grpc.NewClient(c.addr, opts...)
	}
	addrs, err := replicas.SplitAddrs(c.addr)
	if err != nil {
		return nil, fmt.Errorf("-addr: %w", err)
	}
	return replicas.NewClient(addrs, "", opts...)
}
