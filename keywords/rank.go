package keywords

import (
	"math"
	"slices"
)

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
	// posWeightUntitled replaces it for an English text that does not open
	// with a title (a headline line, see headlineWords): a paragraph taken
	// from the middle of an article has no lead that names its topics, and
	// in English the words' document frequencies tell its specific phrases
	// from its common ones. Without document frequencies (other
	// languages), position stays the main evidence of a topic, as in a news
	// transcript whose first sentence is its lead.
	posWeight, posWeightUntitled float64
	// spreadWeight weighs how far apart a phrase's first and last
	// occurrences are, as a share of the text.
	spreadWeight float64
	// multiShareExp and multiShareMid weigh one-word phrases by the
	// share of the text's distinct candidates that have several words:
	// exp(multiShareExp × (multiShareMid − share)).
	multiShareExp, multiShareMid float64
	// nameBoost raises one-word phrases in texts dense in names: by
	// 1 + nameBoost × r, where r rises linearly from 0 to 1 as the share of
	// proper-name words in the text (see unigramWeight) goes from nameLow
	// to nameHigh: 20 more for each 3 points of share above 4%, up to 61.
	// They were re-chosen, with the other settings fixed, when the count
	// became that of proper names, about four fifths of the earlier count
	// in news and half of it in papers (it was 1 to 21 from 5% to 10%).
	nameBoost, nameLow, nameHigh float64
}{
	maxWords:          MaxKeyphraseWords,
	tfExp:             1.5,
	embedWeight:       1,
	embedUnigram:      0.4,
	embedLen:          1000,
	posWeight:         3,
	posWeightUntitled: 1,
	spreadWeight:      1,
	multiShareExp:     10,
	multiShareMid:     0.4,
	nameBoost:         60,
	nameLow:           0.04,
	nameHigh:          0.13,
}

// rank scores the candidates and returns the best n, rendered from text.
//
// A candidate c of the words w1..wm in a text of N words scores
//
//		tf(c)^1.5 × Σ idf(wi)² × (1 + w·P(c)) × (1 + S(c)) × U(c)
//
//	  - tf(c) counts c's standalone occurrences plus, weighted, its
//	    occurrences inside longer candidates (Hasan & Ng 2014 on TfIdf).
//	  - idf is the inverse document frequency of each word's stem in the
//	    reference documents (Spärck Jones 1972), 1 outside English. Summing
//	    over the words favours specific multi-word terms; squaring each
//	    favours the phrases of rare words ("hydrogen bonding network") over
//	    those of common ones ("previous studies", "key role").
//	  - P(c) is the mean over c's occurrences of 1/position (in words),
//	    times N/10: phrases used early, in a title or abstract, rank higher
//	    (Florescu & Caragea 2017, PositionRank). The weight w is 3, or 1
//	    for English text that does not open with a title line (a paragraph
//	    from the middle of an article, whose first words are no lead).
//	  - S(c) is the spread of c, the distance between its first and last
//	    occurrences over N: topics recur across the text (Campos et al.
//	    2020, YAKE).
//	  - U(c) is 1 for a phrase of several words. For one word it is
//	    unigramWeight: how much the text itself favours one-word topics.
//
// A phrase that never occurs standalone is not returned (its longer form
// is), nor one that stands alone only once and whose stems are a run of
// the stems of a better phrase returned ("services" after "grpc
// services").
func (s *state) rank(text string, n int) []Keyphrase {
	if len(s.cands) == 0 {
		return []Keyphrase{}
	}
	nw := float64(len(s.words))
	uni := s.unigramWeight()
	pw := params.posWeight
	if s.headlineWords(text) == 0 && s.lang == "en" {
		pw = params.posWeightUntitled
	}
	s.order = slices.Grow(s.order[:0], len(s.cands))
	for i := range s.cands {
		c := &s.cands[i]
		if c.maxTF == 0 {
			continue
		}
		var idfSum float64
		joined, capped := false, true
		for k := int32(0); k < int32(c.n); k++ {
			if w := &s.words[c.first+k]; w.class != classStop {
				idfSum += s.stems[w.stem].idf2
				capped = capped && s.toks[w.tok].Cap
			} else {
				joined = true
			}
		}
		if joined && c.maxTF < 2 && !capped {
			// A phrase joined by a connector ("de") is a term or a name
			// when the text repeats it, or when its words are
			// capitalised ("Palácio de Belém"); once, in lower case, it is
			// more often two phrases side by side.
			continue
		}
		if c.n == 1 {
			idfSum *= uni
		}
		c.score = math.Pow(c.tf, params.tfExp) * idfSum *
			(1 + pw*c.pos/c.tf*nw/10) *
			(1 + params.spreadWeight*float64(c.last-c.first)/nw)
		s.order = append(s.order, int32(i))
	}
	if s.done() {
		return nil
	}
	s.sortOrder()
	out := make([]Keyphrase, 0, min(n, len(s.order)))
	// kept reuses s.order's array: it never grows past the index read.
	kept := s.order[:0]
	for _, i := range s.order {
		if len(out) == n {
			break
		}
		c := &s.cands[i]
		// A phrase inside a better one ("services" after "grpc
		// services") is dropped, unless the text also uses it on its own
		// at least twice: then it names a topic of its own ("sign problem"
		// beside "sign problem in the thermodynamic limit").
		if c.maxTF < 2 && s.contained(c, kept) || s.shifted(c, kept) {
			continue
		}
		kept = append(kept, i)
		out = append(out, Keyphrase{Text: s.render(text, c), Score: c.score})
	}
	return out
}

