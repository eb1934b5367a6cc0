package main

import (
	"bytes"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the run if the program leaves a goroutine behind (its
// in-memory server or connection not closed).
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestRunRetriesByPolicy checks every line the program prints: the
// attempts the server saw for each call, numbered by grpc-go's
// grpc-previous-rpc-attempts header, and what the caller got. The message
// of an exhausted retry starts with grpc-go's own words, which change
// between releases, so only its code and the last attempt's message are
// checked.
func TestRunRetriesByPolicy(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), &out); err != nil {
		t.Fatalf("run: %v\noutput so far:\n%s", err, out.String())
	}
	want := []string{
		`client: Unary("ping"), the first 2 attempts fail with Unavailable`,
		`  server: Unary attempt 1 (no grpc-previous-rpc-attempts header) -> Unavailable`,
		`  server: Unary attempt 2 (grpc-previous-rpc-attempts: 1) -> Unavailable`,
		`  server: Unary attempt 3 (grpc-previous-rpc-attempts: 2) -> OK`,
		`client: -> "ping"`,
		``,
		`client: Unary("ping"), the first 10 attempts fail with Unavailable`,
		`  server: Unary attempt 1 (no grpc-previous-rpc-attempts header) -> Unavailable`,
		`  server: Unary attempt 2 (grpc-previous-rpc-attempts: 1) -> Unavailable`,
		`  server: Unary attempt 3 (grpc-previous-rpc-attempts: 2) -> Unavailable`,
		`  server: Unary attempt 4 (grpc-previous-rpc-attempts: 3) -> Unavailable`,
		`client: -> Unavailable: *try again`,
		``,
		`client: Unary("ping"), the first attempt fails with FailedPrecondition`,
		`  server: Unary attempt 1 (no grpc-previous-rpc-attempts header) -> FailedPrecondition`,
		`client: -> FailedPrecondition: not retryable`,
	}
	got := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(got) != len(want) {
		t.Fatalf("got %d lines, want %d\n--- output:\n%s", len(got), len(want), out.String())
	}
	for i := range want {
		prefix, suffix, wild := strings.Cut(want[i], "*")
		ok := got[i] == want[i]
		if wild {
			ok = strings.HasPrefix(got[i], prefix) && strings.HasSuffix(got[i], suffix)
		}
		if !ok {
			t.Errorf("line %d: got %q, want %q", i+1, got[i], want[i])
		}
	}
}
