package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors"
	"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/auth"
	"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/selector"
	"google.golang.org/grpc"
	"google.golang.org/grpc/authz"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"
	reflectionv1 "google.golang.org/grpc/reflection/grpc_reflection_v1"
	reflectionv1alpha "google.golang.org/grpc/reflection/grpc_reflection_v1alpha"
	"google.golang.org/grpc/status"
)

// How the two steps fit together, and why a header.
//
// Authentication (-auth-tokens) answers "who is calling": it checks the
// bearer token and writes the caller's identity into the call's incoming
// metadata under identityHeader. Authorization (-authz-policy) answers
// "may they call this method": grpc-go's authz package evaluates an RBAC
// policy, and a policy can match only what authz can see, namely the
// method path, request headers, and the peer's TLS certificate
// ("principals"). The header is how the token's identity reaches it.
//
// Because a header could also come from the caller, the authentication
// step deletes any identityHeader the caller sent before it sets its own,
// on every call the policy covers, with or without -auth-tokens. It also
// deletes the authorization header once the token is checked, so that
// handlers and anything they log never see the secret.
//
// An mTLS client's identity needs no header: a policy's "principals" match
// the client certificate (its URI SANs if it has any, else its DNS SANs,
// else its subject, e.g. "CN=ops"). See auth/authz-policy.json.

// identityHeader is the request metadata key that carries the identity the
// token file gives the caller's token, for -authz-policy rules such as
//
//	"headers": [{"key": "x-auth-identity", "values": ["alice"]}]
const identityHeader = "x-auth-identity"

// openServices stay open to every caller: no token is asked for and no
// policy consulted. Load balancers, Kubernetes probes and grpcurl call
// them before they could hold a token, and neither reveals anything a
// caller could not learn by calling: health says SERVING or not, and
// reflection describes the public contract in pb/.
var openServices = map[string]bool{
	healthpb.Health_ServiceDesc.ServiceName:                    true,
	reflectionv1.ServerReflection_ServiceDesc.ServiceName:      true,
	reflectionv1alpha.ServerReflection_ServiceDesc.ServiceName: true,
}

// guarded selects the calls the authentication and authorization steps
// apply to: all but those of openServices.
var guarded = selector.MatchFunc(func(_ context.Context, c interceptors.CallMeta) bool {
	return !openServices[c.Service]
})

// Limits of the token file, which the operator writes. A token shorter
// than minTokenLen is too easy to guess; tokens and identities travel in
// HTTP/2 headers, so each is kept to characters that need no escaping.
const (
	minTokenLen       = 16
	maxTokenLen       = 1024
	maxIdentityLen    = 128
	maxTokenFileBytes = 1 << 20
)

// tokenTable maps bearer tokens to identities. It keeps only each token's
// SHA-256, so that the secrets are not in the server's memory, and lookup
// compares the presented token's hash with every entry in constant time.
type tokenTable struct {
	entries []tokenEntry
}

type tokenEntry struct {
	sum      [sha256.Size]byte
	identity string
}

// loadTokens reads -auth-tokens: one "TOKEN IDENTITY" per line, separated
// by spaces or tabs; blank lines and lines starting with # are skipped. A
// token has at least minTokenLen characters of RFC 6750's token68 set
// (letters, digits, -._~+/ and trailing =); an identity is 1 to
// maxIdentityLen letters, digits or ._@:/+- characters. A token listed
// twice, or a file with no token, is an error.
func loadTokens(file string) (*tokenTable, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("-auth-tokens: %w", err)
	}
	defer f.Close()
	t := new(tokenTable)
	seen := map[[sha256.Size]byte]int{}
	sc := bufio.NewScanner(io.LimitReader(f, maxTokenFileBytes))
	sc.Buffer(make([]byte, 0, 4096), maxTokenLen+maxIdentityLen+256)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) != 2 {
			return nil, fmt.Errorf("-auth-tokens %s line %d: want \"TOKEN IDENTITY\", got %d fields", file, n, len(fields))
		}
		token, identity := fields[0], fields[1]
		if err := checkToken(token); err != nil {
			return nil, fmt.Errorf("-auth-tokens %s line %d: %w", file, n, err)
		}
		if err := checkIdentity(identity); err != nil {
			return nil, fmt.Errorf("-auth-tokens %s line %d: %w", file, n, err)
		}
		sum := sha256.Sum256([]byte(token))
		if prev, dup := seen[sum]; dup {
			return nil, fmt.Errorf("-auth-tokens %s line %d: the token of line %d again", file, n, prev)
		}
		seen[sum] = n
		t.entries = append(t.entries, tokenEntry{sum: sum, identity: identity})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("-auth-tokens %s: %w", file, err)
	}
	if len(t.entries) == 0 {
		return nil, fmt.Errorf("-auth-tokens %s: no token in the file", file)
	}
	return t, nil
}

func checkToken(tok string) error {
	if len(tok) < minTokenLen || len(tok) > maxTokenLen {
		return fmt.Errorf("a token has %d to %d characters, this one %d", minTokenLen, maxTokenLen, len(tok))
	}
	body := strings.TrimRight(tok, "=")
	if body == "" || strings.IndexFunc(body, func(r rune) bool {
		return !isAlnum(r) && !strings.ContainsRune("-._~+/", r)
	}) >= 0 {
		return errors.New("a token has only letters, digits, -._~+/ and trailing = (RFC 6750)")
	}
	return nil
}

func checkIdentity(id string) error {
	if len(id) > maxIdentityLen || strings.IndexFunc(id, func(r rune) bool {
		return !isAlnum(r) && !strings.ContainsRune("._@:/+-", r)
	}) >= 0 {
		return fmt.Errorf("identity %.40q: want 1 to %d letters, digits or ._@:/+- characters", id, maxIdentityLen)
	}
	return nil
}

