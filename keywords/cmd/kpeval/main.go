// Command kpeval measures the keyphrase extractor, keywords.Extract, on
// keyphrase benchmarks stored as JSON Lines ({"id", "text", "keyphrases"} a
// line; see shared/data/keywords/README.md) with the standard protocol of
// Gallina, Boudin & Daille (JCDL 2020) as implemented in
// keywords/internal/eval: lower case, Porter-stemmed tokens, duplicates
// removed by stemmed form, exact matches at k = 5 and 10, macro-averaged.
//
// Usage:
//
//	go run ./keywords/cmd/kpeval -data inspec/dev.jsonl [-data semeval2010/train.jsonl ...] [-min-f10 25] [-pred FILE] [-explain N]
//
// For each file, Extract is asked for the top 10 keyphrases of every
// document (WithMaxResults(10), so the result does not depend on
// DefaultMaxResults). With one -data file kpeval prints one line:
//
//	F@5=27.31 F@10=31.02 P@10=28.10 R@10=34.55 docs=500 docs_per_sec=4120.5
//
// With several, it prints one such line per file, prefixed by the file's
// last two path elements ("inspec/dev.jsonl: F@5=..."), then a summary
// line labelled with the number of sets scored, giving the mean over those
// sets (each set counts once, whatever its size) and the worst set's F@10:
//
//	mean of 8 sets: F@5=24.10 F@10=29.20 worst_F@10=13.05 (www/dev.jsonl) docs=3913
//
// F, P and R are percentages. docs_per_sec counts extraction only (not
// reading or scoring), in one goroutine.
//
// Each line also gives how many words the predictions and the gold phrases
// have, in percent of the phrases: words=1:40/2:45/3+:15
// gold_words=1:20/2:50/3+:30.
//
// A file whose documents have no gold phrases but a "plain" field (the
// Markdown set, shared/data/keywords/markdown) is scored for format
// handling instead, on a line of its own:
//
//	docs=59 furniture=0 overlap@10=8.4 docs_per_sec=812.0
//
// furniture counts the documents with a top-10 keyphrase holding a word
// that is not in the document's prose (plain): a front-matter key, a host
// name, a word found only in code. overlap@10 is the mean number of
// stemmed keyphrases the top 10 of text and the top 10 of plain share.
//
// -explain N prints, for the first N documents of each file, why the top
// phrases ranked where they did: each phrase's score and the features of
// the ranking model (keywords/internal/rankmodel) that raised or lowered
// it most, as weight × value, on lines starting with "#".
//
// -pred FILE writes every document's top 10, with scores and the gold, as
// JSON Lines ({"set", "id", "keyphrases": [{"text", "score"}], "gold"}), so
// that quality work can see what a change does.
//
// Exit status: 0 on success; 1 when -min-f10 is given and the first file's
// F@10, as printed (two decimals), is below it (a quality gate for CI); 2 on a usage error, an
// unreadable file, a line that is not valid JSON (reported with its line
// number) or a file without documents.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/seed717b8fd8/grpcexamples/keywords"
	"github.com/seed717b8fd8/grpcexamples/keywords/internal/eval"
)

