package main

import (
	"crypto/tls"
	"crypto/x509"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWrite: each -client-id gets a certificate from ca.pem, for client
// authentication, whose URI SAN is its SPIFFE id.
func TestWrite(t *testing.T) {
	dir := t.TempDir()
	if err := write(dir, []string{"ops", "batch-7"}); err != nil {
		t.Fatal(err)
	}
	caPEM, err := os.ReadFile(filepath.Join(dir, "ca.pem"))
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(caPEM) {
		t.Fatal("ca.pem holds no certificate")
	}
	for name, want := range map[string]string{
		"client":         "spiffe://grpcexamples.test/interop",
		"client-ops":     "spiffe://grpcexamples.test/ops",
		"client-batch-7": "spiffe://grpcexamples.test/batch-7",
	} {
		pair, err := tls.LoadX509KeyPair(filepath.Join(dir, name+".pem"), filepath.Join(dir, name+".key"))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		cert := pair.Leaf
		if len(cert.URIs) != 1 || cert.URIs[0].String() != want {
			t.Errorf("%s: URI SANs %v, want [%s]", name, cert.URIs, want)
		}
		if _, err := cert.Verify(x509.VerifyOptions{Roots: roots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
			t.Errorf("%s: not a client certificate of ca.pem: %v", name, err)
		}
	}
}

func TestCheckClientID(t *testing.T) {
	for _, id := range []string{"ops", "a.b_c-9", strings.Repeat("x", maxClientIDLen)} {
		if err := checkClientID(id); err != nil {
			t.Errorf("%q: %v", id, err)
		}
	}
	for _, id := range []string{"", ".", "..", "a/b", "../ops", "ops ", "é", strings.Repeat("x", maxClientIDLen+1)} {
		if err := checkClientID(id); err == nil {
			t.Errorf("%q: accepted", id)
		}
	}
}
