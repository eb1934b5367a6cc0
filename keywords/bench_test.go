package keywords

import (
	"strings"
	"testing"
)

// benchExtract runs Extract over the texts of a benchmark file and reports
// documents per second.
func benchExtract(b *testing.B, file string, limit int) {
	docs := loadDocs(b, file)
	if len(docs) > limit {
		docs = docs[:limit]
	}
	var bytes int64
	for _, d := range docs {
		bytes += int64(len(d.Text))
	}
	Extract(docs[0].Text) // build the tables outside the timing
	b.ReportAllocs()
	b.SetBytes(bytes / int64(len(docs)))
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		Extract(docs[i%len(docs)].Text)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "docs/s")
}

// BenchmarkExtractAbstract measures Extract on Inspec abstracts (about 130
// words each).
func BenchmarkExtractAbstract(b *testing.B) { benchExtract(b, "inspec/dev.jsonl", 500) }

// BenchmarkExtractNews measures Extract on 500N-KPCrowd news stories.
func BenchmarkExtractNews(b *testing.B) { benchExtract(b, "500n-kpcrowd/train.jsonl", 450) }

// BenchmarkExtractPaper measures Extract on full SemEval-2010 papers
// (about 8,000 words each).
func BenchmarkExtractPaper(b *testing.B) { benchExtract(b, "semeval2010/train.jsonl", 144) }

// BenchmarkExtractMaxText measures Extract on a text of MaxTextBytes made
// of SemEval papers, the largest input the service accepts: time and
// memory should be about MaxTextBytes / paper size times a paper's.
func BenchmarkExtractMaxText(b *testing.B) {
	docs := loadDocs(b, "semeval2010/train.jsonl")
	var sb strings.Builder
	for i := 0; sb.Len() < MaxTextBytes; i++ {
		sb.WriteString(docs[i%len(docs)].Text)
		sb.WriteByte('\n')
	}
	text := truncate(sb.String(), MaxTextBytes)
	Extract(text)
	b.ReportAllocs()
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		Extract(text)
	}
}
