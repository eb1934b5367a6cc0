package textseg

import (
	snowball "github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/danish"
	"github.com/blevesearch/snowballstem/dutch"
	"github.com/blevesearch/snowballstem/english"
	"github.com/blevesearch/snowballstem/finnish"
	"github.com/blevesearch/snowballstem/french"
	"github.com/blevesearch/snowballstem/german"
	"github.com/blevesearch/snowballstem/hungarian"
	"github.com/blevesearch/snowballstem/italian"
	"github.com/blevesearch/snowballstem/norwegian"
	"github.com/blevesearch/snowballstem/portuguese"
	"github.com/blevesearch/snowballstem/romanian"
	"github.com/blevesearch/snowballstem/russian"
	"github.com/blevesearch/snowballstem/spanish"
	"github.com/blevesearch/snowballstem/swedish"
	"github.com/blevesearch/snowballstem/turkish"
)

// snowballStemmers maps ISO 639-1 codes to the Snowball stemmers
// (snowballstem.org) of that language.
var snowballStemmers = map[string]func(*snowball.Env) bool{
	"da": danish.Stem,
	"de": german.Stem,
	"en": english.Stem,
	"es": spanish.Stem,
	"fi": finnish.Stem,
	"fr": french.Stem,
	"hu": hungarian.Stem,
	"it": italian.Stem,
	"nl": dutch.Stem,
	"no": norwegian.Stem,
	"pt": portuguese.Stem,
	"ro": romanian.Stem,
	"ru": russian.Stem,
	"sv": swedish.Stem,
	"tr": turkish.Stem,
}

// Stemmer returns the Snowball stemmer of the language with ISO 639-1 code
// lang, applied to a lower-case word, or nil when there is none. The
// returned function is safe for concurrent use.
func Stemmer(lang string) func(word string) string {
	s, ok := snowballStemmers[lang]
	if !ok {
		return nil
	}
	return func(word string) string {
		env := snowball.NewEnv(word)
		s(env)
		return env.Current()
	}
}

// A StemmerEnv stems words of one language reusing its working memory,
// so that stemming a word allocates only the stem when it differs from
// the word. It is not safe for concurrent use; the zero value has no
// language and returns words unchanged.
type StemmerEnv struct {
	env  snowball.Env
	stem func(*snowball.Env) bool
	// latin is set for a stemmer of a language written in the Latin
	// alphabet, which leaves words without a Latin letter as they are.
	latin bool
}

// SetLanguage makes e stem words of the language with ISO 639-1 code
// lang, and reports whether there is a stemmer for it; when there is none,
// Stem returns words unchanged.
func (e *StemmerEnv) SetLanguage(lang string) bool {
	e.stem = snowballStemmers[lang]
	e.latin = lang != "ru"
	return e.stem != nil
}

// Stem returns the stem of the lower-case word: the word itself, or a
// part of it, when the stemmer leaves it or only cuts its end.
func (e *StemmerEnv) Stem(word string) string {
	if e.stem == nil || e.latin && !hasLatin(word) {
		// The Latin alphabets' stemmers change only words with Latin
		// letters: a word in Han, Greek or Arabic need not be read.
		return word
	}
	e.env.SetCurrent(word)
	e.stem(&e.env)
	return e.env.Current()
}

// hasLatin reports whether w holds a rune of the Latin blocks below
// U+0250 (ASCII and accented Latin letters), which Snowball's stemmers of
// Latin-alphabet languages read.
func hasLatin(w string) bool {
	for i := 0; i < len(w); i++ {
		// U+0250 is 0xC9 0x90 in UTF-8: a smaller lead byte, or ASCII,
		// starts a rune below it.
		if c := w[i]; c < 0x80 || c >= 0xC0 && c < 0xC9 {
			return true
		}
	}
	return false
}
