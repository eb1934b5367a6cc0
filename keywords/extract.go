package keywords

import (
	"context"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/seed717b8fd8/grpcexamples/keywords/internal/rankmodel"
	"github.com/seed717b8fd8/grpcexamples/keywords/internal/textseg"
)

// Keyphrase is one ranked phrase of a text.
type Keyphrase struct {
	// Text is the phrase as it first occurs in the text, words joined by
	// single spaces, lower case except acronyms and names: at most
	// MaxKeyphraseWords words and MaxKeyphraseBytes bytes.
	Text string
	// Score ranks the phrase; higher is better. Scores compare phrases of
	// one text only; their scale has no meaning across texts.
	Score float64
}

// MaxTextBytes is the largest text, in bytes of UTF-8, that Extract reads:
// 1 MiB, room for a book chapter or twenty full scientific papers (a
// SemEval-2010 paper is about 50 KB), while keeping one call bounded: time
// and memory grow linearly with the text, whatever its shape (see
// BenchmarkExtractShapes and the package documentation for the measured
// ceilings). Extract reads only the first MaxTextBytes of a longer text,
// cut at a rune boundary; the gRPC service rejects longer texts.
const MaxTextBytes = 1 << 20

// MaxKeyphraseWords is the most words a keyphrase has (a hyphenated
// compound such as "multi-step" is one word): longer noun phrases are
// rare as keyphrases (3% of Inspec's gold phrases have five words, 6% of
// SemEval-2017's; few have more), and a text's longer runs of nouns yield
// their windows of this many words.
const MaxKeyphraseWords = 5

// MaxKeyphraseBytes bounds the length of one keyphrase, in bytes of UTF-8:
// MaxKeyphraseWords words of at most 63 bytes each and the spaces between
// them fit in 320 bytes. A longer "word" (a URL, a hash, a line of base64,
// a run of letters with no spaces) is never part of a keyphrase: the
// longest words of European languages ("Rindfleischetikettierungs..."
// compounds aside) are far shorter, so this drops only what is not a word.
const MaxKeyphraseBytes = 320

// maxWordBytes is the longest word, in bytes, that a keyphrase may hold.
const maxWordBytes = (MaxKeyphraseBytes - (MaxKeyphraseWords - 1)) / MaxKeyphraseWords

// Ceilings on what one text may make the engine keep, whatever its shape,
// so that memory stays linear and small even for text built to be costly
// (a megabyte of distinct made-up words, or of one-letter words between
// punctuation). Real text is below them: a MaxTextBytes text of 20 full
// papers has about 220,000 tokens, 7,000 distinct stems and 18,000
// distinct candidates. Past maxTokens the rest of the text is not read;
// past the other ceilings, a word with a stem not yet seen, or a candidate
// not yet seen, is left out, and those already kept go on being counted.
const (
	maxTokens     = 1 << 18 // tokens (words, numbers, runs of punctuation) read
	maxStems      = 1 << 15 // distinct word stems; below 1<<16, see phraseKey
	maxCandidates = 1 << 16 // distinct candidate phrases
)

// bigText is the number of words from which a text's candidate map is
// made at its size at once (see run).
const bigText = 1 << 14

// checkEvery is how many items (tokens, words or candidates) the engine
// handles between two looks at its context: about 0.1 to 0.5 ms of work.
const checkEvery = 4096

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
//   - Candidates (candidates.go) are noun phrases of one to five words that
//     match (adjective | noun)* noun, the pattern of Hulth (2003), with word
//     classes from a lexicon made by tagging open benchmark text (see
//     internal/gendf); for languages other than English, runs of words
//     between stop words and punctuation (Rose et al. 2010, RAKE). A
//     capital on a word the text also writes in lower case ends a run, as
//     where a title runs into its abstract unpunctuated, and the names of
//     citations ("Carter et al.", "(Wong & Saddler, 1992)") are no
//     candidates.
//   - Candidates also include terms nested in longer runs that the text
//     repeats or puts in its title ("collision avoidance" in "ship
//     collision avoidance system"), English "X of Y" terms the text repeats
//     or capitalises ("quality of service"), and words spelled like stop
//     words used as names or acronyms ("APT", "the Go compiler"). A run
//     longer than a keyphrase stands for its best part, not its windows.
//   - A name of several words gathers its later one-word mentions
//     ("Andrew" after "Hurricane Andrew") and is returned instead of them.
//   - Candidates are ranked (rank.go) by a log-linear model over their
//     features (frequency, idf of their words, position as in PositionRank,
//     Florescu & Caragea 2017, spread as in YAKE, Campos et al. 2020,
//     length, title, names, acronyms) and products of a phrase's kind with
//     signals of the whole text (its share of proper names, of multi-word
//     candidates as in KP-Miner, El-Beltagy & Rafea 2009, its length,
//     whether it opens with a title, its language), with weights fitted on
//     every development set together by internal/genrank.
//   - In a headline (a short first line), a word in -s between nouns is
//     read as a verb, as headlines use them ("FDA panel delays action").
//   - Phrases are deduplicated by stemmed form (Snowball stemmers), and a
//     phrase whose stems are a run of the stems of a better-ranked phrase
//     is dropped: "services" after "grpc services".
//
// The language is WithLanguage's, or detected as DetectLanguage does when
// unset or unsupported; undetected text in the Latin script is taken as
// English. Text in another language (for example Chinese, Japanese or
// Greek) has no stop list or stemmer: its phrases are runs of up to five
// words between punctuation (for Chinese and Japanese, UAX #29 makes each
// ideograph a word), ranked as above but without document frequencies.
func Extract(text string, opts ...Option) []Keyphrase {
	kps, _, _ := extract(context.Background(), text, opts)
	return kps
}

