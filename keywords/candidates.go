package keywords

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/seed717b8fd8/grpcexamples/keywords/internal/textseg"
)

// Token classes beyond textseg's word classes.
const (
	classStop byte = 'S' // stop word
)

// word is one Word token of the text with what the ranking needs.
type word struct {
	tok   int32 // index in state.toks
	stem  int32 // index in state.stems
	class byte
	name  bool // capitalised inside a sentence (see markNames)
}

// stemStat gathers the occurrences of one word stem.
type stemStat struct {
	key       string
	idf2      float64 // the stem's idf, squared: its weight in a phrase (see rank)
	capMid    bool    // seen capitalised inside a sentence
	lowerSeen bool    // seen in lower case
}

// candidate is one distinct candidate phrase, keyed by its stems.
// Its fields are ordered to pack it in 56 bytes.
type candidate struct {
	key      phraseKey
	n        int8    // words in the phrase
	folded   bool    // a one-word name whose mentions count toward a longer name
	maxTF    int32   // standalone occurrences (a whole noun-phrase run)
	emb      int32   // occurrences inside a longer candidate
	mentions int32   // later one-word mentions of a name of several words
	first    int32   // word index of the first occurrence
	last     int32   // word index of the last occurrence
	longRun  int32   // 1 + first word of the long run it is a part of, or 0
	pos      float64 // sum over occurrences of 1/(word index+1)
	score    float64 // log score (see rankmodel.Weights.Log)
}

// phraseKey holds the stem indices of a phrase's words, plus one, the
// first word first, and zeros after the last: maxStems < 1<<16 makes them
// fit in 16 bits, and a map keyed by it needs no string per candidate.
type phraseKey [MaxKeyphraseWords]uint16

// canStart, canEnd and inside say where a word of class c may stand in a
// candidate. Candidates follow the noun-phrase pattern
// (adjective | noun)* noun of Hulth (2003) and pke's candidate selection;
// participles and gerunds may modify ("distributed system", "learning
// algorithm"), a gerund may end a phrase ("data mining"), but a gerund
// opening a run is more often a verb ("achieving high accuracy").
func inside(c byte) bool {
	switch c {
	case textseg.Noun, textseg.Adjective, textseg.Participle, textseg.Gerund:
		return true
	}
	return false
}

func canStart(c byte) bool { return inside(c) && c != textseg.Gerund }

func canEnd(c byte) bool { return c == textseg.Noun || c == textseg.Gerund }

// addCandidates scans the classed words for runs of words that may stand
// inside a phrase, cuts them around names, and records their candidates.
// It returns false, having stopped early, when the call's context ends.
func (s *state) addCandidates() bool {
	ws := s.words
	s.cands = slices.Grow(s.cands[:0], min(len(ws), maxCandidates))
	next := checkEvery
	i := 0
	for i < len(ws) {
		if i >= next {
			if s.done() {
				return false
			}
			next = i + checkEvery
		}
		if !inside(ws[i].class) {
			i++
			continue
		}
		j := i
		for j+1 < len(ws) && ws[j+1].tok == ws[j].tok+1 && inside(ws[j+1].class) {
			// A participle after a noun is a verb ("Buble thanked NASA").
			if ws[j+1].class == textseg.Participle && ws[j].class == textseg.Noun {
				break
			}
			if s.capBreak(j + 1) {
				ws[j+1].name = false // it opens a sentence
				break
			}
			j++
		}
		// "singer Michael Buble" holds two phrases: cut where a name of
		// two or more capitalised words begins or ends.
		a := i
		for k := i + 1; k <= j; k++ {
			if ws[k].name != ws[k-1].name && (s.nameRun(k) || s.nameRun(k-1)) {
				s.addRun(a, k-1)
				a = k
			}
		}
		s.addRun(a, j)
		if conn := connectors[s.lang]; conn != nil {
			s.addJoined(a, j, conn)
		}
		i = j + 1
	}
	s.foldNames()
	return true
}

// foldNames counts the later one-word mentions of a name of several
// words toward it: news names a person, place or storm in full once and
// by one of its words after ("Hurricane Andrew ... Andrew"), and the
// reader takes those mentions as the full name's. A one-word name whose
// first occurrence is inside the full name's first is folded into it (see
// rankmodel.Drop). It costs a map lookup per word of each name.
func (s *state) foldNames() {
	for i := range s.cands {
		c := &s.cands[i]
		if c.n < 2 || c.maxTF == 0 || !s.allNames(c) {
			continue
		}
		for k := int32(0); k < int32(c.n); k++ {
			var key phraseKey
			key[0] = c.key[k]
			u, ok := s.candIndex[key]
			if !ok {
				continue
			}
			one := &s.cands[u]
			if one.first >= c.first && one.first < c.first+int32(c.n) && one.maxTF > 0 {
				c.mentions += one.maxTF
				one.folded = true
			}
		}
	}
}

