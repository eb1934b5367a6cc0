package keywords

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// titleBlock blanks the authors, affiliations and addresses between a
// paper's title and its "Abstract" heading, keeping the title: the lines
// from the first until one that reads as a name or an address (a digit,
// '@', a comma, an affiliation word, or three or fewer capitalised words).
// A paper's front matter names people and places, not its topics; it
// applies only when an "Abstract" line comes within the first 60 lines.
func (p *preparer) titleBlock(ls []line) {
	abstract := -1
	for k := 0; k < len(ls) && k < 60; k++ {
		if abstractHeading(p.trim(ls[k])) {
			abstract = k
			break
		}
	}
	if abstract < 2 {
		return
	}
	k := 0
	for k < abstract && p.isBlank(ls[k]) {
		k++
	}
	for k++; k < abstract && !bylineLike(p.trim(ls[k])); k++ {
	}
	for ; k < abstract; k++ {
		p.blankLine(ls[k])
	}
}

// abstractHeading reports whether a trimmed line opens a paper's abstract:
// "Abstract", alone or followed by '.', ':' or an em dash, in any case.
func abstractHeading(t string) bool {
	const a = "abstract"
	if len(t) < len(a) || !strings.EqualFold(t[:len(a)], a) {
		return false
	}
	rest := t[len(a):]
	return rest == "" || rest[0] == '.' || rest[0] == ':' || strings.HasPrefix(rest, "—")
}

// affiliationWords mark a line of an author block.
var affiliationWords = []string{"university", "universit", "department", "dept", "institute", "laboratory", "labs", "school", "college", "center", "centre", "inc.", "corporation", "research", "faculty"}

// bylineMax is how much of a line bylineLike reads: a name or an address
// is short, and a long line is no byline.
const bylineMax = 200

// bylineLike reports whether a line of a paper's front matter reads as a
// person's name, an affiliation or an address rather than a title.
func bylineLike(t string) bool {
	if len(t) > bylineMax {
		return false
	}
	if t == "" || strings.ContainsAny(t, "0123456789@,") {
		return true
	}
	lt := strings.ToLower(t)
	for _, w := range affiliationWords {
		if strings.Contains(lt, w) {
			return true
		}
	}
	f := strings.Fields(t)
	if len(f) <= 3 {
		for _, w := range f {
			if r, _ := utf8.DecodeRuneInString(w); !unicode.IsUpper(r) {
				return false
			}
		}
		return true
	}
	return false
}
