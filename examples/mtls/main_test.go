package main

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the run if the program leaves a goroutine behind (its
// server, or a client connection, not closed).
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestRunShowsMTLS checks every line the program prints: the client with a
// certificate from the server's CA is served and its certificate's subject
// and URI SAN reach the server's call context; the client without a
// certificate and the one with a certificate from another CA are refused
// at the handshake, for the reason the server gives, and no call of theirs
// reaches the server's interceptor.
func TestRunShowsMTLS(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), &out); err != nil {
		t.Fatalf("run: %v\noutput so far:\n%s", err, out.String())
	}
	want := []string{
		`^server: 127\.0\.0\.1:\d+ requires a client certificate issued by "CN=grpcexamples demo CA"$`,
		`^  server: /grpcexamples\.greeter\.v1\.Greeter/SayHello from subject "CN=alice", URI SANs \[spiffe://grpcexamples\.test/alice\]$`,
		`^client alice \(certificate from the server's CA\): -> "Hello, mTLS!"$`,
		`^client no client certificate: -> Unavailable$`,
		`^  server: refused the TLS handshake: tls: client didn't provide a certificate$`,
		`^client mallory \(certificate from another CA\): -> Unavailable$`,
		`^  server: refused the TLS handshake: tls: failed to verify certificate: x509: certificate signed by unknown authority`,
	}
	got := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(got) != len(want) {
		t.Fatalf("got %d lines, want %d\n--- output:\n%s", len(got), len(want), out.String())
	}
	for i := range want {
		if !regexp.MustCompile(want[i]).MatchString(got[i]) {
			t.Errorf("line %d: got %q, want a match of %q", i+1, got[i], want[i])
		}
	}
}