func isAlnum(r rune) bool {
	return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
}

// lookup returns the identity of token. Its time does not depend on which
// entry matches, nor on how much of a wrong token is right: it hashes the
// token and compares the hash with every entry's, without stopping early.
func (t *tokenTable) lookup(token string) (identity string, ok bool) {
	sum := sha256.Sum256([]byte(token))
	match := -1
	for i := range t.entries {
		eq := subtle.ConstantTimeCompare(sum[:], t.entries[i].sum[:])
		match = subtle.ConstantTimeSelect(eq, i, match)
	}
	if match < 0 {
		return "", false
	}
	return t.entries[match].identity, true
}

// authenticate is the go-grpc-middleware auth function of the calls
// guarded selects. With tokens, a call without "authorization: Bearer
// TOKEN" metadata, or with a token not in the file, fails with
// Unauthenticated; a known token's identity goes into identityHeader, the
// log line of the call (auth.identity) and the handler's context
// (identityFrom). Without tokens (only -authz-policy), it only deletes the
// identityHeader a caller may have sent.
func authenticate(tokens *tokenTable) auth.AuthFunc {
	return func(ctx context.Context) (context.Context, error) {
		md, _ := metadata.FromIncomingContext(ctx)
		md = md.Copy()
		md.Delete(identityHeader)
		if tokens == nil {
			return metadata.NewIncomingContext(ctx, md), nil
		}
		token, err := auth.AuthFromMD(ctx, "bearer")
		if err != nil {
			return nil, status.Error(codes.Unauthenticated,
				`missing bearer token: send the metadata "authorization: Bearer TOKEN" with a token from the server's -auth-tokens file`)
		}
		identity, ok := tokens.lookup(token)
		if !ok {
			return nil, status.Error(codes.Unauthenticated,
				"unknown bearer token: it is not in the server's -auth-tokens file")
		}
		md.Delete("authorization")
		md.Set(identityHeader, identity)
		if c := callFrom(ctx); c != nil {
			c.identity = identity
		}
		return metadata.NewIncomingContext(ctx, md), nil
	}
}

// identityFrom returns the identity the authentication step found for the
// call, or "" if there was none.
func identityFrom(ctx context.Context) string {
	if v := metadata.ValueFromIncomingContext(ctx, identityHeader); len(v) == 1 {
		return v[0]
	}
	return ""
}

// peerSubject returns the subject of the client certificate the TLS
// handshake verified (e.g. "CN=ops"), or "" for a call without one.
func peerSubject(ctx context.Context) string {
	p, ok := peer.FromContext(ctx)
	if !ok {
		return ""
	}
	info, ok := p.AuthInfo.(credentials.TLSInfo)
	if !ok || len(info.State.VerifiedChains) == 0 || len(info.State.VerifiedChains[0]) == 0 {
		return ""
	}
	return info.State.VerifiedChains[0][0].Subject.String()
}

// authorizer is grpc-go's authz interceptor over -authz-policy, rereading
// the file every -authz-refresh, with the message of its PermissionDenied
// made actionable: it names the caller's identity, the method and the
// flag. Close stops the rereading.
type authorizer struct {
	watcher *authz.FileWatcherInterceptor
}

// newAuthorizer loads -authz-policy; an invalid policy is an error naming
// the flag. Each policy the watcher loads, at start and after each change
// of the file, is logged at INFO. A changed file that is not a valid
// policy leaves the last valid one in force; grpc-go says why at its
// WARNING level (GRPC_GO_LOG_SEVERITY_LEVEL=warning).
func newAuthorizer(cfg config, log *slog.Logger) (*authorizer, error) {
	w, err := authz.NewFileWatcherWithOptions(authz.FileWatcherOptions{
		PolicyFile:      cfg.authzPolicy,
		RefreshDuration: cfg.authzRefresh,
		OnPolicyUpdate: func(policy string) {
			log.Info("authz policy loaded", "file", cfg.authzPolicy, "bytes", len(policy))
		},
	})
	if err != nil {
		return nil, fmt.Errorf("-authz-policy: %w", err)
	}
	return &authorizer{watcher: w}, nil
}

func (a *authorizer) Close() { a.watcher.Close() }

func (a *authorizer) unary(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	reached := false
	resp, err := a.watcher.UnaryInterceptor(ctx, req, info, func(ctx context.Context, req any) (any, error) {
		reached = true
		return handler(ctx, req)
	})
	if err != nil && !reached {
		return nil, denied(ctx, info.FullMethod, err)
	}
	return resp, err
}

func (a *authorizer) stream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	reached := false
	err := a.watcher.StreamInterceptor(srv, ss, info, func(srv any, ss grpc.ServerStream) error {
		reached = true
		return handler(srv, ss)
	})
	if err != nil && !reached {
		return denied(ss.Context(), info.FullMethod, err)
	}
	return err
}

// denied rewrites authz's PermissionDenied ("unauthorized RPC request
// rejected") into a message that says who was refused what, and where the
// rule lives. The caller learns only its own identity and the method it
// called.
func denied(ctx context.Context, method string, err error) error {
	if status.Code(err) != codes.PermissionDenied {
		return err
	}
	who := "a caller with no identity (no token, no client certificate)"
	switch id, subj := identityFrom(ctx), peerSubject(ctx); {
	case id != "":
		who = fmt.Sprintf("identity %q", id)
	case subj != "":
		who = fmt.Sprintf("client certificate %q", subj)
	}
	return status.Errorf(codes.PermissionDenied,
		"%s may not call %s: no allow rule of the server's -authz-policy matches (or a deny rule does)", who, method)
}
