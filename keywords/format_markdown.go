package keywords

import (
	"strings"
)

// looksLikeMarkdown reports whether text shows two or more kinds of
// Markdown syntax among its first detectLines lines: front matter, a
// fenced code block, an ATX heading, an inline link or image, a list item,
// emphasis with ** or __, or inline code.
func looksLikeMarkdown(text string, ls []line) bool {
	kinds := 0
	var seen [8]bool
	mark := func(k int) {
		if !seen[k] {
			seen[k] = true
			kinds++
		}
	}
	if strings.HasPrefix(text, "---\n") || strings.HasPrefix(text, "+++\n") || strings.HasPrefix(text, "---\r\n") {
		mark(0)
	}
	p := preparer{text: text}
	for k := 0; k < len(ls) && k < detectLines && kinds < 2; k++ {
		l := ls[k]
		t := p.text[l.start+p.ind(l) : l.end]
		switch {
		case strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~"):
			mark(1)
		case atxHeading(t) > 0:
			mark(2)
		case listMarker(t) > 0:
			mark(4)
		}
		// The inline kinds: each search skips the line at the speed of
		// a byte search, as these bytes are rare in prose.
		raw := p.raw(l)
		if i := strings.Index(raw, "]("); i > 0 && strings.LastIndexByte(raw[:i], '[') >= 0 {
			mark(3)
		}
		if strings.Contains(raw, "**") || strings.Contains(raw, "__") {
			mark(5)
		}
		if strings.Count(raw, "`") >= 2 {
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

// markdown blanks everything of a Markdown text but its prose and headings.
func (p *preparer) markdown(ls []line) {
	k := p.frontMatter(ls)
	inFence, fence := false, ""
	prevBlank, prevList := true, false
	para := false   // the line before is prose of the same paragraph
	opening := true // no line but blank ones read yet
	for ; k < len(ls); k++ {
		l := ls[k]
		t := p.text[l.start+p.ind(l) : l.end]
		ind := int(p.ind(l))
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
			opening = false
			p.blank(int(l.start), int(l.end))
			para = false
			continue
		}
		blankLine := p.isBlank(l)
		first := opening && !blankLine // the document's first line
		opening = opening && blankLine
		// Indentation is in columns: a tab reaches the next multiple of
		// four, so one tab indents code as four spaces do.
		code := p.cols(l) >= 4
		switch {
		case blankLine:
			para = false
		case code && prevBlank && !prevList, code && !para && !prevList && !prevBlank && k > 0:
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
			if e := int(p.last(l)); genericHeading(p.text[min(int(l.start)+ind+h, e):e]) {
				p.blankLine(l)
			} else {
				p.blank(int(l.start), int(l.start)+ind+h)
				p.blankInline(int(l.start)+ind+h, int(l.end))
				if first && h == 1 {
					// The heading that opens the document is its title
					// ("# libcbor").
					p.setSubject(int(l.start)+ind+h, e)
				}
			}
			para = false
		case isRule(t):
			p.blank(int(l.start), int(l.end))
			// A setext heading is the line above its underline.
			if para && genericHeading(p.trim(ls[k-1])) {
				p.blankLine(ls[k-1])
			}
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
// shortcodes, emphasis marks, and URLs and e-mail addresses. Each search
// for the end of a construct remembers what it found (see nextByte), so a
// line of a million '[' or '<' is read a bounded number of times.
func (p *preparer) blankInline(i, j int) {
	s := p.text
	var sc inlineScan
	sc.init(j)
	for k := i; k < j; {
		c := s[k]
		switch c {
		case '!':
			if k+1 < j && s[k+1] == '[' {
				if end := sc.linkEnd(s, k+1); end > 0 {
					p.blank(k, end) // an image: alt text and all
					k = end
					continue
				}
			}
		case '[':
			if k+2 < j && s[k+1] == '!' && s[k+2] == '[' {
				// A linked image, "[![alt](image)](target)": the image
				// goes whole, and its link's target after it.
				p.blank(k, k+1)
				k++
				continue
			}
			if end := sc.linkEnd(s, k); end > 0 {
				close := sc.close.find(s, ']', k)
				p.blank(k, k+1)
				p.blank(close, end) // the target, keeping the link text
				k = close + 1
				continue
			}
		case ']':
			// The target of a link whose text began on an earlier line:
			// "[part\n1](../part-1)".
			if k+1 < j && s[k+1] == '(' {
				if end := sc.paren.find(s, ')', k+1); end < min(j, k+1+maxInline) {
					p.blank(k, end+1)
					k = end + 1
					continue
				}
			}
		case '`':
			if end := sc.tick.find(s, '`', k+1); end < min(j, k+1+maxInline) {
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
			if end := sc.angle.find(s, '>', k); end < min(j, k+maxInline) && isTagLine(s[k:j]) {
				p.blank(k, end+1)
				k = end + 1
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

// maxInline bounds how far a construct that opens at one byte (a link, a
// tag) is looked for its end: links and tags longer than this are not
// taken as markup.
const maxInline = 1024

// nextByte finds the next occurrence of one byte in a line for positions
// that never decrease, in time linear in the line whatever the number of
// searches: it remembers the occurrence it found, which stays the next
// one for every position up to it.
type nextByte struct {
	at  int // the occurrence found last, or end; -1 before the first search
	end int // the end of the line
}

// find returns the position of the first c in s[k:end], or end.
func (n *nextByte) find(s string, c byte, k int) int {
	if n.at < k {
		n.at = n.end
		if i := strings.IndexByte(s[k:n.end], c); i >= 0 {
			n.at = k + i
		}
	}
	return n.at
}

// inlineScan holds the searches of blankInline over one line, one per
// byte looked for and per position it is looked for from, so that each
// sees positions that never decrease.
type inlineScan struct {
	close, ref, paren, tick, angle nextByte
}

func (sc *inlineScan) init(j int) {
	for _, n := range []*nextByte{&sc.close, &sc.ref, &sc.paren, &sc.tick, &sc.angle} {
		*n = nextByte{at: -1, end: j}
	}
}

// linkEnd returns the end of an inline link or image "[text](target)" or
// "[text][ref]" starting at the '[' at k, or 0.
func (sc *inlineScan) linkEnd(s string, k int) int {
	j := min(sc.close.end, k+maxInline)
	close := sc.close.find(s, ']', k)
	if close+1 >= j {
		return 0
	}
	switch s[close+1] {
	case '(':
		if end := sc.paren.find(s, ')', close); end < j {
			return end + 1
		}
	case '[':
		if end := sc.ref.find(s, ']', close+1); end < j {
			return end + 1
		}
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
