// Package telemetry builds the OpenTelemetry tracer and meter providers
// that examples/server and examples/client hand to otelgrpc's stats
// handlers, from the value of their -otel flag. It is for the example
// programs: the service packages know nothing of telemetry, which belongs
// to the host server.
//
// The providers are returned, not installed as OpenTelemetry's globals, so
// that a host keeps its own globals and tests can run several side by
// side.
package telemetry

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetricgrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/stdout/stdoutmetric"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	"go.opentelemetry.io/otel/metric"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// FlagUsage describes the values of a -otel flag, for its usage line.
const FlagUsage = `OpenTelemetry traces and metrics of every call: "stdout" (pretty JSON), ` +
	`"otlp" (OTLP/gRPC to $OTEL_EXPORTER_OTLP_ENDPOINT, default localhost:4317) ` +
	`or an OTLP/gRPC endpoint URL such as http://127.0.0.1:4317 (http: plaintext, https: TLS); empty = off`

// Check validates a -otel value: "", "stdout", "otlp" or an http or https
// URL with a host. The error names the flag.
func Check(mode string) error {
	switch mode {
	case "", "stdout", "otlp":
		return nil
	}
	u, err := url.Parse(mode)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf(`-otel %q: want "stdout", "otlp" or an OTLP/gRPC endpoint URL such as http://127.0.0.1:4317`, mode)
	}
	return nil
}

// Providers are where otelgrpc sends spans and metrics.
type Providers struct {
	Tracer trace.TracerProvider
	Meter  metric.MeterProvider
	// Shutdown flushes what is buffered and stops the exporters; ctx
	// bounds how long it may take. Call it once, when the program ends.
	Shutdown func(ctx context.Context) error
}

// New builds the providers for mode, a value Check accepts other than "",
// for a program named service (OTEL_SERVICE_NAME and
// OTEL_RESOURCE_ATTRIBUTES override it).
//
// "stdout" writes pretty JSON to out: spans in batches, metrics every
// minute (OTEL_METRIC_EXPORT_INTERVAL) and at Shutdown. "otlp" and a URL
// export over OTLP/gRPC in batches; the standard OTEL_EXPORTER_OTLP_*
// variables configure what a URL does not (headers, certificates,
// timeouts), and nothing is dialled before the first export, so a
// collector that is not up yet stops nothing. Sampling follows
// OTEL_TRACES_SAMPLER; by default every call is traced unless the
// caller's traceparent says it is not sampled. The exporters' queues are
// bounded (2048 spans by default): under more load than they drain,
// spans are dropped, not buffered.
func New(ctx context.Context, mode, service string, out io.Writer) (*Providers, error) {
	var (
		spans   sdktrace.SpanExporter
		metrics sdkmetric.Exporter
		err     error
	)
	switch mode {
	case "stdout":
		if spans, err = stdouttrace.New(stdouttrace.WithWriter(out), stdouttrace.WithPrettyPrint()); err != nil {
			return nil, err
		}
		if metrics, err = stdoutmetric.New(stdoutmetric.WithWriter(out), stdoutmetric.WithPrettyPrint()); err != nil {
			return nil, err
		}
	default:
		if err := Check(mode); err != nil || mode == "" {
			return nil, fmt.Errorf("-otel %q: not a telemetry destination", mode)
		}
		var topts []otlptracegrpc.Option
		var mopts []otlpmetricgrpc.Option
		if mode != "otlp" {
			topts = append(topts, otlptracegrpc.WithEndpointURL(mode))
			mopts = append(mopts, otlpmetricgrpc.WithEndpointURL(mode))
		}
		if spans, err = otlptracegrpc.New(ctx, topts...); err != nil {
			return nil, fmt.Errorf("-otel %s: %w", mode, err)
		}
		if metrics, err = otlpmetricgrpc.New(ctx, mopts...); err != nil {
			return nil, fmt.Errorf("-otel %s: %w", mode, err)
		}
	}
	res, err := resource.New(ctx,
		resource.WithAttributes(attribute.String("service.name", service)),
		resource.WithTelemetrySDK(),
		resource.WithFromEnv(),
	)
	if err != nil {
		return nil, fmt.Errorf("-otel: OTEL_RESOURCE_ATTRIBUTES: %w", err)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(spans), sdktrace.WithResource(res))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewPeriodicReader(metrics)), sdkmetric.WithResource(res))
	return &Providers{
		Tracer: tp,
		Meter:  mp,
		Shutdown: func(ctx context.Context) error {
			return errors.Join(tp.Shutdown(ctx), mp.Shutdown(ctx))
		},
	}, nil
}
