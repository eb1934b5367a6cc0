package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/encoding/gzip"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/stats"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/seed717b8fd8/grpcexamples/calculator"
	"github.com/seed717b8fd8/grpcexamples/internal/telemetry"
	"github.com/seed717b8fd8/grpcexamples/streaming"
)

// spanSink is a span processor that hands over every span as it ends, so
// that a test can wait for a server span, which ends only after the
// client has its answer.
type spanSink chan sdktrace.ReadOnlySpan

func (s spanSink) OnStart(context.Context, sdktrace.ReadWriteSpan) {}
func (s spanSink) OnEnd(sp sdktrace.ReadOnlySpan)                  { s <- sp }
func (s spanSink) Shutdown(context.Context) error                  { return nil }
func (s spanSink) ForceFlush(context.Context) error                { return nil }

// awaitSpans collects ended spans until there is one of each kind and
// name in want (e.g. "server grpcexamples.calculator.v1.Calculator/Add"),
// for at most 10s, and returns all it collected by kind and name.
func awaitSpans(t *testing.T, sink spanSink, want ...string) map[string]sdktrace.ReadOnlySpan {
	t.Helper()
	got := map[string]sdktrace.ReadOnlySpan{}
	timeout := time.After(10 * time.Second)
	for {
		missing := false
		for _, w := range want {
			if got[w] == nil {
				missing = true
			}
		}
		if !missing {
			return got
		}
		select {
		case sp := <-sink:
			got[sp.SpanKind().String()+" "+sp.Name()] = sp
		case <-timeout:
			t.Fatalf("spans %q did not all end within 10s; got %v", want, keys(got))
		}
	}
}

func keys[V any](m map[string]V) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

func attr(sp sdktrace.ReadOnlySpan, key string) attribute.Value {
	for _, kv := range sp.Attributes() {
		if string(kv.Key) == key {
			return kv.Value
		}
	}
	return attribute.Value{}
}

