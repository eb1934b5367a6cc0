package testcerts_test

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"os"
	"testing"

	"go.uber.org/goleak"

	"github.com/seed717b8fd8/grpcexamples/internal/testcerts"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// handshake runs an mTLS handshake over loopback TCP (whose buffers let
// either side write its alert without waiting for the other): a server
// presenting srv and requiring a client certificate from clientCAs, a
// client trusting roots for serverName and presenting cl (if not nil). It
// returns the server's error and what it verified of the client.
func handshake(t *testing.T, srv *testcerts.Cert, clientCAs *x509.CertPool, roots *x509.CertPool, serverName string, cl *testcerts.Cert) (error, []*x509.Certificate) {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer lis.Close()
	b, err := net.Dial("tcp", lis.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	a, err := lis.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	server := tls.Server(a, &tls.Config{
		Certificates: []tls.Certificate{srv.TLS}, ClientCAs: clientCAs, ClientAuth: tls.RequireAndVerifyClientCert,
	})
	ccfg := &tls.Config{RootCAs: roots, ServerName: serverName}
	if cl != nil {
		ccfg.Certificates = []tls.Certificate{cl.TLS}
	}
	client := tls.Client(b, ccfg)
	done := make(chan error, 1)
	go func() {
		err := client.Handshake()
		if err != nil {
			b.Close() // unblocks the server
		}
		done <- err
	}()
	err = server.Handshake()
	if err != nil {
		a.Close()
	}
	cerr := <-done
	if err == nil && cerr != nil {
		err = cerr
	}
	return err, server.ConnectionState().PeerCertificates
}

func TestMTLSHandshake(t *testing.T) {
	ca, err := testcerts.NewCA("test CA")
	if err != nil {
		t.Fatal(err)
	}
	other, err := testcerts.NewCA("other CA")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := ca.ServerCert("localhost", "127.0.0.1", "::1")
	if err != nil {
		t.Fatal(err)
	}
	cl, err := ca.ClientCert("alice", "spiffe://grpcexamples.test/alice")
	if err != nil {
		t.Fatal(err)
	}
	stranger, err := other.ClientCert("mallory")
	if err != nil {
		t.Fatal(err)
	}

	for _, name := range []string{"localhost", "127.0.0.1", "::1"} {
		err, peers := handshake(t, srv, ca.Pool(), ca.Pool(), name, cl)
		if err != nil {
			t.Fatalf("handshake for %s: %v", name, err)
		}
		if len(peers) != 1 || peers[0].Subject.CommonName != "alice" || peers[0].URIs[0].String() != "spiffe://grpcexamples.test/alice" {
			t.Errorf("the server saw %v", peers)
		}
	}
	if err, _ := handshake(t, srv, ca.Pool(), ca.Pool(), "other.example", cl); err == nil {
		t.Error("a name the server certificate does not hold was accepted")
	}
	if err, _ := handshake(t, srv, ca.Pool(), other.Pool(), "localhost", cl); err == nil {
		t.Error("a client trusting another CA accepted the server")
	}
	if err, _ := handshake(t, srv, ca.Pool(), ca.Pool(), "localhost", stranger); err == nil {
		t.Error("a client certificate from another CA was accepted")
	}
	if err, _ := handshake(t, srv, ca.Pool(), ca.Pool(), "localhost", nil); err == nil {
		t.Error("a client without a certificate was accepted")
	}
	// A server certificate is not a client certificate.
	var invalid x509.CertificateInvalidError
	if _, err := srv.Leaf.Verify(x509.VerifyOptions{Roots: ca.Pool(), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); !errors.As(err, &invalid) {
		t.Errorf("verifying the server certificate for client auth: %v, want an invalid-usage error", err)
	}
}

func TestWriteFiles(t *testing.T) {
	ca, err := testcerts.NewCA("test CA")
	if err != nil {
		t.Fatal(err)
	}
	cert, err := ca.ServerCert("localhost")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	caFile, err := ca.WriteFile(dir, "ca.pem")
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile, err := cert.WriteFiles(dir, "server")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tls.LoadX509KeyPair(certFile, keyFile); err != nil {
		t.Errorf("the written pair does not load: %v", err)
	}
	if fi, err := os.Stat(keyFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, %v; want 0600", fi.Mode().Perm(), err)
	}
	pemBytes, err := os.ReadFile(caFile)
	if err != nil || !x509.NewCertPool().AppendCertsFromPEM(pemBytes) {
		t.Errorf("the written CA does not load: %v", err)
	}
	if _, err := ca.ServerCert(); err == nil {
		t.Error("ServerCert() with no host = nil error")
	}
}
