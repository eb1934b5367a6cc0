package main

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"strings"
	"time"

	"golang.org/x/net/http2"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/seed717b8fd8/grpcexamples/internal/replicas"
)

// probeTimeout bounds each probe of a server's transport: the dial, the
// handshake and the first frame.
const probeTimeout = 2 * time.Second

// maxProbes is the most addresses of -addr one failed call probes.
const maxProbes = 3

// transportHint says which flag to use when a call failed because the
// client and the server disagree on TLS, or "" when they do not (or the
// call failed for another reason). grpc-go reports such a mismatch only
// as a broken connection: a plaintext client against a TLS server reads
// "error reading server preface: EOF" (the server closes the connection
// on a first record that is not TLS), and a TLS client against a
// plaintext server fails its handshake, often with "first record does not
// look like a TLS handshake", sometimes with a bare connection reset, and
// a TLS client without a certificate against a server that requires one
// sees a broken pipe. So on those failures the client asks the server
// directly: one TLS handshake, or one plaintext HTTP/2 preface, per
// address.
func (c *connConfig) transportHint(st *status.Status) string {
	if st.Code() != codes.Unavailable {
		return ""
	}
	addrs := []string{c.addr}
	if strings.Contains(c.addr, ",") {
		addrs, _ = replicas.SplitAddrs(c.addr) // connect checked them
	}
	addrs = addrs[:min(len(addrs), maxProbes)]
	switch {
	case !c.tls && strings.Contains(st.Message(), "error reading server preface"):
		for _, a := range addrs {
			switch probeTLS(a) {
			case tlsServer:
				return "the server at " + a + " speaks TLS: add -tls (or -tls-ca FILE when a private CA issued its certificate)"
			case mtlsServer:
				return "the server at " + a + " speaks TLS and asks for a client certificate: add -tls-cert FILE -tls-key FILE (and -tls-ca FILE when a private CA issued its certificate)"
			}
		}
	case c.tls && strings.Contains(st.Message(), "authentication handshake failed"):
		for _, a := range addrs {
			if probePlaintext(a) {
				return "the server at " + a + " speaks plaintext, not TLS: drop -tls and the other -tls-* flags"
			}
		}
	case c.tls && c.tlsCert == "":
		// A server that requires a client certificate refuses the
		// connection after the client's side of a TLS 1.3 handshake, so
		// the call sees only a broken pipe or a reset.
		for _, a := range addrs {
			if probeTLS(a) == mtlsServer {
				return "the server at " + a + " asks for a client certificate: add -tls-cert FILE -tls-key FILE"
			}
		}
	}
	return ""
}

type tlsAnswer int

const (
	notTLS tlsAnswer = iota
	tlsServer
	mtlsServer // a TLS server that asked for a client certificate
)

// probeTLS makes one TLS handshake with addr, verifying nothing: it only
// learns whether the server speaks TLS, and whether it asks for a client
// certificate, and sends no call on the connection.
func probeTLS(addr string) tlsAnswer {
	ctx, cancel := context.WithTimeout(context.Background(), probeTimeout)
	defer cancel()
	asked := false
	d := tls.Dialer{Config: &tls.Config{
		InsecureSkipVerify: true, // a probe: nothing is sent over this connection
		NextProtos:         []string{"h2"},
		GetClientCertificate: func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
			asked = true
			return new(tls.Certificate), nil
		},
	}}
	conn, err := d.DialContext(ctx, "tcp", addr)
	var alert tls.AlertError
	switch {
	case err == nil:
		conn.Close()
	case errors.As(err, &alert): // the server answered in TLS, with an alert
	default:
		return notTLS
	}
	if asked {
		return mtlsServer
	}
	return tlsServer
}

// probePlaintext sends addr the HTTP/2 client preface and an empty
// SETTINGS frame in plaintext, and reports whether the first frame that
// comes back is the server's SETTINGS: a plaintext HTTP/2 server.
func probePlaintext(addr string) bool {
	conn, err := net.DialTimeout("tcp", addr, probeTimeout)
	if err != nil {
		return false
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(probeTimeout)); err != nil {
		return false
	}
	if _, err := conn.Write([]byte(http2.ClientPreface)); err != nil {
		return false
	}
	fr := http2.NewFramer(conn, conn)
	if err := fr.WriteSettings(); err != nil {
		return false
	}
	f, err := fr.ReadFrame()
	if err != nil {
		return false
	}
	_, ok := f.(*http2.SettingsFrame)
	return ok
}
