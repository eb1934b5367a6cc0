// Command kpeval measures the keyphrase extractor, keywords.Extract, on
// keyphrase benchmarks stored as JSON Lines ({"id", "text", "keyphrases"} a
// line; see shared/data/keywords/README.md) with the standard protocol of
// Gallina, Boudin & Daille (JCDL 2020) as implemented in
// keywords/internal/eval: lower case, Porter-stemmed tokens, duplicates
// removed by stemmed form, exact matches at k = 5 and 10, macro-averaged.
//
// Usage:
//
//	go run ./keywords/cmd/kpeval -data inspec/dev.jsonl [-data semeval2010/train.jsonl ...] [-min-f10 25]
//
// For each file, Extract is asked for the top 10 keyphrases of every
// document (WithMaxResults(10), so the result does not depend on
// DefaultMaxResults). With one -data file kpeval prints one line:
//
//	F@5=27.31 F@10=31.02 P@10=28.10 R@10=34.55 docs=500 docs_per_sec=4120.5
//
// With several, it first prints one such line per file, prefixed by the
// file's last two path elements ("inspec/dev.jsonl: F@5=..."), then the
// first file's line again without the prefix, so the last line always
// describes the first file. F, P and R are percentages. docs_per_sec counts
// extraction only (not reading or scoring), in one goroutine.
//
// Exit status: 0 on success; 1 when -min-f10 is given and the first file's
// F@10, as printed (two decimals), is below it (a quality gate for CI); 2 on a usage error, an
// unreadable file, a line that is not valid JSON (reported with its line
// number) or a file without documents.
package main

import (
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
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: kpeval -data FILE.jsonl [-data FILE2.jsonl ...] [-min-f10 N]")
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

	lines := make([]string, len(data))
	var first measurement
	for i, path := range data {
		m, err := measure(path)
		if err != nil {
			fmt.Fprintf(stderr, "kpeval: %v\n", err)
			return 2
		}
		if i == 0 {
			first = m
		}
		lines[i] = m.String()
	}
	if len(data) > 1 {
		for i, path := range data {
			fmt.Fprintf(stdout, "%s: %s\n", label(path), lines[i])
		}
	}
	fmt.Fprintln(stdout, lines[0])

	// Gate on F@10 as printed, so that a printed 25.00 passes -min-f10 25.
	if f10 := math.Round(first.F10*100) / 100; *minF10 >= 0 && f10 < *minF10 {
		fmt.Fprintf(stderr, "kpeval: %s: F@10=%.2f is below -min-f10 %g\n", label(data[0]), f10, *minF10)
		return 1
	}
	return 0
}

// measurement is the protocol's scores on one file and the extraction speed.
type measurement struct {
	eval.Result
	docsPerSec float64
}

func (m measurement) String() string {
	return fmt.Sprintf("F@5=%.2f F@10=%.2f P@10=%.2f R@10=%.2f docs=%d docs_per_sec=%.1f",
		m.F5, m.F10, m.P10, m.R10, m.Docs, m.docsPerSec)
}

// measure extracts the keyphrases of every document of path, timing the
// extraction alone, then scores them.
func measure(path string) (measurement, error) {
	docs, err := eval.ReadJSONL(path)
	if err != nil {
		return measurement{}, err
	}
	if len(docs) == 0 {
		return measurement{}, fmt.Errorf("%s: no documents", path)
	}
	byText := make(map[string][]string, len(docs))
	start := time.Now()
	for _, d := range docs {
		kps := keywords.Extract(d.Text, keywords.WithMaxResults(topK))
		texts := make([]string, len(kps))
		for i, kp := range kps {
			texts[i] = kp.Text
		}
		byText[d.Text] = texts
	}
	elapsed := time.Since(start)
	res := eval.Evaluate(docs, func(text string) []string { return byText[text] })
	return measurement{Result: res, docsPerSec: float64(len(docs)) / max(elapsed.Seconds(), 1e-9)}, nil
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
