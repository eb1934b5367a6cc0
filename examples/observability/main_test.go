package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/goleak"
)

// TestMain fails the run if the program leaves a goroutine behind (its
// in-memory server or connection not closed).
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestRunShowsSpansAndMetrics checks every line the program prints: a
// client and a server span for each of the three calls, with their status
// and the server span the child of the client span (the traceparent went
// through), and one grpc_server_handled_total sample per method and code.
func TestRunShowsSpansAndMetrics(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), &out); err != nil {
		t.Fatalf("run: %v\noutput so far:\n%s", err, out.String())
	}
	want := `== OpenTelemetry spans, in the order they started
client grpcexamples.calculator.v1.Calculator/Add: span status Unset, rpc.response.status_code OK
server grpcexamples.calculator.v1.Calculator/Add: span status Unset, rpc.response.status_code OK, child of the client span
client grpcexamples.calculator.v1.Calculator/Divide: span status Error, rpc.response.status_code INVALID_ARGUMENT
server grpcexamples.calculator.v1.Calculator/Divide: span status Unset, rpc.response.status_code INVALID_ARGUMENT, child of the client span
client grpcexamples.streaming.v1.StreamingService/ServerStream: span status Unset, rpc.response.status_code OK
server grpcexamples.streaming.v1.StreamingService/ServerStream: span status Unset, rpc.response.status_code OK, child of the client span

== Prometheus, scraped in process
grpc_server_handled_total{grpc_code="InvalidArgument",grpc_method="Divide",grpc_service="grpcexamples.calculator.v1.Calculator",grpc_type="unary"} 1
grpc_server_handled_total{grpc_code="OK",grpc_method="Add",grpc_service="grpcexamples.calculator.v1.Calculator",grpc_type="unary"} 1
grpc_server_handled_total{grpc_code="OK",grpc_method="ServerStream",grpc_service="grpcexamples.streaming.v1.StreamingService",grpc_type="server_stream"} 1
`
	if got := out.String(); got != want {
		t.Errorf("output differs\n--- got:\n%s--- want:\n%s", got, want)
	}
}

// TestPrintMetricNeedsSamples: a scrape without the metric asked for is an
// error, not an empty section.
func TestPrintMetricNeedsSamples(t *testing.T) {
	var out bytes.Buffer
	err := printMetric(&out, prometheus.NewRegistry(), "grpc_server_handled_total")
	if err == nil || !strings.Contains(err.Error(), "no grpc_server_handled_total sample") {
		t.Errorf("printMetric on an empty registry = %v, want an error naming the metric", err)
	}
}
