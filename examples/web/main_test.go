package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the run if the program leaves a goroutine behind (a
// server not stopped, a connection left open).
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestRunServesHTTP checks what the program prints: the REST and Connect
// answers of the services, and an error as a google.rpc.Status with its
// details.
func TestRunServesHTTP(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), "127.0.0.1:0", false, &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	got := out.String()
	for _, want := range []string{
		"\nGET /v1/calculator/add?a=2&b=3 -> 200 {\"result\":5}\n",
		"\nGET /v1/greeter/hello/gopher -> 200 {\"message\":\"Hello, gopher!\"}\n",
		"\nPOST /grpcexamples.calculator.v1.Calculator/Divide -> 200 {\"quotient\":3,\"remainder\":2}\n",
		"\nGET /v1/calculator/divide?a=1&b=0 -> 400 {\"code\":3,",
		`"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"DIVISION_BY_ZERO"`,
		`"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[{"field":"b"`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
}

// TestServeStopsOnCancel: with -serve the program serves until its context
// ends, then stops both servers.
func TestServeStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	var out bytes.Buffer
	if err := run(ctx, "127.0.0.1:0", true, &out); err != nil {
		t.Fatalf("run -serve: %v", err)
	}
	if !strings.HasPrefix(out.String(), "serving http://127.0.0.1:") {
		t.Errorf("output %q", out.String())
	}
}

func TestCompact(t *testing.T) {
	if got := compact([]byte(`{"a": "x y", "b":"q\" r" }`)); got != `{"a":"x y","b":"q\" r"}` {
		t.Errorf("compact = %s", got)
	}
}