func TestOpenTelemetry(t *testing.T) {
	sink := make(spanSink, 100)
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(sink))
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	tel := &telemetry.Providers{Tracer: tp, Meter: mp, Shutdown: func(ctx context.Context) error {
		return errors.Join(tp.Shutdown(ctx), mp.Shutdown(ctx))
	}}
	ts := launch(t, launchOpts{tel: tel})
	// The client traces its calls too, with the same provider, so that the
	// server's spans must be the children of the client's.
	cc := dial(t, ts.addr, grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithStatsHandler(otelgrpc.NewClientHandler(otelgrpc.WithTracerProvider(tp), otelgrpc.WithPropagators(propagation.TraceContext{}))))
	ctx := t.Context()

	if _, err := calculator.NewClient(cc).Add(metadata.AppendToOutgoingContext(ctx, requestIDHeader, "req-add-1"), 2, 3); err != nil {
		t.Fatal(err)
	}
	if _, _, err := calculator.NewClient(cc).Divide(ctx, 1, 0); status.Code(err) != codes.InvalidArgument {
		t.Fatalf("Divide(1, 0) = %v", err)
	}
	for _, err := range streaming.NewClient(cc).ServerStream(metadata.AppendToOutgoingContext(ctx, requestIDHeader, "req-stream-1"), "tick", streaming.Controls{MessageCount: 2}) {
		if err != nil {
			t.Fatal(err)
		}
	}
	// A method the server does not serve gets no server span and no
	// metric series, whatever name the caller invents.
	if err := cc.Invoke(ctx, "/no.such.Service/Invented", &emptypb.Empty{}, &emptypb.Empty{}); status.Code(err) != codes.Unimplemented {
		t.Fatalf("invented method: %v", err)
	}

	const (
		add    = "grpcexamples.calculator.v1.Calculator/Add"
		divide = "grpcexamples.calculator.v1.Calculator/Divide"
		stream = "grpcexamples.streaming.v1.StreamingService/ServerStream"
	)
	spans := awaitSpans(t, sink, "server "+add, "client "+add, "server "+divide, "server "+stream, "client no.such.Service/Invented")
	for _, c := range []struct {
		name, code, requestID string
	}{
		{add, "OK", "req-add-1"},
		{divide, "INVALID_ARGUMENT", ""},
		{stream, "OK", "req-stream-1"},
	} {
		sp := spans["server "+c.name]
		if got := attr(sp, "rpc.response.status_code").AsString(); got != c.code {
			t.Errorf("%s: rpc.response.status_code %q, want %q", c.name, got, c.code)
		}
		if got := attr(sp, "rpc.method").AsString(); got != c.name {
			t.Errorf("%s: rpc.method %q", c.name, got)
		}
		if got := attr(sp, "network.peer.address").AsString(); got != "127.0.0.1" {
			t.Errorf("%s: network.peer.address %q, want 127.0.0.1", c.name, got)
		}
		if attr(sp, "network.peer.port").AsInt64() == 0 {
			t.Errorf("%s: no network.peer.port", c.name)
		}
		id := attr(sp, "request.id").AsString()
		if c.requestID != "" && id != c.requestID || c.requestID == "" && !generatedRequestID.MatchString(id) {
			t.Errorf("%s: request.id %q, want %q (or a generated one)", c.name, id, c.requestID)
		}
	}
	if srv, cli := spans["server "+add], spans["client "+add]; srv.Parent().SpanID() != cli.SpanContext().SpanID() ||
		srv.SpanContext().TraceID() != cli.SpanContext().TraceID() {
		t.Errorf("the server span of Add is not the child of the client's: parent %v, client span %v", srv.Parent(), cli.SpanContext())
	}
	if _, ok := spans["server no.such.Service/Invented"]; ok {
		t.Error("a method the server does not serve has a server span")
	}

	// The call's log line leads to its trace.
	divideTrace := spans["server "+divide].SpanContext().TraceID().String()
	if line := logLine(ts.logs, "grpc.method=Divide", "trace_id="+divideTrace, "request.id="); line == "" {
		t.Errorf("the log line of Divide lacks its trace_id %s and request.id:\n%s", divideTrace, ts.logs)
	}

	// Metrics: the call-duration histogram of the semantic conventions,
	// per method and status code, and nothing for the invented method.
	// otelgrpc records a call's duration after it ends the call's span,
	// so the last call's point may come a little after its span.
	var seen map[string]bool
	for wait := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		seen = collectDurations(t, ctx, reader)
		if seen[stream+" OK"] || time.Now().After(wait) {
			break
		}
	}
	for _, want := range []string{add + " OK", divide + " INVALID_ARGUMENT", stream + " OK"} {
		if !seen[want] {
			t.Errorf("rpc.server.call.duration has no point for %s; has %v", want, keys(seen))
		}
	}
	for k := range seen {
		if strings.Contains(k, "no.such.Service") {
			t.Errorf("rpc.server.call.duration has a series for the invented method: %s", k)
		}
	}
}

