package main

import (
	"context"
	"errors"
	"testing"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/seed717b8fd8/grpcexamples/calculator"
	"github.com/seed717b8fd8/grpcexamples/internal/telemetry"
)

// BenchmarkCallOverhead measures a unary call (calculator Add, over
// loopback TCP) through the server as each production layer is added:
// what TLS, tokens with authz, Prometheus and OpenTelemetry cost per call.
//
//	go test -run '^$' -bench CallOverhead -benchmem ./examples/server
func BenchmarkCallOverhead(b *testing.B) {
	p := newPKI(b)
	inMemory := func() *telemetry.Providers {
		tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(sdktrace.NewBatchSpanProcessor(tracetest.NewNoopExporter())))
		mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
		return &telemetry.Providers{Tracer: tp, Meter: mp, Shutdown: func(ctx context.Context) error {
			return errors.Join(tp.Shutdown(ctx), mp.Shutdown(ctx))
		}}
	}
	for _, c := range []struct {
		name  string
		args  []string
		tls   bool
		token bool
		tel   bool
	}{
		{name: "plaintext"},
		{name: "tls", args: p.tlsArgs(), tls: true},
		{name: "mtls", args: p.mtlsArgs(), tls: true},
		{name: "tls+tokens+authz", args: append(p.tlsArgs(), "-auth-tokens", exampleTokens, "-authz-policy", examplePolicy), tls: true, token: true},
		{name: "plaintext+prometheus", args: []string{"-metrics-addr", "127.0.0.1:0"}},
		{name: "plaintext+otel", tel: true},
		{name: "all", args: append(p.mtlsArgs(), "-auth-tokens", exampleTokens, "-authz-policy", examplePolicy, "-metrics-addr", "127.0.0.1:0"),
			tls: true, token: true, tel: true},
	} {
		b.Run(c.name, func(b *testing.B) {
			o := launchOpts{}
			if c.tel {
				o.tel = inMemory()
			}
			ts := launch(b, o, c.args...)
			opt := grpc.WithTransportCredentials(insecure.NewCredentials())
			if c.tls {
				opt = creds(p.ca, p.ops)
			}
			cc := dial(b, ts.addr, opt)
			ctx := context.Background()
			if c.token {
				ctx = bearer(ctx, aliceToken)
			}
			calc := calculator.NewClient(cc)
			if _, err := calc.Add(ctx, 1, 2); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := calc.Add(ctx, 1, 2); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
