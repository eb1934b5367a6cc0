package main

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"go.uber.org/goleak"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/seed717b8fd8/grpcexamples/calculator"
	"github.com/seed717b8fd8/grpcexamples/greeter"
)

// TestMain fails the run if the program leaves a goroutine behind (its
// server, or a client connection, not closed).
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestRunShowsAuth checks every line the program prints: alice may call
// both services, bob the greeter but not the calculator (PermissionDenied),
// a call without a token or with an unknown one is Unauthenticated, and
// grpc-go refuses a bearer token on a plaintext connection.
func TestRunShowsAuth(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), &out); err != nil {
		t.Fatalf("run: %v\noutput so far:\n%s", err, out.String())
	}
	want := []string{
		`^server: 127\.0\.0\.1:\d+, TLS, `,
		`^alice: SayHello -> "Hello, alice!"$`,
		`^alice: Add\(2, 3\) -> 5$`,
		`^bob: SayHello -> "Hello, bob!"$`,
		`^bob: Add\(2, 3\) -> PermissionDenied: `,
		`^no token: SayHello -> Unauthenticated: missing bearer token`,
		`^no token: Add\(2, 3\) -> Unauthenticated: missing bearer token`,
		`^unknown token: SayHello -> Unauthenticated: unknown bearer token$`,
		`^unknown token: Add\(2, 3\) -> Unauthenticated: unknown bearer token$`,
		`^alice over plaintext: grpc.NewClient -> .*transport level security`,
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

// TestIdentityCannotBeClaimed: the policy trusts the x-auth-identity
// header, so a caller who sends one must not be believed. Bob claiming to
// be alice is still bob; a caller with no token claiming alice is still
// refused; and the token never reaches the handler's metadata.
func TestIdentityCannotBeClaimed(t *testing.T) {
	srv, err := start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := srv.stop(); err != nil {
			t.Errorf("stop: %v", err)
		}
	})
	claimAlice := metadata.AppendToOutgoingContext(t.Context(), identityHeader, "alice")
	for _, tc := range []struct {
		who, token string
		want       codes.Code
	}{
		{"bob", srv.tokens["bob"], codes.PermissionDenied},
		{"no token", "", codes.Unauthenticated},
	} {
		cc, err := srv.dial(tc.token)
		if err != nil {
			t.Fatal(err)
		}
		defer cc.Close()
		if _, err := calculator.NewClient(cc).Add(claimAlice, 2, 3); status.Code(err) != tc.want {
			t.Errorf("%s claiming to be alice: Add = %v; want %v", tc.who, err, tc.want)
		}
	}
	// Alice's token still works when she also sends the header herself.
	cc, err := srv.dial(srv.tokens["alice"])
	if err != nil {
		t.Fatal(err)
	}
	defer cc.Close()
	if _, err := greeter.NewClient(cc).SayHello(claimAlice, "alice"); err != nil {
		t.Errorf("alice: SayHello = %v", err)
	}
}

// TestAuthenticateHidesToken: after a known token, the handler's incoming
// metadata holds the identity and no longer the authorization header.
func TestAuthenticateHidesToken(t *testing.T) {
	authn := authenticate(newTokenTable(map[string]string{"alice": "token-of-alice-0123456789"}))
	ctx := metadata.NewIncomingContext(t.Context(), metadata.Pairs(
		"authorization", "Bearer token-of-alice-0123456789", identityHeader, "mallory"))
	ctx, err := authn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	md, _ := metadata.FromIncomingContext(ctx)
	if got := md.Get(identityHeader); len(got) != 1 || got[0] != "alice" {
		t.Errorf("%s = %q, want [alice]", identityHeader, got)
	}
	if got := md.Get("authorization"); len(got) != 0 {
		t.Errorf("authorization = %q, want it deleted", got)
	}
	for _, token := range []string{"", "token-of-alice-012345678", "token-of-alice-01234567890"} {
		ctx := metadata.NewIncomingContext(t.Context(), metadata.Pairs("authorization", "Bearer "+token))
		if _, err := authn(ctx); status.Code(err) != codes.Unauthenticated {
			t.Errorf("token %q: %v, want Unauthenticated", token, err)
		}
	}
}
