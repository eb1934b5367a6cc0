package keywords

import (
	"math/bits"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/seed717b8fd8/grpcexamples/keywords/internal/textseg"
)

// repeatMaxBytes is the longest line boilerplate compares: running
// headers, footers and a page template's lines are short, and a longer
// line is a paragraph of prose.
const repeatMaxBytes = 300

// boilerplate makes lines that the text repeats weigh little, when they
// have at least four words: a page template repeats its lines (the running
// header of a paper's pages, a scraped page's "Oops! Something went wrong
// while submitting the form."), a person seldom repeats a sentence. Every copy but the first is blanked, as a
// scraped page may hold its article twice (copies among the first five
// lines stay: a page's title is often also its heading); the first goes
// too when the line's content words occur nowhere else in the text, the
// mark of furniture rather than of a title or a sentence about the topic
// (up to eight such lines are left for dropFurniture to judge once the
// text is tokenized),
// or when every copy goes (all, in a changelog, whose repeated lines, of
// two words or more, are its template's).
func (p *preparer) boilerplate(ls []line, all bool) {
	minSpaces := 3
	if all {
		minSpaces = 1 // "* Non-maintainer upload."
	}
	var idx []int32 // the lines looked at, by index in ls
	for k, l := range ls {
		t := p.trim(l)
		if len(t) < 20 || len(t) > repeatMaxBytes || strings.Count(t, " ") < minSpaces {
			continue
		}
		idx = append(idx, int32(k))
	}
	if len(idx) < 2 {
		return
	}
	// Sized at once, the map is not rehashed as it grows.
	seen := make(map[string]int32, len(idx))
	repeats := 0
	for _, k := range idx {
		key := p.trim(ls[k])
		if seen[key]++; seen[key] == 2 {
			repeats++
		}
	}
	if repeats == 0 {
		return
	}
	nonBlank, next := 0, 0
	var checked map[string]int // line -> index in p.furniture
	for k, l := range ls {
		if !p.isBlank(l) {
			nonBlank++
		}
		if next == len(idx) || int(idx[next]) != k {
			continue
		}
		key := p.trim(l)
		next++
		n := seen[key]
		switch {
		case n < 2:
			continue
		case n == 2<<20: // a later copy
			if nonBlank > 5 || all { // a page's title and heading may repeat at its top
				p.blankLine(l)
			} else if i, ok := checked[key]; ok {
				p.furniture[i].kept++
			}
		default:
			seen[key] = 2 << 20
			switch {
			case all:
				p.blankLine(l)
			case len(checked) < 8:
				// A few lines are enough to tell furniture.
				if checked == nil {
					checked = make(map[string]int)
				}
				checked[key] = len(p.furniture)
				p.furniture = append(p.furniture, furnitureLine{start: l.start + p.ind(l), end: p.last(l), kept: 1})
			}
		}
	}
}

// furnitureLine is the first copy of a repeated line, text[start:end],
// which is furniture when its words occur nowhere else (see
// dropFurniture); kept copies of it are not blanked.
type furnitureLine struct{ start, end, kept int32 }

// maxFurnitureWords is how many content words of a repeated line
// dropFurniture looks for in the text.
const maxFurnitureWords = 10

