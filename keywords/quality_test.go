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

// TestQuality runs the standard evaluation (internal/eval) on every
// development split and checks that quality does not fall below floors a
// little under what the engine reaches, F@5/F@10 in percent: Inspec dev
// 31.0/36.7, SemEval-2010 train 18.3/20.7, 500N-KPCrowd train 12.0/18.6,
// SemEval-2017 dev 20.4/29.6, WWW dev 11.8/10.5, 110-PT-BN-KP dev
// 20.7/28.2, WikiNews dev 35.1/34.9. The Markdown set has no gold: its
// posts must keep front matter, code and URLs out of their top 10
// (TestFormats checks texts written for that; kpeval reports the set).
func TestQuality(t *testing.T) {
	if testing.Short() {
		t.Skip("full evaluation skipped in -short mode")
	}
	tests := []struct {
		file  string
		min5  float64
		min10 float64
	}{
		{"inspec/dev.jsonl", 30.5, 36.2},
		{"semeval2010/train.jsonl", 17.8, 20.2},
		{"500n-kpcrowd/train.jsonl", 11.7, 18.3},
		{"semeval2017/dev.jsonl", 20, 29.2},
		{"www/dev.jsonl", 11.4, 10.2},
		{"110-pt-bn-kp/dev.jsonl", 20.2, 27.7},
		{"wikinews/dev.jsonl", 34.6, 34.4},
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
