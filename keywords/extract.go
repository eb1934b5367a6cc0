package keywords

import (
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/seed717b8fd8/grpcexamples/keywords/internal/textseg"
)

// Keyphrase is one ranked phrase of a text.
type Keyphrase struct {
	// Text is the phrase as it first occurs in the text, words joined by
	// single spaces, lower case except acronyms and names.
	Text string
	// Score ranks the phrase; higher is better. Scores compare phrases of
	// one text only; their scale has no meaning across texts.
	Score float64
}

// MaxTextBytes is the largest text, in bytes of UTF-8, that Extract reads:
// 1 MiB, room for a book chapter or twenty full scientific papers (a
// SemEval-2010 paper is about 50 KB), while keeping one call bounded: time
// and memory grow linearly with the text, to about 100 ms on one core and
// 56 MB allocated at 1 MiB (BenchmarkExtractMaxText). Extract reads only
// the first MaxTextBytes of a longer text, cut at a rune boundary; the gRPC
// service rejects longer texts.
const MaxTextBytes = 1 << 20

// DefaultMaxResults is the number of keyphrases returned when the caller
// does not say: 10, the cut-off at which keyphrase benchmarks report F@10.
const DefaultMaxResults = 10

// MaxResultsLimit is the largest number of keyphrases one call returns:
// 100 covers the richest gold standards (about 50 phrases a news story in
// 500N-KPCrowd) with room to spare, while keeping responses small.
const MaxResultsLimit = 100

// Extract returns the keyphrases of text, best first, at most
// WithMaxResults of them (DefaultMaxResults unless set). It never fails:
// text that is empty, has no words, or is not valid UTF-8 (invalid bytes
// are treated as punctuation) yields no or few phrases; text longer than
// MaxTextBytes is cut at that size on a rune boundary. Extract is safe for
// concurrent use.
//
// The method is unsupervised:
//   - Candidates (candidates.go) are noun phrases of one to four words that
//     match (adjective | noun)* noun, the pattern of Hulth (2003), with word
//     classes from a lexicon made by tagging open benchmark text (see
//     internal/gendf); for languages other than English, runs of words
//     between stop words and punctuation (Rose et al. 2010, RAKE).
//   - Candidates are ranked (rank.go) by TfIdf over word stems (Spärck
//     Jones 1972; Hasan & Ng 2014) weighted by the position of occurrences
//     (Florescu & Caragea 2017, PositionRank) and their spread (Campos et
//     al. 2020, YAKE).
//   - One-word phrases are weighed by how much the text favours them: less
//     when most of its distinct candidates have several words, as in
//     technical writing (the statistic of KP-Miner, El-Beltagy & Rafea
//     2009; Justeson & Katz 1995 on terms), more when many of its words are
//     proper names, as in news (Marujo et al. 2012).
//   - In a headline (a short first line), a word in -s between nouns is
//     read as a verb, as headlines use them ("FDA panel delays action").
//   - Phrases are deduplicated by stemmed form (Snowball stemmers), and a
//     phrase whose stems are a run of the stems of a better-ranked phrase
//     is dropped: "services" after "grpc services".
//
// The language is WithLanguage's, or detected as DetectLanguage does when
// unset or unsupported; undetected text in the Latin script is taken as
// English. Text in another language (for example Chinese, Japanese or
// Greek) has no stop list or stemmer: its phrases are runs of up to four
// words between punctuation (for Chinese and Japanese, UAX #29 makes each
// ideograph a word), ranked as above but without document frequencies.
func Extract(text string, opts ...Option) []Keyphrase {
	kps, _ := extract(text, opts)
	return kps
}

// extract is Extract that also returns the language whose stop list it
// used (see pickLanguage), for the service to report.
func extract(text string, opts []Option) ([]Keyphrase, string) {
	o := options{maxResults: DefaultMaxResults}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	if o.maxResults < 1 {
		o.maxResults = DefaultMaxResults
	}
	o.maxResults = min(o.maxResults, MaxResultsLimit)
	text = truncate(text, MaxTextBytes)

	s := statePool.Get().(*state)
	defer s.release()
	s.toks = textseg.Tokens(s.toks[:0], text)
	s.pickLanguage(text, o.language)
	s.classify(text)
	s.embedScale = min(1, float64(len(s.words))/params.embedLen)
	s.addCandidates()
	return s.rank(text, o.maxResults), s.lang
}

// truncate cuts text to at most n bytes without splitting a rune.
func truncate(text string, n int) string {
	if len(text) <= n {
		return text
	}
	for n > 0 && !utf8.RuneStart(text[n]) {
		n--
	}
	return text[:n]
}

// state is the working memory of one Extract call, pooled so that
// repeated calls reuse their buffers.
type state struct {
	lang      string
	toks      []textseg.Token
	words     []word
	stems     []stemStat
	stemIndex map[string]int32
	stemCache map[string]string // lower-case word -> stem, kept across calls
	cacheLang string            // language of stemCache
	cands     []candidate
	candIndex map[string]int32
	keyBuf    []byte
	order     []int32
	// embedScale weighs occurrences inside longer phrases: frequencies
	// of short texts are too small to rely on.
	embedScale float64
}

