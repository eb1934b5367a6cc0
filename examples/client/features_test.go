package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/stats"

	"github.com/seed717b8fd8/grpcexamples/internal/testcerts"
	"github.com/seed717b8fd8/grpcexamples/streaming"
)

// result is what one run of the client printed and returned.
type result struct {
	code           int
	stdout, stderr string
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
}

// client runs the client with args, and extra dial options.
func client(args []string, extra ...grpc.DialOption) result {
	var out, errOut bytes.Buffer
	code := runWith(context.Background(), args, &out, &errOut, extra...)
	return result{code, out.String(), errOut.String()}
}

// expect checks r's exit code and that its stderr matches stderrRE.
func expect(t *testing.T, name string, r result, code int, stderrRE string) {
	t.Helper()
	if r.code != code || !regexp.MustCompile(stderrRE).MatchString(r.stderr) {
		t.Errorf("%s: want exit %d and stderr matching %q; got %v", name, code, stderrRE, r)
	}
}

// certFiles are a CA, a server certificate for 127.0.0.1 and localhost,
// and client certificates, as files for the flags.
type certFiles struct {
	ca, serverCert, serverKey string
	clientCert, clientKey     string
	strangerCert, strangerKey string // from a CA the server does not trust
}

func newCertFiles(t *testing.T) certFiles {
	t.Helper()
	dir := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	ca, err := testcerts.NewCA("client test CA")
	must(err)
	other, err := testcerts.NewCA("another CA")
	must(err)
	var f certFiles
	f.ca, err = ca.WriteFile(dir, "ca.pem")
	must(err)
	srv, err := ca.ServerCert("127.0.0.1", "localhost")
	must(err)
	f.serverCert, f.serverKey, err = srv.WriteFiles(dir, "server")
	must(err)
	cl, err := ca.ClientCert("client-test")
	must(err)
	f.clientCert, f.clientKey, err = cl.WriteFiles(dir, "client")
	must(err)
	st, err := other.ClientCert("stranger")
	must(err)
	f.strangerCert, f.strangerKey, err = st.WriteFiles(dir, "stranger")
	must(err)
	return f
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(f, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestTLS(t *testing.T) {
	t.Parallel()
	f := newCertFiles(t)
	addr := startServer(t, "-tls-cert", f.serverCert, "-tls-key", f.serverKey)
	_, port, _ := net.SplitHostPort(addr)

	if r := client([]string{"-addr", addr, "-tls-ca", f.ca, "add", "2", "3"}); r.code != 0 || r.stdout != "5\n" {
		t.Errorf("add over TLS: %v", r)
	}
	// The certificate holds localhost too: dial the IP, verify the name.
	if r := client([]string{"-addr", addr, "-tls-ca", f.ca, "-tls-server-name", "localhost", "add", "2", "3"}); r.code != 0 {
		t.Errorf("-tls-server-name localhost: %v", r)
	}
	if r := client([]string{"-addr", "localhost:" + port, "-tls-ca", f.ca, "health"}); r.code != 0 || r.stdout != "SERVING\n" {
		t.Errorf("health over TLS by name: %v", r)
	}
	// grpc-go says only that the connection broke; the client says which
	// flag is missing.
	expect(t, "plaintext against TLS", client([]string{"-addr", addr, "add", "2", "3"}), 1,
		`^error: Unavailable: .*error reading server preface.*\nhint: the server at `+regexp.QuoteMeta(addr)+` speaks TLS: add -tls \(or -tls-ca FILE `)
	expect(t, "-tls with the system's CAs", client([]string{"-addr", addr, "-tls", "add", "2", "3"}), 1, `^error: Unavailable: .*certificate`)
	expect(t, "wrong -tls-server-name", client([]string{"-addr", addr, "-tls-ca", f.ca, "-tls-server-name", "other.example", "add", "2", "3"}),
		1, `^error: Unavailable: .*other\.example`)
}

func TestMTLS(t *testing.T) {
	t.Parallel()
	f := newCertFiles(t)
	addr := startServer(t, "-tls-cert", f.serverCert, "-tls-key", f.serverKey, "-tls-client-ca", f.ca)

	if r := client([]string{"-addr", addr, "-tls-ca", f.ca, "-tls-cert", f.clientCert, "-tls-key", f.clientKey, "hello", "mtls"}); r.code != 0 ||
		r.stdout != "Hello, mtls!\n" {
		t.Errorf("hello with a client certificate: %v", r)
	}
	expect(t, "no client certificate", client([]string{"-addr", addr, "-tls-ca", f.ca, "hello", "x"}), 1,
		`^error: Unavailable: .*\nhint: the server at `+regexp.QuoteMeta(addr)+` asks for a client certificate: add -tls-cert FILE -tls-key FILE\n$`)
	expect(t, "plaintext against mTLS", client([]string{"-addr", addr, "hello", "x"}), 1,
		`\nhint: the server at `+regexp.QuoteMeta(addr)+` speaks TLS and asks for a client certificate: add -tls-cert FILE -tls-key FILE`)
	expect(t, "client certificate from another CA",
		client([]string{"-addr", addr, "-tls-ca", f.ca, "-tls-cert", f.strangerCert, "-tls-key", f.strangerKey, "hello", "x"}), 1, `^error: Unavailable: `)
}

func TestBadFlags(t *testing.T) {
	t.Parallel()
	f := newCertFiles(t)
	notPEM := writeFile(t, "not.pem", "not a certificate\n")
	empty := writeFile(t, "empty", "\nsecond line\n")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-tls-ca", "no-such-ca.pem"}, `-tls-ca: open no-such-ca.pem`},
		{[]string{"-tls-ca", notPEM}, `-tls-ca .*not.pem: no PEM certificate`},
		{[]string{"-tls-cert", f.clientCert}, `-tls-cert and -tls-key go together`},
		{[]string{"-tls-cert", f.clientCert, "-tls-key", notPEM}, `-tls-key .*not.pem: tls: `},
		{[]string{"-tls", "-token-file", "no-such-token"}, `-token-file: open no-such-token`},
		{[]string{"-token-file", empty}, `^client: -token-file needs TLS, .*: add -tls \(or -tls-ca FILE `},
		{[]string{"-tls", "-token-file", empty}, `-token-file .*empty: the first line is empty`},
		{[]string{"-retry", "1"}, `-retry 1: want 2 to 5`},
		{[]string{"-retry", "6"}, `-retry 6: want 2 to 5`},
		{[]string{"-retry", "3", "-service-config", "serviceconfig/retry.json"}, `-service-config and -retry`},
		{[]string{"-service-config", "no-such.json"}, `-service-config: open no-such.json`},
		{[]string{"-service-config", notPEM}, `service config`},
		{[]string{"-keepalive-time", "1s"}, `-keepalive-time 1s: want 0 \(off\) or at least 10s`},
		{[]string{"-keepalive-timeout", "0s"}, `-keepalive-timeout 0s`},
		{[]string{"-otel", "stderr"}, `-otel "stderr"`},
	} {
		r := client(append(c.args, "add", "1", "2"))
		expect(t, strings.Join(c.args, " "), r, 2, c.want)
	}
}

func TestBearerToken(t *testing.T) {
	t.Parallel()
	f := newCertFiles(t)
	addr := startServer(t, "-tls-cert", f.serverCert, "-tls-key", f.serverKey,
		"-auth-tokens", "../server/auth/tokens.txt", "-authz-policy", "../server/auth/authz-policy.json")
	alice := writeFile(t, "alice", "fake-demo-token-alice-00000000\n")
	bob := writeFile(t, "bob", "fake-demo-token-bob-11111111\n")
	tlsArgs := []string{"-addr", addr, "-tls-ca", f.ca}

	if r := client(append(tlsArgs, "-token-file", bob, "hello", "bob")); r.code != 0 || r.stdout != "Hello, bob!\n" {
		t.Errorf("hello as bob: %v", r)
	}
	if r := client(append(tlsArgs, "-token-file", alice, "add", "2", "3")); r.code != 0 || r.stdout != "5\n" {
		t.Errorf("add as alice: %v", r)
	}
	expect(t, "add as bob", client(append(tlsArgs, "-token-file", bob, "add", "2", "3")), 1,
		`^error: PermissionDenied: identity "bob" may not call /grpcexamples.calculator.v1.Calculator/Add.*\nrequest id: [A-Z2-7]{10}-[0-9a-z]+\n$`)
	expect(t, "no token", client(append(tlsArgs, "add", "2", "3")), 1, `^error: Unauthenticated: missing bearer token`)
	if r := client(append(tlsArgs, "health")); r.code != 0 {
		t.Errorf("health without a token: %v", r)
	}
	// The client refuses to send a token in plaintext, and names the flag
	// (grpc-go's per-RPC credentials would refuse too, naming a Go API).
	expect(t, "token over plaintext", client([]string{"-addr", addr, "-token-file", alice, "add", "2", "3"}), 2,
		`^client: -token-file needs TLS, .*add -tls`)
}

// attempts counts the attempts of the client's calls (a retry or a hedge
// is a new attempt, with stats.Begin of its own).
type attempts struct{ n atomic.Int32 }

func (a *attempts) TagRPC(ctx context.Context, _ *stats.RPCTagInfo) context.Context   { return ctx }
func (a *attempts) TagConn(ctx context.Context, _ *stats.ConnTagInfo) context.Context { return ctx }
func (a *attempts) HandleConn(context.Context, stats.ConnStats)                       {}
func (a *attempts) HandleRPC(_ context.Context, s stats.RPCStats) {
	if _, ok := s.(*stats.Begin); ok {
		a.n.Add(1)
	}
}

// TestRetry uses the streaming service's -fail-attempts control, which
// fails a call's first attempts with -status-code, against the client's
// retry and hedging policies.
func TestRetry(t *testing.T) {
	t.Parallel()
	addr := startServer(t)
	hedging := writeFile(t, "hedging.json", `{"methodConfig": [{"name": [{}], "hedgingPolicy": {
		"maxAttempts": 3, "hedgingDelay": "0.2s", "nonFatalStatusCodes": ["UNAVAILABLE"]}}]}`)
	for _, c := range []struct {
		name     string
		flags    []string // the client's
		controls []string // the call's
		code     int
		stderrRE string
		attempts int32
	}{
		{"no retry", nil, []string{"-fail-attempts", "2", "-status-code", "14"}, 1, `^error: Unavailable\n`, 1},
		{"-retry 3, 2 failures", []string{"-retry", "3"}, []string{"-fail-attempts", "2", "-status-code", "14"}, 0, `^$`, 3},
		{"-retry 2, 2 failures", []string{"-retry", "2"}, []string{"-fail-attempts", "2", "-status-code", "14"}, 1, `^error: Unavailable: max retries exhausted: failed after 2 attempts`, 2},
		{"-retry 5, not retryable", []string{"-retry", "5"}, []string{"-fail-attempts", "2", "-status-code", "9"}, 1, `^error: FailedPrecondition\n`, 1},
		{"retry.json", []string{"-service-config", "serviceconfig/retry.json"}, []string{"-fail-attempts", "3", "-status-code", "14"}, 0, `^$`, 4},
		// grpc-go (as of 1.84) accepts a hedging policy and ignores it:
		// one attempt. When it implements hedging, this fails, and the
		// serviceconfig README should gain a hedging example.
		{"hedgingPolicy", []string{"-service-config", hedging}, []string{"-fail-attempts", "2", "-status-code", "14"}, 1, `^error: Unavailable\n`, 1},
	} {
		a := new(attempts)
		args := append(append(append([]string{"-addr", addr}, c.flags...), "unary"), append(c.controls, "ping")...)
		r := client(args, grpc.WithStatsHandler(a))
		expect(t, c.name, r, c.code, c.stderrRE)
		if c.code == 0 && !strings.HasPrefix(r.stdout, "ping (received true") {
			t.Errorf("%s: stdout %q", c.name, r.stdout)
		}
		if got := a.n.Load(); got != c.attempts {
			t.Errorf("%s: %d attempts, want %d", c.name, got, c.attempts)
		}
	}
}

// payloadSizes records the size of each message a client sends, before
// and after compression.
type payloadSizes struct {
	mu                sync.Mutex
	length, onTheWire int
}

func (p *payloadSizes) TagRPC(ctx context.Context, _ *stats.RPCTagInfo) context.Context   { return ctx }
func (p *payloadSizes) TagConn(ctx context.Context, _ *stats.ConnTagInfo) context.Context { return ctx }
func (p *payloadSizes) HandleConn(context.Context, stats.ConnStats)                       {}
func (p *payloadSizes) HandleRPC(_ context.Context, s stats.RPCStats) {
	if out, ok := s.(*stats.OutPayload); ok {
		p.mu.Lock()
		p.length += out.Length
		p.onTheWire += out.CompressedLength
		p.mu.Unlock()
	}
}

func TestGzip(t *testing.T) {
	t.Parallel()
	addr := startServer(t)
	msg := strings.Repeat("compressible ", 10000) // 130 kB
	for _, gz := range []bool{false, true} {
		sizes := new(payloadSizes)
		args := []string{"-addr", addr, "unary", msg}
		if gz {
			args = append([]string{"-gzip"}, args...)
		}
		r := client(args, grpc.WithStatsHandler(sizes))
		if r.code != 0 || !strings.HasPrefix(r.stdout, "compressible compressible") {
			t.Fatalf("gzip %v: %v", gz, r)
		}
		if compressed := sizes.onTheWire < sizes.length/10; compressed != gz {
			t.Errorf("gzip %v: %d bytes went out as %d", gz, sizes.length, sizes.onTheWire)
		}
	}
}

// TestWaitForReady: with -wait-for-ready a call made while the server is
// unreachable waits for it instead of failing at once.
func TestWaitForReady(t *testing.T) {
	t.Parallel()
	// A free port with nothing listening on it: connections are refused.
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := lis.Addr().String()
	lis.Close()

	expect(t, "without -wait-for-ready", client([]string{"-addr", addr, "add", "2", "3"}), 1, `^error: Unavailable: .*connection refused`)

	// The dialer reports each refused connection; once one is refused the
	// call has begun (it is what made the client connect) and, without
	// -wait-for-ready, would have failed.
	refused := make(chan struct{}, 100)
	dialer := grpc.WithContextDialer(func(ctx context.Context, a string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, "tcp", a)
		if err != nil {
			refused <- struct{}{}
		}
		return c, err
	})
	done := make(chan result, 1)
	go func() {
		done <- client([]string{"-addr", addr, "-wait-for-ready", "-timeout", "30s", "add", "2", "3"}, dialer)
	}()
	select {
	case <-refused:
	case r := <-done:
		t.Fatalf("the call ended before a connection was refused: %v", r)
	}
	startServer(t, "-addr", addr) // the later -addr wins
	if r := <-done; r.code != 0 || r.stdout != "5\n" {
		t.Errorf("with -wait-for-ready: %v", r)
	}
}

