// Package testcerts makes throwaway X.509 certificates in memory: a
// certificate authority, server certificates for the hosts a test dials,
// and client certificates for mTLS. Tests and the runnable examples use it
// so that TLS and mTLS work with no files to prepare and no openssl.
//
// The certificates are for tests and demonstrations only: their keys live
// in memory (or in a temporary directory the caller chose), they are valid
// for one day, and nothing revokes them. Production certificates come from
// the operator's own CA or ACME and reach examples/server through its
// -tls-cert, -tls-key and -tls-client-ca flags.
package testcerts

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"time"
)

// Validity is how long a certificate from this package stays valid after
// it was made. Each is also valid from an hour before, so that a peer whose
// clock is a little behind accepts it.
const Validity = 24 * time.Hour

// CA is a self-signed certificate authority that issues server and client
// certificates. It is safe for concurrent use.
type CA struct {
	// Cert is the CA's certificate; CertPEM is the same in PEM, as the
	// -tls-client-ca and -tls-ca flags read it.
	Cert    *x509.Certificate
	CertPEM []byte
	key     crypto.Signer
}

// Cert is a certificate issued by a CA, with its private key.
type Cert struct {
	// Leaf is the parsed certificate.
	Leaf *x509.Certificate
	// CertPEM and KeyPEM are the certificate and its PKCS #8 private key in
	// PEM, as the -tls-cert and -tls-key flags read them.
	CertPEM, KeyPEM []byte
	// TLS is the pair ready for tls.Config.Certificates.
	TLS tls.Certificate
}

// NewCA makes a CA whose subject is CN=commonName, with a new ECDSA P-256
// key.
func NewCA(commonName string) (*CA, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl, err := template(commonName)
	if err != nil {
		return nil, err
	}
	tmpl.IsCA = true
	tmpl.BasicConstraintsValid = true
	tmpl.MaxPathLenZero = true
	tmpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &CA{Cert: cert, CertPEM: pemBlock("CERTIFICATE", der), key: key}, nil
}

// Pool returns a pool holding only the CA's certificate, for
// tls.Config.RootCAs (a client trusting servers the CA issued) or
// tls.Config.ClientCAs (a server trusting clients the CA issued).
func (ca *CA) Pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.Cert)
	return p
}

// ServerCert issues a certificate for a TLS server reachable as each of
// hosts: a host that parses as an IP address becomes an IP SAN, any other
// a DNS SAN. The subject is CN=hosts[0]. It needs at least one host.
func (ca *CA) ServerCert(hosts ...string) (*Cert, error) {
	if len(hosts) == 0 {
		return nil, fmt.Errorf("testcerts: a server certificate needs at least one host")
	}
	tmpl, err := template(hosts[0])
	if err != nil {
		return nil, err
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	return ca.issue(tmpl)
}

// ClientCert issues a certificate for a TLS client (mTLS) whose subject is
// CN=commonName, with each of uris as a URI SAN, e.g. a SPIFFE ID such as
// "spiffe://grpcexamples.test/ops". grpc-go's authz package matches a
// policy's "principals" against the URI SANs when there are any, else the
// DNS SANs, else the subject ("CN=commonName").
func (ca *CA) ClientCert(commonName string, uris ...string) (*Cert, error) {
	tmpl, err := template(commonName)
	if err != nil {
		return nil, err
	}
	for _, u := range uris {
		parsed, err := url.Parse(u)
		if err != nil {
			return nil, fmt.Errorf("testcerts: URI SAN %q: %w", u, err)
		}
		tmpl.URIs = append(tmpl.URIs, parsed)
	}
	tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	return ca.issue(tmpl)
}

func (ca *CA) issue(tmpl *x509.Certificate) (*Cert, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl.KeyUsage = x509.KeyUsageDigitalSignature
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, key.Public(), ca.key)
	if err != nil {
		return nil, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	return &Cert{
		Leaf:    leaf,
		CertPEM: pemBlock("CERTIFICATE", der),
		KeyPEM:  pemBlock("PRIVATE KEY", keyDER),
		TLS:     tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf},
	}, nil
}

// WriteFile writes the CA's certificate to dir/name and returns that path.
func (ca *CA) WriteFile(dir, name string) (string, error) {
	path := filepath.Join(dir, name)
	return path, os.WriteFile(path, ca.CertPEM, 0o644)
}

// WriteFiles writes the certificate to dir/name.pem and its key, readable
// by the owner only, to dir/name.key, and returns the two paths.
func (c *Cert) WriteFiles(dir, name string) (certFile, keyFile string, err error) {
	certFile = filepath.Join(dir, name+".pem")
	keyFile = filepath.Join(dir, name+".key")
	if err := os.WriteFile(certFile, c.CertPEM, 0o644); err != nil {
		return "", "", err
	}
	if err := os.WriteFile(keyFile, c.KeyPEM, 0o600); err != nil {
		return "", "", err
	}
	return certFile, keyFile, nil
}

// template is the part every certificate shares: a random 128-bit serial,
// the subject CN=commonName, and Validity from an hour ago.
func template(commonName string) (*x509.Certificate, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return nil, err
	}
	now := time.Now()
	return &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: commonName},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(Validity),
	}, nil
}

func pemBlock(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}
