package keywords

import (
	"slices"
	"strings"
)

// licenceAnchors are strings that licence boilerplate holds and other
// prose seldom does: the warranty disclaimer of nearly every free licence
// (in capitals, "WITHOUT ANY WARRANTY"),
// the grants of the BSD, MIT and ISC licences, Apache's notice and Debian's
// pointer to its copies of licences. A paragraph that holds one is
// boilerplate (strong); one that holds two weak ones (a licence named) is
// too. They begin with bytes that are rare in prose, so that looking for
// each first byte skips most of a text (see findAnchors).
var licenceAnchors = []anchor{
	{"WARRANT", true}, {"Redistribut", true}, {"Permission is hereby", true}, {"Permission to use", true},
	{"/common-licenses", true}, {"Licensed under", true},
	{"License", false}, {"LICENSE", false},
}

// anchor is a string looked for in a text, and whether one occurrence is
// enough.
type anchor struct {
	s      string
	strong bool
}

// findAnchors calls f with the offset and the anchor of each occurrence of
// one of anchors in s, by first byte: one search of s for each first byte,
// each occurrence of it compared with the anchors that start with it.
// Occurrences of one anchor reported are at least gap bytes apart (and
// never overlap).
func findAnchors(s string, anchors []anchor, gap int, f func(at int, a anchor)) {
	var done [256]bool
	next := make([]int, len(anchors)) // per anchor, the first offset it may be found at again
	for _, a0 := range anchors {
		c := a0.s[0]
		if done[c] {
			continue
		}
		done[c] = true
		for off := 0; off < len(s); {
			i := strings.IndexByte(s[off:], c)
			if i < 0 {
				break
			}
			at := off + i
			off = at + 1
			for k, a := range anchors {
				if a.s[0] == c && at >= next[k] && strings.HasPrefix(s[at:], a.s) {
					f(at, a)
					next[k] = at + max(len(a.s), gap)
				}
			}
		}
	}
}

// licenceBoilerplate blanks the licence boilerplate of a text that is not
// itself a licence: the paragraphs that hold a strong licence anchor or two
// weak ones (see licenceAnchors), and copyright notices
// ("Copyright (C) 2021 Free Software Foundation, Inc."). A README, a
// manual page or a source file quotes them, and their words ("warranty",
// "merchantability", "free software") are no topic of the document. When
// such paragraphs (of at most maxNoticeBytes each) make half of the text or
// more, or when the text opens with a licence's title, the text is a
// licence,
// and they are its topic: then nothing is blanked. A paragraph is a run of
// non-blank lines. The text is searched once for each first byte of the
// anchors. notices is
// false where copyright lines are content (a Debian copyright file).
func (p *preparer) licenceBoilerplate(ls []line, notices bool) {
	if notices {
		for _, l := range ls {
			if copyrightNotice(p.trim(l)) {
				p.blankLine(l)
			}
		}
	}
	var hits []int // byte offsets of anchors, weak ones as -offset-1
	// One occurrence of an anchor in 64 bytes is enough to mark a
	// paragraph, and keeps a text of one repeated anchor cheap.
	findAnchors(p.text, licenceAnchors, 64, func(at int, a anchor) {
		if a.strong {
			hits = append(hits, at)
		} else {
			hits = append(hits, -at-1)
		}
	})
	if len(hits) == 0 {
		return
	}
	// The paragraph of each line (the index of its first line), and the
	// anchors of each paragraph: strong ones count 1<<20, weak ones 1.
	first := make([]int32, len(ls))
	for k := range ls {
		if k > 0 && !p.isBlank(ls[k]) && !p.isBlank(ls[k-1]) {
			first[k] = first[k-1]
		} else {
			first[k] = int32(k)
		}
	}
	score := map[int32]int{}
	for _, h := range hits {
		off, w := h, 1<<20
		if h < 0 {
			off, w = -h-1, 1
		}
		k, _ := slices.BinarySearchFunc(ls, off, func(l line, off int) int {
			switch {
			case int(l.end) < off:
				return -1
			case int(l.start) > off:
				return 1
			}
			return 0
		})
		score[first[min(k, len(ls)-1)]] += w
	}
	// A paragraph of boilerplate is short: a longer one, as a paper
	// without blank lines is, holds more than a licence notice.
	size := map[int32]int{}
	for k, l := range ls {
		if score[first[k]] >= 2 {
			size[first[k]] += len(p.trim(l))
		}
	}
	for f, n := range size {
		if n > maxNoticeBytes {
			delete(score, f)
		}
	}
	var inLicence, total int
	for k, l := range ls {
		n := len(p.trim(l))
		total += n
		if score[first[k]] >= 2 {
			inLicence += n
		}
	}
	if inLicence*2 >= total || licenceTitle(p, ls) {
		return
	}
	for k, l := range ls {
		if score[first[k]] >= 2 {
			p.blankLine(l)
		}
	}
}

// licenceTitle reports whether the text opens as a licence does, with its
// title ("Apache License", "GNU GENERAL PUBLIC LICENSE", "The MIT License
// (MIT)") among its first three lines: a short line that names a licence.
func licenceTitle(p *preparer, ls []line) bool {
	n := 0
	for _, l := range ls {
		if p.isBlank(l) {
			continue
		}
		if n++; n > 3 {
			return false
		}
		if t := p.trim(l); len(t) <= 60 && (strings.Contains(t, "License") || strings.Contains(t, "LICENSE") || strings.Contains(t, "Licence")) {
			return true
		}
	}
	return false
}

// maxNoticeBytes is the longest paragraph taken for licence boilerplate:
// the longest notices (a BSD licence's conditions, the GPL's notice) are
// about 1,500 bytes.
const maxNoticeBytes = 2500

// copyrightNotice reports whether a trimmed line is a copyright notice:
// "Copyright" followed by "(C)", "©" or a year.
func copyrightNotice(t string) bool {
	const c = "copyright "
	if len(t) < len(c)+2 || !strings.EqualFold(t[:len(c)], c) {
		return false
	}
	rest := t[len(c):]
	return rest[0] >= '0' && rest[0] <= '9' || strings.HasPrefix(rest, "(c)") ||
		strings.HasPrefix(rest, "(C)") || strings.HasPrefix(rest, "©")
}
