package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/seed717b8fd8/grpcexamples/calculator"
	calculatorv1 "github.com/seed717b8fd8/grpcexamples/pb/calculator/v1"
)

// metricsOf returns a function that reads the server's /metrics, for a
// server started with -metrics-addr 127.0.0.1:0.
func metricsOf(t *testing.T, logs fmt.Stringer) func() string {
	t.Helper()
	m := regexp.MustCompile(`msg="metrics listening" addr=(\S+)`).FindStringSubmatch(logs.String())
	if m == nil {
		t.Fatalf("no metrics listening line in the log:\n%s", logs)
	}
	return func() string {
		resp, err := http.Get("http://" + m[1] + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
}

// waitFor polls cond every 10ms until it holds, or fails the test after
// 10 s. It waits for the server to have seen what the client sent, which
// no reply tells.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("waited 10s for %s", what)
		}
	}
}

// pendingCall starts a unary Add whose request never comes: only its
// headers reach the server. Its result arrives on the returned channel.
func pendingCall(ctx context.Context, cc grpc.ClientConnInterface) (<-chan error, error) {
	cs, err := cc.NewStream(ctx, &grpc.StreamDesc{}, "/"+calculatorv1.Calculator_ServiceDesc.ServiceName+"/Add")
	if err != nil {
		return nil, err
	}
	done := make(chan error, 1)
	go func() { done <- cs.RecvMsg(new(calculatorv1.AddResponse)) }()
	return done, nil
}

func TestMaxCalls(t *testing.T) {
	p := new(probe)
	cc, _, _, logs := startServerWith(t, p, "-max-calls", "3", "-first-message-timeout", "0", "-metrics-addr", "127.0.0.1:0")
	metrics := metricsOf(t, logs)
	ctx := t.Context()
	inFlight := func(n int) func() bool {
		return func() bool {
			return strings.Contains(metrics(), fmt.Sprintf("grpcexamples_server_calls_in_flight %d\n", n))
		}
	}

	// Two calls with their requests, one without.
	for range 2 {
		if _, err := openProbeStream(ctx, cc, "Block"); err != nil {
			t.Fatal(err)
		}
	}
	pending, err := pendingCall(ctx, cc)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "3 calls in flight", inFlight(3))

	// A fourth call takes the place of the one without a request.
	if _, err := openProbeStream(ctx, cc, "Block"); err != nil {
		t.Fatalf("call over -max-calls with a call to evict: %v", err)
	}
	if err := <-pending; status.Code(err) != codes.DeadlineExceeded {
		t.Errorf("evicted call: %v, want DeadlineExceeded", err)
	}
	if p.entered.Load() != 3 {
		t.Errorf("%d Block handlers entered, want 3", p.entered.Load())
	}

	// A fifth, with every call holding its request, is refused.
	_, err = calculator.NewClient(cc).Add(ctx, 1, 2)
	if status.Code(err) != codes.ResourceExhausted || !strings.Contains(status.Convert(err).Message(), "-max-calls") {
		t.Errorf("call over -max-calls with no call to evict: %v, want ResourceExhausted naming -max-calls", err)
	}

	waitFor(t, "the early ends counted", func() bool {
		m := metrics()
		return strings.Contains(m, `grpcexamples_server_calls_ended_early_total{reason="evicted"} 1`) &&
			strings.Contains(m, `grpcexamples_server_calls_ended_early_total{reason="refused"} 1`)
	})
	for _, reason := range []string{"evicted", "refused"} {
		if logLine(logs, "call ended before its handler", "reason="+reason, "Calculator/Add") == "" {
			t.Errorf("no log line of the %s call:\n%s", reason, logs)
		}
	}
}

func TestFirstMessageTimeout(t *testing.T) {
	p := new(probe)
	cc, _, _, logs := startServerWith(t, p, "-first-message-timeout", "200ms", "-metrics-addr", "127.0.0.1:0")
	metrics := metricsOf(t, logs)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second) // bounds the test if the server's limit fails
	defer cancel()

	// A unary call whose request never comes ends before its handler.
	pending, err := pendingCall(ctx, cc)
	if err != nil {
		t.Fatal(err)
	}
	if err := <-pending; status.Code(err) != codes.DeadlineExceeded {
		t.Errorf("unary call without its request: %v, want DeadlineExceeded", err)
	}

	// A stream whose first message never comes: its handler waits in Recv.
	cs, err := cc.NewStream(ctx, &grpc.StreamDesc{ServerStreams: true, ClientStreams: true}, "/"+probeService+"/Block")
	if err != nil {
		t.Fatal(err)
	}
	if err := cs.RecvMsg(new(wrapperspb.StringValue)); status.Code(err) != codes.DeadlineExceeded {
		t.Errorf("stream without its first message: %v, want DeadlineExceeded", err)
	}
	// grpc-go may send the status before the handler returns and logs.
	waitFor(t, "the log of the stream cut", func() bool { return logLine(logs, "finished call", "grpc.method=Block") != "" })
	if line := logLine(logs, "finished call", "grpc.method=Block"); !strings.Contains(line, "-first-message-timeout") {
		t.Errorf("log of the stream cut: %q", line)
	}

	// A stream that sent its request outlives the limit.
	if _, err := openProbeStream(ctx, cc, "Block"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the unary call's early end counted", func() bool {
		return strings.Contains(metrics(), `grpcexamples_server_calls_ended_early_total{reason="no_request"} 1`)
	})
	if logLine(logs, "call ended before its handler", "reason=no_request", "Calculator/Add") == "" {
		t.Errorf("no log line of the unary call cut:\n%s", logs)
	}
	time.Sleep(400 * time.Millisecond) // twice the limit
	if n := p.entered.Load(); n != 1 {
		t.Fatalf("%d Block handlers entered, want 1", n)
	}
	if _, err := calculator.NewClient(cc).Add(ctx, 1, 2); err != nil {
		t.Errorf("Add: %v", err)
	}
	if n := strings.Count(logs.String(), "grpc.method=Block"); n != 1 {
		t.Errorf("%d log lines of Block calls, want 1 (the stream without its message): the stream with its request was cut:\n%s", n, logs)
	}
}

func TestLogRate(t *testing.T) {
	p := new(probe)
	cc, _, _, logs := startServerWith(t, p, "-log-rate", "5")
	ctx := t.Context()
	failed := func() int { return strings.Count(logs.String(), "grpc.method=Fail") }
	start := time.Now()
	for range 50 {
		if _, err := callProbe[wrapperspb.Int64Value](ctx, cc, "Fail", wrapperspb.Int64(1)); status.Code(err) != codes.FailedPrecondition {
			t.Fatalf("Fail: %v", err)
		}
	}
	// A burst of 5, and one more per 200ms the calls took.
	most := 5 + int(time.Since(start)/(200*time.Millisecond)) + 1
	if n := failed(); n < 5 || n > most {
		t.Errorf("%d of 50 failed calls logged at -log-rate 5, want 5 to %d", n, most)
	}
	// The next line written says how many were held back.
	var line string
	waitFor(t, "a line after the burst", func() bool {
		if _, err := callProbe[wrapperspb.Int64Value](ctx, cc, "Fail", wrapperspb.Int64(1)); status.Code(err) != codes.FailedPrecondition {
			t.Fatalf("Fail: %v", err)
		}
		line = logLine(logs, "grpc.method=Fail", "log.dropped_before=")
		return line != ""
	})
	if m := regexp.MustCompile(`log.dropped_before=(\d+)`).FindStringSubmatch(line); m == nil || m[1] == "0" {
		t.Errorf("line after the burst: %q", line)
	}
}