// TestKeepalive: a call on a connection that silently stops carrying
// anything (a dead server, a dropped NAT entry) ends when a keepalive ping
// goes unanswered, -keepalive-time plus -keepalive-timeout after the
// connection fell silent, not at its deadline. grpc-go clients ping at
// most every 10s, so the test runs in a synctest bubble, whose clock jumps
// ahead whenever every goroutine in it waits: the client and an in-process
// streaming server talk over net.Pipe (channels, which the bubble sees
// waiting; it cannot see a goroutine wait on a socket), and the seconds
// of silence take no real time. Without keepalive the same call lasts
// until its deadline.
func TestKeepalive(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name     string
		flags    []string
		stderrRE string
		lasts    time.Duration // on the bubble's clock
	}{
		{"keepalive", []string{"-keepalive-time", "10s", "-keepalive-timeout", "1s"}, `^error: Unavailable: .*keepalive`, 11 * time.Second},
		{"no keepalive", nil, `^error: DeadlineExceeded`, time.Minute},
	} {
		t.Run(c.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				lis := newPipeListener()
				srv := grpc.NewServer()
				streaming.Register(srv, streaming.NewServer())
				served := make(chan error, 1)
				go func() { served <- srv.Serve(lis) }()
				defer func() {
					srv.Stop()
					if err := <-served; err != nil {
						t.Errorf("Serve: %v", err)
					}
				}()
				// Once the request is sent, the connection stops
				// carrying anything either way: it is up, and the call
				// waits for its answers.
				var hole blackhole
				dialer := grpc.WithContextDialer(func(context.Context, string) (net.Conn, error) { return lis.dial(&hole) })
				start := time.Now()
				r := client(append(append([]string{"-addr", "127.0.0.1:1", "-timeout", "1m"}, c.flags...),
					"server-stream", "-count", "5", "-interval", "10s", "tick"), dialer, grpc.WithStatsHandler(onRequestSent(hole.close)))
				lasted := time.Since(start)
				expect(t, c.name, r, 1, c.stderrRE)
				if lasted != c.lasts {
					t.Errorf("%s: the call lasted %v, want %v", c.name, lasted, c.lasts)
				}
			})
		})
	}
}

