package keywords

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Format is the markup of a text, which decides what of it is prose.
type Format int

// The formats Extract reads. The zero value detects the format.
const (
	// FormatAuto detects Markdown from the text itself (front matter,
	// fenced code, headings, links, lists); other text is FormatPlain.
	FormatAuto Format = iota
	// FormatPlain is text as written: only URLs and e-mail addresses are
	// left out, and lines are read across single line breaks when the text
	// is hard-wrapped.
	FormatPlain
	// FormatMarkdown is Markdown (CommonMark, with YAML or TOML front
	// matter, as blogs and READMEs use): only its prose and headings count.
	// Front matter, fenced and indented code, inline code
	// that looks like code, link targets, images, HTML tags and comments,
	// tables, and Hugo shortcodes are left out.
	FormatMarkdown
)

// WithFormat sets the format of the text (default FormatAuto).
func WithFormat(f Format) Option { return func(o *options) { o.format = f } }

// prepare returns text with what is not prose blanked out, and line
// breaks inside paragraphs turned into spaces, so that a phrase runs across
// a hard-wrapped line. The result has the same length as text and every
// kept byte at its place, so token offsets index both; text itself is
// returned when nothing changes. Cost is linear in len(text).
func prepare(text string, f Format) string {
	if f == FormatAuto {
		f = FormatPlain
		if looksLikeMarkdown(text) {
			f = FormatMarkdown
		}
	}
	p := preparer{text: text}
	ls := p.lines()
	if f == FormatMarkdown {
		p.markdown(ls)
	} else {
		p.plain(ls)
	}
	p.placeholders()
	p.boilerplate(ls)
	p.titleBlock(ls)
	if p.buf == nil {
		return text
	}
	return string(p.buf)
}

// looksLikeMarkdown reports whether text shows two or more kinds of
// Markdown syntax among its first 200 lines: front matter, a fenced code
// block, an ATX heading, an inline link or image, a list item, emphasis
// with ** or __, or inline code.
func looksLikeMarkdown(text string) bool {
	kinds := 0
	seen := [8]bool{}
	mark := func(k int) {
		if !seen[k] {
			seen[k] = true
			kinds++
		}
	}
	if strings.HasPrefix(text, "---\n") || strings.HasPrefix(text, "+++\n") || strings.HasPrefix(text, "---\r\n") {
		mark(0)
	}
	n := 0
	for line := range strings.Lines(text) {
		if n++; n > 200 || kinds >= 2 {
			break
		}
		t := strings.TrimLeft(line, " ")
		switch {
		case strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~"):
			mark(1)
		case atxHeading(t) > 0:
			mark(2)
		case listMarker(t) > 0:
			mark(4)
		}
		if i := strings.Index(line, "]("); i > 0 && strings.LastIndexByte(line[:i], '[') >= 0 {
			mark(3)
		}
		if strings.Contains(line, "**") || strings.Contains(line, "__") {
			mark(5)
		}
		if strings.Count(line, "`") >= 2 {
			mark(6)
		}
	}
	return kinds >= 2
}

// atxHeading returns the length of the marker of a Markdown heading line
// ("## "), or 0.
func atxHeading(t string) int {
	k := 0
	for k < len(t) && k < 7 && t[k] == '#' {
		k++
	}
	if k == 0 || k > 6 || k < len(t) && t[k] != ' ' && t[k] != '\t' && t[k] != '\n' && t[k] != '\r' {
		return 0
	}
	return k
}

// listMarker returns the length of a list item's marker ("- ", "* ",
// "+ ", "12. ", "3) ") at the start of t, or 0.
func listMarker(t string) int {
	if len(t) >= 2 && (t[0] == '-' || t[0] == '*' || t[0] == '+') && (t[1] == ' ' || t[1] == '\t') {
		return 2
	}
	k := 0
	for k < len(t) && k < 9 && t[k] >= '0' && t[k] <= '9' {
		k++
	}
	if k > 0 && k+1 < len(t) && (t[k] == '.' || t[k] == ')') && (t[k+1] == ' ' || t[k+1] == '\t') {
		return k + 2
	}
	return 0
}

