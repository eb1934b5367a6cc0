// Command auth shows the two questions a server asks of every call: who is
// calling (authentication, by a bearer token) and may they call this
// method (authorization, by a policy).
//
//	go run ./examples/auth
//
// Everything is made in this process: a throwaway CA and server
// certificate (internal/testcerts), a random token for each of two
// identities, alice and bob, and a grpc.Server on a 127.0.0.1 port serving
// the greeter and the calculator over TLS. Two interceptors guard every
// call, in this order:
//
//  1. go-grpc-middleware's auth interceptor runs authenticate: the
//     "authorization: Bearer TOKEN" metadata must hold a known token, or
//     the call fails with Unauthenticated. The token's identity goes into
//     the x-auth-identity request header, where the policy can see it.
//  2. grpc-go's authz interceptor evaluates policy, an RBAC policy of
//     allow rules: every identity may call the greeter, only alice the
//     calculator. A call no rule allows fails with PermissionDenied.
//
// Clients send their token with per-RPC credentials on the connection
// (grpc.WithPerRPCCredentials), which grpc-go refuses to use over a
// plaintext connection, where anyone on the path could read the token.
package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"time"

	"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/auth"
	"google.golang.org/grpc"
	"google.golang.org/grpc/authz"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/seed717b8fd8/grpcexamples/calculator"
	"github.com/seed717b8fd8/grpcexamples/greeter"
	"github.com/seed717b8fd8/grpcexamples/internal/testcerts"
)

// identityHeader carries the identity authenticate found to the authz
// policy, which can match method paths, request headers and client
// certificates, but knows nothing of tokens.
const identityHeader = "x-auth-identity"

// policy is a gRPC authorization policy (gRFC A43), the JSON that grpc-go's
// authz package reads. "*" alone in "values" means "the header is present".
const policy = `{
  "name": "gallery-auth",
  "allow_rules": [
    {
      "name": "greeter-for-every-identity",
      "request": {
        "paths": ["/grpcexamples.greeter.v1.Greeter/*"],
        "headers": [{"key": "x-auth-identity", "values": ["*"]}]
      }
    },
    {
      "name": "everything-for-alice",
      "request": {
        "paths": ["*"],
        "headers": [{"key": "x-auth-identity", "values": ["alice"]}]
      }
    }
  ]
}`

// callTimeout bounds each call; calls here answer at once, and the bound
// only keeps a broken setup from hanging the program.
const callTimeout = 10 * time.Second

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "auth:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, w io.Writer) (err error) {
	srv, err := start()
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, srv.stop()) }() // after the clients close
	fmt.Fprintf(w, "server: %s, TLS, tokens for alice and bob, policy: the greeter for every identity, everything for alice\n", srv.addr)

	for _, c := range []struct {
		who, token string
	}{
		{"alice", srv.tokens["alice"]},
		{"bob", srv.tokens["bob"]},
		{"no token", ""},
		{"unknown token", rand.Text()},
	} {
		if err := calls(ctx, w, srv, c.who, c.token); err != nil {
			return err
		}
	}

	// The same token over plaintext: grpc-go will not build the client.
	_, err = grpc.NewClient(srv.addr, grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithPerRPCCredentials(bearerToken(srv.tokens["alice"])))
	fmt.Fprintf(w, "alice over plaintext: grpc.NewClient -> %v\n", err)
	if err == nil {
		return errors.New("grpc.NewClient accepted a bearer token on a plaintext connection")
	}
	return nil
}

// server is the guarded gRPC server, serving on addr.
type server struct {
	addr   string
	ca     *testcerts.CA     // issued the server's certificate
	tokens map[string]string // identity -> bearer token
	stop   func() error      // stops gracefully: close the clients first
}

// start makes the CA, the tokens and the server, and serves.
func start() (*server, error) {
	ca, err := testcerts.NewCA("grpcexamples demo CA")
	if err != nil {
		return nil, err
	}
	serverCert, err := ca.ServerCert("127.0.0.1", "localhost")
	if err != nil {
		return nil, err
	}
	tokens := map[string]string{"alice": rand.Text(), "bob": rand.Text()}
	authorize, err := authz.NewStatic(policy)
	if err != nil {
		return nil, fmt.Errorf("the authz policy: %w", err)
	}
	authn := authenticate(newTokenTable(tokens))
	s := grpc.NewServer(
		grpc.Creds(credentials.NewTLS(&tls.Config{Certificates: []tls.Certificate{serverCert.TLS}, MinVersion: tls.VersionTLS12})),
		grpc.ChainUnaryInterceptor(auth.UnaryServerInterceptor(authn), authorize.UnaryInterceptor),
		grpc.ChainStreamInterceptor(auth.StreamServerInterceptor(authn), authorize.StreamInterceptor),
	)
	greeter.Register(s, greeter.NewServer())
	calculator.Register(s, calculator.NewServer())
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	served := make(chan error, 1)
	go func() { served <- s.Serve(lis) }()
	return &server{
		addr:   lis.Addr().String(),
		ca:     ca,
		tokens: tokens,
		stop:   func() error { s.GracefulStop(); return <-served },
	}, nil
}