// onRequestSent is a stats handler that calls f when a request message
// has been sent.
type onRequestSent func()

func (f onRequestSent) TagRPC(ctx context.Context, _ *stats.RPCTagInfo) context.Context   { return ctx }
func (f onRequestSent) TagConn(ctx context.Context, _ *stats.ConnTagInfo) context.Context { return ctx }
func (f onRequestSent) HandleConn(context.Context, stats.ConnStats)                       {}
func (f onRequestSent) HandleRPC(_ context.Context, s stats.RPCStats) {
	if _, ok := s.(*stats.OutPayload); ok {
		f()
	}
}

// blackhole, once closed, makes the connections dialed with it drop
// everything, both ways, while they stay open, as a network that drops
// packets does.
type blackhole struct {
	once   sync.Once
	closed atomic.Bool
}

func (h *blackhole) close() { h.once.Do(func() { h.closed.Store(true) }) }

// holedConn is the client's end of a connection through a blackhole.
type holedConn struct {
	net.Conn
	hole *blackhole
}

func (c holedConn) Write(b []byte) (int, error) {
	if c.hole.closed.Load() {
		return len(b), nil // dropped: the sender sees no error
	}
	return c.Conn.Write(b)
}

func (c holedConn) Read(b []byte) (int, error) {
	for {
		n, err := c.Conn.Read(b)
		if err != nil || !c.hole.closed.Load() {
			return n, err
		}
	}
}