// ExtractContext is [Extract] that stops early when ctx ends: it checks ctx
// before it starts and then after every bounded amount of work (see
// checkEvery), so it returns within about a millisecond of ctx ending,
// with no keyphrases and ctx.Err() (context.Canceled or
// context.DeadlineExceeded). Otherwise it returns what Extract returns and
// a nil error. The gRPC service calls it with the call's context.
func ExtractContext(ctx context.Context, text string, opts ...Option) ([]Keyphrase, error) {
	kps, _, err := extract(ctx, text, opts)
	return kps, err
}

// extract is ExtractContext that also returns the language whose stop
// list it used (see pickLanguage), for the service to report.
func extract(ctx context.Context, text string, opts []Option) ([]Keyphrase, string, error) {
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
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
	kps, err := s.run(ctx, text, o)
	if err != nil {
		return nil, "", err
	}
	return kps, s.lang, nil
}

// run extracts the keyphrases of text, which is at most MaxTextBytes long,
// into s, which is empty. It returns ctx.Err() if ctx ends before it is
// done.
func (s *state) run(ctx context.Context, text string, o options) ([]Keyphrase, error) {
	s.ctx = ctx
	text, furniture, subject := prepareText(text, o.format)
	s.text, s.subject = text, subject
	s.toks = slices.Grow(s.toks[:0], tokenRoom(text))
	var stopped bool
	if s.toks, stopped = textseg.TokensUntil(s.toks, text, maxTokens, s.done); stopped {
		return nil, s.err
	}
	if len(furniture) > 0 {
		s.dropFurniture(furniture)
	}
	s.pickLanguage(text, o.language)
	if !s.classify(text) {
		return nil, s.err
	}
	if len(s.words) > bigText && len(s.candIndex) == 0 {
		// Sized at once, the map of a long text's candidates is not
		// rehashed as it grows; reset drops it after the call.
		s.candIndex = make(map[phraseKey]int32, min(2*len(s.stems), maxCandidates))
	}
	if !s.addCandidates() {
		return nil, s.err
	}
	kps := s.rank(text, o.maxResults)
	if kps == nil {
		return nil, s.err
	}
	return kps, nil
}

// tokenRoom returns how many tokens to make room for before tokenizing
// text. A long text gets textseg's estimate, which reads every byte but
// spares growing the buffer of a large text, and its copies, several
// times; a shorter one (under 256 KB) gets one token per 4 bytes, which
// prose seldom exceeds, and append grows the buffer when it does.
func tokenRoom(text string) int {
	if len(text) < 1<<18 {
		return len(text)/4 + 16
	}
	return min(textseg.EstimateTokens(text), maxTokens)
}

// done reports whether the call's context has ended, keeping its error in
// s.err. The engine's loops call it every checkEvery items, so that a
// cancelled call stops within a fraction of a millisecond of work.
func (s *state) done() bool {
	s.err = s.ctx.Err()
	return s.err != nil
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
	ctx     context.Context // the call's; nil between calls
	err     error           // ctx.Err() when done saw it end
	call    uint64          // counts the calls of this state, from 1
	lang    string
	stops   map[string]struct{} // the stop list of lang
	toks    []textseg.Token
	words   []word
	stems   []stemStat
	cache   wordCache // kept across calls
	stemmer textseg.StemmerEnv
	cands   []candidate
	// candIndex maps candidate.key to the index in cands.
	candIndex map[phraseKey]int32
	order     []int32
	stats     textStats        // the text-wide signals of the ranking
	kept      []rankmodel.Kept // the candidates picked so far
	text      string           // the prepared text, during a call
	subject   [2]int32         // the span of the text's subject (see preparer.subject)
}