// unigramWeight is the factor of one-word phrases in this text, from two
// signals of the text as a whole:
//
//   - The share of its distinct candidates that have several words, the
//     statistic of KP-Miner's boosting factor (El-Beltagy & Rafea 2009).
//     Text that builds many compound noun phrases, as technical writing
//     does, names its topics with them (Justeson & Katz 1995); text whose
//     noun phrases are mostly single words names its topics with single
//     words. The factor is exp(10 × (0.4 − share)): 0.2 at a share of 0.55,
//     typical of abstracts, 0.7 at 0.44, typical of news.
//   - The share of its words that are proper names: marked as names (see
//     markNames), never written in lower case in the text, of two letters
//     or more and not stop words. Text dense in names, as news is, is about
//     people, places and organisations, which after their first mention it
//     names with one word ("Bieber"); named entities are the strongest
//     signal of news keyphrases (Marujo et al. 2012). Counting only words
//     never seen in lower case leaves out what a text capitalises without
//     it being a name, such as the title-case headings ("Related Work"),
//     "Figure" and "Table" of a paper, and single letters leave out the
//     variables and initials of formulas and references: a proper noun is
//     capitalised in all its uses (the document-centred cue of Mikheev
//     1999). Papers then read as the few-name texts they are (a median of
//     2.5% of words in SemEval-2010 against 5.2% before), while news stays
//     dense (9.8%). The factor rises from 1 at 4% proper-name words to 61
//     at 13%.
func (s *state) unigramWeight() float64 {
	var distinct, multi, names float64
	for i := range s.cands {
		if c := &s.cands[i]; c.maxTF > 0 {
			distinct++
			if c.n > 1 {
				multi++
			}
		}
	}
	for _, w := range s.words {
		if w.name && !s.stems[w.stem].lowerSeen && w.class != classStop && len(s.toks[w.tok].Lower) > 1 {
			names++
		}
	}
	share := multi / max(distinct, 1)
	r := (names/max(float64(len(s.words)), 1) - params.nameLow) / (params.nameHigh - params.nameLow)
	return math.Exp(params.multiShareExp*(params.multiShareMid-share)) *
		(1 + params.nameBoost*min(1, max(0, r)))
}

// contained reports whether the stems of c are a run of the stems of one
// of the candidates kept.
func (s *state) contained(c *candidate, kept []int32) bool {
	short := c.key[:c.n]
	for _, k := range kept {
		long := &s.cands[k]
		for off := int16(0); off+c.n <= long.n && long.n > c.n; off++ {
			if slices.Equal(long.key[off:off+c.n], short) {
				return true
			}
		}
	}
	return false
}

// shifted reports whether c, of three or more words, is a kept candidate's
// window moved by one word: the two share all but one word at one end
// ("femtosecond three-pulse photon echo" after "resolved femtosecond
// three-pulse photon"), two windows of one long run of nouns.
func (s *state) shifted(c *candidate, kept []int32) bool {
	if c.n < 3 {
		return false
	}
	n := c.n
	for _, k := range kept {
		o := &s.cands[k]
		if o.n != n {
			continue
		}
		// c's first n-1 words are o's last n-1, or the other way round.
		if slices.Equal(c.key[:n-1], o.key[1:n]) || slices.Equal(o.key[:n-1], c.key[1:n]) {
			return true
		}
	}
	return false
}
