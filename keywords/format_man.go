package keywords

import (
	"strings"
	"unicode/utf8"
)

// manHeader reports whether a trimmed first line is the header of a
// manual page as man(1) prints it: the page's title and section at both
// ends, "TAR(1)   GNU TAR Manual   TAR(1)".
func manHeader(t string) bool {
	i, j := strings.IndexByte(t, ' '), strings.LastIndexByte(t, ' ')
	if i <= 0 || j <= i {
		return false
	}
	title := t[:i]
	return title == t[j+1:] && manTitle(title)
}

// manTitle reports whether w is a page title with its section: "TAR(1)",
// "ssh_config(5)", "git-commit(1)".
func manTitle(w string) bool {
	open := strings.IndexByte(w, '(')
	if open <= 0 || len(w) < open+3 || w[len(w)-1] != ')' {
		return false
	}
	sec := w[open+1 : len(w)-1]
	return sec != "" && sec[0] >= '0' && sec[0] <= '9' && len(sec) <= 4
}

// manSkipped are the sections of a manual page that hold no prose about
// its subject: the command's syntax, references to other pages, its
// authors, its copyright and licence, where to report bugs.
var manSkipped = map[string]bool{
	"SYNOPSIS": true, "SEE ALSO": true, "AUTHOR": true, "AUTHORS": true,
	"COPYRIGHT": true, "REPORTING BUGS": true, "BUG REPORTS": true, "COLOPHON": true,
}

// manPage blanks what of a manual page is not prose (see FormatManPage)
// and joins its wrapped lines. A section heading is an unindented line;
// the header is the first line and the footer the last one that ends with
// the page's title.
func (p *preparer) manPage(ls []line) {
	first := 0
	for first < len(ls) && p.isBlank(ls[first]) {
		first++
	}
	title, cmd := "", "" // "TAR(1)", "tar"
	if first < len(ls) && manHeader(p.trim(ls[first])) {
		head := p.trim(ls[first])
		title = head[:strings.IndexByte(head, ' ')]
		cmd = strings.ToLower(title[:strings.IndexByte(title, '(')])
	}
	skip := false
	for k := first; k < len(ls); k++ {
		l := ls[k]
		if p.isBlank(l) {
			continue
		}
		t := p.trim(l)
		switch {
		case title != "" && k == first:
			p.manTitle(ls, first, cmd)
		case title != "" && p.cols(l) == 0 && strings.HasSuffix(t, title):
			p.blankLine(l) // the footer
		case p.cols(l) == 0:
			// A section heading, in capitals; a page's section of its own
			// words ("NOTE") may hold prose.
			skip = manSkipped[t]
			p.blankLine(l)
		case skip:
			p.blankLine(l)
		case t[0] == '-' || t[0] == '+':
			// An option, alone or before its description: "-4      Forces
			// ssh to use IPv4 addresses only."
			if gap := strings.Index(t, "  "); gap > 0 {
				p.blank(int(l.start), int(l.start+p.ind(l))+gap)
			} else {
				p.blankLine(l)
			}
		case commandLine(t, cmd):
			p.blankLine(l)
		default:
			p.metavariables(int(l.start+p.ind(l)), int(p.last(l)))
		}
		p.hyphenated(ls, k)
	}
	for _, b := range manBoilerplate {
		first := b[:strings.IndexByte(b, ' ')]
		for off := 0; ; {
			i := strings.Index(p.text[off:], first)
			if i < 0 {
				break
			}
			off += i
			if end := matchSpaced(p.text, off, b); end > 0 {
				p.blank(off, end)
				off = end
			} else {
				off += len(first)
			}
		}
	}
	p.plain(ls)
}

// manBoilerplate are sentences that many manual pages share (those of GNU
// coreutils, for a start), about options rather than about the command.
var manBoilerplate = []string{
	"Mandatory arguments to long options are mandatory for short options too.",
	"display this help and exit",
	"output version information and exit",
}

// manTitle blanks the header of a manual page but its title, the page's
// subject, which it writes as the NAME section does: "TAR(1)  GNU TAR
// Manual  TAR(1)" becomes "tar", as the header capitalises the name that
// is the command ("tar - an archiving utility").
func (p *preparer) manTitle(ls []line, first int, cmd string) {
	l := ls[first]
	at := int(l.start + p.ind(l))
	p.blank(at+len(cmd), int(l.end))
	p.setSubject(at, at+len(cmd))
	// The NAME section's first word, when it is the command: its first
	// line of prose after the heading.
	for k := first + 1; k < len(ls) && k < first+8; k++ {
		if p.isBlank(ls[k]) || p.cols(ls[k]) == 0 {
			continue
		}
		if t := p.trim(ls[k]); len(t) >= len(cmd) && strings.EqualFold(t[:len(cmd)], cmd) &&
			(len(t) == len(cmd) || t[len(cmd)] == ' ' || t[len(cmd)] == ',') {
			for i := range len(cmd) {
				p.set(at+i, t[i])
			}
		}
		break
	}
}

