// Command mtls shows mutual TLS: a server that requires every client to
// present a certificate from a CA it trusts, and reads the verified
// certificate of the client on each call.
//
//	go run ./examples/mtls
//
// Everything is made in this process: a throwaway CA and certificates
// (internal/testcerts), and a grpc.Server with the greeter on a 127.0.0.1
// port, whose TLS config asks for client certificates
// (tls.RequireAndVerifyClientCert, ClientCAs = the CA). Three clients call
// it, each trusting the CA for the server's certificate:
//
//   - one with a client certificate from the CA: its call succeeds, and a
//     server interceptor prints the certificate's subject and URI SAN as
//     the handler's context holds them (peer.FromContext);
//   - one without a client certificate, and one with a certificate from
//     another CA: the server refuses the TLS handshake, so no call reaches
//     a handler, and the client's call fails with Unavailable. The program
//     prints why the server refused; the client's own message depends on
//     when the refusal reached it (with TLS 1.3 the client has finished
//     its half of the handshake by then), so only its code is printed.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"

	"github.com/seed717b8fd8/grpcexamples/greeter"
	"github.com/seed717b8fd8/grpcexamples/internal/testcerts"
)

// callTimeout bounds each call. A refused handshake fails a call at once;
// the bound only keeps a broken setup from hanging the program.
const callTimeout = 10 * time.Second

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "mtls:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, w io.Writer) (err error) {
	out := &syncWriter{w: w}
	ca, err := testcerts.NewCA("grpcexamples demo CA")
	if err != nil {
		return err
	}
	serverCert, err := ca.ServerCert("127.0.0.1", "localhost")
	if err != nil {
		return err
	}
	alice, err := ca.ClientCert("alice", "spiffe://grpcexamples.test/alice")
	if err != nil {
		return err
	}
	otherCA, err := testcerts.NewCA("another CA")
	if err != nil {
		return err
	}
	mallory, err := otherCA.ClientCert("mallory")
	if err != nil {
		return err
	}

	// The server: TLS 1.2 or later, and a client certificate issued by ca
	// on every connection. The handshake checks it before any call.
	creds := credentials.NewTLS(&tls.Config{
		Certificates: []tls.Certificate{serverCert.TLS},
		ClientCAs:    ca.Pool(),
		ClientAuth:   tls.RequireAndVerifyClientCert,
		MinVersion:   tls.VersionTLS12,
	})
	refusals := make(chan error, 8)
	s := grpc.NewServer(
		grpc.Creds(refusalsTo(refusals, creds)),
		grpc.ChainUnaryInterceptor(printPeer(out)),
	)
	greeter.Register(s, greeter.NewServer())
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	served := make(chan error, 1)
	go func() { served <- s.Serve(lis) }()
	defer func() {
		s.GracefulStop() // the clients are closed by now
		err = errors.Join(err, <-served)
	}()
	out.printf("server: %s requires a client certificate issued by %q\n", lis.Addr(), ca.Cert.Subject)

	for _, c := range []struct {
		name string
		cert *testcerts.Cert // nil: no client certificate
	}{
		{"alice (certificate from the server's CA)", alice},
		{"no client certificate", nil},
		{"mallory (certificate from another CA)", mallory},
	} {
		for len(refusals) > 0 {
			<-refusals // a previous client's reconnection, if it made one
		}
		msg, err := call(ctx, lis.Addr().String(), ca.Pool(), c.cert)
		if err == nil {
			out.printf("client %s: -> %q\n", c.name, msg)
			continue
		}
		out.printf("client %s: -> %v\n", c.name, status.Code(err))
		select {
		case why := <-refusals:
			out.printf("  server: refused the TLS handshake: %v\n", why)
		case <-time.After(callTimeout):
			return fmt.Errorf("client %s failed (%w) but the server refused no handshake", c.name, err)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// refusalsTo returns creds that also send each failed server handshake's
// error to refusals, dropping it when refusals is full. grpc-go only logs
// these errors, at a level its default logger does not show.
func refusalsTo(refusals chan<- error, creds credentials.TransportCredentials) credentials.TransportCredentials {
	return refusalCreds{creds, refusals}
}

type refusalCreds struct {
	credentials.TransportCredentials
	refusals chan<- error
}

func (c refusalCreds) ServerHandshake(conn net.Conn) (net.Conn, credentials.AuthInfo, error) {
	conn, info, err := c.TransportCredentials.ServerHandshake(conn)
	if err != nil {
		select {
		case c.refusals <- err:
		default:
		}
	}
	return conn, info, err
}

// call connects to addr with TLS, trusting roots for the server's
// certificate and presenting cert (none if nil), and says hello.
func call(ctx context.Context, addr string, roots *x509.CertPool, cert *testcerts.Cert) (string, error) {
	tc := &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
	if cert != nil {
		// Presented whatever the server asks for. With tc.Certificates
		// instead, Go's client sends a certificate only when the server's
		// list of acceptable CAs names its issuer, so mallory would send
		// none and the server's check of a foreign CA would not be seen.
		tc.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
			return &cert.TLS, nil
		}
	}
	cc, err := grpc.NewClient(addr, grpc.WithTransportCredentials(credentials.NewTLS(tc)))
	if err != nil {
		return "", err
	}
	defer cc.Close()
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	return greeter.NewClient(cc).SayHello(ctx, "mTLS")
}

// printPeer is a server interceptor that prints, for every call, the
// client certificate the handshake verified. The handler gets the same
// context, so a handler reads it the same way.
func printPeer(out *syncWriter) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		out.printf("  server: %s from %s\n", info.FullMethod, clientIdentity(ctx))
		return handler(ctx, req)
	}
}

// clientIdentity describes the verified client certificate of the call in
// ctx: its subject and URI SANs (where a SPIFFE ID lives).
func clientIdentity(ctx context.Context) string {
	p, ok := peer.FromContext(ctx)
	if !ok {
		return "no peer"
	}
	info, ok := p.AuthInfo.(credentials.TLSInfo)
	if !ok || len(info.State.VerifiedChains) == 0 || len(info.State.VerifiedChains[0]) == 0 {
		return "a client without a verified certificate"
	}
	leaf := info.State.VerifiedChains[0][0]
	uris := make([]string, len(leaf.URIs))
	for i, u := range leaf.URIs {
		uris[i] = u.String()
	}
	return fmt.Sprintf("subject %q, URI SANs [%s]", leaf.Subject, strings.Join(uris, " "))
}

// syncWriter lets the server's goroutines and the client's print to one
// writer, a line at a time. The order of the lines is the calls' order:
// the server prints before its handler answers.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) printf(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fmt.Fprintf(s.w, format, args...)
}
