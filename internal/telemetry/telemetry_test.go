package telemetry_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/seed717b8fd8/grpcexamples/internal/telemetry"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestCheck(t *testing.T) {
	for mode, ok := range map[string]bool{
		"": true, "stdout": true, "otlp": true, "http://127.0.0.1:4317": true, "https://collector.example:4317": true,
		"stderr": false, "127.0.0.1:4317": false, "ftp://collector:4317": false, "http://": false,
	} {
		if err := telemetry.Check(mode); (err == nil) != ok {
			t.Errorf("Check(%q) = %v, want ok=%v", mode, err, ok)
		}
		if err := telemetry.Check(mode); err != nil && !strings.Contains(err.Error(), "-otel") {
			t.Errorf("Check(%q) = %v: the error does not name the flag", mode, err)
		}
	}
}

// TestStdout: a span ended before Shutdown is written out by it, with the
// service name.
func TestStdout(t *testing.T) {
	var out bytes.Buffer
	p, err := telemetry.New(context.Background(), "stdout", "telemetry-test", &out)
	if err != nil {
		t.Fatal(err)
	}
	_, span := p.Tracer.Tracer("test").Start(context.Background(), "test-span")
	span.End()
	if err := p.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"Name": "test-span"`, `"Value": "telemetry-test"`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("stdout telemetry lacks %s:\n%.2000s", want, out.String())
		}
	}
}

// TestOTLPCollectorDown: the exporters do not dial before their first
// export, so a server starts while its collector is down, and Shutdown
// gives up on the final export when its context ends.
func TestOTLPCollectorDown(t *testing.T) {
	p, err := telemetry.New(context.Background(), "http://127.0.0.1:1", "telemetry-test", nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := p.Shutdown(ctx); err == nil {
		t.Error("Shutdown with the collector down = nil, want the failed export")
	}
}
