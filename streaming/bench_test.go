package streaming_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/seed717b8fd8/grpcexamples/streaming"
)

// BenchmarkServerStream measures server-streaming throughput over bufconn:
// each iteration is one call of 1000 responses. With a payload, MB/s is
// payload bytes per second; responses/s is reported for every size.
func BenchmarkServerStream(b *testing.B) {
	const count = 1000
	for _, size := range []int{0, 1 << 10, 64 << 10} {
		b.Run(fmt.Sprintf("payload=%d", size), func(b *testing.B) {
			c := start(b)
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
