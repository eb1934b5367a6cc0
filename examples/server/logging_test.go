package main

import (
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/seed717b8fd8/grpcexamples/calculator"
	"github.com/seed717b8fd8/grpcexamples/streaming"
)

func TestPanicRecovery(t *testing.T) {
	p := new(probe)
	cc, _, _, logs := startServerWith(t, p)
	ctx := t.Context()

	_, err := callProbe[wrapperspb.StringValue](ctx, cc, "Panic", wrapperspb.String("secret detail"))
	if status.Code(err) != codes.Internal || strings.Contains(err.Error(), "secret") || strings.Contains(err.Error(), "panic") {
		t.Errorf("unary panic: %v; want Internal with a message that says nothing of the panic", err)
	}
	cs, err := openProbeStream(ctx, cc, "PanicStream")
	if err == nil {
		err = cs.RecvMsg(new(wrapperspb.StringValue))
	}
	if status.Code(err) != codes.Internal || strings.Contains(err.Error(), "panic") {
		t.Errorf("stream panic: %v; want Internal", err)
	}

	// The panic, its stack, and the call's end are logged at ERROR.
	line := logLine(logs, "panic in handler", "Panic")
	for _, want := range []string{"level=ERROR", "grpc.full_method=/probe.v1.Probe/Panic", "panic=\"probe panic: secret detail\"", "stack=", "probe_test.go"} {
		if !strings.Contains(line, want) {
			t.Errorf("panic log lacks %q: %q", want, line)
		}
	}
	if line := logLine(logs, "panic in handler", "PanicStream"); !strings.Contains(line, "probe stream panic") {
		t.Errorf("stream panic log: %q", line)
	}
	if line := logLine(logs, "finished call", "grpc.method=Panic "); !strings.Contains(line, "level=ERROR") || !strings.Contains(line, "grpc.code=Internal") {
		t.Errorf("finished-call log of the panic: %q", line)
	}

	// The server survives.
	if sum, err := calculator.NewClient(cc).Add(ctx, 2, 2); err != nil || sum != 4 {
		t.Errorf("Add after the panics = %d, %v", sum, err)
	}
}

func TestLogLevels(t *testing.T) {
	type call struct {
		name string
		do   func(*testing.T, *callers) error
	}
	calls := []call{
		{"grpc.method=Add ", func(t *testing.T, c *callers) error { _, err := c.calc.Add(t.Context(), 1, 2); return err }},
		{"grpc.method=Divide ", func(t *testing.T, c *callers) error { _, _, err := c.calc.Divide(t.Context(), 1, 0); return err }},
		{"grpc.method=Unary ", func(t *testing.T, c *callers) error {
			_, err := c.stream.Unary(t.Context(), "x", streaming.Controls{StatusCode: codes.Unavailable, StatusMessage: "asked for"})
			return err
		}},
	}
	for _, tc := range []struct {
		args []string
		want map[string]string // call -> level it is logged at; absent: not logged
	}{
		{nil, map[string]string{"grpc.method=Divide ": "WARN", "grpc.method=Unary ": "ERROR"}},
		{[]string{"-log-level", "debug"}, map[string]string{"grpc.method=Add ": "DEBUG", "grpc.method=Divide ": "WARN", "grpc.method=Unary ": "ERROR"}},
		{[]string{"-log-level", "error"}, map[string]string{"grpc.method=Unary ": "ERROR"}},
		{[]string{"-slow", "1ns"}, map[string]string{"grpc.method=Add ": "WARN", "grpc.method=Divide ": "WARN", "grpc.method=Unary ": "ERROR"}},
	} {
		t.Run(strings.Join(append([]string{"default"}, tc.args...), " "), func(t *testing.T) {
			cc, _, _, logs := startServer(t, tc.args...)
			c := &callers{calc: calculator.NewClient(cc), stream: streaming.NewClient(cc)}
			for _, call := range calls {
				_ = call.do(t, c) // the codes are the services' to test; here only the logs count
			}
			for _, call := range calls {
				line := logLine(logs, "finished call", call.name)
				want, logged := tc.want[call.name]
				switch {
				case !logged && line != "":
					t.Errorf("%s logged: %q", call.name, line)
				case logged && !strings.Contains(line, "level="+want):
					t.Errorf("%s: want a line at %s, got %q", call.name, want, line)
				}
			}
			if strings.Contains(strings.Join(tc.args, " "), "-slow") && !strings.Contains(logLine(logs, "grpc.method=Add "), "slow=true") {
				t.Errorf("slow Add not marked slow:\n%s", logs)
			}
			// The lifecycle lines are written at any level.
			if logLine(logs, "msg=listening addr=127.0.0.1:") == "" {
				t.Errorf("no listening line:\n%s", logs)
			}
		})
	}
}

type callers struct {
	calc   *calculator.Client
	stream *streaming.Client
}

func TestLogTruncatesCallerText(t *testing.T) {
	p := new(probe)
	cc, _, _, logs := startServerWith(t, p)
	const size = 3 << 20
	_, err := callProbe[wrapperspb.Int64Value](t.Context(), cc, "Fail", wrapperspb.Int64(size))
	if status.Code(err) != codes.FailedPrecondition {
		t.Fatalf("Fail: %v", err)
	}
	line := logLine(logs, "grpc.method=Fail ")
	if line == "" {
		t.Fatalf("failed call not logged:\n%.2000s", logs)
	}
	if len(line) > 2048 {
		t.Errorf("log line of a call failed with a 3 MB message is %d bytes long", len(line))
	}
	if !strings.Contains(line, "more bytes cut]") {
		t.Errorf("truncated log line does not say it was cut: %q", line)
	}
	if n := len(logs.String()); n > 8<<10 {
		t.Errorf("server log is %d bytes after one call", n)
	}
}

func TestTruncate(t *testing.T) {
	short := strings.Repeat("a", maxLoggedText)
	if got := truncate(short); got != short {
		t.Errorf("truncate of %d bytes changed it", len(short))
	}
	// A cut never splits a rune: 255 ASCII bytes, then a 3-byte rune.
	long := strings.Repeat("a", maxLoggedText-1) + strings.Repeat("€", 10)
	got := truncate(long)
	want := strings.Repeat("a", maxLoggedText-1) + "…[30 more bytes cut]"
	if got != want {
		t.Errorf("truncate = %q, want %q", got, want)
	}
}
