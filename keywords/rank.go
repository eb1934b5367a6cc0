package keywords

import (
	"math"
	"slices"
	"sync"

	"github.com/seed717b8fd8/grpcexamples/keywords/internal/rankmodel"
)

//go:generate go run ./internal/genrank -data ../../shared/data/keywords -out rank_data.go

// rank scores the candidates and returns the best n, rendered from text.
//
// A candidate's score is the log-linear model of internal/rankmodel,
// exp(Σ wᵢ·fᵢ), over features of the phrase (its frequency standalone and
// inside longer phrases, the idf of its words, its position, spread and
// length, whether it is in the title, a name, an acronym) and products of
// a phrase's kind with signals of the whole text (its share of proper
// names, of multi-word candidates, its length), so that the text itself
// decides, for example, whether its topics are one-word names or compound
// terms. The weights, rankWeights, are fitted on every development set
// together by internal/genrank (see rank_data.go).
//
// A phrase that never occurs standalone is not returned (its longer form
// is), nor one that stands alone only once and whose stems are a run of
// the stems of a better phrase returned ("services" after "grpc
// services").
func (s *state) rank(text string, n int) []Keyphrase {
	if !s.score(text) {
		return nil
	}
	out := make([]Keyphrase, 0, min(n, len(s.order)))
	s.pick(n, func(i int32) {
		c := &s.cands[i]
		out = append(out, Keyphrase{Text: s.render(text, c), Score: scoreOf(c.score)})
	})
	return out
}

// fitScore is one development set's targets and scores under the
// standard protocol (percent): the F@10 target and F@5 floor the fit must
// meet, the scores with the fitted weights, and those with the weights
// fitted on the other sets alone (see internal/genrank).
type fitScore struct {
	set, kind        string
	target10, floor5 float64
	f5, f10          float64
	losoF5, losoF10  float64
}

// textStats are the signals of the whole text that the features combine
// with those of a phrase.
type textStats struct {
	words     float64 // N, the text's words
	long      float64 // ln(1 + N/100)
	untitled  bool    // English without a title line
	headline  int32   // words of the title line (see headlineWords)
	multi     float64 // share of distinct candidates of several words
	nameShare float64 // share of words that are proper names
}

// score sets the score of every candidate that may be returned and lists
// them in s.order, best first. It returns false when the call's context
// has ended.
func (s *state) score(text string) bool {
	s.order = slices.Grow(s.order[:0], len(s.cands))
	s.stats = s.textStats(text)
	var f rankmodel.Vector
	for i := range s.cands {
		c := &s.cands[i]
		if !s.eligible(c) {
			continue
		}
		s.features(c, &f)
		c.score = rankWeights.Log(&f)
		s.order = append(s.order, int32(i))
	}
	if s.done() {
		return false
	}
	s.sortOrder()
	s.liftSubject()
	return true
}

// liftSubject moves the candidate that is the text's subject, as its
// format names it (see preparer.subject), to the front of s.order, with
// the best score: a document's structure says what it is about ("tar" in
// the title of its manual page, a changelog's package, a copyright file's
// Upstream-Name), where word statistics read a name that a document needs
// to write only a few times as one word among others. Only a subject that
// is one whole candidate is lifted; a title that is a sentence is not a
// keyphrase.
func (s *state) liftSubject() {
	start, end := s.subject[0], s.subject[1]
	if end <= start || len(s.order) < 2 {
		return
	}
	// The words inside the span: the first at or after start.
	k, _ := slices.BinarySearchFunc(s.words, start, func(w word, at int32) int {
		return int(s.toks[w.tok].Start - at)
	})
	var key phraseKey
	n := 0
	for ; k < len(s.words) && s.toks[s.words[k].tok].End <= end; k++ {
		if n == MaxKeyphraseWords {
			return
		}
		key[n] = uint16(s.words[k].stem + 1)
		n++
	}
	i, ok := s.candIndex[key]
	if n == 0 || !ok {
		return
	}
	at := slices.Index(s.order, i)
	if at <= 0 {
		return
	}
	s.cands[i].score = max(s.cands[i].score, s.cands[s.order[0]].score)
	copy(s.order[1:at+1], s.order[:at])
	s.order[0] = i
}

// eligible reports whether c may be returned: it occurs as a whole run,
// and, when it holds a connector ("de"), the text repeats it or writes its
// words capitalised ("Palácio de Belém"): once, in lower case, such a
// phrase is more often two phrases side by side.
func (s *state) eligible(c *candidate) bool {
	if c.maxTF == 0 {
		return c.longRun > 0 || s.supported(c)
	}
	if c.maxTF >= 2 {
		return true
	}
	joined, capped := false, true
	for k := c.first; k < c.first+int32(c.n); k++ {
		if w := &s.words[k]; w.class != classStop {
			capped = capped && s.toks[w.tok].Cap
		} else {
			joined = true
		}
	}
	return !joined || capped
}

// supported reports whether a phrase c that never stands alone, only
// inside longer runs ("collision avoidance" in "ship collision avoidance
// system"), is a term of the text: it occurs twice or more, or in the
// title. Once, in the body of the text, it is one of many parts of a run,
// and taking them all would flood a short text with fragments.
func (s *state) supported(c *candidate) bool {
	return c.emb >= 2 || c.first < s.stats.headline
}

// pick calls keep with the best n candidates of s.order that the
// selection keeps (see rankmodel.Drop), in order.
func (s *state) pick(n int, keep func(i int32)) {
	kept := s.kept[:0]
	for _, i := range s.order {
		if len(kept) == n {
			break
		}
		c := &s.cands[i]
		k := rankmodel.Kept{Key: c.key[:c.n], Run: c.longRun}
		if rankmodel.Drop(k.Key, int(c.maxTF), c.folded, k.Run, kept) {
			continue
		}
		kept = append(kept, k)
		keep(i)
	}
	clear(kept)
	s.kept = kept[:0]
}

