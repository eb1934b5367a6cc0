package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	calculatorv1 "github.com/seed717b8fd8/grpcexamples/pb/calculator/v1"
	streamingv1 "github.com/seed717b8fd8/grpcexamples/pb/streaming/v1"
)

// metric returns the value of the Prometheus series named by series
// (name and labels, as exposed) on the server's -metrics-addr, or -1.
func metric(t *testing.T, srv httpServer, series string) float64 {
	t.Helper()
	body := metricsOf(t, srv.logs)()
	for line := range strings.Lines(body) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), series+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			return f
		}
	}
	return -1
}

// heldBody is a request body that sends nothing until the test ends.
func heldBody(t *testing.T) io.Reader {
	pr, pw := io.Pipe()
	t.Cleanup(func() { pw.Close() })
	return pr
}

// TestHTTPMaxCalls: the HTTP port's calls and the gRPC port's share one
// count of calls in flight (-max-calls); past it a call on either port is
// refused with ResourceExhausted (REST 429), and each refusal is logged
// and counted as an early end.
func TestHTTPMaxCalls(t *testing.T) {
	srv := launchHTTP(t, nil, "-max-calls", "2", "-metrics-addr", "127.0.0.1:0")
	cc := dial(t, srv.addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	hc := h2cClient(t)

	// One long server stream in flight on each port (ten messages 10 s
	// apart; the transcoder holds a stream's response headers until its
	// first message, so the HTTP one runs in the background).
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	long := &streamingv1.ServerStreamRequest{Message: "hold", Controls: &streamingv1.Controls{MessageCount: 10, IntervalMs: 10_000}}
	if _, err := streamingv1.NewStreamingServiceClient(cc).ServerStream(ctx, long); err != nil {
		t.Fatal(err)
	}
	webDone := make(chan struct{})
	go func() {
		defer close(webDone)
		st, err := connect.NewClient[streamingv1.ServerStreamRequest, streamingv1.ServerStreamResponse](hc,
			srv.url+"/grpcexamples.streaming.v1.StreamingService/ServerStream").CallServerStream(ctx, connect.NewRequest(long))
		if err == nil {
			st.Close()
		}
	}()
	waitFor(t, "both streams to be in flight", func() bool { return metric(t, srv, "grpcexamples_server_calls_in_flight") == 2 })

	// Full: refused on both ports, in each protocol's terms.
	code, _, body := httpCall(t, h1Client(t), http.MethodGet, srv.url+"/v1/calculator/add?a=1&b=2", "", "")
	if code != http.StatusTooManyRequests || !strings.Contains(body, "-max-calls") {
		t.Errorf("REST call over -max-calls: %d %s, want 429 naming -max-calls", code, body)
	}
	_, err := connect.NewClient[calculatorv1.AddRequest, calculatorv1.AddResponse](hc, srv.url+"/grpcexamples.calculator.v1.Calculator/Add").
		CallUnary(t.Context(), connect.NewRequest(&calculatorv1.AddRequest{A: 1, B: 2}))
	if connect.CodeOf(err) != connect.CodeResourceExhausted {
		t.Errorf("Connect call over -max-calls: %v, want ResourceExhausted", err)
	}
	_, err = calculatorv1.NewCalculatorClient(cc).Add(t.Context(), &calculatorv1.AddRequest{A: 1, B: 2})
	if status.Code(err) != codes.ResourceExhausted {
		t.Errorf("gRPC call over -max-calls: %v, want ResourceExhausted", err)
	}
	if n := metric(t, srv, `grpcexamples_server_calls_ended_early_total{reason="refused"}`); n != 3 {
		t.Errorf("refused calls counted: %v, want 3", n)
	}
	if line := logLine(srv.logs, "call ended before its handler", "reason=refused",
		"grpc.full_method=/grpcexamples.calculator.v1.Calculator/Add", "peer.address=127.0.0.1:"); line == "" {
		t.Errorf("no WARN line with the peer for a refused call:\n%s", srv.logs)
	}

	// Room again once the calls end.
	cancel()
	<-webDone
	waitFor(t, "the streams to end", func() bool { return metric(t, srv, "grpcexamples_server_calls_in_flight") == 0 })
	if code, _, body := httpCall(t, h1Client(t), http.MethodGet, srv.url+"/v1/calculator/add?a=1&b=2", "", ""); code != http.StatusOK {
		t.Errorf("REST call after the others ended: %d %s", code, body)
	}
}

// TestHTTPEviction: a call of the HTTP port whose request has not come is
// the one a new call over -max-calls takes the place of, as on the gRPC
// port: it ends with DeadlineExceeded (its request did not come in time)
// naming -max-calls, and is logged and counted as evicted.
func TestHTTPEviction(t *testing.T) {
	srv := launchHTTP(t, nil, "-max-calls", "1", "-metrics-addr", "127.0.0.1:0")
	for _, h2 := range []bool{false, true} {
		done := make(chan string, 1)
		go func() {
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.url+"/grpcexamples.calculator.v1.Calculator/Add", heldBody(t))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Connect-Protocol-Version", "1")
			resp, err := httpClient(t, h2, nil).Do(req)
			if err != nil {
				done <- err.Error()
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			done <- resp.Status + " " + string(b)
		}()
		waitFor(t, "the held call to be admitted", func() bool { return metric(t, srv, "grpcexamples_server_calls_in_flight") == 1 })
		if code, _, body := httpCall(t, h1Client(t), http.MethodGet, srv.url+"/v1/calculator/add?a=1&b=2", "", ""); code != http.StatusOK {
			t.Errorf("h2=%v: the call that evicts: %d %s", h2, code, body)
		}
		if got := <-done; !strings.HasPrefix(got, "504 ") || !strings.Contains(got, `"code":"deadline_exceeded"`) || !strings.Contains(got, "-max-calls") {
			t.Errorf("h2=%v: the evicted call got %s, want 504 deadline_exceeded naming -max-calls", h2, got)
		}
	}
	if n := metric(t, srv, `grpcexamples_server_calls_ended_early_total{reason="evicted"}`); n != 2 {
		t.Errorf("evicted calls counted: %v, want 2", n)
	}
	if logLine(srv.logs, "call ended before its handler", "reason=evicted") == "" {
		t.Errorf("no line for the evicted call:\n%s", srv.logs)
	}
}

// TestHTTPFirstMessageTimeout: a call of the HTTP port whose request body
// does not come is cut at -first-message-timeout, over HTTP/1.1 and
// HTTP/2, with DeadlineExceeded naming the flag (Connect's 504), and is
// logged and counted; the server holds nothing of it afterwards.
func TestHTTPFirstMessageTimeout(t *testing.T) {
	srv := launchHTTP(t, nil, "-first-message-timeout", "300ms", "-metrics-addr", "127.0.0.1:0")
	for _, h2 := range []bool{false, true} {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.url+"/grpcexamples.calculator.v1.Calculator/Add", heldBody(t))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Connect-Protocol-Version", "1")
		resp, err := httpClient(t, h2, nil).Do(req)
		if err != nil {
			t.Fatalf("h2=%v: %v", h2, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusGatewayTimeout || !strings.Contains(string(b), `"code":"deadline_exceeded"`) ||
			!strings.Contains(string(b), "-first-message-timeout") {
			t.Errorf("h2=%v: a body that never comes: %s %s, want 504 deadline_exceeded naming -first-message-timeout", h2, resp.Status, b)
		}
	}
	if n := metric(t, srv, `grpcexamples_server_calls_ended_early_total{reason="no_request"}`); n != 2 {
		t.Errorf("calls without a request counted: %v, want 2", n)
	}
	if n := metric(t, srv, "grpcexamples_server_calls_in_flight"); n != 0 {
		t.Errorf("calls in flight after the cuts: %v", n)
	}
	if logLine(srv.logs, "call ended before its handler", "reason=no_request", "Calculator/Add") == "" {
		t.Errorf("no line for the cut call:\n%s", srv.logs)
	}
}

// TestHTTPConnections: -max-http-connections caps the HTTP port's open
// connections (a new one waits to be accepted), and -connection-timeout
// closes a connection that sends no request.
func TestHTTPConnections(t *testing.T) {
	srv := launchHTTP(t, nil, "-max-http-connections", "2", "-connection-timeout", "1m")
	addr := strings.TrimPrefix(srv.url, "http://")
	var held []net.Conn
	for range 2 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		held = append(held, c)
	}
	hc := h1Client(t)
	hc.Timeout = 300 * time.Millisecond
	if resp, err := hc.Get(srv.url + "/v1/calculator/add?a=1&b=2"); err == nil {
		resp.Body.Close()
		t.Errorf("a third connection was served (%s) while two were open, over -max-http-connections 2", resp.Status)
	}
	held[0].Close()
	if code, _, body := httpCall(t, h1Client(t), http.MethodGet, srv.url+"/v1/calculator/add?a=1&b=2", "", ""); code != http.StatusOK {
		t.Errorf("once one closed: %d %s", code, body)
	}

	quick := launchHTTP(t, nil, "-connection-timeout", "200ms")
	c, err := net.Dial("tcp", strings.TrimPrefix(quick.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetReadDeadline(time.Now().Add(20 * time.Second))
	start := time.Now()
	if n, err := c.Read(make([]byte, 1)); err != io.EOF {
		t.Errorf("a silent connection: read %d bytes, %v; want it closed (EOF) at -connection-timeout", n, err)
	}
	if took := time.Since(start); took < 200*time.Millisecond {
		t.Errorf("a silent connection closed after %v, before -connection-timeout", took)
	}
}

func TestPercentEncode(t *testing.T) {
	for in, want := range map[string]string{
		"":                   "",
		"plain (-max-calls)": "plain (-max-calls)",
		"100%":               "100%25",
		"é\n":                "%C3%A9%0A",
	} {
		if got := percentEncode(in); got != want {
			t.Errorf("percentEncode(%q) = %q, want %q", in, got, want)
		}
	}
}
