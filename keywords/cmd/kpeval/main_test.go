package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Two hand-made documents whose gold phrases dominate their texts.
const benchmark = `{"id": "a", "text": "Keyphrase extraction finds the phrases that best describe a document. Keyphrase extraction methods rank candidate phrases by statistics of the text, and keyphrase extraction quality is measured against phrases chosen by people.", "keyphrases": ["keyphrase extraction", "candidate phrases"]}

{"id": "b", "text": "Solar panels convert sunlight into electricity. Rooftop solar panels lower electricity bills, and solar panels on farms feed the grid.", "keyphrases": ["solar panels", "electricity"], "extra": "ignored"}
`

var lineRE = regexp.MustCompile(`^F@5=\d+\.\d\d F@10=(\d+\.\d\d) P@10=\d+\.\d\d R@10=\d+\.\d\d docs=(\d+) docs_per_sec=\d+\.\d words=1:\d+/2:\d+/3\+:\d+ gold_words=1:\d+/2:\d+/3\+:\d+$`)

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "set")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func runKpeval(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// parse checks line's format and returns its F@10 and document count.
func parse(t *testing.T, line string) (f10 float64, docs int) {
	t.Helper()
	m := lineRE.FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("line %q does not match %v", line, lineRE)
	}
	f10, _ = strconv.ParseFloat(m[1], 64)
	docs, _ = strconv.Atoi(m[2])
	return f10, docs
}

func TestOneFile(t *testing.T) {
	path := writeFile(t, "dev.jsonl", benchmark)
	code, out, errOut := runKpeval("-data", path)
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 1 {
		t.Fatalf("got %d lines, want 1:\n%s", len(lines), out)
	}
	f10, docs := parse(t, lines[0])
	if docs != 2 {
		t.Errorf("docs=%d, want 2", docs)
	}
	if f10 < 0 || f10 > 100 {
		t.Errorf("F@10=%v is not a percentage", f10)
	}
}

func TestSeveralFiles(t *testing.T) {
	first := writeFile(t, "dev.jsonl", benchmark)
	second := writeFile(t, "train.jsonl", strings.SplitN(benchmark, "\n", 2)[0]+"\n")
	code, out, errOut := runKpeval("-data", first, "-data", second)
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("got %d lines, want 3:\n%s", len(lines), out)
	}
	for i, prefix := range []string{"set/dev.jsonl: ", "set/train.jsonl: "} {
		rest, ok := strings.CutPrefix(lines[i], prefix)
		if !ok {
			t.Fatalf("line %d %q does not start with %q", i, lines[i], prefix)
		}
		parse(t, rest)
	}
	// The last line is labelled: the mean over the two sets.
	sumRE := regexp.MustCompile(`^mean of 2 sets: F@5=\d+\.\d\d F@10=(\d+\.\d\d) worst_F@10=(\d+\.\d\d) \((set/\w+\.jsonl)\) docs=3$`)
	m := sumRE.FindStringSubmatch(lines[2])
	if m == nil {
		t.Fatalf("last line %q does not match %v", lines[2], sumRE)
	}
	a, _ := parse(t, strings.TrimPrefix(lines[0], "set/dev.jsonl: "))
	b, _ := parse(t, strings.TrimPrefix(lines[1], "set/train.jsonl: "))
	if mean, _ := strconv.ParseFloat(m[1], 64); math.Abs(mean-(a+b)/2) > 0.006 {
		t.Errorf("mean F@10 %v, want the mean of %v and %v", mean, a, b)
	}
	if worst, _ := strconv.ParseFloat(m[2], 64); worst != min(a, b) {
		t.Errorf("worst F@10 %v, want %v", worst, min(a, b))
	}
}