// textStats measures the text-wide signals of the ranking.
func (s *state) textStats(text string) textStats {
	nw := float64(len(s.words))
	t := textStats{
		words:    max(nw, 1),
		long:     math.Log1p(nw / 100),
		headline: int32(s.headlineWords(text)),
	}
	t.untitled = t.headline == 0 && s.lang == "en"
	var distinct, multi, names float64
	for i := range s.cands {
		if c := &s.cands[i]; c.maxTF > 0 {
			distinct++
			if c.n > 1 {
				multi++
			}
		}
	}
	for k := range s.words {
		if s.properName(k) {
			names++
		}
	}
	t.multi = multi / max(distinct, 1)
	t.nameShare = names / t.words
	return t
}

// properName reports whether word k is a proper name: marked as a name
// (see markNames), never written in lower case in the text, of two letters
// or more and not a stop word. Counting only words never seen in lower
// case leaves out what a text capitalises without it being a name, such as
// the title-case headings ("Related Work"), "Figure" and "Table" of a
// paper, and single letters leave out the variables and initials of
// formulas and references: a proper noun is capitalised in all its uses
// (the document-centred cue of Mikheev 1999).
func (s *state) properName(k int) bool {
	w := &s.words[k]
	return w.name && !s.stems[w.stem].lowerSeen && w.class != classStop && len(s.toks[w.tok].Lower) > 1
}

// features sets f to the features of c (see rankmodel).
func (s *state) features(c *candidate, f *rankmodel.Vector) {
	t := &s.stats
	*f = rankmodel.Vector{}
	var idfSum float64
	names, caps, joined := 0, false, false
	for k := c.first; k < c.first+int32(c.n); k++ {
		w := &s.words[k]
		if w.class == classStop {
			joined = true
			continue
		}
		idfSum += s.stems[w.stem].idf2
		if s.properName(int(k)) {
			names++
		}
		caps = caps || s.toks[w.tok].AllCaps
	}
	logs := smallLogs()
	f[rankmodel.Freq] = lnCount(logs, max(int64(c.maxTF)+int64(c.emb)+int64(c.mentions), 1))
	f[rankmodel.FreqLong] = f[rankmodel.Freq] * t.long
	f[rankmodel.Standalone] = ln1pCount(logs, int64(c.maxTF))
	f[rankmodel.Nested] = b2f(c.maxTF == 0 && c.longRun == 0)
	f[rankmodel.LongRun] = b2f(c.maxTF == 0 && c.longRun > 0)
	f[rankmodel.IDF] = math.Log(max(idfSum, 1e-3))
	f[rankmodel.Position] = math.Log1p(c.pos / float64(max(c.maxTF+c.emb, 1)) * t.words / 10)
	if t.untitled {
		f[rankmodel.PositionUntitled] = f[rankmodel.Position]
	}
	f[rankmodel.First] = ln1pCount(logs, int64(c.first))
	f[rankmodel.Spread] = float64(c.last-c.first) / t.words
	f[rankmodel.Title] = b2f(c.first < t.headline)
	f[rankmodel.TitleAll] = b2f(c.first == 0 && int32(c.n) == t.headline)
	if c.n == 1 {
		f[rankmodel.OneWord] = 1
		f[rankmodel.OneWordMulti] = 10 * (t.multi - 0.5)
		f[rankmodel.OneWordNames] = 10 * t.nameShare
		f[rankmodel.OneWordLong] = t.long
		f[rankmodel.OneWordOther] = b2f(s.lang != "en")
		if t.headline > 0 {
			f[rankmodel.OneWordTitled] = 1
			f[rankmodel.OneWordNamesTitled] = f[rankmodel.OneWordNames]
		}
	}
	f[rankmodel.LongPhrase] = b2f(c.n >= 3)
	if names > 0 {
		f[rankmodel.Name] = 1
		f[rankmodel.NameNames] = 10 * t.nameShare
	}
	if c.n >= 2 && names == int(c.n) {
		f[rankmodel.FullName] = 1
		f[rankmodel.FullNameNames] = 10 * t.nameShare
	}
	f[rankmodel.Acronym] = b2f(caps)
	f[rankmodel.Joined] = b2f(joined)
	f[rankmodel.Bias] = 1
}

// scoreOf returns the score of a candidate of log score l, exp(l), as
// rankmodel.Weights.Score does: candidates are ordered by their log
// scores, and only the returned ones need the exponential.
func scoreOf(l float64) float64 {
	return math.Exp(max(-700, min(700, l)))
}

// smallLogs are ln n and ln(1 + n) for the small counts and word indices
// most features take the logarithm of, computed once with the functions
// they stand for, so that a table hit gives the very value.
var smallLogs = sync.OnceValue(func() *[2][1 << 12]float64 {
	var t [2][1 << 12]float64
	for i := range t[0] {
		t[0][i] = math.Log(float64(i))
		t[1][i] = math.Log1p(float64(i))
	}
	return &t
})

// lnCount returns ln n for a count n ≥ 1.
func lnCount(logs *[2][1 << 12]float64, n int64) float64 {
	if n < int64(len(logs[0])) {
		return logs[0][n]
	}
	return math.Log(float64(n))
}

// ln1pCount returns ln(1 + n) for n ≥ 0.
func ln1pCount(logs *[2][1 << 12]float64, n int64) float64 {
	if n < int64(len(logs[1])) {
		return logs[1][n]
	}
	return math.Log1p(float64(n))
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
