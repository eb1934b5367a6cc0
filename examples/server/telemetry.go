package main

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	grpcprom "github.com/grpc-ecosystem/go-grpc-middleware/providers/prometheus"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc"
	"google.golang.org/grpc/stats"

	"github.com/seed717b8fd8/grpcexamples/internal/telemetry"
)

// otelHandler is otelgrpc's server stats handler: a span per call (named
// for the method, with rpc.method, rpc.response.status_code and the span
// status; withRequestID adds request.id and the peer's address) and the
// rpc.server.call.duration histogram, as OpenTelemetry's RPC semantic
// conventions say. The caller's W3C traceparent, when present, makes the
// span its child.
//
// registered filters out calls of methods the server does not serve:
// grpc-go hands the stats handler the method name the caller sent, and a
// caller inventing names would otherwise grow a metric series per name.
func otelHandler(tel *telemetry.Providers, registered func(method string) bool) grpc.ServerOption {
	return grpc.StatsHandler(otelgrpc.NewServerHandler(
		otelgrpc.WithTracerProvider(tel.Tracer),
		otelgrpc.WithMeterProvider(tel.Meter),
		otelgrpc.WithPropagators(propagation.TraceContext{}),
		otelgrpc.WithFilter(func(info *stats.RPCTagInfo) bool { return registered(info.FullMethodName) }),
	))
}

// latencyBuckets are the bounds, in seconds, of grpc_server_handling_seconds:
// from a millisecond (a calculator call) to the 5-minute -max-call-duration
// (a long stream).
var latencyBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120, 300}

// promMetrics is go-grpc-middleware's Prometheus provider on a registry of
// the server's own (not the global default one, which a host may fill
// with its own): grpc_server_started_total, grpc_server_handled_total,
// grpc_server_msg_received_total and grpc_server_msg_sent_total by
// service, method, type and (handled) code, the grpc_server_handling_seconds
// histogram, and the Go runtime's and the process's collectors. Only the
// methods the server serves get series: grpc-go answers calls of unknown
// methods before any interceptor runs.
type promMetrics struct {
	reg     *prometheus.Registry
	metrics *grpcprom.ServerMetrics
	// endedEarly counts the calls that ended before their handler
	// started, by reason (the gate's reason* constants): the calls
	// go-grpc-middleware's interceptors never see.
	endedEarly *prometheus.CounterVec
}

// newPromMetrics makes the server's metrics; inFlight reads the gate's
// count of calls in flight.
func newPromMetrics(inFlight func() int) *promMetrics {
	m := &promMetrics{
		reg:     prometheus.NewRegistry(),
		metrics: grpcprom.NewServerMetrics(grpcprom.WithServerHandlingTimeHistogram(grpcprom.WithHistogramBuckets(latencyBuckets))),
		endedEarly: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "grpcexamples_server_calls_ended_early_total",
			Help: "Calls that ended before their handler started, by reason: refused or evicted under -max-calls, " +
				"no request within -first-message-timeout, the client's deadline, or ended otherwise (reset, closed, unknown method, undecodable request).",
		}, []string{"reason"}),
	}
	for _, r := range []string{reasonRefused, reasonEvicted, reasonNoRequest, reasonDeadline, reasonEnded} {
		m.endedEarly.WithLabelValues(r) // a zero series for every reason, before the first scrape
	}
	m.reg.MustRegister(m.metrics, m.endedEarly,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "grpcexamples_server_calls_in_flight",
			Help: "Calls in flight across all connections, the count -max-calls bounds.",
		}, func() float64 { return float64(inFlight()) }),
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// interceptors count every call; a traced call's trace id becomes the
// exemplar of its histogram bucket (shown in the OpenMetrics format), so
// that a slow bucket leads to a slow call's trace.
func (m *promMetrics) interceptors() (grpc.UnaryServerInterceptor, grpc.StreamServerInterceptor) {
	exemplar := grpcprom.WithExemplarFromContext(func(ctx context.Context) prometheus.Labels {
		if sc := trace.SpanContextFromContext(ctx); sc.IsSampled() {
			return prometheus.Labels{"trace_id": sc.TraceID().String()}
		}
		return nil
	})
	return m.metrics.UnaryServerInterceptor(exemplar), m.metrics.StreamServerInterceptor(exemplar)
}

// loopbackIfNoHost turns a bare port ("9090") or ":9090" into
// "127.0.0.1:9090": metrics and profiles describe the server's insides,
// and listening on every interface must be asked for ("0.0.0.0:9090").
func loopbackIfNoHost(addr string) string {
	if !strings.Contains(addr, ":") {
		return net.JoinHostPort("127.0.0.1", addr)
	}
	if host, port, err := net.SplitHostPort(addr); err == nil && host == "" {
		return net.JoinHostPort("127.0.0.1", port)
	}
	return addr
}

// serveHTTP serves h on addr, a listener of its own, and returns the
// function that stops it. name labels its log lines ("metrics listening").
func serveHTTP(name, addr string, h http.Handler, log *slog.Logger) (stop func(), err error) {
	lis, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := hs.Serve(lis); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error(name+" server", "err", err)
		}
	}()
	log.Info(name+" listening", "addr", lis.Addr().String())
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = hs.Shutdown(ctx)
		<-done
	}, nil
}

// metricsHandler serves the registry at /metrics, in the OpenMetrics
// format when the scraper asks for it (exemplars need it).
func (m *promMetrics) handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{EnableOpenMetrics: true}))
	return mux
}