// pipeListener is a net.Listener whose connections are net.Pipe pairs.
type pipeListener struct {
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

func newPipeListener() *pipeListener {
	return &pipeListener{conns: make(chan net.Conn), done: make(chan struct{})}
}

func (l *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *pipeListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

func (l *pipeListener) Addr() net.Addr { return pipeAddr{} }

// dial connects to the listener through hole.
func (l *pipeListener) dial(hole *blackhole) (net.Conn, error) {
	client, server := net.Pipe()
	select {
	case l.conns <- server:
		return holedConn{client, hole}, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

type pipeAddr struct{}

func (pipeAddr) Network() string { return "pipe" }
func (pipeAddr) String() string  { return "pipe" }

// TestOTelStdout: -otel stdout writes the call's client span to stderr,
// with its method, status code and the server's address, and keeps stdout
// for the result.
func TestOTelStdout(t *testing.T) {
	t.Parallel()
	addr := startServer(t)
	host, port, _ := net.SplitHostPort(addr)
	for _, c := range []struct {
		args         []string
		stdout, span string
		code         int
		status       string
	}{
		{[]string{"add", "2", "3"}, "5\n", "grpcexamples.calculator.v1.Calculator/Add", 0, "OK"},
		{[]string{"divide", "1", "0"}, "", "grpcexamples.calculator.v1.Calculator/Divide", 1, "INVALID_ARGUMENT"},
		{[]string{"server-stream", "-count", "2", "tick"}, "#1 tick (payload 0 bytes)\n#2 tick (payload 0 bytes)\n",
			"grpcexamples.streaming.v1.StreamingService/ServerStream", 0, "OK"},
	} {
		r := client(append([]string{"-addr", addr, "-otel", "stdout"}, c.args...))
		if r.code != c.code || r.stdout != c.stdout {
			t.Errorf("%s: %v", c.span, r)
			continue
		}
		sp := findSpan(t, r.stderr, c.span)
		if sp == nil {
			t.Errorf("no span %s in the -otel stdout output:\n%.3000s", c.span, r.stderr)
			continue
		}
		if sp.SpanKind != 3 { // trace.SpanKindClient
			t.Errorf("%s: span kind %d, want 3 (client)", c.span, sp.SpanKind)
		}
		for key, want := range map[string]string{"rpc.response.status_code": c.status, "server.address": host, "server.port": port} {
			if got := sp.attr(key); got != want {
				t.Errorf("%s: %s = %q, want %q", c.span, key, got, want)
			}
		}
	}
}

// stdoutSpan is the part of a span that OpenTelemetry's stdout exporter
// writes that the test reads.
type stdoutSpan struct {
	Name       string
	SpanKind   int
	Attributes []struct {
		Key   string
		Value struct{ Value any }
	}
}

func (s *stdoutSpan) attr(key string) string {
	for _, a := range s.Attributes {
		if a.Key == key {
			return fmt.Sprint(a.Value.Value)
		}
	}
	return ""
}

// findSpan decodes the stdout exporter's stream of JSON documents (spans,
// then metrics), which follows the client's own lines, and returns the
// span called name, or nil.
func findSpan(t *testing.T, out, name string) *stdoutSpan {
	t.Helper()
	if i := strings.Index(out, "{\n"); i >= 0 {
		out = out[i:]
	}
	dec := json.NewDecoder(strings.NewReader(out))
	for {
		var sp stdoutSpan
		if err := dec.Decode(&sp); err != nil {
			return nil // the end, or a line that is not telemetry
		}
		if sp.Name == name {
			return &sp
		}
	}
}
