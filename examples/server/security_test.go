package main

import (
	"context"
	"crypto/tls"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	reflectionpb "google.golang.org/grpc/reflection/grpc_reflection_v1"
	"google.golang.org/grpc/status"

	"github.com/seed717b8fd8/grpcexamples/calculator"
	"github.com/seed717b8fd8/grpcexamples/greeter"
	"github.com/seed717b8fd8/grpcexamples/internal/testcerts"
	"github.com/seed717b8fd8/grpcexamples/streaming"
)

// The example files in auth/, which these tests use as a user would.
const (
	exampleTokens = "auth/tokens.txt"
	examplePolicy = "auth/authz-policy.json"
	aliceToken    = "fake-demo-token-alice-00000000"
	bobToken      = "fake-demo-token-bob-11111111"
)

// pki is a CA with a server certificate for 127.0.0.1 and client
// certificates, written where the server's flags can read them, and a
// second CA that the server does not trust.
type pki struct {
	ca, other          *testcerts.CA
	caFile             string
	certFile, keyFile  string // the server's
	ops, dev, stranger *testcerts.Cert
}

func newPKI(t testing.TB) *pki {
	t.Helper()
	dir := t.TempDir()
	ca, err := testcerts.NewCA("test CA")
	if err != nil {
		t.Fatal(err)
	}
	other, err := testcerts.NewCA("another CA")
	if err != nil {
		t.Fatal(err)
	}
	p := &pki{ca: ca, other: other}
	if p.caFile, err = ca.WriteFile(dir, "ca.pem"); err != nil {
		t.Fatal(err)
	}
	srv, err := ca.ServerCert("127.0.0.1", "localhost")
	if err != nil {
		t.Fatal(err)
	}
	if p.certFile, p.keyFile, err = srv.WriteFiles(dir, "server"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		dst  **testcerts.Cert
		ca   *testcerts.CA
		cn   string
		uris []string
	}{
		{&p.ops, ca, "ops", []string{"spiffe://grpcexamples.test/ops"}},
		{&p.dev, ca, "dev", nil},
		{&p.stranger, other, "stranger", nil},
	} {
		if *c.dst, err = c.ca.ClientCert(c.cn, c.uris...); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

// tlsArgs are the server flags for TLS with p's server certificate.
func (p *pki) tlsArgs() []string { return []string{"-tls-cert", p.certFile, "-tls-key", p.keyFile} }

// mtlsArgs add the requirement of a client certificate issued by p.ca.
func (p *pki) mtlsArgs() []string { return append(p.tlsArgs(), "-tls-client-ca", p.caFile) }

// creds are a client's TLS credentials trusting roots, presenting cert
// when not nil.
func creds(roots *testcerts.CA, cert *testcerts.Cert) grpc.DialOption {
	tc := &tls.Config{RootCAs: roots.Pool(), MinVersion: tls.VersionTLS12}
	if cert != nil {
		tc.Certificates = []tls.Certificate{cert.TLS}
	}
	return grpc.WithTransportCredentials(credentials.NewTLS(tc))
}

func TestTLS(t *testing.T) {
	p := newPKI(t)
	ts := launch(t, launchOpts{probe: new(probe)}, p.tlsArgs()...)
	ctx := t.Context()

	cc := dial(t, ts.addr, creds(p.ca, nil))
	if sum, err := calculator.NewClient(cc).Add(ctx, 2, 3); err != nil || sum != 5 {
		t.Fatalf("Add over TLS = %d, %v; want 5", sum, err)
	}
	if who, err := whoami(ctx, cc); err != nil || who["subject"] != "" {
		t.Errorf("Whoami without a client certificate = %v, %v; want no subject", who, err)
	}

	for name, opt := range map[string]grpc.DialOption{
		"plaintext":                  grpc.WithTransportCredentials(insecure.NewCredentials()),
		"client trusting another CA": creds(p.other, nil),
	} {
		_, err := calculator.NewClient(dial(t, ts.addr, opt)).Add(ctx, 2, 3)
		if status.Code(err) != codes.Unavailable {
			t.Errorf("%s: Add = %v, want Unavailable", name, err)
		}
	}
}

func TestMTLS(t *testing.T) {
	p := newPKI(t)
	ts := launch(t, launchOpts{probe: new(probe)}, p.mtlsArgs()...)
	ctx := t.Context()

	cc := dial(t, ts.addr, creds(p.ca, p.ops))
	if sum, err := calculator.NewClient(cc).Add(ctx, 2, 3); err != nil || sum != 5 {
		t.Fatalf("Add with a client certificate = %d, %v; want 5", sum, err)
	}
	// The handler sees who the certificate says the client is, and so does
	// the log.
	who, err := whoami(ctx, cc)
	if err != nil || who["subject"] != "CN=ops" {
		t.Errorf("Whoami = %v, %v; want subject CN=ops", who, err)
	}
	if line := logLine(ts.logs, "grpc.method=Add"); line != "" {
		t.Errorf("an OK call is logged at -log-level info: %s", line)
	}
	if _, _, err := calculator.NewClient(cc).Divide(ctx, 1, 0); status.Code(err) != codes.InvalidArgument {
		t.Fatalf("Divide(1, 0) = %v", err)
	}
	if line := logLine(ts.logs, "grpc.method=Divide", `peer.subject="CN=ops"`); line == "" {
		t.Errorf("the log of a failed call does not name the client certificate:\n%s", ts.logs)
	}

	// The handshake refuses a client with no certificate, or with one from
	// a CA the server does not trust, before any call: health too.
	for name, opt := range map[string]grpc.DialOption{
		"no client certificate":              creds(p.ca, nil),
		"client certificate from another CA": creds(p.ca, p.stranger),
	} {
		cc := dial(t, ts.addr, opt)
		if _, err := calculator.NewClient(cc).Add(ctx, 2, 3); status.Code(err) != codes.Unavailable {
			t.Errorf("%s: Add = %v, want Unavailable", name, err)
		}
		if _, err := healthpb.NewHealthClient(cc).Check(ctx, &healthpb.HealthCheckRequest{}); status.Code(err) != codes.Unavailable {
			t.Errorf("%s: health Check = %v, want Unavailable", name, err)
		}
	}
}

func TestBadSecurityFlags(t *testing.T) {
	p := newPKI(t)
	notPEM := filepath.Join(t.TempDir(), "not.pem")
	if err := os.WriteFile(notPEM, []byte("not a certificate\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tokens := func(content string) string {
		f := filepath.Join(t.TempDir(), "tokens")
		if err := os.WriteFile(f, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return f
	}
	for _, c := range []struct {
		args []string
		want string // in the error
	}{
		{[]string{"-tls-cert", "no-such.pem", "-tls-key", p.keyFile}, "-tls-cert no-such.pem"},
		{[]string{"-tls-cert", p.certFile, "-tls-key", notPEM}, "-tls-key " + notPEM},
		{append(p.tlsArgs(), "-tls-client-ca", "no-such-ca.pem"), "-tls-client-ca: open no-such-ca.pem"},
		{append(p.tlsArgs(), "-tls-client-ca", notPEM), "-tls-client-ca: " + notPEM + ": no PEM certificate"},
		{[]string{"-tls-client-ca", p.caFile}, "-tls-client-ca needs -tls-cert"},
		{[]string{"-auth-tokens", exampleTokens}, "-auth-tokens needs -tls-cert"},
		{append(p.tlsArgs(), "-auth-tokens", "no-such-tokens"), "-auth-tokens: open no-such-tokens"},
		{append(p.tlsArgs(), "-auth-tokens", tokens("# only a comment\n")), "no token in the file"},
		{append(p.tlsArgs(), "-auth-tokens", tokens("short alice\n")), "line 1: a token has 16 to 1024 characters"},
		{append(p.tlsArgs(), "-auth-tokens", tokens("0123456789abcdef!! alice\n")), "line 1: a token has only letters"},
		{append(p.tlsArgs(), "-auth-tokens", tokens("0123456789abcdef alice\n\n0123456789abcdef bob\n")), "line 3: the token of line 1 again"},
		{append(p.tlsArgs(), "-auth-tokens", tokens("0123456789abcdef al\"ice\n")), "line 1: identity"},
		{append(p.tlsArgs(), "-auth-tokens", tokens("0123456789abcdef alice extra\n")), "line 1: want \"TOKEN IDENTITY\""},
		{[]string{"-authz-policy", "no-such-policy.json"}, "-authz-policy:"},
		{[]string{"-authz-policy", notPEM}, "-authz-policy:"},
		{[]string{"-authz-policy", examplePolicy, "-authz-refresh", "0s"}, "-authz-refresh 0s"},
		{[]string{"-otel", "stdin"}, `-otel "stdin"`},
		{[]string{"-otel", "ftp://collector:4317"}, `-otel "ftp://collector:4317"`},
	} {
		err := run(t.Context(), append([]string{"-addr", "127.0.0.1:0"}, c.args...), new(syncBuffer), nil)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("run(%q) = %v, want an error with %q", c.args, err, c.want)
		}
	}
}

// bearer returns ctx with the metadata a client's per-RPC credentials send.
func bearer(ctx context.Context, token string) context.Context {
	return metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+token)
}

func TestBearerTokens(t *testing.T) {
	p := newPKI(t)
	ts := launch(t, launchOpts{probe: new(probe)}, append(p.tlsArgs(), "-auth-tokens", exampleTokens)...)
	cc := dial(t, ts.addr, creds(p.ca, nil))
	ctx := t.Context()
	calc := calculator.NewClient(cc)

	for name, c := range map[string]struct {
		ctx  context.Context
		want string
	}{
		"no token":            {ctx, "missing bearer token"},
		"unknown token":       {bearer(ctx, "fake-demo-token-mallory-000"), "unknown bearer token"},
		"token of wrong kind": {metadata.AppendToOutgoingContext(ctx, "authorization", "Basic "+aliceToken), "missing bearer token"},
		"token prefix":        {bearer(ctx, aliceToken[:len(aliceToken)-1]), "unknown bearer token"},
	} {
		_, err := calc.Add(c.ctx, 2, 3)
		if status.Code(err) != codes.Unauthenticated || !strings.Contains(status.Convert(err).Message(), c.want) {
			t.Errorf("%s: Add = %v, want Unauthenticated %q", name, err, c.want)
		}
	}
	if line := logLine(ts.logs, "grpc.code=Unauthenticated", "level=WARN"); line == "" {
		t.Errorf("a refused call is not logged at WARN:\n%s", ts.logs)
	}
	if strings.Contains(ts.logs.String(), "fake-demo-token") {
		t.Errorf("a token reached the log:\n%s", ts.logs)
	}

	// Streams are guarded as unary calls are.
	for _, err := range streaming.NewClient(cc).ServerStream(ctx, "tick", streaming.Controls{MessageCount: 1}) {
		if status.Code(err) != codes.Unauthenticated {
			t.Errorf("ServerStream without a token: %v, want Unauthenticated", err)
		}
	}

	// A known token: the handler sees the identity (not the token), and
	// an identity header the caller forged is replaced.
	alice := metadata.AppendToOutgoingContext(bearer(ctx, aliceToken), identityHeader, "root")
	if sum, err := calc.Add(alice, 2, 3); err != nil || sum != 5 {
		t.Errorf("Add as alice = %d, %v; want 5", sum, err)
	}
	who, err := whoami(alice, cc)
	if err != nil || who["identity"] != "alice" || who["identity_md"] != "alice" || who["authorization"] != "" {
		t.Errorf("Whoami as alice (forging %s: root) = %v, %v; want identity alice and no authorization", identityHeader, who, err)
	}
	n := 0
	for _, err := range streaming.NewClient(cc).ServerStream(bearer(ctx, bobToken), "tick", streaming.Controls{MessageCount: 2}) {
		if err != nil {
			t.Fatalf("ServerStream as bob: %v", err)
		}
		n++
	}
	if n != 2 {
		t.Errorf("ServerStream as bob gave %d messages, want 2", n)
	}

	// Health and reflection stay open.
	if _, err := healthpb.NewHealthClient(cc).Check(ctx, &healthpb.HealthCheckRequest{}); err != nil {
		t.Errorf("health Check without a token: %v", err)
	}
	if err := listServices(ctx, cc); err != nil {
		t.Errorf("reflection without a token: %v", err)
	}
}

func TestAuthzPolicy(t *testing.T) {
	p := newPKI(t)
	ts := launch(t, launchOpts{probe: new(probe)}, append(p.tlsArgs(), "-auth-tokens", exampleTokens, "-authz-policy", examplePolicy)...)
	cc := dial(t, ts.addr, creds(p.ca, nil))
	ctx := t.Context()
	alice, bob := bearer(ctx, aliceToken), bearer(ctx, bobToken)

	// The policy lets every identity greet and alice do everything.
	if msg, err := greeter.NewClient(cc).SayHello(bob, "bob"); err != nil || msg != "Hello, bob!" {
		t.Errorf("SayHello as bob = %q, %v", msg, err)
	}
	if msg, err := greeter.NewClient(cc).SayHello(alice, "alice"); err != nil || msg != "Hello, alice!" {
		t.Errorf("SayHello as alice = %q, %v", msg, err)
	}
	if sum, err := calculator.NewClient(cc).Add(alice, 2, 3); err != nil || sum != 5 {
		t.Errorf("Add as alice = %d, %v; want 5", sum, err)
	}
	_, err := calculator.NewClient(cc).Add(bob, 2, 3)
	if status.Code(err) != codes.PermissionDenied {
		t.Fatalf("Add as bob = %v, want PermissionDenied", err)
	}
	if msg := status.Convert(err).Message(); !strings.Contains(msg, `identity "bob" may not call /grpcexamples.calculator.v1.Calculator/Add`) ||
		!strings.Contains(msg, "-authz-policy") {
		t.Errorf("PermissionDenied message %q: want it to name the identity, the method and -authz-policy", msg)
	}
	for _, err := range streaming.NewClient(cc).ServerStream(bob, "tick", streaming.Controls{MessageCount: 1}) {
		if status.Code(err) != codes.PermissionDenied {
			t.Errorf("ServerStream as bob: %v, want PermissionDenied", err)
		}
	}
	if line := logLine(ts.logs, "grpc.code=PermissionDenied", "auth.identity=bob"); line == "" {
		t.Errorf("the refusal is not logged with the identity:\n%s", ts.logs)
	}
	// Health and reflection stay open without a token or a rule.
	if _, err := healthpb.NewHealthClient(cc).Check(ctx, &healthpb.HealthCheckRequest{}); err != nil {
		t.Errorf("health Check without a token: %v", err)
	}
	if err := listServices(ctx, cc); err != nil {
		t.Errorf("reflection without a token: %v", err)
	}
}

// TestAuthzPrincipals authorizes mTLS clients by their certificate alone:
// the example policy lets the certificate with the URI SAN
// spiffe://grpcexamples.test/ops call everything, and a caller's own
// x-auth-identity header counts for nothing.
func TestAuthzPrincipals(t *testing.T) {
	p := newPKI(t)
	ts := launch(t, launchOpts{}, append(p.mtlsArgs(), "-authz-policy", examplePolicy)...)
	ctx := t.Context()

	ops := dial(t, ts.addr, creds(p.ca, p.ops))
	if sum, err := calculator.NewClient(ops).Add(ctx, 2, 3); err != nil || sum != 5 {
		t.Errorf("Add with the ops certificate = %d, %v; want 5", sum, err)
	}
	dev := dial(t, ts.addr, creds(p.ca, p.dev))
	forged := metadata.AppendToOutgoingContext(ctx, identityHeader, "alice")
	_, err := calculator.NewClient(dev).Add(forged, 2, 3)
	if status.Code(err) != codes.PermissionDenied || !strings.Contains(status.Convert(err).Message(), `client certificate "CN=dev"`) {
		t.Errorf("Add with the dev certificate, forging %s: alice = %v; want PermissionDenied naming CN=dev", identityHeader, err)
	}
	if _, err := greeter.NewClient(dev).SayHello(forged, "dev"); status.Code(err) != codes.PermissionDenied {
		t.Errorf("SayHello with the dev certificate and no token = %v; want PermissionDenied", err)
	}
}

// TestAuthzPolicyReload changes the policy file under a running server,
// which applies it without a restart.
func TestAuthzPolicyReload(t *testing.T) {
	p := newPKI(t)
	policy := filepath.Join(t.TempDir(), "policy.json")
	write := func(paths string) {
		t.Helper()
		// Write then rename, as an operator's tools should, so that the
		// watcher never reads half a file.
		tmp := policy + ".tmp"
		body := `{"name": "reload", "allow_rules": [{"name": "r", "request": {"paths": [` + paths + `]}}]}`
		if err := os.WriteFile(tmp, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, policy); err != nil {
			t.Fatal(err)
		}
	}
	write(`"/grpcexamples.greeter.v1.Greeter/*"`)
	ts := launch(t, launchOpts{}, append(p.tlsArgs(), "-authz-policy", policy, "-authz-refresh", "10ms")...)
	cc := dial(t, ts.addr, creds(p.ca, nil))
	calc := calculator.NewClient(cc)
	if _, err := calc.Add(t.Context(), 2, 3); status.Code(err) != codes.PermissionDenied {
		t.Fatalf("Add before the policy allows it = %v, want PermissionDenied", err)
	}
	write(`"/grpcexamples.greeter.v1.Greeter/*", "/grpcexamples.calculator.v1.Calculator/Add"`)
	// The watcher rereads the file every 10ms; wait for it, bounded.
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, err := calc.Add(t.Context(), 2, 3)
		if err == nil {
			break
		}
		if status.Code(err) != codes.PermissionDenied || time.Now().After(deadline) {
			t.Fatalf("Add after the policy allows it = %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	// The watcher logs the new policy just after it applies it.
	for strings.Count(ts.logs.String(), `msg="authz policy loaded"`) != 2 {
		if time.Now().After(deadline) {
			t.Fatalf("want 2 authz policy loaded lines (start, change):\n%s", ts.logs)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestTokenLookup(t *testing.T) {
	tokens, err := loadTokens(exampleTokens)
	if err != nil {
		t.Fatal(err)
	}
	for token, want := range map[string]string{aliceToken: "alice", bobToken: "bob", "": "", aliceToken + "x": "", strings.ToUpper(aliceToken): ""} {
		if got, ok := tokens.lookup(token); got != want || ok != (want != "") {
			t.Errorf("lookup(%q) = %q, %v; want %q", token, got, ok, want)
		}
	}
}

func TestAuthAllowPlaintext(t *testing.T) {
	cc, _, _, _ := startServerWith(t, nil, "-auth-tokens", exampleTokens, "-auth-allow-plaintext")
	ctx := t.Context()
	if _, err := calculator.NewClient(cc).Add(ctx, 2, 3); status.Code(err) != codes.Unauthenticated {
		t.Errorf("Add without a token = %v, want Unauthenticated", err)
	}
	if sum, err := calculator.NewClient(cc).Add(bearer(ctx, aliceToken), 2, 3); err != nil || sum != 5 {
		t.Errorf("Add as alice = %d, %v; want 5", sum, err)
	}
}

// listServices asks server reflection for the list of services.
func listServices(ctx context.Context, cc grpc.ClientConnInterface) error {
	rs, err := reflectionpb.NewServerReflectionClient(cc).ServerReflectionInfo(ctx)
	if err != nil {
		return err
	}
	defer rs.CloseSend()
	if err := rs.Send(&reflectionpb.ServerReflectionRequest{MessageRequest: &reflectionpb.ServerReflectionRequest_ListServices{}}); err != nil {
		return err
	}
	_, err = rs.Recv()
	return err
}