func TestRequestID(t *testing.T) {
	cc, _, _, logs := startServerWith(t, new(probe))
	ctx := t.Context()
	for _, c := range []struct {
		sent, want string // want "" means a new one
	}{
		{"", ""},
		{"abc-123_4.5:6", "abc-123_4.5:6"},
		{strings.Repeat("x", maxRequestIDLen), strings.Repeat("x", maxRequestIDLen)},
		{strings.Repeat("x", maxRequestIDLen+1), ""},
		{"with space", ""},
		{"semi;colon", ""},
	} {
		callCtx := ctx
		if c.sent != "" {
			callCtx = metadata.AppendToOutgoingContext(ctx, requestIDHeader, c.sent)
		}
		var header, trailer metadata.MD
		who, err := whoami(callCtx, cc, grpc.Header(&header), grpc.Trailer(&trailer))
		if err != nil {
			t.Fatalf("sent %q: %v", c.sent, err)
		}
		if h := header.Get(requestIDHeader); len(h) != 0 {
			t.Errorf("sent %q: the request id is in the response header (%q), which would stop retries", c.sent, h)
		}
		got := trailer.Get(requestIDHeader)
		if len(got) != 1 || got[0] != who["request_id"] {
			t.Errorf("sent %q: response trailer %q, handler saw %q; want one id, the same", c.sent, got, who["request_id"])
			continue
		}
		if c.want != "" && got[0] != c.want || c.want == "" && !generatedRequestID.MatchString(got[0]) {
			t.Errorf("sent %q: request id %q, want %q", c.sent, got[0], c.want)
		}
	}
	// A stream gets one too, and a failed call's log line carries it.
	var trailer metadata.MD
	for _, err := range streaming.NewClient(cc).ServerStream(metadata.AppendToOutgoingContext(ctx, requestIDHeader, "req-fail-1"), "x",
		streaming.Controls{MessageCount: 1, StatusCode: codes.Aborted, StatusMessage: "stop"}, grpc.Trailer(&trailer)) {
		if status.Code(err) != codes.Aborted {
			t.Fatalf("ServerStream: %v, want Aborted", err)
		}
	}
	if got := trailer.Get(requestIDHeader); len(got) != 1 || got[0] != "req-fail-1" {
		t.Errorf("stream response trailer %s = %q, want req-fail-1", requestIDHeader, got)
	}
	if line := logLine(logs, "grpc.method=ServerStream", "request.id=req-fail-1"); line == "" {
		t.Errorf("the failed stream's log line lacks its request id:\n%s", logs)
	}
}