// boilerplate makes lines that the text repeats word for word weigh
// little, when they have at least four words: a page template repeats its
// lines (the running header of a paper's pages, a scraped page's "Oops!
// Something went wrong while submitting the form."), a person seldom
// repeats a sentence. Every copy but the first is blanked, as a scraped
// page may hold its article twice (copies among the first five lines stay:
// a page's title is often also its heading); the first goes too when the line's
// content words occur nowhere else in the text, the mark of furniture
// rather than of a title or a sentence about the topic.
func (p *preparer) boilerplate(ls []line) {
	var seen map[string]int32
	for _, l := range ls {
		t := strings.TrimSpace(p.text[int(l.start):int(l.end)])
		if len(t) < 20 || strings.Count(t, " ") < 3 {
			continue
		}
		if seen == nil {
			seen = make(map[string]int32)
		}
		seen[t]++
	}
	checked, nonBlank := 0, 0
	for _, l := range ls {
		t := strings.TrimSpace(p.text[int(l.start):int(l.end)])
		if t != "" {
			nonBlank++
		}
		n := seen[t]
		switch {
		case n < 2:
			continue
		case n == 2<<20: // a later copy
			if nonBlank > 5 { // a page's title and heading may repeat at its top
				p.blank(int(l.start), int(l.end))
			}
		default:
			seen[t] = 2 << 20
			// Looking a line's words up costs a pass over the text each:
			// a few lines are enough to tell furniture.
			if checked < 8 {
				checked++
				if p.furniture(t, int(n)) {
					p.blank(int(l.start), int(l.end))
				}
			}
		}
	}
}

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

// placeholders blanks every placeholder sentence of the text: a search for
// each, linear in the text's length.
func (p *preparer) placeholders() {
	for _, ph := range placeholders {
		for off := 0; ; {
			i := strings.Index(p.text[off:], ph)
			if i < 0 {
				break
			}
			p.blank(off+i, off+i+len(ph))
			off += i + len(ph)
		}
	}
}

// furniture reports whether fewer than half of the content words of a
// line that occurs n times occur elsewhere in the text.
func (p *preparer) furniture(t string, n int) bool {
	loadLangIndex()
	content, elsewhere := 0, 0
	for _, w := range strings.FieldsFunc(t, func(r rune) bool { return !unicode.IsLetter(r) }) {
		lw := strings.ToLower(w)
		if utf8.RuneCountInString(lw) < 4 {
			continue
		}
		if _, stop := langIndex[lw]; stop {
			continue
		}
		if content++; content > 10 {
			break
		}
		count := strings.Count(p.text, w)
		if lw != w {
			count += strings.Count(p.text, lw)
		}
		if count > n {
			elsewhere++
		}
	}
	return content > 0 && elsewhere*2 < content
}

// titleBlock blanks the authors, affiliations and addresses between a
// paper's title and its "Abstract" heading, keeping the title: the lines
// from the first until one that reads as a name or an address (a digit,
// '@', a comma, an affiliation word, or three or fewer capitalised words).
// A paper's front matter names people and places, not its topics; it
// applies only when an "Abstract" line comes within the first 60 lines.
func (p *preparer) titleBlock(ls []line) {
	abstract := -1
	for k := 0; k < len(ls) && k < 60; k++ {
		t := strings.ToLower(strings.TrimSpace(p.text[int(ls[k].start):int(ls[k].end)]))
		if t == "abstract" || strings.HasPrefix(t, "abstract.") || strings.HasPrefix(t, "abstract:") || strings.HasPrefix(t, "abstract—") {
			abstract = k
			break
		}
	}
	if abstract < 2 {
		return
	}
	k := 0
	for k < abstract && strings.TrimSpace(p.text[int(ls[k].start):int(ls[k].end)]) == "" {
		k++
	}
	for k++; k < abstract && !bylineLike(strings.TrimSpace(p.text[int(ls[k].start):int(ls[k].end)])); k++ {
	}
	for ; k < abstract; k++ {
		p.blank(int(ls[k].start), int(ls[k].end))
	}
}

// affiliationWords mark a line of an author block.
var affiliationWords = []string{"university", "universit", "department", "dept", "institute", "laboratory", "labs", "school", "college", "center", "centre", "inc.", "corporation", "research", "faculty"}