var statePool = sync.Pool{New: func() any {
	return &state{candIndex: make(map[phraseKey]int32)}
}}

// reuse empties b for the next call, or drops it when it has grown past
// keep elements, so that one long text does not pin a large buffer.
func reuse[T any](b []T, keep int) []T {
	if cap(b) > keep {
		return nil
	}
	return b[:0]
}

// push appends v to b, which never holds more than limit elements,
// doubling b's capacity when it is full (up to limit): a slice grown to n
// elements then allocates about 2n in all, where append's growth of large
// slices by a quarter allocates about 5n.
func push[T any](b []T, limit int, v T) []T {
	if len(b) == cap(b) {
		b = slices.Grow(b, max(min(len(b), limit-len(b)), 1))
	}
	return append(b, v)
}

// release empties s and puts it back in the pool.
func (s *state) release() {
	s.reset()
	statePool.Put(s)
}

// reset empties s for its next call. It keeps no reference to the text,
// and drops buffers grown large by a long text rather than keep them
// alive.
func (s *state) reset() {
	const keep = 1 << 16
	s.ctx, s.err, s.text, s.subject = nil, nil, "", [2]int32{}
	// A map sized for a long text is dropped: clearing it would cost its
	// size on every later call.
	if len(s.words) > bigText || len(s.candIndex) > keep {
		s.candIndex = make(map[phraseKey]int32)
	} else {
		clear(s.candIndex)
	}
	clear(s.toks) // Token.Lower may point into the caller's text.
	s.toks = reuse(s.toks, keep)
	s.words = reuse(s.words, keep)
	s.stems = reuse(s.stems, keep)
	s.cands = reuse(s.cands, keep)
	s.order = reuse(s.order, keep)
	s.cache.turn()
}

// classify gives each Word token of text its stem and class, and lists
// it in s.words, except words longer than maxWordBytes and, once the text
// has maxStems distinct stems, words of a stem not yet seen. It returns
// false, having stopped early, when the call's context ends.
func (s *state) classify(text string) bool {
	en := s.lang == "en"
	if en {
		loadTables()
	}
	s.stops = stopSet(s.lang)
	if s.cache.cur == nil || s.cache.lang != s.lang {
		s.cache.reset(s.lang)
	}
	s.call++
	s.stemmer.SetLanguage(s.lang)
	elide := s.lang == "fr" || s.lang == "it"
	s.words = slices.Grow(s.words[:0], len(s.toks))
	prevAux := false // the token before is a word and an auxiliary
	for i := range s.toks {
		if i%checkEvery == checkEvery-1 && s.done() {
			return false
		}
		t := &s.toks[i]
		if t.Kind != textseg.Word {
			prevAux = false
			continue
		}
		if elide {
			cutElision(t, text)
		}
		if len(t.Lower) > maxWordBytes {
			prevAux = false
			continue
		}
		wi, ok := s.wordOf(t.Lower, en)
		if !ok {
			prevAux = false
			continue
		}
		aux := prevAux
		prevAux = wi.aux
		si, ok := s.stemIndex(wi)
		if !ok {
			continue
		}
		class := wi.class
		switch {
		case wi.stop != notStop && !s.keepsStop(i, wi.stop):
			class = classStop
		case en:
			if class == textseg.NounOrVerb {
				class = s.nounOrVerb(i)
			}
		case aux:
			class = textseg.Verb
		}
		if !t.Cap {
			s.stems[si].lowerSeen = true
		}
		s.words = append(s.words, word{tok: int32(i), stem: si, class: class})
	}
	if s.stops == nil {
		s.markFrequentStops()
	}
	s.markCitations(text)
	s.markNames()
	if en {
		s.markSVerbs(text)
	}
	return true
}

