package keywords

import (
	"strings"
)

// Format is the markup of a text, which decides what of it is prose.
type Format int

// The formats Extract reads. The zero value detects the format.
const (
	// FormatAuto detects the format from the text itself: a Debian
	// machine-readable copyright file from its Format field, a changelog
	// from its first entry's header, a manual page from its header line,
	// and Markdown from its syntax (front matter, fenced code, headings,
	// links, lists); other text is FormatPlain.
	FormatAuto Format = iota
	// FormatPlain is text as written: URLs and e-mail addresses are left
	// out, and lines are read across single line breaks when the text is
	// hard-wrapped. As in every format, the furniture of documentation
	// weighs nothing: a generic section heading ("Introduction",
	// "Installation", "SEE ALSO"), a rule, a shell prompt line, a line the
	// text repeats as a page header or release heading, and licence
	// boilerplate (a licence's warranty disclaimer or grant quoted in a
	// README or a manual page, but not a licence that is the whole text).
	FormatPlain
	// FormatMarkdown is Markdown (CommonMark, with YAML or TOML front
	// matter, as blogs and READMEs use): only its prose and headings count.
	// Front matter, fenced and indented code (four spaces or a tab),
	// inline code that looks like code, link targets, images, HTML tags and
	// comments, tables, and Hugo shortcodes are left out.
	FormatMarkdown
	// FormatManPage is a manual page as man(1) prints it (man -P cat):
	// its description and the prose of its options count, read across its
	// wrapped lines. Its header and footer lines, section headings, SYNOPSIS,
	// SEE ALSO, AUTHOR, COPYRIGHT and bug-report sections, option lists
	// ("-f, --file=ARCHIVE"), command lines and words hyphenated at a line
	// end are left out.
	FormatManPage
	// FormatChangelog is a changelog: Debian's (debian/changelog, as in
	// /usr/share/doc/*/changelog.Debian.gz) or the GNU ChangeLog's. The
	// text of its entries counts; the header of each release (the package
	// name stays, not its version, distribution and urgency), the
	// maintainer and date lines, contributor brackets ("[ Name ]"), file
	// names and bug references ("Closes: #123") are left out.
	FormatChangelog
	// FormatDebianCopyright is a Debian machine-readable copyright file
	// (DEP-5, https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/):
	// its Upstream-Name, its Comment and Disclaimer prose, the holders of
	// its Copyright fields and the short names of its licences count.
	// Field names, Files patterns, URLs and licence texts are left out.
	FormatDebianCopyright
)

// WithFormat sets the format of the text (default FormatAuto).
func WithFormat(f Format) Option { return func(o *options) { o.format = f } }

// prepare returns text with what is not prose blanked out, and line
// breaks inside paragraphs turned into spaces, so that a phrase runs across
// a hard-wrapped line. The result has the same length as text and every
// kept byte at its place, so token offsets index both; text itself is
// returned when nothing changes. Every step reads each line a bounded
// number of times, so the cost is linear in len(text).
func prepare(text string, f Format) string {
	t, _, _ := prepareText(text, f)
	return t
}

// prepareText is prepare that also returns the repeated lines that may be
// furniture, for dropFurniture to judge from the tokens of the text, and
// the span of the text's subject (see preparer.subject), [0, 0) when its
// format names none.
func prepareText(text string, f Format) (string, []furnitureLine, [2]int32) {
	p := preparer{text: text}
	ls := p.lines()
	if f == FormatAuto {
		f = detectFormat(text, ls)
	}
	switch f {
	case FormatMarkdown:
		p.markdown(ls)
	case FormatManPage:
		p.manPage(ls)
	case FormatChangelog:
		p.changelog(ls)
	case FormatDebianCopyright:
		p.debianCopyright(ls)
	default:
		p.plain(ls)
	}
	p.docLines(ls)
	p.licenceBoilerplate(ls, f != FormatDebianCopyright)
	p.placeholders()
	p.boilerplate(ls, f == FormatChangelog)
	p.titleBlock(ls)
	if p.buf == nil {
		return text, p.furniture, p.subject
	}
	return string(p.buf), p.furniture, p.subject
}

// preparer blanks parts of a text in a copy made on the first change.
type preparer struct {
	text      string
	buf       []byte
	furniture []furnitureLine // see boilerplate
	// subject is the span [start, end) of the name of what the text is
	// about, where its format says it: a manual page's title (its
	// command), a Debian changelog's package, a Debian copyright file's
	// Upstream-Name, a Markdown document's title heading. The ranking puts
	// it first (see state.liftSubject), as a reader takes it from the
	// document's structure, not from how often the text repeats it.
	subject [2]int32
}

