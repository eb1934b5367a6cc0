// Command mkcerts writes a throwaway CA, a server certificate and client
// certificates into a directory, for the interop scripts' TLS and mTLS runs
// (see interop/lib.sh, make_certs):
//
//	go run ./internal/testcerts/mkcerts -dir DIR
//
// It writes, each certificate valid for testcerts.Validity:
//
//	ca.pem                       the CA that issued everything below but stranger
//	server.pem, server.key       for localhost, 127.0.0.1 and ::1
//	client.pem, client.key       CN=interop-client, URI SAN spiffe://grpcexamples.test/interop
//	stranger.pem, stranger.key   a client certificate from another CA, which a server
//	                             trusting ca.pem must refuse
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/seed717b8fd8/grpcexamples/internal/testcerts"
)

func main() {
	dir := flag.String("dir", "", "directory to write the files into (made if missing)")
	flag.Parse()
	if *dir == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: mkcerts -dir DIR")
		os.Exit(2)
	}
	if err := write(*dir); err != nil {
		fmt.Fprintln(os.Stderr, "mkcerts:", err)
		os.Exit(1)
	}
}

func write(dir string) error {
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
	client, err := ca.ClientCert("interop-client", "spiffe://grpcexamples.test/interop")
	if err != nil {
		return err
	}
	if _, _, err := client.WriteFiles(dir, "client"); err != nil {
		return err
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