// markCitations makes stop words of the names in citations, which name
// the authors of other work, not topics of the text: a word before "et
// al" ("Carter et al. [3]"), and the words of a bracketed group that holds
// a year and otherwise only capitalised words and stop words ("(Wong &
// Saddler, 1992)", "[Molloy and Stepinski 2007a]"). A bracketed group of
// lower-case words ("(the 2008 crisis)") is not a citation. It costs one
// pass over the tokens, looking at most citationTokens ahead.
func (s *state) markCitations(text string) {
	ws, toks := s.words, s.toks
	for k := range ws {
		t := int(ws[k].tok)
		if t+2 < len(toks) && toks[t+1].Lower == "et" &&
			(toks[t+2].Lower == "al" || toks[t+2].Kind == textseg.Break && t+3 < len(toks) && toks[t+3].Lower == "al") {
			ws[k].class = classStop
		}
	}
	k := 0 // the first word after token i
	for i := 0; i < len(toks); i++ {
		if toks[i].Kind != textseg.Break || !containsByte(text[toks[i].Start:toks[i].End], '(', '[') {
			continue
		}
		for k < len(ws) && int(ws[k].tok) <= i {
			k++
		}
		end, year, names := -1, false, true
		m := k
		for j := i + 1; j < len(toks) && j <= i+citationTokens && names; j++ {
			t := &toks[j]
			if t.Kind == textseg.Break {
				if p := text[t.Start:t.End]; containsByte(p, ')', ']') {
					end = j
					break
				} else if containsByte(p, '(', '[') || strings.IndexByte(p, '\n') >= 0 {
					break
				}
				continue
			}
			if t.Kind == textseg.Number || t.Kind == textseg.Word && len(t.Lower) == 5 && t.Lower[4] >= 'a' && t.Lower[4] <= 'z' {
				year = year || isYear(t.Lower[:min(4, len(t.Lower))])
			}
			for m < len(ws) && int(ws[m].tok) < j {
				m++
			}
			if t.Kind == textseg.Word && !t.Cap && !isYear(t.Lower[:min(4, len(t.Lower))]) && (m == len(ws) || int(ws[m].tok) != j || ws[m].class != classStop) {
				names = false
			}
		}
		if end < 0 || !year || !names {
			continue
		}
		for m := k; m < len(ws) && int(ws[m].tok) < end; m++ {
			ws[m].class = classStop
		}
		i = end - 1
	}
}

// containsByte reports whether s holds the ASCII byte a or b: ContainsAny
// without decoding the runes of s.
func containsByte(s string, a, b byte) bool {
	return strings.IndexByte(s, a) >= 0 || strings.IndexByte(s, b) >= 0
}

// citationTokens is the most tokens markCitations reads inside brackets.
const citationTokens = 24

