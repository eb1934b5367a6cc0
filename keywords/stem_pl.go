package keywords

import (
	"strings"
	"unicode/utf8"
)

// polishEndings are the inflectional endings of Polish nouns and
// adjectives that stemPolish removes, longest first: the case endings of
// the declensions ("Warszawy", "Warszawie" → "warszaw"; "rządowych" →
// "rządow"). Snowball has no Polish stemmer; this light stemmer, in the
// manner of the light stemmers of Savoy (2006) for other inflected
// languages, joins the forms of a word well enough for counting, and may
// join a few unrelated words of one stem.
var polishEndings = []string{
	"owie", "ami", "ach", "ych", "ich", "iej", "ego", "emu", "owi", "ymi", "imi",
	"om", "ów", "em", "ie", "ia", "ią", "ię", "ii", "ej", "ym", "im", "ow",
	"a", "e", "i", "o", "u", "y", "ą", "ę",
}

// stemPolish returns the stem of a lower-case Polish word: the word
// without its longest ending of polishEndings, keeping at least three
// letters.
func stemPolish(w string) string {
	n := utf8.RuneCountInString(w)
	for _, e := range polishEndings {
		if strings.HasSuffix(w, e) && n-utf8.RuneCountInString(e) >= 3 {
			return w[:len(w)-len(e)]
		}
	}
	return w
}
