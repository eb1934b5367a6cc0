package keywords

import (
	"strings"

	"github.com/seed717b8fd8/grpcexamples/keywords/internal/textseg"
)

// wordCache remembers, for the lower-case words of one language, what
// classify needs of each: its stem, the stem's idf, and the word's class as
// far as the word alone decides it. A word costs one map lookup, hashing
// its string once; it is stemmed, and its lexicon and stop-list entries
// looked up, only when it is not in the cache. A pooled state keeps its
// cache across calls.
//
// It holds two generations so that it degrades gracefully when texts have
// more distinct words than it keeps: words go into the current generation,
// at most genWords of them; between calls, once it is full, it becomes the
// old generation and the one before is dropped. A word found in the old
// generation moves to the current one, so the words in use stay, those no
// longer seen (a megabyte of made-up words, a text in another field) leave
// after two turns, and a word met when both are full is stemmed without
// being kept. It never holds more than 2 × genWords words, each of at most
// maxWordBytes bytes.
type wordCache struct {
	lang     string
	cur, old map[string]wordInfo
	// stems and oldStems find a stem's stemInfo, so that the words of one
	// stem share one ("network", "networks"); their generations turn with
	// those of the words.
	stems, oldStems map[string]*stemInfo
	// keys holds the bytes of the words and stems kept, in blocks, so that
	// keeping a word does not allocate a string of its own, nor pin the
	// text it came from.
	keys strings.Builder
	// slab holds the stemInfos, in blocks that never move.
	slab []stemInfo
}

// genWords is the most words one generation of a wordCache keeps: 16,384,
// more than the distinct words of a scientific paper (about 3,000) or a
// day of news, and, with two generations of them and their stems, about
// 4 MB per pooled state at most.
const genWords = 1 << 14

// wordInfo is what a wordCache knows of one word.
type wordInfo struct {
	stem *stemInfo
	// class is the word's class from the lexicon (English) or from its
	// ending (other languages; see verbForm), before context: a
	// textseg.NounOrVerb word is decided by the words around it.
	class byte
	// stop says why the word is a stop word, if it is one; some stop
	// words are kept in context (see state.keepsStop).
	stop stopKind
	// aux is set for a form of "have" or "be" after which a word is a
	// participle (see auxiliaries).
	aux bool
}

// stemInfo is one stem of a wordCache, shared by the words that have it,
// with the index the current call gave it in state.stems.
type stemInfo struct {
	key  string
	idf2 float64 // the stem's idf, squared (1 outside English)
	call uint64  // the call that gave the stem index idx; 0: none
	idx  int32
}

// reset empties c for the words of language lang.
func (c *wordCache) reset(lang string) {
	c.lang = lang
	c.cur, c.old = make(map[string]wordInfo), nil
	c.stems, c.oldStems = make(map[string]*stemInfo), nil
	c.keys = strings.Builder{}
	c.slab = nil
}

// turn starts a new generation once the current one is full. It is called
// between calls only: within a call, the stemInfos of both generations
// hold the call's stem indices.
func (c *wordCache) turn() {
	if len(c.cur) < genWords && len(c.stems) < genWords {
		return
	}
	c.old, c.oldStems = c.cur, c.stems
	c.cur = make(map[string]wordInfo)
	c.stems = make(map[string]*stemInfo)
}

// lookup returns what c knows of the lower-case word w, and false when it
// does not know it.
func (c *wordCache) lookup(w string) (wordInfo, bool) {
	if wi, ok := c.cur[w]; ok {
		return wi, true
	}
	wi, ok := c.old[w]
	if ok && len(c.cur) < genWords {
		c.cur[c.keep(w)] = wi
		c.stems[wi.stem.key] = wi.stem
	}
	return wi, ok
}

// stem returns the stemInfo of stem, and true when it is new (its idf2
// not set yet). A stem has one stemInfo in both generations, so that every
// word of it gets the same index in a call; a stem is kept even when its
// word is not, and so the stems of one call (at most maxStems) are all
// found again within the call.
func (c *wordCache) stem(stem string) (*stemInfo, bool) {
	if si := c.stems[stem]; si != nil {
		return si, false
	}
	si, fresh := c.oldStems[stem], false
	if si == nil {
		if len(c.slab) == cap(c.slab) {
			c.slab = make([]stemInfo, 0, 256)
		}
		c.slab = append(c.slab, stemInfo{key: c.keep(stem)})
		si, fresh = &c.slab[len(c.slab)-1], true
	}
	c.stems[si.key] = si
	return si, fresh
}