// dropFurniture drops each first copy of a repeated line (see boilerplate)
// when fewer than half of its content words (of four letters or more, not
// stop words, at most maxFurnitureWords) occur elsewhere in the text: more
// often than the copies of the line left in it. A word occurs in a token that
// starts with it. It counts the words among s.toks, in one pass that looks
// up only the prefixes whose length and first byte one of the lines' words
// has.
func (s *state) dropFurniture(lines []furnitureLine) {
	loadLangIndex()
	counts := make(map[string]int32)
	var filter [256]uint64 // by first byte, a bit per length (capped at 63)
	// The tokens of each line: lines are in text order, and so are
	// tokens.
	spans := make([][2]int, len(lines))
	t := 0
	for i, l := range lines {
		for t < len(s.toks) && s.toks[t].Start < l.start {
			t++
		}
		a := t
		for t < len(s.toks) && s.toks[t].End <= l.end {
			t++
		}
		spans[i] = [2]int{a, t}
		words := 0
		for k := a; k < t && words < maxFurnitureWords; k++ {
			w := s.toks[k].Lower
			if s.toks[k].Kind != textseg.Word || letters(w) < 4 {
				continue
			}
			if _, stop := langIndex[w]; stop {
				continue
			}
			words++
			counts[w] = 0
			filter[w[0]] |= 1 << min(len(w), 63)
		}
	}
	for k := range s.toks {
		tk := &s.toks[k]
		if tk.Kind != textseg.Word {
			continue
		}
		// A word occurs where a token starts with it: "network" in
		// "networks", as a search of the text finds it.
		w := tk.Lower
		for lens := filter[w[0]] & (1<<(min(len(w), 63)+1) - 1); lens != 0; lens &= lens - 1 {
			p := w[:bits.TrailingZeros64(lens)]
			if n, ok := counts[p]; ok {
				counts[p] = n + 1
			}
		}
	}

	drop := spans[:0] // the spans of the lines that are furniture
	for i, l := range lines {
		content, elsewhere := 0, 0
		for k := spans[i][0]; k < spans[i][1] && content < maxFurnitureWords; k++ {
			tk := &s.toks[k]
			n, ok := counts[tk.Lower]
			if tk.Kind != textseg.Word || !ok {
				continue
			}
			content++
			if n > l.kept {
				elsewhere++
			}
		}
		if content > 0 && elsewhere*2 < content {
			drop = append(drop, spans[i])
		}
	}
	s.dropTokens(drop)
}

// dropTokens removes the tokens of spans (sorted ranges of indices in
// s.toks) as if their text had been blanked: the Breaks on either side of
// a span become one.
func (s *state) dropTokens(spans [][2]int) {
	if len(spans) == 0 {
		return
	}
	out := spans[0][0]
	next := 0
	for k := spans[0][0]; k < len(s.toks); k++ {
		if next < len(spans) && k == spans[next][0] {
			k = spans[next][1] - 1
			next++
			continue
		}
		tk := s.toks[k]
		if prev := out - 1; tk.Kind == textseg.Break && prev >= 0 && s.toks[prev].Kind == textseg.Break {
			s.toks[prev].End = tk.End
			s.toks[prev].SentEnd = s.toks[prev].SentEnd || tk.SentEnd
			continue
		}
		s.toks[out] = tk
		out++
	}
	clear(s.toks[out:])
	s.toks = s.toks[:out]
}

// letters returns how many letters w has, counting up to 4.
func letters(w string) int {
	n := 0
	for _, r := range w {
		if r < utf8.RuneSelf && asciiLetter[r] || r >= utf8.RuneSelf && unicode.IsLetter(r) {
			if n++; n == 4 {
				break
			}
		}
	}
	return n
}

// asciiLetter marks the ASCII letters.
var asciiLetter = func() (t [utf8.RuneSelf]bool) {
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = true, true
	}
	return t
}()

// placeholders are sentences that web pages and digital libraries print
// where a part of a record is missing. A page scraped as text keeps them
// after its title ("Small world peer networks No contact information
// provided yet."), and their words ("abstract", "contact information")
// are no topic of it.
var placeholders = []string{
	"An abstract is not available.",
	"No abstract available.",
	"Abstract not available.",
	"No contact information provided yet.",
	"No description available.",
	"No description provided.",
	"No preview available.",
	"Full text not available.",
}

// placeholderAnchors find every placeholder from a byte rare in prose:
// "available." ends six of them, and the others start with "No ".
var placeholderAnchors = []anchor{{"vailable.", true}, {"No ", true}}

// placeholders blanks every placeholder sentence of the text, compared
// only where one of placeholderAnchors is found.
func (p *preparer) placeholders() {
	findAnchors(p.text, placeholderAnchors, 0, func(at int, a anchor) {
		for _, ph := range placeholders {
			i := strings.Index(ph, a.s)
			if i >= 0 && at >= i && strings.HasPrefix(p.text[at-i:], ph) {
				p.blank(at-i, at-i+len(ph))
			}
		}
	})
}