// matchSpaced returns the end of phrase in s at at, where each space of
// phrase matches one or more spaces or line breaks (a justified, wrapped
// line), or -1.
func matchSpaced(s string, at int, phrase string) int {
	k := at
	for i := 0; i < len(phrase); i++ {
		if phrase[i] != ' ' {
			if k == len(s) || s[k] != phrase[i] {
				return -1
			}
			k++
			continue
		}
		n := k
		for k < len(s) && (s[k] == ' ' || s[k] == '\t' || s[k] == '\n' || s[k] == '\r') {
			k++
		}
		if k == n {
			return -1
		}
	}
	return k
}

// commandLine reports whether a trimmed line of a manual page is a
// command, as in its examples: the page's command followed by an option
// ("tar -cvf etc.tar /etc"), or a shell prompt.
func commandLine(t, cmd string) bool {
	if strings.HasPrefix(t, "$ ") || strings.HasPrefix(t, "# ") {
		return true
	}
	if cmd == "" || len(t) <= len(cmd)+2 || !strings.EqualFold(t[:len(cmd)], cmd) || t[len(cmd)] != ' ' {
		return false
	}
	// An option, not the dash of the NAME line ("tar - an archiving
	// utility").
	return t[len(cmd)+1] == '-' && t[len(cmd)+2] != ' '
}

// hyphen is the hyphen man(1) puts where it breaks a word across lines.
const hyphen = "\u2010"

// hyphenated blanks a word that line k breaks at its end with a hyphen
// ("pro‐" and "vided" on the next line): the two halves are no words, and
// blanking cannot join them.
func (p *preparer) hyphenated(ls []line, k int) {
	l := ls[k]
	t := p.text[l.start+p.ind(l) : p.last(l)]
	if !strings.HasSuffix(t, hyphen) || k+1 == len(ls) {
		return
	}
	next := ls[k+1]
	nt := p.trim(next)
	if nt == "" || nt[0] < 'a' || nt[0] > 'z' {
		return
	}
	i := len(t) - len(hyphen)
	for i > 0 {
		r, n := utf8.DecodeLastRuneInString(t[:i])
		if r == ' ' || r == utf8.RuneError && n <= 1 {
			break
		}
		i -= n
	}
	p.blank(int(l.start+p.ind(l))+i, int(p.last(l)))
	j := strings.IndexAny(nt, " \t")
	if j < 0 {
		j = len(nt)
	}
	p.blank(int(next.start+p.ind(next)), int(next.start+p.ind(next))+j)
}

// metavariables blanks the placeholders of a manual page's prose: words in
// capitals that stand for what the user gives ("Copy SOURCE to DEST",
// "the FILEs"), not for a name, as "GNU" and "UTF-8" do. They are the
// words of manMetavariables, in capitals, and their plural in "s".
func (p *preparer) metavariables(i, j int) {
	s := p.text
	for k := i; k < j; {
		if s[k] < 'A' || s[k] > 'Z' || k > i && isWordByte(s[k-1]) {
			k++
			continue
		}
		e := k
		for e < j && s[e] >= 'A' && s[e] <= 'Z' {
			e++
		}
		w := s[k:e]
		if e < j && s[e] == 's' {
			e++
		}
		if (e == j || !isWordByte(s[e])) && manMetavariables[w] {
			p.blank(k, e)
		}
		k = e
	}
}

// manMetavariables are the placeholders that manual pages write in
// capitals.
var manMetavariables = func() map[string]bool {
	m := make(map[string]bool)
	for _, w := range strings.Fields(`ARCHIVE ARG ARGS BYTES CHARS COLS COMMAND COUNT DATE DEST DIR
		DIRECTORY EXPR FIELD FILE FMT FORMAT GROUP HOST KEY KEYWORD LEVEL LINES LIST MEMBER METHOD MODE
		NAME NUM NUMBER OPTION OPTIONS PATH PATTERN PATTERNS PORT PREFIX PROG PROGRAM REGEX SEP SIGNAL
		SIZE SOURCE SPEC STRING STYLE SUFFIX TARGET TEMPLATE TIME TYPE USER VALUE WHEN WORD`) {
		m[w] = true
	}
	return m
}()