// topK is the largest cut-off of the protocol (F@10): the number of
// keyphrases asked of the extractor.
const topK = 10

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// listFlag collects the values of a repeatable flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// run is the whole command, testable: it returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("kpeval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var data listFlag
	fs.Var(&data, "data", "JSON Lines benchmark `file` to score (repeatable; the first one is the gated one)")
	minF10 := fs.Float64("min-f10", -1, "exit with status 1 if the first file's F@10 (percent) is below this")
	predPath := fs.String("pred", "", "write every document's top 10 with scores and gold to this JSON Lines `file`")
	explain := fs.Int("explain", 0, "print the ranking features of the top phrases of the first `N` documents of each file")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: kpeval -data FILE.jsonl [-data FILE2.jsonl ...] [-min-f10 N] [-pred FILE] [-explain N]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if len(data) == 0 || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "kpeval: give one or more -data files and no other arguments")
		fs.Usage()
		return 2
	}

	var pred *json.Encoder
	if *predPath != "" {
		f, err := os.Create(*predPath)
		if err != nil {
			fmt.Fprintf(stderr, "kpeval: %v\n", err)
			return 2
		}
		defer f.Close()
		pred = json.NewEncoder(f)
	}
	lines := make([]string, len(data))
	ms := make([]measurement, len(data))
	for i, path := range data {
		m, err := measure(path, pred)
		if err != nil {
			fmt.Fprintf(stderr, "kpeval: %v\n", err)
			return 2
		}
		ms[i] = m
		lines[i] = m.String()
		if *explain > 0 {
			if err := explainFile(stdout, path, *explain); err != nil {
				fmt.Fprintf(stderr, "kpeval: %v\n", err)
				return 2
			}
		}
	}
	first := ms[0]
	if len(data) == 1 {
		fmt.Fprintln(stdout, lines[0])
	} else {
		for i, path := range data {
			fmt.Fprintf(stdout, "%s: %s\n", label(path), lines[i])
		}
		if sum := summary(data, ms); sum != "" {
			fmt.Fprintln(stdout, sum)
		}
	}

	// Gate on F@10 as printed, so that a printed 25.00 passes -min-f10 25.
	if f10 := math.Round(first.F10*100) / 100; *minF10 >= 0 && f10 < *minF10 {
		fmt.Fprintf(stderr, "kpeval: %s: F@10=%.2f is below -min-f10 %g\n", label(data[0]), f10, *minF10)
		return 1
	}
	return 0
}

// summary is the labelled line that ends a run on several files: the
// mean over the sets with gold (each set once) and the worst set's F@10,
// or "" when fewer than two sets have gold.
func summary(paths []string, ms []measurement) string {
	var f5, f10 float64
	n, docs, worst := 0, 0, -1
	for i, m := range ms {
		if m.format != nil {
			continue
		}
		n++
		f5 += m.F5
		f10 += m.F10
		docs += m.Docs
		if worst < 0 || m.F10 < ms[worst].F10 {
			worst = i
		}
	}
	if n < 2 {
		return ""
	}
	return fmt.Sprintf("mean of %d sets: F@5=%.2f F@10=%.2f worst_F@10=%.2f (%s) docs=%d",
		n, f5/float64(n), f10/float64(n), ms[worst].F10, label(paths[worst]), docs)
}

// measurement is the protocol's scores on one file and the extraction speed.
type measurement struct {
	eval.Result
	docsPerSec float64
	// predWords and goldWords count the predicted and gold phrases of one,
	// two, and three or more words.
	predWords, goldWords [3]int
	// format is set for a file of formatted texts without gold.
	format *formatScore
}

type formatScore struct {
	docs, furniture int
	overlap         float64
}

func (m measurement) String() string {
	if f := m.format; f != nil {
		return fmt.Sprintf("docs=%d furniture=%d overlap@10=%.1f docs_per_sec=%.1f",
			f.docs, f.furniture, f.overlap, m.docsPerSec)
	}
	return fmt.Sprintf("F@5=%.2f F@10=%.2f P@10=%.2f R@10=%.2f docs=%d docs_per_sec=%.1f words=%s gold_words=%s",
		m.F5, m.F10, m.P10, m.R10, m.Docs, m.docsPerSec, shares(m.predWords), shares(m.goldWords))
}

// shares formats counts of phrases by length as percentages.
func shares(n [3]int) string {
	total := max(n[0]+n[1]+n[2], 1)
	pct := func(i int) int { return int(math.Round(float64(n[i]) * 100 / float64(total))) }
	return fmt.Sprintf("1:%d/2:%d/3+:%d", pct(0), pct(1), pct(2))
}

func countWords(n *[3]int, phrases []string) {
	for _, p := range phrases {
		if w := len(eval.Words(p)); w > 0 {
			n[min(w, 3)-1]++
		}
	}
}