// allNames reports whether every word of c's first occurrence is a proper
// name (see properName).
func (s *state) allNames(c *candidate) bool {
	for k := c.first; k < c.first+int32(c.n); k++ {
		if !s.properName(int(k)) {
			return false
		}
	}
	return true
}

// connectors are, per language, the prepositions (with an article after
// them, for some) that join two nouns into one name or term: in Romance
// languages "Palácio de Belém", "forces de la coalition",
// "procurador-geral da República", "Ordem Militar de Cristo"; in English
// "quality of service", "processing of images", "Bank of England". Such a
// phrase is a candidate where the text repeats it or capitalises it (see
// eligible).
var connectors = map[string]map[string]bool{
	"en": {"of": true},
	"fr": {"de": true, "du": true, "des": true, "d'": true},
	"pt": {"de": true, "da": true, "do": true, "das": true, "dos": true},
	"es": {"de": true, "del": true},
	"it": {"di": true, "del": true, "della": true, "dello": true, "dei": true, "degli": true, "delle": true},
}

// connectorArticles may follow a connector: "de la", "de los".
var connectorArticles = map[string]bool{"la": true, "le": true, "les": true, "l'": true, "los": true, "las": true}

// addJoined records the phrases that join the end of the run
// s.words[a..j] to the start of the run after it by a connector ("de",
// "de la"), of at most MaxKeyphraseWords words in all.
func (s *state) addJoined(a, j int, conn map[string]bool) {
	ws := s.words
	k := j + 1
	if k >= len(ws) || ws[k].tok != ws[j].tok+1 || !conn[s.toks[ws[k].tok].Lower] {
		return
	}
	m := k + 1
	if m < len(ws) && ws[m].tok == ws[k].tok+1 && connectorArticles[s.toks[ws[m].tok].Lower] {
		m++
	}
	if m >= len(ws) || ws[m].tok != ws[m-1].tok+1 || !canStart(ws[m].class) {
		return
	}
	e := m
	for e+1 < len(ws) && ws[e+1].tok == ws[e].tok+1 && inside(ws[e+1].class) && e-m < MaxKeyphraseWords {
		e++
	}
	for x := 1; x <= j-a+1; x++ {
		for end := m; end <= e && end-(j-x+1)+1 <= MaxKeyphraseWords; end++ {
			if canEnd(ws[end].class) {
				s.addCandidate(j-x+1, end, true)
			}
		}
	}
}

// gerundModifier reports whether word k is a gerund that modifies the
// noun after it, as after a determiner: "the queueing delay", "a learning
// algorithm". Elsewhere a gerund opening a run is more often a verb
// ("achieving high accuracy").
func (s *state) gerundModifier(k int) bool {
	w := &s.words[k]
	if w.class != textseg.Gerund || w.tok == 0 {
		return false
	}
	prev := &s.toks[w.tok-1]
	if prev.Kind != textseg.Word {
		return false
	}
	_, ok := determiners[prev.Lower]
	return ok
}

// capBreak reports whether word k, capitalised after a word in lower
// case, starts a new phrase: a word the text also writes in lower case is
// not a name there, so its capital marks where an unpunctuated heading or
// title ends and the text after it begins ("... for web applications
// Dynamic resource provisioning aims ...").
func (s *state) capBreak(k int) bool {
	t, p := &s.toks[s.words[k].tok], &s.toks[s.words[k-1].tok]
	return t.Cap && !t.AllCaps && !p.Cap && s.stems[s.words[k].stem].lowerSeen
}

// nameRun reports whether word k is in a run of two or more name words.
func (s *state) nameRun(k int) bool {
	ws := s.words
	if !ws[k].name {
		return false
	}
	return k > 0 && ws[k-1].tok == ws[k].tok-1 && ws[k-1].name ||
		k+1 < len(ws) && ws[k+1].tok == ws[k].tok+1 && ws[k+1].name
}