// bylineLike reports whether a line of a paper's front matter reads as a
// person's name, an affiliation or an address rather than a title.
func bylineLike(t string) bool {
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

// preparer blanks parts of a text in a copy made on the first change.
type preparer struct {
	text string
	buf  []byte
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

// set puts c at byte i (a space for a soft line break, a period to end
// a phrase).
func (p *preparer) set(i int, c byte) {
	if p.buf == nil {
		p.buf = []byte(p.text)
	}
	p.buf[i] = c
}

// line is one line of the text: [start, end) without its line break,
// which is at end (or end is len(text)). Offsets are int32 (MaxTextBytes
// fits), to keep the lines of a text of a million line breaks small.
type line struct{ start, end int32 }

func (p *preparer) lines() []line {
	ls := make([]line, 0, strings.Count(p.text, "\n")+1)
	start := 0
	for start <= len(p.text) {
		i := strings.IndexByte(p.text[start:], '\n')
		if i < 0 {
			ls = append(ls, line{int32(start), int32(len(p.text))})
			break
		}
		end := start + i
		if end > start && p.text[end-1] == '\r' {
			end--
		}
		ls = append(ls, line{int32(start), int32(end)})
		start += i + 1
	}
	return ls
}

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

// markdown blanks everything of a Markdown text but its prose and headings.
func (p *preparer) markdown(ls []line) {
	k := p.frontMatter(ls)
	inFence, fence := false, ""
	prevBlank, prevList := true, false
	para := false // the line before is prose of the same paragraph
	for ; k < len(ls); k++ {
		l := ls[k]
		raw := p.text[int(l.start):int(l.end)]
		t := strings.TrimLeft(raw, " \t")
		ind := len(raw) - len(t)
		if inFence {
			p.blank(int(l.start), int(l.end))
			// A closing fence has no info string: "```sh" opens a block
			// (CommonMark), so a block whose closing fence was lost at the
			// end of a line runs on to the next bare fence.
			if strings.HasPrefix(t, fence) && strings.TrimSpace(strings.TrimLeft(t, fence[:1])) == "" {
				inFence = false
			}
			para = false
			continue
		}
		if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			inFence, fence = true, t[:3]
			p.blank(int(l.start), int(l.end))
			para = false
			continue
		}
		blankLine := strings.TrimSpace(t) == ""
		switch {
		case blankLine:
			para = false
		case ind >= 4 && prevBlank && !prevList, ind >= 4 && !para && !prevList && !prevBlank && k > 0:
			p.blank(int(l.start), int(l.end)) // indented code
			para = false
		case strings.HasPrefix(t, "|") || strings.Count(t, "|") >= 2 && isTableRule(ls, k, p.text):
			p.blank(int(l.start), int(l.end)) // a table row
			para = false
		case strings.HasPrefix(t, "{{") || strings.HasPrefix(t, "<!--") || isTagLine(t):
			p.blankInline(int(l.start)+ind, int(l.end))
			para = false
		case atxHeading(t) > 0:
			h := atxHeading(t)
			p.blank(int(l.start), int(l.start)+ind+h)
			p.blankInline(int(l.start)+ind+h, int(l.end))
			para = false
		case isRule(t):
			p.blank(int(l.start), int(l.end))
			para = false
		default:
			start := int(l.start) + ind
			if strings.HasPrefix(t, ">") {
				for start < int(l.end) && (p.text[start] == '>' || p.text[start] == ' ') {
					start++
				}
				p.blank(int(l.start), start)
			}
			item := false
			if m := listMarker(p.text[start:int(l.end)]); m > 0 {
				p.blank(start, start+m)
				start += m
				prevList, item = true, true
			} else if prevBlank {
				prevList = false
			}
			p.blankInline(start, int(l.end))
			// A line that goes on with the paragraph joins the line
			// before; a list item starts a unit of its own.
			if para && !item && k > 0 && !hardBreak(p.text[int(ls[k-1].start):int(ls[k-1].end)]) {
				p.softBreak(int(ls[k-1].end))
			}
			para = true
		}
		prevBlank = blankLine
	}
}

// hardBreak reports whether a Markdown line ends with a hard line break
// (two spaces or a backslash).
func hardBreak(raw string) bool {
	return strings.HasSuffix(raw, "  ") || strings.HasSuffix(raw, "\\")
}

// isRule reports whether t is a thematic break or a setext underline.
func isRule(t string) bool {
	t = strings.TrimSpace(t)
	if len(t) < 3 {
		return false
	}
	c := t[0]
	if c != '-' && c != '*' && c != '_' && c != '=' {
		return false
	}
	for i := 0; i < len(t); i++ {
		if t[i] != c && t[i] != ' ' {
			return false
		}
	}
	return true
}

// isTableRule reports whether line k, with pipes, belongs to a table: it or
// a neighbour is a delimiter row such as |---|:---:|.
func isTableRule(ls []line, k int, text string) bool {
	for _, j := range []int{k - 1, k, k + 1} {
		if j < 0 || j >= len(ls) {
			continue
		}
		t := strings.TrimSpace(text[int(ls[j].start):int(ls[j].end)])
		if t != "" && strings.Trim(t, "|-: ") == "" && strings.Contains(t, "-") {
			return true
		}
	}
	return false
}

// isTagLine reports whether t starts with an HTML tag.
func isTagLine(t string) bool {
	if len(t) < 2 || t[0] != '<' {
		return false
	}
	c := t[1]
	return c == '/' || c == '!' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// frontMatter blanks YAML (---) or TOML (+++) front matter at the start of
// the text, and returns the index of the first line after it. Its title
// goes too: a page shows it from the front matter, but it is metadata, and
// a post's own opening says what it is about.
func (p *preparer) frontMatter(ls []line) int {
	if len(ls) < 2 {
		return 0
	}
	open := strings.TrimSpace(p.text[int(ls[0].start):int(ls[0].end)])
	if open != "---" && open != "+++" {
		return 0
	}
	for k := 1; k < len(ls) && k < 500; k++ {
		if strings.TrimSpace(p.text[int(ls[k].start):int(ls[k].end)]) != open {
			continue
		}
		p.blank(int(ls[0].start), int(ls[k].end))
		return k + 1
	}
	return 0
}

// blankInline blanks the inline markup of text[i:j]: images, link
// targets, inline code that looks like code, HTML tags and comments,
// shortcodes, emphasis marks, and URLs and e-mail addresses.
func (p *preparer) blankInline(i, j int) {
	s := p.text
	for k := i; k < j; {
		c := s[k]
		switch c {
		case '!':
			if k+1 < j && s[k+1] == '[' {
				if end := linkEnd(s, k+1, j); end > 0 {
					p.blank(k, end) // an image: alt text and all
					k = end
					continue
				}
			}
		case '[':
			if end := linkEnd(s, k, j); end > 0 {
				close := strings.IndexByte(s[k:end], ']') + k
				p.blank(k, k+1)
				p.blank(close, end) // the target, keeping the link text
				k = close + 1
				continue
			}
		case ']':
			// The target of a link whose text began on an earlier line:
			// "[part\n1](../part-1)".
			if k+1 < j && s[k+1] == '(' {
				if end := strings.IndexByte(s[k+1:min(j, k+1+maxInline)], ')'); end > 0 {
					p.blank(k, k+1+end+1)
					k += end + 2
					continue
				}
			}
		case '`':
			if end := strings.IndexByte(s[k+1:min(j, k+1+maxInline)], '`'); end >= 0 {
				end += k + 1
				if codeLike(s[k+1 : end]) {
					p.blank(k, end+1)
				} else {
					p.blank(k, k+1)
					p.blank(end, end+1)
				}
				k = end + 1
				continue
			}
		case '<':
			if strings.HasPrefix(s[k:j], "<!--") {
				end := strings.Index(s[k:j], "-->")
				if end < 0 {
					end = j - k - 3
				}
				p.blank(k, k+end+3)
				k += end + 3
				continue
			}
			if end := strings.IndexByte(s[k:min(j, k+maxInline)], '>'); end > 0 && isTagLine(s[k:j]) {
				p.blank(k, k+end+1)
				k += end + 1
				continue
			}
		case '{':
			if strings.HasPrefix(s[k:j], "{{") {
				end := strings.Index(s[k:j], "}}")
				if end < 0 {
					end = j - k - 2
				}
				p.blank(k, k+end+2)
				k += end + 2
				continue
			}
		case '*', '~':
			p.blank(k, k+1)
		case '_':
			// Emphasis, not the inside of snake_case.
			if k == i || k+1 == j || !isWordByte(s[k-1]) || !isWordByte(s[k+1]) {
				p.blank(k, k+1)
			}
		case 'h', 'w', '@':
			if end := addressEnd(s, k, j); end > k {
				p.blank(addressStart(s, i, k), end)
				k = end
				continue
			}
		}
		k++
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

// maxInline bounds how far a construct that opens at one byte (a link, a
// tag) is looked for its end, so that a line of a million '[' or '<' costs
// linear time: links and tags longer than this are not taken as markup.
const maxInline = 1024

// linkEnd returns the end of an inline link or image "[text](target)"
// starting at the '[' at k, or 0.
func linkEnd(s string, k, j int) int {
	j = min(j, k+maxInline)
	close := strings.IndexByte(s[k:j], ']')
	if close < 0 {
		return 0
	}
	close += k
	if close+1 >= j {
		return 0
	}
	switch s[close+1] {
	case '(':
		end := strings.IndexByte(s[close:j], ')')
		if end < 0 {
			return 0
		}
		return close + end + 1
	case '[':
		end := strings.IndexByte(s[close+1:j], ']')
		if end < 0 {
			return 0
		}
		return close + 1 + end + 1
	}
	return 0
}

// codeLike reports whether inline code looks like code rather than a word
// or name set in code type: it holds characters prose names do not, such
// as ( ) . / = _ : or an inner capital (camelCase).
func codeLike(c string) bool {
	if strings.ContainsAny(c, "()[]{}./\\=_:;<>$#\"'*&|,") {
		return true
	}
	for i := 1; i < len(c); i++ {
		if c[i] >= 'A' && c[i] <= 'Z' && c[i-1] >= 'a' && c[i-1] <= 'z' {
			return true
		}
	}
	return false
}