func TestPrometheusMetrics(t *testing.T) {
	cc, _, _, logs := startServerWith(t, nil, "-metrics-addr", "127.0.0.1:0")
	m := regexp.MustCompile(`msg="metrics listening" addr=(\S+)`).FindStringSubmatch(logs.String())
	if m == nil {
		t.Fatalf("no metrics listening line in the log:\n%s", logs)
	}
	ctx := t.Context()
	calc := calculator.NewClient(cc)
	for range 3 {
		if _, err := calc.Add(ctx, 2, 3); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := calc.Divide(ctx, 1, 0); status.Code(err) != codes.InvalidArgument {
		t.Fatalf("Divide(1, 0) = %v", err)
	}
	for _, err := range streaming.NewClient(cc).ServerStream(ctx, "tick", streaming.Controls{MessageCount: 2}) {
		if err != nil {
			t.Fatal(err)
		}
	}

	resp, err := http.Get("http://" + m[1] + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics: %s", resp.Status)
	}
	for _, want := range []string{
		`grpc_server_handled_total{grpc_code="OK",grpc_method="Add",grpc_service="grpcexamples.calculator.v1.Calculator",grpc_type="unary"} 3`,
		`grpc_server_handled_total{grpc_code="InvalidArgument",grpc_method="Divide",grpc_service="grpcexamples.calculator.v1.Calculator",grpc_type="unary"} 1`,
		`grpc_server_handled_total{grpc_code="OK",grpc_method="ServerStream",grpc_service="grpcexamples.streaming.v1.StreamingService",grpc_type="server_stream"} 1`,
		`grpc_server_msg_sent_total{grpc_method="ServerStream",grpc_service="grpcexamples.streaming.v1.StreamingService",grpc_type="server_stream"} 2`,
		// Every served method has series from the start, at 0.
		`grpc_server_started_total{grpc_method="Multiply",grpc_service="grpcexamples.calculator.v1.Calculator",grpc_type="unary"} 0`,
		`grpc_server_handling_seconds_count{grpc_method="Add",grpc_service="grpcexamples.calculator.v1.Calculator",grpc_type="unary"} 3`,
		`grpc_server_handling_seconds_bucket{grpc_method="Add",grpc_service="grpcexamples.calculator.v1.Calculator",grpc_type="unary",le="300"} 3`,
		"go_goroutines ",
		"process_resident_memory_bytes ",
	} {
		if !bytes.Contains(body, []byte(want)) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if t.Failed() {
		t.Logf("/metrics:\n%s", body)
	}
}

func TestLoopbackIfNoHost(t *testing.T) {
	for in, want := range map[string]string{
		"9090":           "127.0.0.1:9090",
		":9090":          "127.0.0.1:9090",
		"0.0.0.0:9090":   "0.0.0.0:9090",
		"[::1]:9090":     "[::1]:9090",
		"localhost:9090": "localhost:9090",
	} {
		if got := loopbackIfNoHost(in); got != want {
			t.Errorf("loopbackIfNoHost(%q) = %q, want %q", in, got, want)
		}
	}
	cfg, err := parseFlags([]string{"-metrics-addr", ":9464"}, io.Discard)
	if err != nil || cfg.metricsAddr != "127.0.0.1:9464" {
		t.Errorf("-metrics-addr :9464 = %q, %v; want 127.0.0.1:9464", cfg.metricsAddr, err)
	}
}

// wireSizes records the compressed size of each request a client sends.
type wireSizes struct {
	mu    sync.Mutex
	sizes []int
}

func (w *wireSizes) TagRPC(ctx context.Context, _ *stats.RPCTagInfo) context.Context { return ctx }
func (w *wireSizes) TagConn(ctx context.Context, _ *stats.ConnTagInfo) context.Context {
	return ctx
}
func (w *wireSizes) HandleConn(context.Context, stats.ConnStats) {}
func (w *wireSizes) HandleRPC(_ context.Context, s stats.RPCStats) {
	if out, ok := s.(*stats.OutPayload); ok {
		w.mu.Lock()
		w.sizes = append(w.sizes, out.CompressedLength)
		w.mu.Unlock()
	}
}

// TestGzip: a client may compress its requests, and a compressed request
// is still held to -max-recv-bytes once decompressed, so a small
// compressed message cannot make the server allocate gigabytes.
func TestGzip(t *testing.T) {
	// The client compresses a request after it has sent the call's
	// headers; under the race detector on a loaded machine that can take
	// longer than the default -first-message-timeout.
	ts := launch(t, launchOpts{probe: new(probe)}, "-first-message-timeout", "1m")
	sizes := new(wireSizes)
	cc := dial(t, ts.addr, grpc.WithTransportCredentials(insecure.NewCredentials()), grpc.WithStatsHandler(sizes),
		grpc.WithDefaultCallOptions(grpc.UseCompressor(gzip.Name)))
	ctx := t.Context()

	const n = 512 << 10
	got, err := callProbe[wrapperspb.Int64Value](ctx, cc, "Size", wrapperspb.Bytes(make([]byte, n)))
	if err != nil || got.GetValue() != n {
		t.Fatalf("Size of %d gzipped zero bytes = %v, %v", n, got, err)
	}
	if len(sizes.sizes) != 1 || sizes.sizes[0] > n/100 {
		t.Errorf("%d zero bytes went out as %v bytes; want gzip to shrink them 100-fold", n, sizes.sizes)
	}

	// 2 MiB of zeros is about 2 KiB gzipped, far under the limit on the
	// wire, but twice -max-recv-bytes once decompressed.
	_, err = callProbe[wrapperspb.Int64Value](ctx, cc, "Size", wrapperspb.Bytes(make([]byte, 2<<20)))
	if status.Code(err) != codes.ResourceExhausted {
		t.Errorf("Size of 2 MiB gzipped = %v, want ResourceExhausted", err)
	}
}

// generatedRequestID matches the ids the server makes: its random prefix
// of 10 base32 characters, a dash, and a counter in base 36.
var generatedRequestID = regexp.MustCompile(`^[A-Z2-7]{10}-[0-9a-z]+$`)

// collectDurations reads the rpc.server.call.duration points from reader,
// as "METHOD CODE" -> whether the point counts a call.
func collectDurations(t *testing.T, ctx context.Context, reader *sdkmetric.ManualReader) map[string]bool {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(ctx, &rm); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name != "rpc.server.call.duration" {
				continue
			}
			h, ok := m.Data.(metricdata.Histogram[float64])
			if !ok {
				t.Fatalf("rpc.server.call.duration is a %T", m.Data)
			}
			for _, dp := range h.DataPoints {
				method, _ := dp.Attributes.Value("rpc.method")
				code, _ := dp.Attributes.Value("rpc.response.status_code")
				seen[method.AsString()+" "+code.AsString()] = dp.Count > 0
			}
		}
	}
	return seen
}
