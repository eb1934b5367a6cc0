package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"runtime"
	"time"

	"github.com/seed717b8fd8/grpcexamples/internal/telemetry"
	"github.com/seed717b8fd8/grpcexamples/keywords"
)

// The production defaults. grpc-go's own defaults suit a trusted network:
// no stream limit, 4 MiB requests, 16 MiB of metadata, no limit on how long
// a call or a connection lives, and a dead peer noticed after two hours.
// These bound what one remote caller can make the server hold.
const (
	// defaultMaxConcurrentStreams is the most calls open at once on one
	// connection; a client past it waits for a slot (HTTP/2 flow control,
	// no error). 100 is the floor RFC 9113 recommends a server allow, and
	// it leaves room for load generators such as ghz (50 workers on one
	// connection in interop/ghz).
	defaultMaxConcurrentStreams = 100

	// defaultMaxRecvBytes is the largest request message, in bytes, just
	// above the largest request a service accepts: a keywords request with
	// keywords.MaxTextBytes (1 MiB) of text. The text field costs 4 bytes
	// more (its tag and a 3-byte length); the other fields (max_results,
	// language and id) get 16 KiB, far more than a language code and a
	// document id need. A larger request fails with ResourceExhausted
	// before the server reads it into memory. The streaming service's
	// request payloads share the same ceiling.
	defaultMaxRecvBytes = keywords.MaxTextBytes + 16<<10

	// defaultMaxSendBytes is the largest response message, in bytes:
	// grpc-go's default receive limit, so the server never spends work on
	// a message a client with default settings would refuse. No valid
	// response comes near it; the largest, a server-streaming response
	// echoing a maximal message with a streaming.MaxPayloadSize payload, is
	// about 2 MiB.
	defaultMaxSendBytes = 4 << 20

	// defaultMaxHeaderBytes is the most bytes of request metadata (the
	// HTTP/2 header list) a call may carry, instead of grpc-go's 16 MiB.
	// 16 KiB is gRPC core's hard limit, and holds a few bearer tokens and
	// trace headers.
	defaultMaxHeaderBytes = 16 << 10

	// defaultMaxCallDuration is the longest a call may run. A unary call
	// of ours takes at most about 100 ms (keywords on 1 MiB of text), but a
	// streaming call lasts as long as its caller asks: up to
	// streaming.MaxMessageCount responses streaming.MaxInterval apart is
	// more than a day, and a client stream may stay open forever. 5 minutes
	// ends such calls without cutting any real one; raise it for long
	// keywords streams.
	defaultMaxCallDuration = 5 * time.Minute

	// defaultSlow is the duration past which an OK call is logged.
	defaultSlow = time.Second

	// defaultMaxConnections is the most connections the server holds open
	// at once; past it, new ones wait in the kernel's accept queue until
	// one closes. It keeps the server below its open-file limit (a
	// connection is a file descriptor), which would otherwise fail every
	// new connection and the server's own files alike. A connection that
	// sends nothing holds about 10 KiB, an idle HTTP/2 connection about
	// 20 KiB; 4096 of them, under 100 MB.
	defaultMaxConnections = 4096

	// defaultConnectionTimeout is how long a new connection may take to
	// complete its TLS handshake and send the HTTP/2 preface and settings,
	// instead of grpc-go's 120 s: a client does it in one round trip, and a
	// connection that sends nothing holds a file descriptor and a goroutine
	// until then.
	defaultConnectionTimeout = 10 * time.Second

	// defaultFirstMessageTimeout is how long a call may wait for its first
	// request message after its headers. A client sends them together; a
	// call whose request never comes holds a goroutine (and, for a unary
	// call, waits where no interceptor sees it) until it is cut.
	defaultFirstMessageTimeout = 10 * time.Second

	// defaultMaxCalls is the most calls in flight across all connections:
	// ten connections' worth of -max-concurrent-streams. Each call holds a
	// goroutine and its request (up to -max-recv-bytes); the limit bounds
	// what many connections together make the server hold, where
	// -max-concurrent-streams bounds one. Past it, a new call takes the
	// place of the oldest call still waiting for its request, if any, else
	// it is refused with ResourceExhausted.
	defaultMaxCalls = 10 * defaultMaxConcurrentStreams

	// defaultLogRate is the most call log lines a second at INFO and above
	// (failed, slow and cut calls); lines past it are dropped and counted
	// (log.dropped_before on the next line written), so that a client
	// sending failing calls in a loop cannot fill the disk.
	defaultLogRate = 100

	// defaultKeepaliveMinTime is the shortest interval at which a client
	// may ping; a client pinging more often gets GOAWAY "too_many_pings"
	// after three such pings. grpc-go's 5 minutes disconnects clients
	// configured with a short keepalive (a common production outage);
	// grpc-go clients cannot ping more often than every 10s, and half of
	// that leaves room for network jitter.
	defaultKeepaliveMinTime = 5 * time.Second

	// defaultMaxConnectionIdle closes (with GOAWAY) a connection with no
	// open call for this long, so idle clients do not hold memory.
	defaultMaxConnectionIdle = 5 * time.Minute

	// defaultMaxConnectionAge closes every connection (with GOAWAY; grpc-go
	// adds ±10% jitter) after this long, so clients reconnect and spread
	// over replicas added since, e.g. behind a load balancer.
	defaultMaxConnectionAge = 30 * time.Minute

	// defaultMaxConnectionAgeGrace is how long calls open at
	// -max-connection-age may finish before the connection is cut. It
	// equals defaultMaxCallDuration, so no call the server allows is cut.
	defaultMaxConnectionAgeGrace = defaultMaxCallDuration

	// defaultKeepaliveTime is how long a connection may be silent before
	// the server pings it; with defaultKeepaliveTimeout, a vanished client
	// (no FIN, e.g. a dropped NAT entry) is noticed within about 80s
	// instead of grpc-go's two hours.
	defaultKeepaliveTime = time.Minute

	// defaultKeepaliveTimeout is how long the server waits for a ping's
	// acknowledgement before it closes the connection (grpc-go's default).
	defaultKeepaliveTimeout = 20 * time.Second

	// defaultAuthzRefresh is how often grpc-go's authz file watcher rereads
	// -authz-policy. A minute makes an edited policy take effect soon
	// without rereading the file on every call; an invalid edit leaves the
	// last valid policy in force.
	defaultAuthzRefresh = time.Minute
)

