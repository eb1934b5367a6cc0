package keywords

import (
	"strings"
	"unicode/utf8"
)

// docLines blanks the furniture of plain-text documentation line by line:
// rules ("=====", "-----"), generic section headings (see genericHeading),
// release headings ("version 1.34 - ...", "What's new in 2.46.0:"),
// shell prompt lines ("$ make install") and indented command lines (see
// commandLike), which are commands, not prose,
// and file paths (see blankPaths).
// A heading is a short line that stands alone: a blank line or a rule
// above or below it.
func (p *preparer) docLines(ls []line) {
	for k, l := range ls {
		if p.isBlank(l) {
			continue
		}
		t := p.trim(l)
		if isRule(t) {
			p.blankLine(l)
			if k > 0 && !p.isBlank(ls[k-1]) && genericHeading(p.trim(ls[k-1])) {
				p.blankLine(ls[k-1])
			}
			continue
		}
		if strings.HasPrefix(t, "$ ") || p.cols(l) >= 4 && commandLike(t) {
			p.blankLine(l)
			continue
		}
		p.blankPaths(int(l.start+p.ind(l)), int(p.last(l)))
		alone := k == 0 || p.isBlank(ls[k-1]) || k+1 == len(ls) || p.isBlank(ls[k+1])
		if alone && (genericHeading(t) || releaseHeading(t)) {
			p.blankLine(l)
		}
	}
}

// maxHeadingWords is the most words of a line read as a heading.
const maxHeadingWords = 8

// genericHeading reports whether a trimmed line is a section heading
// every document of its kind has, which names no topic of this one:
// "Introduction", "2. Related Work", "SEE ALSO", "Getting started:",
// "## Installation". Its words, after a section number and before a
// closing colon, are all in genericHeadingWords (not all connectives).
func genericHeading(t string) bool {
	t = strings.TrimLeft(t, "#*=- \t")
	t = strings.TrimRight(t, ":.#*=- \t")
	// A section number: "3", "2.1", "IV.", "A)".
	if i := strings.IndexByte(t, ' '); i > 0 && i <= 6 && sectionNumber(t[:i]) {
		t = strings.TrimLeft(t[i:], " \t")
	}
	if t == "" || len(t) > 64 {
		return false
	}
	words, content := 0, 0
	var buf [24]byte
	for i := 0; i < len(t); {
		c := t[i]
		if c == ' ' || c == '\t' || c == '&' || c == '/' || c == ',' {
			i++
			continue
		}
		j := i
		for j < len(t) && t[j] != ' ' && t[j] != '\t' && t[j] != ',' && t[j] != '/' {
			j++
		}
		w := t[i:j]
		i = j
		if words++; words > maxHeadingWords || len(w) > len(buf) {
			return false
		}
		b := buf[:len(w)]
		for k := 0; k < len(w); k++ {
			c := w[k]
			if c >= utf8.RuneSelf {
				return false
			}
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			b[k] = c
		}
		switch genericHeadingWords[string(b)] {
		case 0:
			return false
		case 1:
			content++
		}
	}
	return content > 0
}

// sectionNumber reports whether w numbers a section: digits and dots
// ("2", "3.1.", "4)"), a Roman numeral or a single capital letter followed
// by '.' or ')'.
func sectionNumber(w string) bool {
	w = strings.TrimRight(w, ".)")
	if w == "" {
		return false
	}
	if strings.Trim(w, "0123456789.") == "" {
		return true
	}
	if strings.Trim(w, "IVXivx") == "" && len(w) <= 4 {
		return true
	}
	return len(w) == 1 && w[0] >= 'A' && w[0] <= 'Z'
}

// genericHeadingWords are the words of the generic section headings of
// papers, READMEs, manual pages, licences and changelogs (1), and the
// connectives that join them (2): a heading of these words only names the
// part of a document, not what the document is about.
var genericHeadingWords = func() map[string]byte {
	m := make(map[string]byte)
	for _, w := range strings.Fields(`abstract about acknowledgement acknowledgements acknowledgment
		acknowledgments also api appendix author authors availability background bug bugs build building
		caveats changelog changes compatibility conclusion conclusions conditions configuration contact
		contents contributing contribution contributions contributors copying copyright credits
		dependencies description details development diagnostics discussion documentation download
		environment evaluation example examples exit experiments faq features files future getting
		guide history install installation installing introduction issues known license licence
		licensing limitations links methods motivation name news note notes options overview preamble
		prerequisites quick quickstart readme reference references related release releases reporting
		reports requirements resources results return see setup start started status summary support
		synopsis table terms testing tests thanks troubleshooting usage value version versions warranty
		work use reproduction distribution modification end definitions`) {
		m[w] = 1
	}
	for _, w := range strings.Fields(`a an and for how in of on the to`) {
		m[w] = 2
	}
	return m
}()

