package keywords

import (
	"iter"
	"math/bits"
	"slices"
	"strings"
	"sync"
	"unicode"

	"github.com/seed717b8fd8/grpcexamples/keywords/internal/textseg"
)

// languages are the ISO 639-1 codes with a stop list, sorted.
var languages = []string{"da", "de", "en", "es", "fi", "fr", "it", "nl", "no", "pl", "pt", "ru", "sv"}

// Languages returns the ISO 639-1 codes of the languages Extract knows
// (a stop list and a stemmer for each: Snowball's, and a light stemmer of
// its own for Polish), sorted: da, de, en, es, fi, fr, it, nl, no, pl, pt,
// ru, sv. English alone also has word classes and document frequencies.
// The slice is a fresh copy.
func Languages() []string { return slices.Clone(languages) }

func supported(code string) bool {
	_, ok := slices.BinarySearch(languages, code)
	return ok
}

// detectSample is how many leading word tokens language detection reads.
const detectSample = 2000

// DetectLanguage returns the ISO 639-1 code, one of Languages(), of the
// language text is written in, or "" when it cannot tell (too few words,
// or a script or language without a stop list, such as Chinese or Greek).
//
// It counts the stop words of each language among the first 2,000 words,
// weighting a word shared by several languages less (the stop-word
// profile method; Grefenstette 1995), and needs at least two stop-word
// hits. Only the first MaxTextBytes of text are read.
func DetectLanguage(text string) string {
	text = truncate(text, MaxTextBytes)
	s := statePool.Get().(*state)
	defer s.release()
	s.toks = textseg.Tokens(s.toks[:0], text)
	return s.detect()
}

var (
	langIndexOnce sync.Once
	langIndex     map[string]uint16 // stop word -> bit set of languages listing it
)

func loadLangIndex() {
	langIndexOnce.Do(func() {
		langIndex = make(map[string]uint16)
		for i, l := range languages {
			for w := range stopSet(l) {
				langIndex[w] |= 1 << i
			}
		}
	})
}

// sample yields the first detectSample word tokens of s.toks, the part of
// the text that language detection reads.
func (s *state) sample() iter.Seq[*textseg.Token] {
	return func(yield func(*textseg.Token) bool) {
		n := 0
		for i := range s.toks {
			t := &s.toks[i]
			if t.Kind != textseg.Word {
				continue
			}
			if n++; n > detectSample || !yield(t) {
				return
			}
		}
	}
}

// detect guesses the language of s.toks (see DetectLanguage).
func (s *state) detect() string {
	loadLangIndex()
	var score [16]float64
	hits := 0
	for t := range s.sample() {
		mask, ok := langIndex[t.Lower]
		if !ok {
			continue
		}
		hits++
		share := 1 / float64(bits.OnesCount16(mask))
		for m := mask; m != 0; m &= m - 1 { // the languages listing the word
			score[bits.TrailingZeros16(m)] += share
		}
	}
	if hits < 2 {
		return ""
	}
	best, second := -1, 0.0
	for l := range languages {
		if best < 0 || score[l] > score[best] {
			if best >= 0 {
				second = score[best]
			}
			best = l
		} else {
			second = max(second, score[l])
		}
	}
	// A language scores well above the others in its own text; a text
	// of a language without a stop list meets a few short words of several
	// (Czech "a", "i", "to", "na"), and is none of them.
	if score[best] < 1 || hits >= 10 && score[best] < 1.5*second {
		return ""
	}
	return languages[best]
}

// mostlyLatin reports whether most letters of the first words of s.toks
// are in the Latin script.
func (s *state) mostlyLatin(text string) bool {
	latin, other := 0, 0
	for t := range s.sample() {
		for _, r := range text[t.Start:t.End] {
			switch {
			case r < 0x80 || unicode.Is(unicode.Latin, r):
				latin++
			case unicode.IsLetter(r):
				other++
			}
		}
	}
	return latin > other
}

// pickLanguage sets s.lang to the language Extract uses for s.toks: want
// when it is one of Languages (any case), else the detected one, else
// English for a short text mostly in the Latin script (a title, a list of
// terms: too few words to tell), else "" (no stop list: see
// markFrequentStops).
func (s *state) pickLanguage(text, want string) {
	s.lang = strings.ToLower(want)
	if !supported(s.lang) {
		s.lang = s.detect()
		if s.lang == "" && s.sampleWords() < genericWords && s.mostlyLatin(text) {
			s.lang = "en"
		}
	}
}

// genericWords is the fewest words from which a text whose language has no
// stop list is read as such rather than as English.
const genericWords = 40

// sampleWords counts the words language detection reads.
func (s *state) sampleWords() int {
	n := 0
	for range s.sample() {
		n++
	}
	return n
}