// config is the server's command line.
type config struct {
	addr          string
	tutorialNames bool
	drain, grace  time.Duration
	tlsCert       string
	tlsKey        string
	tlsClientCA   string
	debugAddr     string

	authTokens         string
	authAllowPlaintext bool
	authzPolicy        string
	authzRefresh       time.Duration

	otel        string
	metricsAddr string

	httpAddr    string // see http.go
	corsOrigins string // comma-separated; see corsOrigins in http.go

	logLevel        slog.Level
	slow            time.Duration
	logRate         int
	maxCallDuration time.Duration

	maxConnections      int
	maxHTTPConnections  int // see http.go
	connectionTimeout   time.Duration
	firstMessageTimeout time.Duration
	maxCalls            int
	streamWorkers       int

	maxConcurrentStreams uint
	maxRecvBytes         int
	maxSendBytes         int
	maxHeaderBytes       uint

	keepaliveMinTime             time.Duration
	keepalivePermitWithoutStream bool
	maxConnectionIdle            time.Duration
	maxConnectionAge             time.Duration
	maxConnectionAgeGrace        time.Duration
	keepaliveTime                time.Duration
	keepaliveTimeout             time.Duration
}

// parseFlags reads the command line into a config. Errors name the flag;
// -h returns flag.ErrHelp after printing the usage to out.
func parseFlags(args []string, out io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&c.addr, "addr", "127.0.0.1:50051", "TCP address to listen on; port 0 lets the OS pick")
	fs.BoolVar(&c.tutorialNames, "tutorial-names", false, "also serve the tutorials' wire names (calculator.Calculator, helloworld.Greeter, KeywordService, ...)")
	fs.DurationVar(&c.drain, "drain", 2*time.Second, "on shutdown, how long to keep serving with health NOT_SERVING before stopping")
	fs.DurationVar(&c.grace, "grace", 10*time.Second, "on shutdown, how long to wait for open calls before cutting them")
	fs.StringVar(&c.tlsCert, "tls-cert", "", "PEM certificate file; with -tls-key, serve TLS instead of plaintext")
	fs.StringVar(&c.tlsKey, "tls-key", "", "PEM private key file for -tls-cert")
	fs.StringVar(&c.tlsClientCA, "tls-client-ca", "", "PEM file of the CA certificates that issue client certificates; with it, every client must present one they issued (mTLS); needs -tls-cert")
	fs.StringVar(&c.authTokens, "auth-tokens", "", "file of bearer tokens, one \"TOKEN IDENTITY\" per line; every call but health and reflection then needs \"authorization: Bearer TOKEN\" (Unauthenticated otherwise); needs -tls-cert")
	fs.BoolVar(&c.authAllowPlaintext, "auth-allow-plaintext", false, "allow -auth-tokens without -tls-cert, only behind a proxy on the same host that terminates TLS")
	fs.StringVar(&c.authzPolicy, "authz-policy", "", "grpc-go authz policy file (JSON): which identities may call which methods; others get PermissionDenied (health and reflection stay open)")
	fs.DurationVar(&c.authzRefresh, "authz-refresh", defaultAuthzRefresh, "how often to reread -authz-policy; a change takes effect without a restart")
	fs.StringVar(&c.otel, "otel", "", telemetry.FlagUsage+"; spans and metrics go to stdout, logs to stderr")
	fs.StringVar(&c.metricsAddr, "metrics-addr", "", "if set, serve Prometheus metrics at /metrics over HTTP on this address; a bare port or \":PORT\" means 127.0.0.1:PORT")
	fs.StringVar(&c.httpAddr, "http-addr", "", "if set, also serve every service to browsers and HTTP clients (gRPC-Web, Connect, REST, the page at /) on this address, with the same interceptors and limits; a bare port or \":PORT\" means 127.0.0.1:PORT")
	fs.StringVar(&c.corsOrigins, "cors-origins", "", "comma-separated origins (https://app.example.com) whose pages may call -http-addr from a browser (CORS); the page served there needs none")
	fs.StringVar(&c.debugAddr, "debug-addr", "", "if set, serve Go's runtime profiles (net/http/pprof) over HTTP on this address, e.g. 127.0.0.1:6060; keep it on loopback")

	fs.TextVar(&c.logLevel, "log-level", slog.LevelInfo, "least `level` logged: debug (every call), info, warn or error")
	fs.DurationVar(&c.slow, "slow", defaultSlow, "log OK calls that take at least this long (unary at WARN, streams at INFO); 0 = never")
	fs.IntVar(&c.logRate, "log-rate", defaultLogRate, "most call log lines a second at info and above; more are dropped and counted; 0 = no limit")
	fs.DurationVar(&c.maxCallDuration, "max-call-duration", defaultMaxCallDuration, "longest a call may run before it ends with DeadlineExceeded (health Watch excepted); 0 = no limit")

	fs.IntVar(&c.maxConnections, "max-connections", defaultMaxConnections, "most connections open at once; more wait to be accepted; 0 = no limit")
	fs.IntVar(&c.maxHTTPConnections, "max-http-connections", defaultMaxConnections, "most connections open at once on -http-addr, apart from -max-connections; more wait to be accepted; 0 = no limit")
	fs.DurationVar(&c.connectionTimeout, "connection-timeout", defaultConnectionTimeout, "longest a new connection may take to finish its TLS handshake and HTTP/2 preface before it is closed")
	fs.DurationVar(&c.firstMessageTimeout, "first-message-timeout", defaultFirstMessageTimeout, "longest a call may wait for its first request message before it is cut; 0 = no limit")
	fs.IntVar(&c.maxCalls, "max-calls", defaultMaxCalls, "most calls in flight across all connections; past it the oldest call without a request message is cut, or the new one refused with ResourceExhausted; 0 = no limit")
	fs.IntVar(&c.streamWorkers, "stream-workers", runtime.GOMAXPROCS(0), "goroutines kept to run calls, reused from call to call (when all are busy, a call gets a goroutine of its own); 0 = a new goroutine per call")

	fs.UintVar(&c.maxConcurrentStreams, "max-concurrent-streams", defaultMaxConcurrentStreams, "most calls open at once on one connection; more wait; 0 = no limit")
	fs.IntVar(&c.maxRecvBytes, "max-recv-bytes", defaultMaxRecvBytes, "largest request message in bytes; larger ones fail with ResourceExhausted")
	fs.IntVar(&c.maxSendBytes, "max-send-bytes", defaultMaxSendBytes, "largest response message in bytes; larger ones fail with ResourceExhausted")
	fs.UintVar(&c.maxHeaderBytes, "max-header-bytes", defaultMaxHeaderBytes, "most bytes of request metadata (HTTP/2 header list) per call")

	fs.DurationVar(&c.keepaliveMinTime, "keepalive-min-time", defaultKeepaliveMinTime, "shortest interval between client pings; faster pingers get GOAWAY too_many_pings (0 = grpc-go's 5m)")
	fs.BoolVar(&c.keepalivePermitWithoutStream, "keepalive-permit-without-stream", true, "allow client pings on a connection with no open call")
	fs.DurationVar(&c.maxConnectionIdle, "max-connection-idle", defaultMaxConnectionIdle, "close a connection with no open call after this long; 0 = never")
	fs.DurationVar(&c.maxConnectionAge, "max-connection-age", defaultMaxConnectionAge, "close any connection after this long (±10% jitter); 0 = never")
	fs.DurationVar(&c.maxConnectionAgeGrace, "max-connection-age-grace", defaultMaxConnectionAgeGrace, "after -max-connection-age, how long open calls may finish before the connection is cut (0 = no limit)")
	fs.DurationVar(&c.keepaliveTime, "keepalive-time", defaultKeepaliveTime, "ping a connection silent for this long, at least 1s (0 = grpc-go's 2h)")
	fs.DurationVar(&c.keepaliveTimeout, "keepalive-timeout", defaultKeepaliveTimeout, "close a connection whose ping is not acknowledged within this long (0 = grpc-go's 20s)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if (c.tlsCert == "") != (c.tlsKey == "") {
		return c, errors.New("-tls-cert and -tls-key go together")
	}
	if c.tlsClientCA != "" && c.tlsCert == "" {
		return c, errors.New("-tls-client-ca needs -tls-cert and -tls-key: client certificates are part of a TLS handshake")
	}
	if c.authTokens != "" && c.tlsCert == "" && !c.authAllowPlaintext {
		return c, errors.New("-auth-tokens needs -tls-cert and -tls-key: bearer tokens sent in plaintext can be read and replayed by anyone on the path " +
			"(behind a proxy on the same host that terminates TLS, add -auth-allow-plaintext)")
	}
	if c.authzRefresh <= 0 {
		return c, fmt.Errorf("-authz-refresh %v: want a duration above 0", c.authzRefresh)
	}
	if err := telemetry.Check(c.otel); err != nil {
		return c, err
	}
	if c.metricsAddr != "" {
		c.metricsAddr = loopbackIfNoHost(c.metricsAddr)
	}
	if c.httpAddr != "" {
		c.httpAddr = loopbackIfNoHost(c.httpAddr)
		if c.authzPolicy != "" {
			// grpc-go's authz (its RBAC engine) reads the call's
			// transport connection, for the destination port, and
			// refuses a call without one. grpc.Server.ServeHTTP puts
			// a nil connection in every call's context, under a key of
			// an internal package, so nothing in front of it can give
			// one; the caller's TLS state alone (which ServeHTTP does
			// pass) is not enough. It would fail every call of the
			// HTTP port.
			return c, errors.New("-authz-policy does not apply to -http-addr (grpc-go's authz needs a gRPC transport connection, which the HTTP port's calls lack): serve the HTTP port from a server without -authz-policy, with -auth-tokens for authentication")
		}
	} else if c.corsOrigins != "" {
		return c, errors.New("-cors-origins needs -http-addr")
	}
	if _, err := parseOrigins(c.corsOrigins); err != nil {
		return c, err
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{
		{"drain", c.drain}, {"grace", c.grace}, {"slow", c.slow}, {"max-call-duration", c.maxCallDuration},
		{"keepalive-min-time", c.keepaliveMinTime}, {"max-connection-idle", c.maxConnectionIdle},
		{"max-connection-age", c.maxConnectionAge}, {"max-connection-age-grace", c.maxConnectionAgeGrace},
		{"keepalive-time", c.keepaliveTime}, {"keepalive-timeout", c.keepaliveTimeout},
		{"first-message-timeout", c.firstMessageTimeout},
	} {
		if d.v < 0 {
			return c, fmt.Errorf("-%s %v: want a duration of 0 or more", d.name, d.v)
		}
	}
	if c.connectionTimeout <= 0 {
		return c, fmt.Errorf("-connection-timeout %v: want a duration above 0", c.connectionTimeout)
	}
	for _, n := range []struct {
		name string
		v    int
	}{{"log-rate", c.logRate}, {"max-connections", c.maxConnections}, {"max-http-connections", c.maxHTTPConnections}, {"max-calls", c.maxCalls}, {"stream-workers", c.streamWorkers}} {
		if n.v < 0 || n.v > math.MaxInt32 {
			return c, fmt.Errorf("-%s %d: want 0 to %d", n.name, n.v, math.MaxInt32)
		}
	}
	if c.maxRecvBytes <= 0 || c.maxSendBytes <= 0 || c.maxHeaderBytes == 0 {
		return c, errors.New("-max-recv-bytes, -max-send-bytes and -max-header-bytes must be 1 or more")
	}
	if c.maxConcurrentStreams > math.MaxUint32 || c.maxHeaderBytes > math.MaxUint32 {
		return c, fmt.Errorf("-max-concurrent-streams and -max-header-bytes must be at most %d", uint32(math.MaxUint32))
	}
	return c, nil
}
