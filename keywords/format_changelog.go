package keywords

import (
	"strings"
)

// debianChangelogHeader reports whether a trimmed line heads an entry of a
// Debian changelog (deb-changelog(5)): "apt (2.6.1) unstable;
// urgency=medium".
func debianChangelogHeader(t string) bool {
	n := packageName(t)
	return n > 0 && strings.HasPrefix(t[n:], " (") && strings.Contains(t[n:], "urgency=")
}

// packageName returns the length of the Debian package name that t starts
// with (lower-case letters, digits and + - .; two or more), or 0.
func packageName(t string) int {
	n := 0
	for n < len(t) {
		c := t[n]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || n > 0 && (c == '+' || c == '-' || c == '.')) {
			break
		}
		n++
	}
	if n < 2 {
		return 0
	}
	return n
}

// gnuChangelogHeader reports whether a trimmed line heads an entry of a
// GNU ChangeLog: a date, the author and an address, "2023-01-14  Nick
// Clifton  <nickc@redhat.com>".
func gnuChangelogHeader(t string) bool {
	if len(t) < 12 || t[4] != '-' || t[7] != '-' || t[10] != ' ' {
		return false
	}
	for _, i := range []int{0, 1, 2, 3, 5, 6, 8, 9} {
		if t[i] < '0' || t[i] > '9' {
			return false
		}
	}
	return strings.IndexByte(t, '<') > 0
}

// changelog blanks what of a changelog is not the text of its entries
// (see FormatChangelog), and then reads it as plain text.
func (p *preparer) changelog(ls []line) {
	for _, l := range ls {
		if p.isBlank(l) {
			continue
		}
		t := p.trim(l)
		start := int(l.start + p.ind(l))
		switch {
		case debianChangelogHeader(t):
			p.blank(start+packageName(t), int(p.last(l))) // the package's name stays
			p.setSubject(start, start+packageName(t))
			continue
		case gnuChangelogHeader(t),
			strings.HasPrefix(t, "-- ") && p.cols(l) <= 1, // " -- Name <address>  date"
			t[0] == '[' && t[len(t)-1] == ']',             // "[ Name ]"
			t[0] == '#' && p.cols(l) == 0:                 // a comment of the packager's
			p.blankLine(l)
			continue
		}
		// An entry's bullet, and a GNU entry's files and functions,
		// after a tab: "\t* src/tar.c (main): Fix ...".
		if t[0] == '*' || t[0] == '-' || t[0] == '+' {
			end := 1
			if t[0] == '*' && p.cols(l) >= 8 {
				if c := strings.Index(t, ": "); c > 0 && c < 120 && strings.ContainsAny(t[:c], "./(") && strings.Count(t[:c], " ") <= 3 {
					end = c + 1
				}
			}
			p.blank(start, start+end)
			// A commit's hash: "* [730f266] Improved ...".
			if r := t[end:]; len(r) > 3 && r[0] == ' ' && r[1] == '[' {
				if c := strings.IndexByte(r, ']'); c > 2 && strings.Trim(r[2:c], "0123456789abcdef") == "" {
					p.blank(start+end, start+end+c+1)
				}
			}
		}
		p.bugReferences(start, int(p.last(l)))
	}
	p.plain(ls)
}

// bugReferences blanks the bug references of text[i:j]: "Closes: #123,
// #456", "LP: #1234" and the like, a marker followed by numbers.
func (p *preparer) bugReferences(i, j int) {
	s := p.text[i:j]
	for k := 0; k < len(s); {
		c := strings.IndexByte(s[k:], ':')
		if c < 0 {
			return
		}
		c += k
		k = c + 1
		m := c
		for m > 0 && (s[m-1] >= 'a' && s[m-1] <= 'z' || s[m-1] >= 'A' && s[m-1] <= 'Z') {
			m--
		}
		if !bugMarkers[strings.ToLower(s[m:c])] {
			continue
		}
		e := c + 1
		for e < len(s) && strings.IndexByte(" #,0123456789", s[e]) >= 0 {
			e++
		}
		if e > c+1 {
			p.blank(i+m, i+e)
			k = e
		}
	}
}

// bugMarkers open the bug references of Debian and Ubuntu changelogs.
var bugMarkers = map[string]bool{"closes": true, "lp": true, "bug": true, "bugs": true, "fixes": true}