// setSubject records text[i:j] as the text's subject (see
// preparer.subject), without its surrounding spaces and tabs, unless one
// is already recorded: the first wins.
func (p *preparer) setSubject(i, j int) {
	for i < j && (p.text[i] == ' ' || p.text[i] == '\t') {
		i++
	}
	for j > i && (p.text[j-1] == ' ' || p.text[j-1] == '\t') {
		j--
	}
	if p.subject[1] == 0 && i < j {
		p.subject = [2]int32{int32(i), int32(j)}
	}
}

// blank replaces text[i:j] by spaces, keeping line breaks.
func (p *preparer) blank(i, j int) {
	if i >= j {
		return
	}
	if p.buf == nil {
		p.buf = []byte(p.text)
	}
	for k := i; k < j; k++ {
		if c := p.buf[k]; c != '\n' && c != '\r' {
			p.buf[k] = ' '
		}
	}
}

// blankLine blanks line l whole.
func (p *preparer) blankLine(l line) { p.blank(int(l.start), int(l.end)) }

// set puts c at byte i (a space for a soft line break, a period to end
// a phrase).
func (p *preparer) set(i int, c byte) {
	if p.buf == nil {
		p.buf = []byte(p.text)
	}
	p.buf[i] = c
}

// line is one line of the text: [start, end) without its line break,
// which is at end (or end is len(text)), with the lengths of its leading
// and trailing spaces and tabs (up to 65,535: beyond, they are read again
// from the text when asked for). Offsets are int32 (MaxTextBytes fits),
// to keep the lines of a text of a million line breaks small.
type line struct {
	start, end int32
	lead, tail uint16
}

// ind returns the bytes of leading spaces and tabs of line l.
func (p *preparer) ind(l line) int32 {
	if l.lead < 0xFFFF {
		return int32(l.lead)
	}
	k := l.start
	for k < l.end && (p.text[k] == ' ' || p.text[k] == '\t') {
		k++
	}
	return k - l.start
}

// cols returns the width of the indentation of line l in columns, a tab
// reaching the next multiple of 4, up to 64.
func (p *preparer) cols(l line) int {
	cols := 0
	for k := l.start; k < l.end && cols < 64; k++ {
		switch p.text[k] {
		case ' ':
			cols++
		case '\t':
			cols += 4 - cols%4
		default:
			return cols
		}
	}
	return cols
}

// last returns the end of the content of line l, before trailing spaces
// and tabs.
func (p *preparer) last(l line) int32 {
	if l.tail < 0xFFFF {
		return l.end - int32(l.tail)
	}
	e := l.end
	for e > l.start && (p.text[e-1] == ' ' || p.text[e-1] == '\t' || p.text[e-1] == '\r') {
		e--
	}
	return e
}

// isBlank reports whether line l holds only spaces and tabs.
func (p *preparer) isBlank(l line) bool { return l.start+p.ind(l) >= p.last(l) }

// trim returns the content of line l.
func (p *preparer) trim(l line) string {
	e := p.last(l)
	return p.text[min(l.start+p.ind(l), e):e]
}

// raw returns line l without its line break.
func (p *preparer) raw(l line) string { return p.text[l.start:l.end] }

func (p *preparer) lines() []line {
	ls := make([]line, 0, strings.Count(p.text, "\n")+1)
	s := p.text
	for start := 0; start <= len(s); {
		i := strings.IndexByte(s[start:], '\n')
		end := len(s)
		if i >= 0 {
			end = start + i
		}
		if end > start && s[end-1] == '\r' {
			end--
		}
		k, e := start, end
		for k < end && (s[k] == ' ' || s[k] == '\t') {
			k++
		}
		for e > k && (s[e-1] == ' ' || s[e-1] == '\t' || s[e-1] == '\r') {
			e--
		}
		ls = append(ls, line{start: int32(start), end: int32(end), lead: uint16(min(k-start, 0xFFFF)), tail: uint16(min(end-e, 0xFFFF))})
		if i < 0 {
			break
		}
		start = end + 1
		if s[end] == '\r' {
			start++
		}
	}
	return ls
}

// detectLines is how many lines format detection reads from the start of
// a text.
const detectLines = 200

// detectFormat returns the format of text (see FormatAuto), reading at
// most its first detectLines lines once.
func detectFormat(text string, ls []line) Format {
	p := preparer{text: text}
	first := -1
	for k := range ls {
		if !p.isBlank(ls[k]) {
			first = k
			break
		}
	}
	if first < 0 {
		return FormatPlain
	}
	head := p.trim(ls[first])
	switch {
	case debianCopyrightHeader(head):
		return FormatDebianCopyright
	case debianChangelogHeader(head) || gnuChangelogHeader(head):
		return FormatChangelog
	case manHeader(head):
		return FormatManPage
	}
	if looksLikeMarkdown(text, ls) {
		return FormatMarkdown
	}
	return FormatPlain
}
