package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	reflectionpb "google.golang.org/grpc/reflection/grpc_reflection_v1"
	"google.golang.org/grpc/status"

	"github.com/seed717b8fd8/grpcexamples/calculator"
	"github.com/seed717b8fd8/grpcexamples/greeter"
	"github.com/seed717b8fd8/grpcexamples/keywords"
	"github.com/seed717b8fd8/grpcexamples/streaming"

	"go.uber.org/goleak"
)

// TestMain fails the run if a test leaves a goroutine behind (a server
// not stopped, a connection left open, a stream not ended).
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// syncBuffer is the server's log output, read by the test while the server
// writes to it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startServer runs the server as run does, on a port the OS picks; see
// startServerWith.
func startServer(t *testing.T, args ...string) (*grpc.ClientConn, context.CancelFunc, <-chan error, *syncBuffer) {
	t.Helper()
	return startServerWith(t, nil, args...)
}

func TestServesEveryServiceWithHealthReflectionAndLogs(t *testing.T) {
	cc, shutdown, done, logs := startServer(t, "-tutorial-names", "-drain", "300ms", "-grace", "1m", "-log-level", "debug")
	ctx := t.Context()

	if sum, err := calculator.NewClient(cc).Add(ctx, 2, 3); err != nil || sum != 5 {
		t.Errorf("Add(2, 3) = %d, %v; want 5", sum, err)
	}
	if _, _, err := calculator.NewClient(cc).Divide(ctx, 1, 0); status.Code(err) != codes.InvalidArgument {
		t.Errorf("Divide(1, 0): code %v, want InvalidArgument", status.Code(err))
	}
	if msg, err := greeter.NewClient(cc, greeter.WithHelloWorldServer()).SayHello(ctx, "gopher"); err != nil || msg != "Hello, gopher!" {
		t.Errorf("helloworld SayHello = %q, %v", msg, err)
	}
	res, err := keywords.NewClient(cc, keywords.WithTutorialServer()).GetKeywords(ctx, keywords.Request{
		Text: "Server reflection lets grpcurl call a gRPC server without proto files. Server reflection is a gRPC service."})
	if err != nil || len(res.Keyphrases) == 0 {
		t.Errorf("tutorial GetKeywords = %v, %v; want keyphrases", res, err)
	}
	n := 0
	for _, err := range streaming.NewClient(cc).ServerStream(ctx, "tick", streaming.Controls{MessageCount: 3}) {
		if err != nil {
			t.Fatalf("ServerStream: %v", err)
		}
		n++
	}
	if n != 3 {
		t.Errorf("ServerStream gave %d messages, want 3", n)
	}

	// Health: SERVING for the server, each v1 service and each tutorial name.
	hc := healthpb.NewHealthClient(cc)
	for _, svc := range append([]string{"", "grpcexamples.calculator.v1.Calculator", "grpcexamples.greeter.v1.Greeter",
		"grpcexamples.keywords.v1.KeywordService", "grpcexamples.streaming.v1.StreamingService"}, tutorialServices...) {
		resp, err := hc.Check(ctx, &healthpb.HealthCheckRequest{Service: svc})
		if err != nil || resp.GetStatus() != healthpb.HealthCheckResponse_SERVING {
			t.Errorf("health %q = %v, %v; want SERVING", svc, resp.GetStatus(), err)
		}
	}

	// Reflection lists every v1 service, so grpcurl needs no .proto.
	rs, err := reflectionpb.NewServerReflectionClient(cc).ServerReflectionInfo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := rs.Send(&reflectionpb.ServerReflectionRequest{MessageRequest: &reflectionpb.ServerReflectionRequest_ListServices{}}); err != nil {
		t.Fatal(err)
	}
	lr, err := rs.Recv()
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, s := range lr.GetListServicesResponse().GetService() {
		listed[s.GetName()] = true
	}
	for _, want := range []string{"grpcexamples.calculator.v1.Calculator", "grpcexamples.greeter.v1.Greeter",
		"grpcexamples.keywords.v1.KeywordService", "grpcexamples.streaming.v1.StreamingService", "grpc.health.v1.Health"} {
		if !listed[want] {
			t.Errorf("reflection does not list %s (got %v)", want, listed)
		}
	}
	_ = rs.CloseSend()

	// Request logs (every call, at -log-level debug) carry method, status
	// code, duration and peer.
	log := logs.String()
	for _, want := range []string{"grpc.method=Divide", "grpc.code=InvalidArgument", "grpc.time_ms=", "peer.address=127.0.0.1:", "grpc.service=helloworld.Greeter"} {
		if !strings.Contains(log, want) {
			t.Errorf("request log lacks %q:\n%s", want, log)
		}
	}

	// Graceful shutdown: a health watcher sees NOT_SERVING while the
	// server drains, then run returns nil.
	watch, err := hc.Watch(ctx, &healthpb.HealthCheckRequest{Service: "grpcexamples.calculator.v1.Calculator"})
	if err != nil {
		t.Fatal(err)
	}
	if first, err := watch.Recv(); err != nil || first.GetStatus() != healthpb.HealthCheckResponse_SERVING {
		t.Fatalf("first Watch update = %v, %v; want SERVING", first.GetStatus(), err)
	}
	shutdown()
	next, err := watch.Recv()
	if err != nil || next.GetStatus() != healthpb.HealthCheckResponse_NOT_SERVING {
		t.Errorf("Watch update after shutdown began = %v, %v; want NOT_SERVING", next.GetStatus(), err)
	}
	// During the drain, new calls are still served.
	if sum, err := calculator.NewClient(cc).Add(ctx, 1, 1); err != nil || sum != 2 {
		t.Errorf("Add during drain = %d, %v; want 2", sum, err)
	}
	// The open Watch stream ends with the drain instead of holding the
	// graceful stop for the whole minute of -grace.
	if _, err := watch.Recv(); status.Code(err) != codes.Unavailable {
		t.Errorf("Watch after the drain: %v, want Unavailable", err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run after shutdown: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("server did not stop within 30s; an open health Watch holds GracefulStop")
	}
	if strings.Contains(logs.String(), "grace period over") {
		t.Errorf("server cut calls at the end of -grace; want a graceful stop:\n%s", logs)
	}
}

// TestShutdownOrder is the order of serve's shutdown, on which a proxy and a
// client-side balancer rely to lose no call: on SIGTERM health turns
// NOT_SERVING and, for -drain, new connections are still accepted and
// served; then the server stops listening, so that a new connection is
// refused (a proxy passes that call on), having taken every connection
// the kernel had completed (listener.go); only then does GracefulStop end
// the open connections, and a call under way finishes.
func TestShutdownOrder(t *testing.T) {
	cc, shutdown, done, logs := startServer(t, "-drain", "1s", "-grace", "1m")
	ctx := t.Context()

	// A server stream of 2 s: it is under way when the drain ends.
	const ticks = 20
	streamed := make(chan error, 1)
	go func() {
		n := 0
		for _, err := range streaming.NewClient(cc).ServerStream(ctx, "tick", streaming.Controls{MessageCount: ticks, Interval: 100 * time.Millisecond}) {
			if err != nil {
				streamed <- err
				return
			}
			n++
		}
		if n != ticks {
			streamed <- fmt.Errorf("%d responses, want %d", n, ticks)
		}
		streamed <- nil
	}()

	shutdown()
	waitLog(t, logs, "shutting down: health NOT_SERVING")
	resp, err := healthpb.NewHealthClient(cc).Check(ctx, &healthpb.HealthCheckRequest{})
	if err != nil || resp.GetStatus() != healthpb.HealthCheckResponse_NOT_SERVING {
		t.Errorf("health during the drain = %v, %v; want NOT_SERVING", resp.GetStatus(), err)
	}
	// During the drain a new connection is still served.
	fresh := dial(t, cc.Target(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if sum, err := calculator.NewClient(fresh).Add(ctx, 1, 2); err != nil || sum != 3 {
		t.Errorf("Add on a new connection during the drain = %d, %v; want 3", sum, err)
	}

	waitLog(t, logs, "drain over: stopped listening")
	if c, err := net.Dial("tcp", cc.Target()); !errors.Is(err, syscall.ECONNREFUSED) {
		if c != nil {
			c.Close()
		}
		t.Errorf("dialing once the drain is over: %v, want ECONNREFUSED", err)
	}
	if err := <-streamed; err != nil {
		t.Errorf("a server stream under way at the end of the drain: %v, want all its responses and OK", err)
	}
	if err := <-done; err != nil {
		t.Fatalf("run after shutdown: %v", err)
	}
	log := logs.String()
	at := func(msg string) int { return strings.Index(log, msg) }
	if !(at("shutting down") < at("drain over: stopped listening") && at("drain over: stopped listening") < at("msg=stopped")) {
		t.Errorf("shutdown lines out of order; want shutting down, drain over, stopped:\n%s", log)
	}
}

// waitLog waits, at most 10 s, for a line of logs containing msg.
func waitLog(t *testing.T, logs fmt.Stringer, msg string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); logLine(logs, msg) == ""; {
		if time.Now().After(deadline) {
			t.Fatalf("no %q line within 10s:\n%s", msg, logs)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestWithoutTutorialNamesTheyAreUnimplemented(t *testing.T) {
	cc, _, _, _ := startServer(t)
	_, err := greeter.NewClient(cc, greeter.WithHelloWorldServer()).SayHello(t.Context(), "gopher")
	if status.Code(err) != codes.Unimplemented {
		t.Errorf("helloworld.Greeter without -tutorial-names: code %v, want Unimplemented", status.Code(err))
	}
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-no-such-flag"},
		{"-tls-cert", "cert.pem"},
		{"-addr", "127.0.0.1:0", "extra"},
		{"-addr", "not-an-address"},
		{"-log-level", "loud"},
		{"-max-call-duration", "-1s"},
		{"-keepalive-time", "-1s"},
		{"-max-recv-bytes", "0"},
		{"-max-header-bytes", "0"},
		{"-max-concurrent-streams", "4294967296"},
		{"-tls-cert", "no-such-cert.pem", "-tls-key", "no-such-key.pem"},
	} {
		if err := run(t.Context(), args, new(syncBuffer), nil); err == nil {
			t.Errorf("run(%q) = nil, want an error", args)
		}
	}
}

// TestDebugAddr serves the runtime profiles on their own listener, which
// the soak script (tools/soak) reads the goroutine count from.
func TestDebugAddr(t *testing.T) {
	_, shutdown, done, logs := startServer(t, "-debug-addr", "127.0.0.1:0", "-drain", "0s")
	m := regexp.MustCompile(`msg="debug listening" addr=(\S+)`).FindStringSubmatch(logs.String())
	if m == nil {
		t.Fatalf("no debug listening line in the log:\n%s", logs)
	}
	resp, err := http.Get("http://" + m[1] + "/debug/pprof/goroutine?debug=1")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "goroutine profile: total") {
		t.Errorf("GET goroutine profile: %s\n%.200s", resp.Status, body)
	}
	shutdown()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get("http://" + m[1] + "/debug/pprof/"); err == nil {
		t.Error("the debug listener still answers after shutdown")
	}
}
