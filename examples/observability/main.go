// Command observability shows what a host server learns about the calls
// it serves: an OpenTelemetry span for each call on the client and on the
// server, and Prometheus counters by method and status code.
//
//	go run ./examples/observability
//
// The calculator and streaming services run in memory (bufconntest). Both
// ends carry otelgrpc's stats handler, which starts a span per call
// (named for the method, with the status code) and passes the trace
// context in the W3C traceparent header, so that the server's span is a
// child of the client's. The spans go to an in-memory exporter, which the
// program prints; a real program exports them over OTLP instead (see
// internal/telemetry and examples/server's -otel flag).
//
// The server also carries go-grpc-middleware's Prometheus interceptors,
// registered on a registry of its own; the program scrapes it in process,
// as Prometheus would at /metrics, and prints grpc_server_handled_total.
//
// The calls: Add(2, 3), which succeeds; Divide(1, 0), which fails with
// InvalidArgument; and a server stream of three messages.
package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"

	grpcprom "github.com/grpc-ecosystem/go-grpc-middleware/providers/prometheus"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc"

	"github.com/seed717b8fd8/grpcexamples/bufconntest"
	"github.com/seed717b8fd8/grpcexamples/calculator"
	"github.com/seed717b8fd8/grpcexamples/streaming"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "observability:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, w io.Writer) error {
	spans := tracetest.NewInMemoryExporter()
	// WithSyncer exports each span as it ends; a real program batches
	// (sdktrace.WithBatcher) so that calls never wait for the exporter.
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
	defer tp.Shutdown(ctx)
	// The handlers get their propagator here: OpenTelemetry's global one
	// does nothing until a program sets it, and without it no traceparent
	// is sent, so the server's span would start a trace of its own.
	traceOpts := []otelgrpc.Option{otelgrpc.WithTracerProvider(tp), otelgrpc.WithPropagators(propagation.TraceContext{})}

	metrics := grpcprom.NewServerMetrics()
	reg := prometheus.NewRegistry() // the host's default registry stays its own
	reg.MustRegister(metrics)

	srv, err := bufconntest.NewServer(func(s grpc.ServiceRegistrar) {
		calculator.Register(s, calculator.NewServer())
		streaming.Register(s, streaming.NewServer())
	},
		bufconntest.WithServerOptions(
			grpc.StatsHandler(otelgrpc.NewServerHandler(traceOpts...)),
			grpc.ChainUnaryInterceptor(metrics.UnaryServerInterceptor()),
			grpc.ChainStreamInterceptor(metrics.StreamServerInterceptor()),
			// A server span ends after the client has its answer; this
			// makes Close wait for it, so that every span is exported
			// before the program prints them.
			grpc.WaitForHandlers(true),
		),
		bufconntest.WithDialOptions(grpc.WithStatsHandler(otelgrpc.NewClientHandler(traceOpts...))),
	)
	if err != nil {
		return err
	}
	defer srv.Close()

	calc := calculator.NewClient(srv.Conn)
	if _, err := calc.Add(ctx, 2, 3); err != nil {
		return err
	}
	if _, _, err := calc.Divide(ctx, 1, 0); err == nil {
		return fmt.Errorf("Divide(1, 0) succeeded; it was meant to fail")
	}
	for _, err := range streaming.NewClient(srv.Conn).ServerStream(ctx, "tick", streaming.Controls{MessageCount: 3}) {
		if err != nil {
			return err
		}
	}
	srv.Close()

	fmt.Fprintln(w, "== OpenTelemetry spans, in the order they started")
	printSpans(w, spans.GetSpans())
	fmt.Fprintln(w, "\n== Prometheus, scraped in process")
	return printMetric(w, reg, "grpc_server_handled_total")
}

// printSpans prints each span's kind, name and status: the span status
// and the gRPC code in rpc.response.status_code. otelgrpc follows
// OpenTelemetry's RPC conventions: a client span is an Error for every
// code but OK, a server span only for codes that say the server failed
// (Unknown, DeadlineExceeded, Unimplemented, Internal, Unavailable,
// DataLoss), not for a caller's bad request. A server span whose parent
// is one of the client spans says so.
func printSpans(w io.Writer, spans tracetest.SpanStubs) {
	slices.SortStableFunc(spans, func(a, b tracetest.SpanStub) int { return a.StartTime.Compare(b.StartTime) })
	clients := map[trace.SpanID]bool{}
	for _, s := range spans {
		if s.SpanKind == trace.SpanKindClient {
			clients[s.SpanContext.SpanID()] = true
		}
	}
	for _, s := range spans {
		code := ""
		for _, a := range s.Attributes {
			if a.Key == "rpc.response.status_code" {
				code = a.Value.Emit()
			}
		}
		parent := ""
		if s.SpanKind == trace.SpanKindServer && clients[s.Parent.SpanID()] {
			parent = ", child of the client span"
		}
		fmt.Fprintf(w, "%-6s %s: span status %s, rpc.response.status_code %s%s\n",
			s.SpanKind, s.Name, s.Status.Code, code, parent)
	}
}

// printMetric scrapes reg as Prometheus does, over promhttp's handler but
// without a listener, and prints the samples of the metric name.
func printMetric(w io.Writer, reg *prometheus.Registry, name string) error {
	rec := httptest.NewRecorder()
	promhttp.HandlerFor(reg, promhttp.HandlerOpts{}).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		return fmt.Errorf("scrape: HTTP %d: %s", rec.Code, rec.Body)
	}
	found := false
	for line := range strings.Lines(rec.Body.String()) {
		if strings.HasPrefix(line, name+"{") {
			fmt.Fprint(w, line)
			found = true
		}
	}
	if !found {
		return fmt.Errorf("scrape: no %s sample", name)
	}
	return nil
}