// dial connects to srv over TLS, trusting its CA, and sends token ("" for
// none) with every call.
func (srv *server) dial(token string) (*grpc.ClientConn, error) {
	opts := []grpc.DialOption{grpc.WithTransportCredentials(credentials.NewTLS(&tls.Config{RootCAs: srv.ca.Pool(), MinVersion: tls.VersionTLS12}))}
	if token != "" {
		opts = append(opts, grpc.WithPerRPCCredentials(bearerToken(token)))
	}
	return grpc.NewClient(srv.addr, opts...)
}

// calls makes one greeter and one calculator call as who, sending token
// ("" for none), and prints what each returned.
func calls(ctx context.Context, w io.Writer, srv *server, who, token string) error {
	cc, err := srv.dial(token)
	if err != nil {
		return err
	}
	defer cc.Close()
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()

	msg, err := greeter.NewClient(cc).SayHello(ctx, who)
	fmt.Fprintf(w, "%s: SayHello -> %s\n", who, result(fmt.Sprintf("%q", msg), err))
	sum, err := calculator.NewClient(cc).Add(ctx, 2, 3)
	fmt.Fprintf(w, "%s: Add(2, 3) -> %s\n", who, result(fmt.Sprint(sum), err))
	return nil
}

func result(ok string, err error) string {
	if err != nil {
		st := status.Convert(err)
		return fmt.Sprintf("%v: %s", st.Code(), st.Message())
	}
	return ok
}

// bearerToken is per-RPC credentials sending "authorization: Bearer TOKEN"
// with every call. RequireTransportSecurity makes grpc.NewClient refuse it
// without TLS, and GetRequestMetadata checks again on every call, as
// grpc-go's credentials/oauth does.
type bearerToken string

func (t bearerToken) GetRequestMetadata(ctx context.Context, _ ...string) (map[string]string, error) {
	ri, _ := credentials.RequestInfoFromContext(ctx)
	if err := credentials.CheckSecurityLevel(ri.AuthInfo, credentials.PrivacyAndIntegrity); err != nil {
		return nil, fmt.Errorf("refusing to send a bearer token: %w", err)
	}
	return map[string]string{"authorization": "Bearer " + string(t)}, nil
}

func (bearerToken) RequireTransportSecurity() bool { return true }

// tokenTable finds the identity of a bearer token. It holds the tokens'
// SHA-256 only, and compares a presented token's hash with every entry,
// in constant time, so that the time taken says nothing of which entry
// matched or how much of a wrong token was right.
type tokenTable []tokenEntry

type tokenEntry struct {
	sum      [sha256.Size]byte
	identity string
}

func newTokenTable(tokens map[string]string) tokenTable {
	var t tokenTable
	for identity, token := range tokens {
		t = append(t, tokenEntry{sha256.Sum256([]byte(token)), identity})
	}
	return t
}

func (t tokenTable) lookup(token string) (identity string, ok bool) {
	sum := sha256.Sum256([]byte(token))
	match := -1
	for i := range t {
		match = subtle.ConstantTimeSelect(subtle.ConstantTimeCompare(sum[:], t[i].sum[:]), i, match)
	}
	if match < 0 {
		return "", false
	}
	return t[match].identity, true
}

// authenticate is the auth interceptor's check. It replaces whatever
// identityHeader the caller sent, so that no caller can claim an identity,
// and deletes the token, so that handlers and their logs never see it.
func authenticate(tokens tokenTable) auth.AuthFunc {
	return func(ctx context.Context) (context.Context, error) {
		token, err := auth.AuthFromMD(ctx, "bearer")
		if err != nil {
			return nil, status.Error(codes.Unauthenticated, `missing bearer token: send the metadata "authorization: Bearer TOKEN"`)
		}
		identity, ok := tokens.lookup(token)
		if !ok {
			return nil, status.Error(codes.Unauthenticated, "unknown bearer token")
		}
		md, _ := metadata.FromIncomingContext(ctx)
		md = md.Copy()
		md.Delete("authorization")
		md.Set(identityHeader, identity)
		return metadata.NewIncomingContext(ctx, md), nil
	}
}
