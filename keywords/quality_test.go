package keywords

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/seed717b8fd8/grpcexamples/keywords/internal/eval"
)

// dataDir is where the benchmark splits live (see shared/data/keywords).
const dataDir = "../../shared/data/keywords"

func loadDocs(tb testing.TB, name string) []eval.Doc {
	tb.Helper()
	path := filepath.Join(dataDir, name)
	if _, err := os.Stat(path); err != nil {
		tb.Skipf("benchmark data %s not present: %v", path, err)
	}
	docs, err := eval.ReadJSONL(path)
	if err != nil {
		tb.Fatal(err)
	}
	return docs
}

func extractTexts(text string) []string {
	kps := Extract(text)
	out := make([]string, len(kps))
	for i, k := range kps {
		out[i] = k.Text
	}
	return out
}

// TestQuality runs the standard evaluation (internal/eval) on the
// development splits and checks that quality does not fall below floors a
// little under what the engine reaches (Inspec dev 31.1/36.4, SemEval
// train 17.1/20.1, 500N-KPCrowd train 12.0/18.6 F@5/F@10 in percent). The
// project's targets are Inspec 29/35, SemEval 14/17, KPCrowd 12/17: all
// are met, KPCrowd's F@5 narrowly.
func TestQuality(t *testing.T) {
	if testing.Short() {
		t.Skip("full evaluation skipped in -short mode")
	}
	tests := []struct {
		file  string
		min5  float64
		min10 float64
	}{
		{"inspec/dev.jsonl", 30.5, 36},
		{"semeval2010/train.jsonl", 16.5, 19.5},
		{"500n-kpcrowd/train.jsonl", 11.8, 18.2},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			docs := loadDocs(t, tt.file)
			res := eval.Evaluate(docs, extractTexts)
			t.Logf("%s: %v", tt.file, res)
			if res.F5 < tt.min5 || res.F10 < tt.min10 {
				t.Errorf("%s: F@5=%.1f F@10=%.1f, want at least %.1f and %.1f",
					tt.file, res.F5, res.F10, tt.min5, tt.min10)
			}
		})
	}
}
