package main

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"

	"google.golang.org/grpc/credentials"
)

// serverCreds builds the server's TLS credentials from -tls-cert and
// -tls-key and, with -tls-client-ca, requires every client to present a
// certificate issued by one of that file's CAs (mTLS): the handshake fails
// for a client without one or with one from another CA, so no call of such
// a client reaches a handler. Errors name the flag and the file.
//
// TLS 1.2 is the least version accepted (RFC 9325); grpc-go's credentials
// add the "h2" ALPN protocol that gRPC requires. A handler finds the client
// certificate (its subject, SANs) in peer.FromContext(ctx).AuthInfo, a
// credentials.TLSInfo; see peerSubject.
func serverCreds(cfg config) (credentials.TransportCredentials, error) {
	tc, err := tlsConfig(cfg)
	if err != nil {
		return nil, err
	}
	return credentials.NewTLS(tc), nil
}

// tlsConfig is the TLS configuration serverCreds describes, which
// -http-addr serves too.
func tlsConfig(cfg config) (*tls.Config, error) {
	pair, err := tls.LoadX509KeyPair(cfg.tlsCert, cfg.tlsKey)
	if err != nil {
		return nil, fmt.Errorf("-tls-cert %s / -tls-key %s: %w", cfg.tlsCert, cfg.tlsKey, err)
	}
	tc := &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12}
	if cfg.tlsClientCA != "" {
		pool, err := loadCertPool(cfg.tlsClientCA)
		if err != nil {
			return nil, fmt.Errorf("-tls-client-ca: %w", err)
		}
		tc.ClientCAs = pool
		tc.ClientAuth = tls.RequireAndVerifyClientCert
	}
	return tc, nil
}

// loadCertPool reads a PEM file of one or more CA certificates.
func loadCertPool(file string) (*x509.CertPool, error) {
	pemBytes, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemBytes) {
		return nil, fmt.Errorf("%s: no PEM certificate in the file", file)
	}
	return pool, nil
}
