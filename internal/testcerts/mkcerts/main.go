// Command mkcerts writes a throwaway CA, a server certificate and client
// certificates into a directory, for the interop scripts' TLS and mTLS runs
// (see interop/lib.sh, make_certs) and the README's mTLS walk-through:
//
//	go run ./internal/testcerts/mkcerts -dir DIR [-client-id ID]...
//
// It writes, each certificate valid for testcerts.Validity:
//
//	ca.pem                       the CA that issued everything below but stranger
//	server.pem, server.key       for localhost, 127.0.0.1 and ::1
//	client.pem, client.key       CN=interop-client, URI SAN spiffe://grpcexamples.test/interop
//	client-ID.pem, client-ID.key for each -client-id ID: CN=ID, URI SAN
//	                             spiffe://grpcexamples.test/ID (-client-id ops is the
//	                             identity examples/server/auth/authz-policy.json lets
//	                             call every method)
//	stranger.pem, stranger.key   a client certificate from another CA, which a server
//	                             trusting ca.pem must refuse
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/seed717b8fd8/grpcexamples/internal/testcerts"
)

// trustDomain is the SPIFFE trust domain of the client certificates.
const trustDomain = "spiffe://grpcexamples.test/"

// maxClientIDLen is the longest -client-id: a file name part and a SPIFFE
// path segment, kept short.
const maxClientIDLen = 64

func main() {
	dir := flag.String("dir", "", "directory to write the files into (made if missing)")
	var ids []string
	flag.Func("client-id", "also write client-ID.pem and client-ID.key, a client certificate for CN=ID and URI SAN "+trustDomain+"ID (repeatable)", func(id string) error {
		if err := checkClientID(id); err != nil {
			return err
		}
		ids = append(ids, id)
		return nil
	})
	flag.Parse()
	if *dir == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: mkcerts -dir DIR [-client-id ID]...")
		os.Exit(2)
	}
	if err := write(*dir, ids); err != nil {
		fmt.Fprintln(os.Stderr, "mkcerts:", err)
		os.Exit(1)
	}
}

// checkClientID accepts 1 to maxClientIDLen letters, digits and ._- (a
// SPIFFE path segment's characters), but not "." or "..".
func checkClientID(id string) error {
	if id == "" || len(id) > maxClientIDLen || id == "." || id == ".." ||
		strings.IndexFunc(id, func(r rune) bool {
			return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || strings.ContainsRune("._-", r))
		}) >= 0 {
		return fmt.Errorf("%.80q: want 1 to %d letters, digits or ._- characters (a SPIFFE path segment)", id, maxClientIDLen)
	}
	return nil
}

func write(dir string, clientIDs []string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	ca, err := testcerts.NewCA("grpcexamples interop CA")
	if err != nil {
		return err
	}
	if _, err := ca.WriteFile(dir, "ca.pem"); err != nil {
		return err
	}
	server, err := ca.ServerCert("localhost", "127.0.0.1", "::1")
	if err != nil {
		return err
	}
	if _, _, err := server.WriteFiles(dir, "server"); err != nil {
		return err
	}
	client, err := ca.ClientCert("interop-client", trustDomain+"interop")
	if err != nil {
		return err
	}
	if _, _, err := client.WriteFiles(dir, "client"); err != nil {
		return err
	}
	for _, id := range clientIDs {
		c, err := ca.ClientCert(id, trustDomain+id)
		if err != nil {
			return err
		}
		if _, _, err := c.WriteFiles(dir, "client-"+id); err != nil {
			return err
		}
	}
	other, err := testcerts.NewCA("another CA")
	if err != nil {
		return err
	}
	stranger, err := other.ClientCert("stranger")
	if err != nil {
		return err
	}
	_, _, err = stranger.WriteFiles(dir, "stranger")
	return err
}
