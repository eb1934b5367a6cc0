package keywords_test

import (
	"context"
	"errors"
	"io"
	"os"
	"testing"

	"google.golang.org/grpc"

	"github.com/seed717b8fd8/grpcexamples/bufconntest"
	"github.com/seed717b8fd8/grpcexamples/keywords"
	"github.com/seed717b8fd8/grpcexamples/keywords/internal/eval"
)

// BenchmarkStreamAbstracts measures StreamKeywords as a batch client uses
// it: every Inspec dev abstract (500) sent on one stream over bufconn while
// a second goroutine receives the answers. One op is the whole stream;
// docs/s is abstracts answered per second, to compare with
// BenchmarkExtractAbstract (the engine alone).
func BenchmarkStreamAbstracts(b *testing.B) {
	const file = "../../shared/data/keywords/inspec/dev.jsonl"
	if _, err := os.Stat(file); err != nil {
		b.Skipf("benchmark data not present: %v", err)
	}
	docs, err := eval.ReadJSONL(file)
	if err != nil {
		b.Fatal(err)
	}
	var size int64
	for _, d := range docs {
		size += int64(len(d.Text))
	}
	srv := bufconntest.Start(b, func(s grpc.ServiceRegistrar) { keywords.Register(s, keywords.NewServer()) })
	c := keywords.NewClient(srv.Conn)
	b.ReportAllocs()
	b.SetBytes(size)
	for b.Loop() {
		streamAll(b, c, docs)
	}
	b.ReportMetric(float64(b.N*len(docs))/b.Elapsed().Seconds(), "docs/s")
}

// streamAll sends every document on one stream and checks that each gets
// its answer, in order.
func streamAll(b *testing.B, c *keywords.Client, docs []eval.Doc) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st, err := c.Stream(ctx)
	if err != nil {
		b.Fatal(err)
	}
	sendErr := make(chan error, 1)
	go func() {
		for _, d := range docs {
			if err := st.Send(keywords.Request{Text: d.Text, ID: d.ID}); err != nil {
				sendErr <- err
				return
			}
		}
		sendErr <- st.CloseSend()
	}()
	n := 0
	for {
		res, err := st.Receive()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		if res.ID != docs[n].ID {
			b.Fatalf("answer %d has id %q, want %q", n, res.ID, docs[n].ID)
		}
		n++
	}
	if err := <-sendErr; err != nil {
		b.Fatal(err)
	}
	if n != len(docs) {
		b.Fatalf("got %d answers for %d documents", n, len(docs))
	}
}
