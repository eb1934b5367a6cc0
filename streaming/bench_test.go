package streaming_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/seed717b8fd8/grpcexamples/streaming"
)

// BenchmarkServerStream measures server-streaming throughput over bufconn:
// each iteration is one call of 1000 responses. With a payload, MB/s is
// payload bytes per second; responses/s is reported for every size. The
// 64 KiB case asks for 1000 × (5 + 65536) bytes, just over the default
// response-byte ceiling, which the benchmark raises as a host would.
func BenchmarkServerStream(b *testing.B) {
	const count = 1000
	for _, size := range []int{0, 1 << 10, 64 << 10} {
		b.Run(fmt.Sprintf("payload=%d", size), func(b *testing.B) {
			c := start(b, streaming.WithMaxResponseBytes(1<<30))
			ctl := streaming.Controls{MessageCount: count, PayloadSize: size}
			b.SetBytes(int64(count * size))
			b.ReportAllocs()
			for b.Loop() {
				n := 0
				for _, err := range c.ServerStream(context.Background(), "bench", ctl) {
					if err != nil {
						b.Fatal(err)
					}
					n++
				}
				if n != count {
					b.Fatalf("got %d responses, want %d", n, count)
				}
			}
			b.ReportMetric(float64(count*b.N)/b.Elapsed().Seconds(), "responses/s")
		})
	}
}

// BenchmarkServerStreamLargest measures the most expensive call the
// default ceilings accept: 64 responses of the largest payload, 64 MiB.
// Each iteration is one such call; MB/s is payload bytes per second.
func BenchmarkServerStreamLargest(b *testing.B) {
	const count = streaming.MaxResponseBytes / streaming.MaxPayloadSize
	c := start(b)
	ctl := streaming.Controls{MessageCount: count, PayloadSize: streaming.MaxPayloadSize}
	b.SetBytes(streaming.MaxResponseBytes)
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		for _, err := range c.ServerStream(context.Background(), "", ctl) {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != count {
			b.Fatalf("got %d responses, want %d", n, count)
		}
	}
}

// BenchmarkBidiStream measures a bidirectional call's round trip, one
// request answered before the next is sent, including the call's own
// goroutine that lets the server end it at its duration ceiling. Each
// iteration is one call of 100 round trips.
func BenchmarkBidiStream(b *testing.B) {
	const rounds = 100
	c := start(b)
	b.ReportAllocs()
	for b.Loop() {
		s, err := c.BidiStream(context.Background(), streaming.Controls{})
		if err != nil {
			b.Fatal(err)
		}
		for range rounds {
			if err := s.Send("ping", nil); err != nil {
				b.Fatal(err)
			}
			if _, err := s.Receive(); err != nil {
				b.Fatal(err)
			}
		}
		if err := s.CloseSend(); err != nil {
			b.Fatal(err)
		}
		if _, err := s.Receive(); !errors.Is(err, io.EOF) {
			b.Fatal(err)
		}
		s.Close()
	}
	b.ReportMetric(float64(rounds*b.N)/b.Elapsed().Seconds(), "round-trips/s")
}