// releaseHeading reports whether a trimmed line heads a release in a
// changelog or a NEWS file: at most ten words, opening (after a bullet)
// with "version", "release", "changes in", "what's new in", "new in",
// "noteworthy changes" or a version ("v2.1", or "2.1" in a line of at most
// six words), and holding a version number (digits with a dot).
func releaseHeading(t string) bool {
	t = strings.TrimLeft(t, "*#=- \t")
	if t == "" || len(t) > 120 || strings.Count(t, " ") >= 10 {
		return false
	}
	opens := len(t) > 1 && (t[0] == 'v' || t[0] == 'V') && t[1] >= '0' && t[1] <= '9' ||
		t[0] >= '0' && t[0] <= '9' && strings.Count(t, " ") < 6
	for _, o := range releaseOpenings {
		if len(t) >= len(o) && strings.EqualFold(t[:len(o)], o) {
			opens = true
			break
		}
	}
	if !opens {
		return false
	}
	for i := 1; i+1 < len(t); i++ {
		if t[i] == '.' && t[i-1] >= '0' && t[i-1] <= '9' && t[i+1] >= '0' && t[i+1] <= '9' {
			return true
		}
	}
	return false
}

// releaseOpenings open the release headings of changelogs and NEWS files.
var releaseOpenings = []string{"version ", "release ", "changes in ", "changes from ", "what's new in ", "new in ", "noteworthy changes "}

// blankPaths blanks the file paths of text[i:j]: words (runs of non-space
// bytes) with a slash that start with "./", "../" or "~/", hold two
// slashes (not side by side), a glob or brace, or end in a file name with
// an extension ("/usr/share/common-licenses/GPL-2",
// "apt-pkg/contrib/fileutl.cc", "doc/bash.1"). A word with one slash and
// no extension stays: "and/or", "TCP/IP", "GNU/Linux", and so do the
// sub- and superscripts of formulas as abstracts print them ("x/sub
// i//sup 2/").
func (p *preparer) blankPaths(i, j int) {
	s := p.text
	for k := i; k < j; {
		off := strings.IndexByte(s[k:j], '/')
		if off < 0 {
			return
		}
		a, b := k+off, k+off
		for a > i && !pathStop(s[a-1]) {
			a--
		}
		for b < j && !pathStop(s[b]) {
			b++
		}
		k = b
		w := strings.TrimRight(s[a:b], ".,;:!?'\")")
		if strings.Contains(w, "://") {
			continue // a URL, see blankAddresses
		}
		last := strings.LastIndexByte(w, '/')
		ext := strings.LastIndexByte(w[last+1:], '.')
		if strings.HasPrefix(w, "./") || strings.HasPrefix(w, "../") || strings.HasPrefix(w, "~/") ||
			strings.Count(w, "/") >= 2 && !strings.Contains(w, "//") || strings.ContainsAny(w, "*{") ||
			ext > 0 && last+1+ext+1 < len(w) && isWordByte(w[last+1+ext+1]) {
			p.blank(a, a+len(w))
		}
	}
}

// pathStop reports whether c ends a path: a space, a quote or a bracket.
func pathStop(c byte) bool {
	return c <= ' ' || c == '"' || c == '\'' || c == '`' || c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']'
}

// commandLike reports whether a trimmed line reads as a command, as an
// indented line of documentation shows one: it does not end a sentence,
// and holds an option ("-v", "--datum") or a redirection or pipe.
func commandLike(t string) bool {
	if t == "" || endsSentence(t) {
		return false
	}
	for i := 1; i+1 < len(t); i++ {
		if t[i-1] != ' ' {
			continue
		}
		switch c, n := t[i], t[i+1]; {
		case c == '-' && (n == '-' || n >= 'a' && n <= 'z' || n >= 'A' && n <= 'Z'):
			return true
		case (c == '>' || c == '|') && n == ' ':
			return true
		}
	}
	return false
}