var statePool = sync.Pool{New: func() any {
	return &state{
		stemIndex: make(map[string]int32),
		stemCache: make(map[string]string),
		candIndex: make(map[string]int32),
	}
}}

// stemCacheLimit bounds the words whose stems a pooled state remembers.
const stemCacheLimit = 1 << 15

// reuse empties b for the next call, or drops it when it has grown past
// keep elements, so that one long text does not pin a large buffer.
func reuse[T any](b []T, keep int) []T {
	if cap(b) > keep {
		return nil
	}
	return b[:0]
}

// release empties s and puts it back in the pool. It keeps no reference
// to the text, and drops buffers grown large by a long text rather than
// keep them alive.
func (s *state) release() {
	const keep = 1 << 16
	clear(s.toks) // Token.Lower may point into the caller's text.
	s.toks = reuse(s.toks, keep)
	s.words = reuse(s.words, keep)
	s.stems = reuse(s.stems, keep)
	s.cands = reuse(s.cands, keep)
	s.order = reuse(s.order, keep)
	if len(s.stemIndex) > keep || len(s.candIndex) > keep {
		s.stemIndex = make(map[string]int32)
		s.candIndex = make(map[string]int32)
	} else {
		clear(s.stemIndex)
		clear(s.candIndex)
	}
	if len(s.stemCache) > stemCacheLimit {
		s.stemCache = make(map[string]string)
	}
	statePool.Put(s)
}

// classify gives each Word token of text its stem and class.
func (s *state) classify(text string) {
	en := s.lang == "en"
	if en {
		loadTables()
	}
	stops := stopSet(s.lang)
	stem := stemmer(s.lang)
	if s.cacheLang != s.lang {
		clear(s.stemCache)
		s.cacheLang = s.lang
	}
	elide := s.lang == "fr" || s.lang == "it"
	for i := range s.toks {
		t := &s.toks[i]
		if t.Kind != textseg.Word {
			continue
		}
		if elide {
			cutElision(t, text)
		}
		var class byte
		if _, stop := stops[t.Lower]; stop || len(t.Lower) < 2 && !t.AllCaps {
			class = classStop
		} else if en {
			class = wordClass(t.Lower)
			if class == textseg.NounOrVerb {
				class = textseg.Verb
				if i > 0 && s.toks[i-1].Kind == textseg.Word {
					if _, ok := nounContext[s.toks[i-1].Lower]; ok {
						class = textseg.Noun
					}
				}
			}
		} else {
			class = textseg.Noun
		}
		key, ok := s.stemCache[t.Lower]
		if !ok {
			// Copies, so that the cache does not keep the text alive.
			key = strings.Clone(t.Lower)
			if stem != nil {
				key = strings.Clone(stem(key))
			}
			s.stemCache[strings.Clone(t.Lower)] = key
		}
		si, ok := s.stemIndex[key]
		if !ok {
			si = int32(len(s.stems))
			st := stemStat{key: key, idf: 1}
			if en {
				st.idf = idfUnseen
				if v, ok := idfTable[key]; ok {
					st.idf = float64(v)
				}
			}
			s.stems = append(s.stems, st)
			s.stemIndex[key] = si
		}
		if !t.Cap {
			s.stems[si].lowerSeen = true
		}
		s.words = append(s.words, word{tok: int32(i), stem: si, class: class})
	}
	s.markNames()
	if en {
		s.markSVerbs(text)
	}
}

// markSVerbs makes a verb of a headline word ending in -s that stands
// after a noun and before another word of a noun-phrase run, as in
// "Unemployment drop boosts stocks" and "FDA panel delays action".
// Headlines drop articles and put their verbs in the simple present
// (Mårdh 1980, "Headlinese"), so that a verb in -s there reads like a
// plural noun to the lexicon; but the modifiers of an English noun
// compound are mostly singular (the plural constraint on compounding,
// Kiparsky 1982), so a plural-looking word inside a run of a headline is
// more likely its verb. Only the headline (see headlineWords) is read
// this way: in running text plural modifiers are common enough
// ("information systems design", "time series data") to make the rule
// cost more than it gains (on Inspec abstracts). Names and words ending in
// -ss, -us, -is or -ics ("process", "status", "analysis", "physics") are
// left alone.
func (s *state) markSVerbs(text string) {
	ws := s.words[:s.headlineWords(text)]
	for k := 1; k+1 < len(ws); k++ {
		w := &ws[k]
		if w.class != textseg.Noun || w.name || ws[k-1].class != textseg.Noun ||
			ws[k-1].tok != w.tok-1 || ws[k+1].tok != w.tok+1 || !inside(ws[k+1].class) {
			continue
		}
		l := s.toks[w.tok].Lower
		if len(l) < 4 || l[len(l)-1] != 's' || strings.HasSuffix(l, "ss") ||
			strings.HasSuffix(l, "us") || strings.HasSuffix(l, "is") || strings.HasSuffix(l, "ics") {
			continue
		}
		w.class = textseg.Verb
	}
}