// add keeps the wordInfo of the word w, which c does not know, when the
// current generation has room.
func (c *wordCache) add(w string, wi wordInfo) {
	if len(c.cur) < genWords {
		c.cur[c.keep(w)] = wi
	}
}

// keep returns a copy of s in c.keys, so that a key kept does not pin the
// text it came from.
func (c *wordCache) keep(s string) string {
	if c.keys.Cap()-c.keys.Len() < len(s) {
		c.keys = strings.Builder{}
		c.keys.Grow(max(4096, len(s)))
	}
	c.keys.WriteString(s)
	all := c.keys.String()
	return all[len(all)-len(s):]
}

// wordOf returns the cache's entry for the lower-case word w in s.lang,
// stemming and classifying w when the cache does not know it, or false
// when w is not known, the text already has maxStems stems and so w's stem
// could not be kept if it is new.
func (s *state) wordOf(w string, en bool) (wordInfo, bool) {
	c := &s.cache
	if wi, ok := c.lookup(w); ok {
		return wi, true
	}
	if len(s.stems) >= maxStems {
		return wordInfo{}, false // do not stem what could not be kept
	}
	class, stop, aux := s.classOf(w, en)
	var stem string
	if s.lang == "pl" {
		stem = stemPolish(w)
	} else {
		stem = s.stemmer.Stem(w)
	}
	si, fresh := c.stem(stem)
	if fresh {
		si.idf2 = s.idf2(stem)
	}
	wi := wordInfo{stem: si, class: class, stop: stop, aux: aux}
	c.add(w, wi)
	return wi, true
}

// idf2 returns the squared idf of a stem in s.lang: from the table in
// English, 1 in other languages, which have none.
func (s *state) idf2(stem string) float64 {
	if s.lang != "en" {
		return 1
	}
	idf := idfUnseen
	if v, ok := idfTable[stem]; ok {
		idf = float64(v)
	}
	return idf * idf
}

// classOf returns the class of the lower-case word w that w alone
// decides (see wordInfo.class), why it is a stop word if it is one, and
// whether it is an auxiliary.
func (s *state) classOf(w string, en bool) (byte, stopKind, bool) {
	aux := auxiliaries[s.lang][w]
	stop := notStop
	if contraction(w) {
		stop = stopContraction
	} else if _, listed := s.stops[w]; listed {
		stop = stopListed
	} else if len(w) < 2 {
		stop = stopLetter
	}
	if en {
		return wordClass(w), stop, aux
	}
	if verbForm(s.lang, w) {
		return textseg.Verb, stop, aux
	}
	return textseg.Noun, stop, aux
}

// stopKind says why a word is a stop word.
type stopKind byte

const (
	notStop         stopKind = iota
	stopContraction          // "don't", "we'll": never a keyphrase
	stopListed               // in the language's stop list
	stopLetter               // one byte: a variable, an initial
)

// keepsStop reports whether token i, a word of stop kind k, is kept as a
// word in its context: a capital letter ("vitamin C"), or a stop word used
// as a name or an acronym (see stopAsName).
func (s *state) keepsStop(i int, k stopKind) bool {
	switch k {
	case stopLetter:
		return s.toks[i].AllCaps
	case stopListed:
		return s.stopAsName(i, s.stops)
	}
	return false
}

// stemIndex returns the index of wi's stem in s.stems, adding the stem
// when this call has not seen it, or false when it is new and the text
// already has maxStems stems.
func (s *state) stemIndex(wi wordInfo) (int32, bool) {
	st := wi.stem
	if st.call == s.call {
		return st.idx, true
	}
	if len(s.stems) >= maxStems {
		return 0, false
	}
	st.call, st.idx = s.call, int32(len(s.stems))
	s.stems = push(s.stems, maxStems, stemStat{key: st.key, idf2: st.idf2})
	return st.idx, true
}
