// Package eval scores keyphrase extractors with the standard protocol of
// Gallina, Boudin & Daille (JCDL 2020), the one pke uses: lower-case
// predicted and gold phrases, split them into word tokens (Unicode UAX #29),
// stem each token with the original Porter algorithm, join the stems with
// single spaces, remove duplicates by stemmed form, keep the top k
// predictions and count exact matches against the gold phrases. Gold
// phrases that do not occur in the text still count in recall.
//
// It is shared by the engine's quality tests and by cmd/kpeval so that the
// project has one implementation of the protocol.
package eval

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"unicode"

	snowball "github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/porter"
	"github.com/clipperhouse/uax29/v2/words"
)

// Doc is one benchmark document: a line of the JSON Lines files under
// shared/data/keywords ({"id", "text", "keyphrases"}). Other fields of the
// line are ignored.
type Doc struct {
	ID         string   `json:"id"`
	Text       string   `json:"text"`
	Keyphrases []string `json:"keyphrases"`
	// Plain is the text's prose alone, for sets of formatted texts without
	// gold (shared/data/keywords/markdown): the text rendered without its
	// markup, front matter, code and link targets.
	Plain string `json:"plain,omitempty"`
}

// Result is the macro average over documents of precision, recall and F1
// at k = 5 and k = 10, in percent (0..100).
type Result struct {
	P5, R5, F5    float64
	P10, R10, F10 float64
	Docs          int // number of documents averaged
}

// String formats r as one line, e.g. "docs=500 F@5=30.1 F@10=35.2 ...".
func (r Result) String() string {
	return fmt.Sprintf("docs=%d F@5=%.1f F@10=%.1f (P@5=%.1f R@5=%.1f P@10=%.1f R@10=%.1f)",
		r.Docs, r.F5, r.F10, r.P5, r.R5, r.P10, r.R10)
}

// ReadJSONL reads the documents of a JSON Lines file, one JSON object a
// line; blank lines are skipped. Lines may be long (full papers), so the
// scanner buffer grows up to 64 MiB a line.
func ReadJSONL(path string) ([]Doc, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var docs []Doc
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	line := 0
	for sc.Scan() {
		line++
		b := sc.Bytes()
		if len(strings.TrimSpace(string(b))) == 0 {
			continue
		}
		var d Doc
		if err := json.Unmarshal(b, &d); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, line, err)
		}
		docs = append(docs, d)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return docs, nil
}

// Stem returns the normalised form of phrase used for matching: lower case,
// word tokens (UAX #29 word segments holding a letter or digit; punctuation
// such as the hyphen in "multi-step" separates tokens), each stemmed with
// the original Porter algorithm, joined by single spaces. It returns "" for
// a phrase without word tokens.
func Stem(phrase string) string {
	var b strings.Builder
	seg := words.FromString(strings.ToLower(phrase))
	for seg.Next() {
		tok := seg.Value()
		if !isWord(tok) {
			continue
		}
		env := snowball.NewEnv(tok)
		porter.Stem(env)
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(env.Current())
	}
	return b.String()
}

// Words returns the lower-cased word tokens of text (UAX #29 segments
// holding a letter or digit), as Stem splits phrases.
func Words(text string) []string {
	var out []string
	seg := words.FromString(strings.ToLower(text))
	for seg.Next() {
		if tok := seg.Value(); isWord(tok) {
			out = append(out, tok)
		}
	}
	return out
}

func isWord(tok string) bool {
	for _, r := range tok {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
	}
	return false
}

// dedupe stems phrases and drops empty and repeated stemmed forms, keeping
// the first occurrence's rank.
func dedupe(phrases []string) []string {
	seen := make(map[string]bool, len(phrases))
	out := make([]string, 0, len(phrases))
	for _, p := range phrases {
		s := Stem(p)
		if s == "" || seen[s] {
			continue
		}
		seen[s] = true
		out = append(out, s)
	}
	return out
}

// Score returns precision, recall and F1 (as fractions 0..1) of the ranked
// predictions pred against gold at cut-off k for one document. Both lists
// are stemmed and deduplicated first (see Stem). Precision divides by
// min(k, number of predictions), recall by the number of distinct gold
// phrases; F is 0 when P+R is 0.
func Score(pred, gold []string, k int) (p, r, f float64) {
	return score(dedupe(pred), dedupe(gold), k)
}

func score(pred, gold []string, k int) (p, r, f float64) {
	if len(pred) > k {
		pred = pred[:k]
	}
	if len(pred) == 0 || len(gold) == 0 {
		return 0, 0, 0
	}
	g := make(map[string]bool, len(gold))
	for _, s := range gold {
		g[s] = true
	}
	match := 0
	for _, s := range pred {
		if g[s] {
			match++
		}
	}
	p = float64(match) / float64(len(pred))
	r = float64(match) / float64(len(gold))
	if p+r > 0 {
		f = 2 * p * r / (p + r)
	}
	return p, r, f
}

// Evaluate runs extract on every document and returns the macro-averaged
// scores at k = 5 and k = 10 in percent. extract returns ranked phrases,
// best first.
func Evaluate(docs []Doc, extract func(text string) []string) Result {
	var res Result
	for _, d := range docs {
		pred := dedupe(extract(d.Text))
		gold := dedupe(d.Keyphrases)
		p5, r5, f5 := score(pred, gold, 5)
		p10, r10, f10 := score(pred, gold, 10)
		res.P5 += p5
		res.R5 += r5
		res.F5 += f5
		res.P10 += p10
		res.R10 += r10
		res.F10 += f10
		res.Docs++
	}
	if res.Docs > 0 {
		n := float64(res.Docs) / 100
		res.P5 /= n
		res.R5 /= n
		res.F5 /= n
		res.P10 /= n
		res.R10 /= n
		res.F10 /= n
	}
	return res
}