type predLine struct {
	Set        string               `json:"set"`
	ID         string               `json:"id"`
	Keyphrases []keywords.Keyphrase `json:"keyphrases"`
	Gold       []string             `json:"gold,omitempty"`
}

// measure extracts the keyphrases of every document of path, timing the
// extraction alone, then scores them; pred, if not nil, gets each
// document's predictions.
func measure(path string, pred *json.Encoder) (measurement, error) {
	docs, err := eval.ReadJSONL(path)
	if err != nil {
		return measurement{}, err
	}
	if len(docs) == 0 {
		return measurement{}, fmt.Errorf("%s: no documents", path)
	}
	all := make([][]keywords.Keyphrase, len(docs))
	start := time.Now()
	for i, d := range docs {
		all[i] = keywords.Extract(d.Text, keywords.WithMaxResults(topK))
	}
	elapsed := time.Since(start)
	m := measurement{docsPerSec: float64(len(docs)) / max(elapsed.Seconds(), 1e-9)}
	byText := make(map[string][]string, len(docs))
	for i, d := range docs {
		texts := phraseTexts(all[i])
		byText[d.Text] = texts
		countWords(&m.predWords, texts)
		countWords(&m.goldWords, d.Keyphrases)
		if pred != nil {
			if err := pred.Encode(predLine{Set: label(path), ID: d.ID, Keyphrases: all[i], Gold: d.Keyphrases}); err != nil {
				return measurement{}, err
			}
		}
	}
	if isFormatSet(docs) {
		m.format = scoreFormat(docs, all)
		return m, nil
	}
	m.Result = eval.Evaluate(docs, func(text string) []string { return byText[text] })
	return m, nil
}

func phraseTexts(kps []keywords.Keyphrase) []string {
	texts := make([]string, len(kps))
	for i, kp := range kps {
		texts[i] = kp.Text
	}
	return texts
}

// isFormatSet reports whether docs are formatted texts with their prose
// and no gold (the Markdown set).
func isFormatSet(docs []eval.Doc) bool {
	for _, d := range docs {
		if d.Plain == "" || len(d.Keyphrases) > 0 {
			return false
		}
	}
	return true
}

// scoreFormat checks the keyphrases of formatted texts against their prose.
func scoreFormat(docs []eval.Doc, fromText [][]keywords.Keyphrase) *formatScore {
	f := &formatScore{docs: len(docs)}
	shared := 0
	for i, d := range docs {
		prose := make(map[string]bool)
		for _, w := range eval.Words(d.Plain) {
			prose[w] = true
			// The engine cuts a possessive from its word, as UAX #29
			// does not: "Platform's" in the prose holds "platform".
			for _, suffix := range []string{"'s", "’s"} {
				if base, ok := strings.CutSuffix(w, suffix); ok {
					prose[base] = true
				}
			}
		}
		furniture := false
		for _, kp := range fromText[i] {
			for _, w := range eval.Words(kp.Text) {
				furniture = furniture || !prose[w]
			}
		}
		if furniture {
			f.furniture++
		}
		plainStems := make(map[string]bool)
		for _, kp := range keywords.Extract(d.Plain, keywords.WithMaxResults(topK)) {
			plainStems[eval.Stem(kp.Text)] = true
		}
		seen := make(map[string]bool)
		for _, kp := range fromText[i] {
			if st := eval.Stem(kp.Text); plainStems[st] && !seen[st] {
				seen[st] = true
				shared++
			}
		}
	}
	f.overlap = float64(shared) / float64(len(docs))
	return f
}

// label names a file by its last two path elements, as the benchmark's set
// and split: /data/keywords/inspec/dev.jsonl -> inspec/dev.jsonl.
func label(path string) string {
	dir := filepath.Base(filepath.Dir(path))
	if dir == "." || dir == string(filepath.Separator) {
		return filepath.Base(path)
	}
	return dir + "/" + filepath.Base(path)
}
