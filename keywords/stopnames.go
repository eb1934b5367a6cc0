package keywords

import (
	"unicode/utf8"

	"github.com/seed717b8fd8/grpcexamples/keywords/internal/textseg"
)

// stopAsName reports whether token i, a word spelled like a stop word,
// is used as a name or an acronym: written in capitals beside a word that
// is not ("APT", "the IT department"), or capitalised inside a sentence
// before a word that is no stop word ("The Go compiler", "Will Smith").
// A capital after a sentence's end, a line of capitals (a heading such
// as "SEE ALSO") and a capital before a number or a stop word ("May 2020",
// "in May the") keep the stop word.
func (s *state) stopAsName(i int, stops map[string]struct{}) bool {
	t := &s.toks[i]
	if !t.Cap || len(t.Lower) < 2 || boilerplate[t.Lower] {
		return false
	}
	prev, next := s.wordAt(i-1), s.wordAt(i+1)
	if t.AllCaps {
		return prev != nil && !prev.AllCaps || next != nil && !next.AllCaps
	}
	if prev == nil || next == nil || next.AllCaps {
		return false // opens a sentence or a line, or ends one
	}
	_, stop := stops[next.Lower]
	return !stop
}

// wordAt returns token i when it is a Word, nil when it is anything else
// or out of range: a break between two words means they are not
// neighbours.
func (s *state) wordAt(i int) *textseg.Token {
	if i < 0 || i >= len(s.toks) || s.toks[i].Kind != textseg.Word {
		return nil
	}
	return &s.toks[i]
}

// markFrequentStops gives text in a language without a stop list stop
// words of its own: its function words are its most frequent words (Zipf
// 1935; Luhn 1958 cut them by frequency), so a word of one or two
// letters the text repeats, one of three letters it uses three times or
// more, or one of four letters that makes a fiftieth of its words or more
// ends a phrase (longer words are content: a text that repeats one term
// keeps it). Phrases then stay short, as in a language with a
// stop list, instead of running from one punctuation mark to the next.
// It costs one count per word.
func (s *state) markFrequentStops() {
	if len(s.words) < genericWords {
		return
	}
	counts := make([]int32, len(s.stems))
	for k := range s.words {
		counts[s.words[k].stem]++
	}
	frequent := int32(max(3, len(s.words)/50))
	for k := range s.words {
		w := &s.words[k]
		n := counts[w.stem]
		if n < 2 {
			continue
		}
		if r := utf8.RuneCountInString(s.toks[w.tok].Lower); r <= 2 || n >= 3 && r <= 3 || n >= frequent && r <= 4 {
			w.class = classStop
		}
	}
}

// boilerplate are the English stop words that stand for a kind of text's
// furniture rather than function words, and stay stop words in capitals:
// agency credits ("(AP)"), titles ("Dr."), the references of papers.
var boilerplate = map[string]bool{
	"ap": true, "afp": true, "upi": true, "reuters": true, "mr": true, "mrs": true,
	"ms": true, "dr": true, "prof": true, "rep": true, "reps": true, "sen": true,
	"sens": true, "gen": true, "gov": true, "lt": true, "col": true, "capt": true,
	"sgt": true, "jr": true, "sr": true, "et": true, "al": true, "fig": true,
	"figs": true, "eq": true, "eqs": true, "vol": true, "pp": true, "ibid": true,
	"cf": true, "viz": true, "sub": true, "sup": true, "ie": true, "eg": true,
}