// cutElision drops an elided article or pronoun from a French or Italian
// word: "l'inflation" is "inflation", "dell'anno" is "anno".
func cutElision(t *textseg.Token, text string) {
	i := strings.IndexAny(t.Lower, "'’")
	if i <= 0 || i > 4 {
		return
	}
	n := i + 1
	if t.Lower[i] != '\'' {
		n = i + len("’")
	}
	if n >= len(t.Lower) {
		return
	}
	t.Lower = t.Lower[n:]
	t.Start += n
	r, _ := utf8.DecodeRuneInString(text[t.Start:])
	t.Cap = unicode.IsUpper(r)
}

// markNames flags the words that look like parts of names: capitalised
// inside a sentence that is not a headline in title case (most words
// capitalised), or, opening a sentence or in such a headline, capitalised
// inside some sentence and never in lower case.
func (s *state) markNames() {
	start := 0
	for k := 0; k <= len(s.words); k++ {
		if k < len(s.words) && (k == 0 || !s.sentBreakBefore(k)) {
			continue
		}
		// s.words[start:k] is one sentence.
		capped, long := 0, 0
		for m := start; m < k; m++ {
			w := &s.words[m]
			if w.class == classStop || len(s.toks[w.tok].Lower) < 4 {
				continue
			}
			long++
			if s.toks[w.tok].Cap {
				capped++
			}
		}
		if !(long >= 3 && capped*5 >= long*4) {
			for m := start; m < k; m++ {
				t := &s.toks[s.words[m].tok]
				s.words[m].name = t.Cap && !t.AllCaps && m > start
				if s.words[m].name {
					s.stems[s.words[m].stem].capMid = true
				}
			}
		}
		start = k
	}
	// A capitalised word opening a sentence or in a headline is a name
	// when the text capitalises it elsewhere too and never writes it in
	// lower case.
	for m := range s.words {
		w := &s.words[m]
		t := &s.toks[w.tok]
		if t.Cap && !t.AllCaps && !w.name && w.class != classStop {
			st := &s.stems[w.stem]
			w.name = st.capMid && !st.lowerSeen
		}
	}
}

// headlineWords returns the number of words of the text's headline: its
// first line, when that line is a sentence of its own (no sentence ends
// inside it) of at most 20 words, as the title of a news story or paper
// is; 0 when there is none.
func (s *state) headlineWords(text string) int {
	for k := 1; k < len(s.words) && k <= 20; k++ {
		for t := s.words[k-1].tok + 1; t < s.words[k].tok; t++ {
			if tk := &s.toks[t]; tk.Kind == textseg.Break && tk.SentEnd {
				if strings.IndexByte(text[tk.Start:tk.End], '\n') >= 0 {
					return k
				}
				return 0
			}
		}
	}
	return 0
}

// sentBreakBefore reports whether a sentence ends between word k-1 and k.
// The period of a short capitalised stop word, a title such as "Dr." or
// "Rep.", does not end a sentence: the name after it is inside one.
func (s *state) sentBreakBefore(k int) bool {
	if p := &s.words[k-1]; p.class == classStop && s.toks[p.tok].Cap && len(s.toks[p.tok].Lower) <= 4 {
		return false
	}
	for t := s.words[k-1].tok + 1; t < s.words[k].tok; t++ {
		if s.toks[t].Kind == textseg.Break && s.toks[t].SentEnd {
			return true
		}
	}
	return false
}

// nounContext holds the English words after which a word that is mostly
// a verb but may be a noun ("control", "uses") is a noun: "the control",
// "its uses".
var nounContext = map[string]struct{}{
	"the": {}, "a": {}, "an": {}, "this": {}, "that": {}, "these": {}, "those": {},
	"its": {}, "their": {}, "our": {}, "his": {}, "her": {}, "my": {}, "your": {},
	"of": {}, "for": {}, "each": {}, "every": {}, "any": {}, "no": {}, "such": {},
}

var (
	stemmersOnce sync.Once
	stemmers     map[string]func(string) string
)

// stemmer returns the stemmer of lang, or nil.
func stemmer(lang string) func(string) string {
	stemmersOnce.Do(func() {
		stemmers = make(map[string]func(string) string)
		for _, l := range languages {
			if f := textseg.Stemmer(l); f != nil {
				stemmers[l] = f
			}
		}
	})
	return stemmers[lang]
}

// sortOrder sorts s.order by descending score, then first occurrence.
func (s *state) sortOrder() {
	slices.SortFunc(s.order, func(a, b int32) int {
		ca, cb := &s.cands[a], &s.cands[b]
		switch {
		case ca.score > cb.score:
			return -1
		case ca.score < cb.score:
			return 1
		}
		return int(ca.first - cb.first)
	})
}
