package eval

import (
	"math"
	"os"
	"path/filepath"
	"testing"
)

func TestStem(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Multi-step Matrix Games", "multi step matrix game"},
		{"  decision   support systems ", "decis support system"},
		{"relational", "relat"},
		{"--", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Stem(tt.in); got != tt.want {
			t.Errorf("Stem(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestScore(t *testing.T) {
	gold := []string{"ship control", "differential game", "Differential games", "matrix game"}
	// gold dedupes to 3 phrases.
	pred := []string{"ship controls", "ship control", "collision", "matrix games", "model", "x", "y"}
	// pred dedupes to: ship control, collision, matrix game, model, x, y.
	p, r, f := Score(pred, gold, 5)
	if !near(p, 2.0/5) || !near(r, 2.0/3) || !near(f, 2*(0.4)*(2.0/3)/(0.4+2.0/3)) {
		t.Errorf("Score@5 = %v %v %v", p, r, f)
	}
	p, r, _ = Score(pred, gold, 10) // 6 returned: P divides by 6
	if !near(p, 2.0/6) || !near(r, 2.0/3) {
		t.Errorf("Score@10 = %v %v", p, r)
	}
	if p, r, f := Score(nil, gold, 5); p != 0 || r != 0 || f != 0 {
		t.Errorf("empty pred: %v %v %v", p, r, f)
	}
	if _, _, f := Score([]string{"a"}, []string{"b"}, 5); f != 0 {
		t.Errorf("no match F = %v", f)
	}
}

func TestEvaluateAndReadJSONL(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "d.jsonl")
	data := `{"id":"1","text":"alpha beta","keyphrases":["alpha"],"extra":1}

{"id":"2","text":"gamma","keyphrases":["gamma","delta"]}
`
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	docs, err := ReadJSONL(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 2 || docs[1].ID != "2" || docs[1].Keyphrases[1] != "delta" {
		t.Fatalf("docs = %+v", docs)
	}
	res := Evaluate(docs, func(text string) []string { return []string{text} })
	// doc1: pred "alpha beta" vs gold alpha: 0. doc2: "gamma" P=1 R=.5 F=2/3.
	if res.Docs != 2 || !near(res.F5, 100*(2.0/3)/2) || !near(res.P10, 50) {
		t.Errorf("res = %+v", res)
	}
	if _, err := ReadJSONL(filepath.Join(dir, "missing")); err == nil {
		t.Error("missing file: want error")
	}
	if err := os.WriteFile(path, []byte("{bad"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadJSONL(path); err == nil {
		t.Error("bad json: want error")
	}
}