// TestExplain: -explain prints the top phrases of the first documents with
// the features that ranked them.
func TestExplain(t *testing.T) {
	path := writeFile(t, "dev.jsonl", benchmark)
	code, out, errOut := runKpeval("-data", path, "-explain", "1")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if !strings.Contains(out, "# set/dev.jsonl a: gold") || strings.Contains(out, "# set/dev.jsonl b:") {
		t.Errorf("explanation not of the first document only:\n%s", out)
	}
	if !strings.Contains(out, `"keyphrase extraction" score=`) || !strings.Contains(out, "freq=") {
		t.Errorf("top phrase or its features missing:\n%s", out)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	parse(t, lines[len(lines)-1])
}

func TestMinF10(t *testing.T) {
	path := writeFile(t, "dev.jsonl", benchmark)
	_, out, _ := runKpeval("-data", path)
	f10, _ := parse(t, strings.TrimSpace(out))

	if code, _, errOut := runKpeval("-data", path, "-min-f10", strconv.FormatFloat(f10, 'f', 2, 64)); code != 0 {
		t.Errorf("-min-f10 equal to F@10 %.2f: exit %d (%s), want 0", f10, code, errOut)
	}
	code, out, errOut := runKpeval("-data", path, "-min-f10", "100.01")
	if code != 1 {
		t.Errorf("-min-f10 above 100: exit %d, want 1", code)
	}
	if !strings.Contains(errOut, "min-f10") || !strings.Contains(errOut, "F@10") {
		t.Errorf("stderr %q does not explain the failure", errOut)
	}
	if lineRE.FindString(strings.TrimSpace(out)) == "" {
		t.Errorf("scores not printed on a failed gate: %q", out)
	}
}

func TestErrors(t *testing.T) {
	good := writeFile(t, "dev.jsonl", benchmark)
	bad := writeFile(t, "bad.jsonl", benchmark+"{\"id\": \"c\", \"text\": oops}\n")
	empty := writeFile(t, "empty.jsonl", "\n")
	tests := []struct {
		name string
		args []string
		msg  string
	}{
		{"no -data", nil, "-data"},
		{"missing file", []string{"-data", filepath.Join(t.TempDir(), "nope.jsonl")}, "nope.jsonl"},
		{"bad JSON line", []string{"-data", good, "-data", bad}, "bad.jsonl:4"},
		{"no documents", []string{"-data", empty}, "no documents"},
		{"unknown flag", []string{"-data", good, "-k", "5"}, "-k"},
		{"stray argument", []string{"-data", good, "extra"}, "-data"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runKpeval(tt.args...)
			if code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
			if out != "" {
				t.Errorf("stdout %q, want nothing", out)
			}
			if !strings.Contains(errOut, tt.msg) {
				t.Errorf("stderr %q does not mention %q", errOut, tt.msg)
			}
		})
	}
}

// TestWordShares checks the word-count summary against the two documents'
// gold: three two-word phrases and one one-word phrase.
func TestWordShares(t *testing.T) {
	path := writeFile(t, "dev.jsonl", benchmark)
	_, out, _ := runKpeval("-data", path)
	if !strings.Contains(out, " gold_words=1:25/2:75/3+:0") {
		t.Errorf("gold word shares missing or wrong in %q", out)
	}
}

// TestPred writes every document's predictions with scores and gold.
func TestPred(t *testing.T) {
	path := writeFile(t, "dev.jsonl", benchmark)
	predPath := filepath.Join(t.TempDir(), "pred.jsonl")
	if code, _, errOut := runKpeval("-data", path, "-pred", predPath); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	b, err := os.ReadFile(predPath)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d prediction lines, want 2:\n%s", len(lines), b)
	}
	var p struct {
		Set, ID    string
		Keyphrases []struct {
			Text  string
			Score float64
		}
		Gold []string
	}
	if err := json.Unmarshal([]byte(lines[0]), &p); err != nil {
		t.Fatal(err)
	}
	if p.Set != "set/dev.jsonl" || p.ID != "a" || len(p.Keyphrases) == 0 || p.Keyphrases[0].Score <= 0 || len(p.Gold) != 2 {
		t.Errorf("first prediction line = %+v", p)
	}
}

// TestFormatSet scores a set of Markdown texts with their prose: a
// keyphrase from front matter or code would count as furniture.
func TestFormatSet(t *testing.T) {
	md := `{"id": "p", "text": "---\ntitle: Notes\nauthor: someone\n---\n\nStream processing engines read event streams. Stream processing engines keep state.\n\n` + "```go\\nfunc zebraQuux() {}\\n```" + `\n\nEvent streams feed stream processing engines.\n", "plain": "Stream processing engines read event streams. Stream processing engines keep state.\n\nEvent streams feed stream processing engines.\n"}
`
	path := writeFile(t, "posts.jsonl", md)
	code, out, errOut := runKpeval("-data", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !regexp.MustCompile(`^docs=1 furniture=0 overlap@10=\d+\.\d docs_per_sec=\d+\.\d\n$`).MatchString(out) {
		t.Errorf("format line = %q", out)
	}
}
