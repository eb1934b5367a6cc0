package keywords

import (
	"flag"
	"runtime"
	"testing"
)

// The input of BenchmarkExtractCost: a benchmark file of shared/data/keywords
// or an adversarial shape of shapes_test.go.
var (
	costSet   = flag.String("cost.set", "inspec/dev.jsonl", "benchmark `file` of shared/data/keywords whose texts BenchmarkExtractCost extracts")
	costDocs  = flag.Int("cost.docs", 0, "extract only the first `n` texts of -cost.set (0: all)")
	costShape = flag.String("cost.shape", "", "adversarial shape (see shapes_test.go) to extract instead of -cost.set, each call cold")
)

// BenchmarkExtractCost extracts every text of one input once per
// iteration, inside extractAll, and reports allocated bytes and time per
// byte of text. It is the probe of tools/bench/cost.sh, which runs it for
// one iteration under callgrind, counting the instructions of extractAll
// alone: building the tables and reading the data are outside it. Texts of
// a benchmark file are extracted warm (after a first pass over them all,
// which builds the tables and fills the pool of working memory and its
// stem cache), as a busy server's calls are; a shape is extracted cold, its pooled memory and stem cache dropped
// by two collections before each call, the worst case a caller can force.
func BenchmarkExtractCost(b *testing.B) {
	var texts []string
	cold := *costShape != ""
	if cold {
		for _, sh := range shapes {
			if sh.name == *costShape {
				texts = []string{sh.make(b)}
			}
		}
		if texts == nil {
			b.Fatalf("no shape %q", *costShape)
		}
	} else {
		docs := loadDocs(b, *costSet)
		if n := *costDocs; n > 0 && n < len(docs) {
			docs = docs[:n]
		}
		for _, d := range docs {
			texts = append(texts, d.Text)
		}
	}
	var bytes int
	for _, t := range texts {
		bytes += len(t)
	}
	// A first pass, outside extractAll, builds the tables and, for texts
	// of a benchmark file, fills the pool and the stem cache as a server's
	// earlier calls would have.
	for _, t := range texts {
		Extract(t)
	}
	var alloc uint64
	var ms runtime.MemStats
	for b.Loop() {
		b.StopTimer()
		if cold {
			runtime.GC()
			runtime.GC()
		}
		runtime.ReadMemStats(&ms)
		alloc -= ms.TotalAlloc
		b.StartTimer()
		extractAll(texts)
		b.StopTimer()
		runtime.ReadMemStats(&ms)
		alloc += ms.TotalAlloc
		b.StartTimer()
	}
	n := float64(b.N) * float64(bytes)
	b.ReportMetric(float64(bytes), "bytes")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/n, "ns/byte")
	b.ReportMetric(float64(alloc)/n, "B/byte")
}

// extractAll extracts each text: the function whose instructions
// tools/bench/cost.sh counts.
//
//go:noinline
func extractAll(texts []string) {
	for _, t := range texts {
		Extract(t)
	}
}