// isYear reports whether w is a year of the last two centuries, as
// citations give them: "1992", "2007".
func isYear(w string) bool {
	if len(w) != 4 || !(w[:2] == "19" || w[:2] == "20") {
		return false
	}
	return w[2] >= '0' && w[2] <= '9' && w[3] >= '0' && w[3] <= '9'
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

// contraction reports whether an English word is a contraction, such as
// "doesn't", "you’ve" or "we'll": a function word, never a keyphrase. The
// possessive "'s" is cut off by the tokenizer before.
func contraction(w string) bool {
	// Most words have no apostrophe: look for its bytes first, as
	// LastIndexAny with a non-ASCII quote decodes every rune.
	i := strings.LastIndexByte(w, '\'')
	if j := strings.LastIndex(w, "’"); j > i {
		i = j
	}
	if i <= 0 {
		return false
	}
	rest := w[i+1:]
	if w[i] != '\'' {
		rest = w[i+len("’"):]
	}
	switch rest {
	case "t", "s", "re", "ve", "ll", "d", "m":
		return true
	}
	return false
}

// cutElision drops an elided article or pronoun from a French or Italian
// word: "l'inflation" is "inflation", "dell'anno" is "anno".
func cutElision(t *textseg.Token, text string) {
	// An elision is at most four bytes: its apostrophe is looked for in
	// the word's first bytes only.
	head := t.Lower[:min(len(t.Lower), 4+len("’"))]
	i := strings.IndexByte(head, '\'')
	if j := strings.Index(head, "’"); j >= 0 && (i < 0 || j < i) {
		i = j
	}
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
	t.Start += int32(n)
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

// verbEndings are, per language without word classes, endings that mark
// a finite verb or a gerund almost always (past and imperfect tenses,
// conditional, gerund, a verb with a hyphenated pronoun, "fala-se"): such
// a word ends a phrase, as a verb does in English. Infinitives and participles are left out, as too many nouns
// and adjectives share their endings.
var verbEndings = map[string][]string{
	"pt": {"aram", "eram", "iram", "ava", "avam", "ando", "endo", "indo", "aria", "eria", "iria", "ou", "iu", "-se", "-lhe", "-lhes", "-lo", "-la", "-los", "-las"},
	"es": {"aron", "ieron", "aba", "aban", "ando", "iendo", "aría", "ería", "iría", "ó"},
	"fr": {"aient", "ait", "èrent", "erait", "eraient", "irent"},
	"pl": {"ał", "ała", "ało", "ali", "ały", "ił", "iła", "iło", "ili", "iły", "ył", "yła", "yło", "yli", "yły", "ął", "ęła", "ęli", "ać", "ić", "yć", "eć", "uje", "ują", "uję"},
	"it": {"arono", "erono", "irono", "ava", "avano", "ando", "endo", "erebbe", "irebbe"},
}

// auxiliaries are, per language without word classes, the forms of "have"
// and "be" after which a word is a participle ("a décollé", "foi
// condecorado"): a verb, not the start of a phrase.
var auxiliaries = map[string]map[string]bool{
	"fr": {"a": true, "ont": true, "ai": true, "avons": true, "avez": true, "avait": true, "avaient": true, "est": true, "sont": true, "été": true, "était": true, "étaient": true, "sera": true, "seront": true},
	"pt": {"foi": true, "foram": true, "tem": true, "têm": true, "tinha": true, "tinham": true, "ter": true, "sido": true, "ficou": true, "ficaram": true, "é": true, "são": true},
	"es": {"ha": true, "han": true, "he": true, "hemos": true, "había": true, "habían": true, "fue": true, "fueron": true, "sido": true},
	"it": {"ha": true, "hanno": true, "ho": true, "abbiamo": true, "aveva": true, "avevano": true, "è": true, "sono": true, "stato": true, "stata": true, "stati": true, "era": true, "fu": true},
}

// verbForm reports whether the lower-case word w of language lang has the
// ending of a verb form (see verbEndings), leaving short words alone.
func verbForm(lang, w string) bool {
	if utf8.RuneCountInString(w) < 5 {
		return false
	}
	for _, e := range verbEndings[lang] {
		if strings.HasSuffix(w, e) {
			return true
		}
	}
	return false
}

// nounOrVerb classes the English word of token i that may be a noun or a
// verb ("control", "report", "uses"): a noun after a determiner ("the
// control"), or when it closes a compound before punctuation, standing
// after a noun or adjective ("the quality control."); a verb otherwise, as
// in "the system uses a cache". A word in -s there stays a verb: "the
// latency grows."
func (s *state) nounOrVerb(i int) byte {
	if i == 0 || s.toks[i-1].Kind != textseg.Word || s.toks[i-1].End < s.toks[i].Start-1 {
		return textseg.Verb
	}
	if _, ok := nounContext[s.toks[i-1].Lower]; ok {
		return textseg.Noun
	}
	n := len(s.words)
	if n == 0 || s.words[n-1].tok != int32(i-1) {
		return textseg.Verb
	}
	if c := s.words[n-1].class; c != textseg.Noun && c != textseg.Adjective {
		return textseg.Verb
	}
	if w := s.toks[i].Lower; w[len(w)-1] != 's' && (i+1 == len(s.toks) || s.toks[i+1].Kind == textseg.Break) {
		return textseg.Noun
	}
	return textseg.Verb
}

// determiners are the English stop words that open a noun phrase, so that
// a word before them that may be a verb is one: "uses a", "controls the".
var determiners = map[string]struct{}{
	"the": {}, "a": {}, "an": {}, "this": {}, "that": {}, "these": {}, "those": {},
	"its": {}, "their": {}, "our": {}, "his": {}, "her": {}, "my": {}, "your": {},
	"each": {}, "every": {}, "any": {}, "no": {}, "some": {}, "all": {}, "it": {},
	"them": {}, "him": {}, "us": {}, "me": {}, "you": {},
}

// nounContext holds the English words after which a word that is mostly
// a verb but may be a noun ("control", "uses") is a noun: "the control",
// "its uses".
var nounContext = map[string]struct{}{
	"the": {}, "a": {}, "an": {}, "this": {}, "that": {}, "these": {}, "those": {},
	"its": {}, "their": {}, "our": {}, "his": {}, "her": {}, "my": {}, "your": {},
	"of": {}, "for": {}, "each": {}, "every": {}, "any": {}, "no": {}, "such": {},
}

// sortOrder sorts s.order by descending score, then first occurrence,
// then length: a total order, which the generator of the weights repeats.
func (s *state) sortOrder() {
	slices.SortFunc(s.order, func(a, b int32) int {
		ca, cb := &s.cands[a], &s.cands[b]
		switch {
		case ca.score > cb.score:
			return -1
		case ca.score < cb.score:
			return 1
		}
		if ca.first != cb.first {
			return int(ca.first - cb.first)
		}
		return int(ca.n - cb.n) // first and n tell candidates apart
	})
}
