package keywords

import "math"

// params are the extractor's settings, the same for every text and
// language. They were chosen on the training splits of Inspec,
// SemEval-2010 and 500N-KPCrowd (shared/data/keywords), checking that
// Inspec's dev split moved the same way; see rank for how they combine.
var params = struct {
	// maxWords is the longest phrase, in words (a hyphenated compound is
	// one word). Longer noun-phrase runs yield their windows.
	maxWords int
	// tfExp raises the phrase frequency: above 1 it favours repeated
	// phrases, which matters in long texts.
	tfExp float64
	// embedWeight and embedUnigram weigh an occurrence of a phrase inside
	// a longer candidate (of two or more words, and of one word), relative
	// to a standalone occurrence; embedLen is the text length in words
	// from which they apply fully (shorter texts scale them down, as their
	// frequencies carry little evidence).
	embedWeight, embedUnigram, embedLen float64
	// posWeight weighs the position of a phrase's occurrences.
	posWeight float64
	// spreadWeight weighs how far apart a phrase's first and last
	// occurrences are, as a share of the text.
	spreadWeight float64
	// unigramIDFExp damps the idf of one-word phrases, which are less
	// often keyphrases than their idf alone suggests.
	unigramIDFExp float64
}{
	maxWords:      4,
	tfExp:         1.5,
	embedWeight:   1,
	embedUnigram:  0.4,
	embedLen:      1000,
	posWeight:     3,
	spreadWeight:  1,
	unigramIDFExp: 0.8,
}

// rank scores the candidates and returns the best n, rendered from text.
//
// A candidate c of the words w1..wm in a text of N words scores
//
//		tf(c)^1.5 × Σ idf(wi) × (1 + 3·P(c)) × (1 + S(c))
//
//	  - tf(c) counts c's standalone occurrences plus, weighted, its
//	    occurrences inside longer candidates (Hasan & Ng 2014 on TfIdf).
//	  - idf is the inverse document frequency of each word's stem in the
//	    reference documents (Spärck Jones 1972), 1 outside English; for a
//	    one-word phrase it is raised to the power 0.8. Summing over the words
//	    favours specific multi-word terms.
//	  - P(c) is the mean over c's occurrences of 1/position (in words),
//	    times N/10: phrases used early, in a title or abstract, rank higher
//	    (Florescu & Caragea 2017, PositionRank).
//	  - S(c) is the spread of c, the distance between its first and last
//	    occurrences over N: topics recur across the text (Campos et al.
//	    2020, YAKE).
//
// A phrase that never occurs standalone is not returned (its longer form
// is).
func (s *state) rank(text string, n int) []Keyphrase {
	if len(s.cands) == 0 {
		return []Keyphrase{}
	}
	nw := float64(len(s.words))
	for i := range s.cands {
		c := &s.cands[i]
		if c.maxTF == 0 {
			continue
		}
		var idfSum float64
		for k := int32(0); k < c.n; k++ {
			idfSum += s.stems[s.words[c.first+k].stem].idf
		}
		if c.n == 1 {
			idfSum = math.Pow(idfSum, params.unigramIDFExp)
		}
		c.score = math.Pow(c.tf, params.tfExp) * idfSum *
			(1 + params.posWeight*c.pos/c.tf*nw/10) *
			(1 + params.spreadWeight*float64(c.last-c.first)/nw)
		s.order = append(s.order, int32(i))
	}
	s.sortOrder()
	n = min(n, len(s.order))
	out := make([]Keyphrase, 0, n)
	for _, i := range s.order[:n] {
		c := &s.cands[i]
		out = append(out, Keyphrase{Text: s.render(text, c), Score: c.score})
	}
	return out
}
