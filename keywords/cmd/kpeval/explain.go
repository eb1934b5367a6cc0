package main

import (
	"cmp"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/seed717b8fd8/grpcexamples/keywords/internal/eval"
	"github.com/seed717b8fd8/grpcexamples/keywords/internal/rankmodel"
)

// explainTerms is how many features an explanation names per phrase: the
// ones that moved its score most.
const explainTerms = 6

// explainFile writes, for the first n documents of path, the top phrases
// with their scores and the largest terms of their log scores.
func explainFile(w io.Writer, path string, n int) error {
	docs, err := eval.ReadJSONL(path)
	if err != nil {
		return err
	}
	for _, d := range docs[:min(n, len(docs))] {
		fmt.Fprintf(w, "# %s %s: gold %q\n", label(path), d.ID, d.Keyphrases)
		for i, c := range rankmodel.Candidates(d.Text, topK, false) {
			fmt.Fprintf(w, "#   %2d. %q score=%.4g %s\n", i+1, c.Text, c.Score, termsOf(c))
		}
	}
	return nil
}

// termsOf formats the largest terms wᵢ·fᵢ of c's log score.
func termsOf(c rankmodel.Candidate) string {
	idx := make([]int, 0, rankmodel.N)
	for i, t := range c.Terms {
		if t != 0 {
			idx = append(idx, i)
		}
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(math.Abs(c.Terms[b]), math.Abs(c.Terms[a])) })
	var b strings.Builder
	for k, i := range idx[:min(explainTerms, len(idx))] {
		if k > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s=%.3g→%+.2f", rankmodel.Names[i], c.Features[i], c.Terms[i])
	}
	return b.String()
}
