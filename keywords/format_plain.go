package keywords

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// plain blanks URLs and e-mail addresses and joins hard-wrapped lines.
func (p *preparer) plain(ls []line) {
	p.blankAddresses(0, len(p.text))
	if len(ls) < 3 {
		return
	}
	// The wrap width: the length most long lines reach. A text is
	// hard-wrapped when many of its lines are about that long.
	width, long := 0, 0
	for _, l := range ls {
		width = max(width, min(int(l.end)-int(l.start), 200))
	}
	for _, l := range ls {
		if n := int(l.end) - int(l.start); n >= width*7/10 {
			long++
		}
	}
	wrapped := width >= 40 && width < 200 && long*3 >= len(ls)
	for k := 0; k+1 < len(ls); k++ {
		cur, next := ls[k], ls[k+1]
		t := strings.TrimSpace(p.text[int(cur.start):int(cur.end)])
		nt := strings.TrimLeft(p.text[int(next.start):int(next.end)], " \t")
		if t == "" || nt == "" || listMarker(nt) > 0 || endsSentence(t) {
			continue
		}
		r, _ := utf8.DecodeRuneInString(nt)
		soft := unicode.IsLower(r) && len(t) >= 20 ||
			wrapped && int(cur.end)-int(cur.start) >= width*7/10
		if soft {
			p.softBreak(int(cur.end))
		}
	}
}

// endsSentence reports whether a trimmed line ends with the punctuation
// of a sentence's end (or of a label, ':').
func endsSentence(t string) bool {
	switch t[len(t)-1] {
	case '.', '!', '?', ':', ';':
		return true
	}
	return false
}

// softBreak turns the line break at byte i (and a CR before it) into
// spaces.
func (p *preparer) softBreak(i int) {
	for i < len(p.text) && (p.text[i] == '\r' || p.text[i] == '\n') {
		p.set(i, ' ')
		if p.text[i] == '\n' {
			return
		}
		i++
	}
}

// blankAddresses blanks URLs and e-mail addresses in text[i:j]. It looks
// for the bytes that every address holds ("://", "www.", "@") rather than
// trying each 'h' and 'w' of the text.
func (p *preparer) blankAddresses(i, j int) {
	s := p.text
	for _, marker := range []string{"://", "www.", "@"} {
		for k := i; k < j; {
			off := strings.Index(s[k:j], marker)
			if off < 0 {
				break
			}
			at := k + off
			start := at
			if marker == "://" {
				// Back up over the scheme: "https".
				for start > i && start > at-8 && isWordByte(s[start-1]) {
					start--
				}
			}
			if end := addressEnd(s, start, j); end > start {
				p.blank(addressStart(s, i, start), end)
				k = end
				continue
			}
			k = at + len(marker)
		}
	}
}

// addressEnd returns the end of a URL ("http://", "https://", "www.")
// or e-mail address that s[k] starts (at its '@' for an address), or k.
func addressEnd(s string, k, j int) int {
	rest := s[k:j]
	switch {
	case strings.HasPrefix(rest, "http://"), strings.HasPrefix(rest, "https://"),
		strings.HasPrefix(rest, "www.") && (k == 0 || !isWordByte(s[k-1])):
	case rest[0] == '@' && k > 0 && isWordByte(s[k-1]) && strings.IndexByte(rest[:min(len(rest), 64)], '.') > 1:
	default:
		return k
	}
	e := k
	for e < j && !isURLStop(s[e]) {
		e++
	}
	for e > k && strings.IndexByte(".,;:!?'\"", s[e-1]) >= 0 {
		e-- // trailing punctuation belongs to the sentence
	}
	return e
}

// addressStart returns where the address whose '@' (or URL start) is at
// k begins: for an e-mail address, its local part.
func addressStart(s string, i, k int) int {
	if s[k] != '@' {
		return k
	}
	for k > i && (isWordByte(s[k-1]) || s[k-1] == '.' || s[k-1] == '+' || s[k-1] == '-') {
		k--
	}
	return k
}

func isURLStop(c byte) bool {
	return c <= ' ' || c == '<' || c == '>' || c == '"' || c == ')' || c == ']' || c == '`'
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= utf8.RuneSelf
}