// addRun records the candidates of the run s.words[i..j]: the run itself
// when it is short enough (a standalone occurrence), its windows of
// maxWords words when it is longer, and its shorter parts as embedded
// occurrences.
func (s *state) addRun(i, j int) {
	for i <= j && !canStart(s.words[i].class) && !s.gerundModifier(i) {
		i++
	}
	for j >= i && !canEnd(s.words[j].class) {
		j--
	}
	if j < i {
		return
	}
	const maxW = MaxKeyphraseWords
	long := j-i+1 > maxW
	if !long {
		s.addCandidate(i, j, true)
	}
	// A run longer than a keyphrase stands for its best part, which the
	// ranking picks among all its parts of two words or more (marked with
	// the run, so that only one is kept, see rankmodel.Drop), rather than
	// for each of its windows: "remote procedure call" of "modern open
	// source high performance remote procedure call framework".
	run := int32(i + 1)
	for a := i; a <= j; a++ {
		if !canStart(s.words[a].class) {
			continue
		}
		for b := a; b <= j && b-a < maxW; b++ {
			if a == i && b == j || !canEnd(s.words[b].class) {
				continue
			}
			c := s.addCandidate(a, b, false)
			if long && c != nil && b > a && c.longRun == 0 {
				c.longRun = run
			}
		}
	}
}

// addCandidate records one occurrence of the phrase s.words[i..j];
// standalone tells whether it is a whole run rather than a part of a
// longer phrase. A phrase not seen before is left out once the text has
// maxCandidates of them. It returns the candidate, or nil.
func (s *state) addCandidate(i, j int, standalone bool) *candidate {
	var key phraseKey
	for k := i; k <= j; k++ {
		key[k-i] = uint16(s.words[k].stem + 1)
	}
	idx, ok := s.candIndex[key]
	if !ok {
		if len(s.cands) >= maxCandidates {
			return nil
		}
		idx = int32(len(s.cands))
		s.cands = push(s.cands, maxCandidates, candidate{
			key:   key,
			first: int32(i),
			n:     int8(j - i + 1),
		})
		s.candIndex[key] = idx
	}
	c := &s.cands[idx]
	if standalone {
		c.maxTF++
	} else {
		c.emb++
	}
	c.pos += 1 / float64(i+1)
	c.last = int32(i)
	return c
}

// render returns the text of a candidate as it first occurs: words joined
// by single spaces (or none, where the text has none, as between Chinese
// ideographs), in lower case except acronyms, words written in mixed case
// ("gRPC", "JavaScript") and names: words capitalised inside sentences and
// never seen in lower case, and the capitalised words of a phrase that
// holds such a name ("Paul Diamond", though "Paul" opens a sentence).
func (s *state) render(text string, c *candidate) string {
	named := false
	for k := c.first; k < c.first+int32(c.n); k++ {
		named = named || s.words[k].name
	}
	var b strings.Builder
	for k := c.first; k < c.first+int32(c.n); k++ {
		w := &s.words[k]
		tok := &s.toks[w.tok]
		if k > c.first && s.toks[s.words[k-1].tok].End < tok.Start {
			b.WriteByte(' ') // not between ideographs written together
		}
		st := &s.stems[w.stem]
		surface := text[tok.Start:tok.End]
		if tok.AllCaps || w.name || tok.Cap && !st.lowerSeen && (st.capMid || named) || mixedCase(surface) {
			b.WriteString(undot(surface))
		} else {
			b.WriteString(tok.Lower)
		}
	}
	return b.String()
}

// mixedCase reports whether an ASCII word has a capital after a small
// letter, as product and project names do ("gRPC", "iPhone", "GitHub").
func mixedCase(w string) bool {
	for i := 1; i < len(w); i++ {
		if w[i] >= 'A' && w[i] <= 'Z' && w[i-1] >= 'a' && w[i-1] <= 'z' {
			return true
		}
	}
	return false
}

// undot writes an acronym spelt with periods, such as "U.S" or "U.K" (the
// tokenizer leaves out a final period), as its letters: "US", "UK", the
// form most style guides now use and the one a reader types. Any other
// word is returned as it is.
func undot(w string) string {
	if len(w) < 3 || w[1] != '.' {
		return w
	}
	letters := 0
	for i, r := range w {
		if i%2 == 1 {
			if r != '.' {
				return w
			}
			continue
		}
		if r >= utf8.RuneSelf || !unicode.IsLetter(r) {
			return w
		}
		letters++
	}
	if letters < 2 {
		return w
	}
	return strings.ReplaceAll(w, ".", "")
}
