package keywords

import (
	"strings"
)

// debianCopyrightHeader reports whether a trimmed first line opens a
// Debian machine-readable copyright file: its Format field.
func debianCopyrightHeader(t string) bool {
	return strings.HasPrefix(t, "Format:") && (strings.Contains(t, "copyright-format") || strings.Contains(t, "dep5")) ||
		strings.HasPrefix(t, "Format-Specification:")
}

// copyrightFields says, for the fields of a Debian copyright file whose
// text counts, whether their continuation lines count too: the name of the
// upstream project; comments and disclaimers, written by people; the first
// copyright holder of each set of files (the others, as many as the
// translators of a project, would fill the keyphrases with names); and a
// licence's short name, whose continuation lines are the licence's text. Other fields (Format, Files, Source,
// Upstream-Contact, ...) hold addresses and file patterns.
var copyrightFields = map[string]bool{
	"upstream-name": false,
	"comment":       true,
	"disclaimer":    true,
	"copyright":     false,
	"license":       false,
}

// debianCopyright blanks what of a Debian copyright file is not prose or a
// name (see FormatDebianCopyright), and then reads it as plain text. A
// field starts on an unindented line ("License: GPL-2+"); its continuation
// lines are indented, and " ." is an empty one.
func (p *preparer) debianCopyright(ls []line) {
	keepValue, keepMore := false, false
	field := -1 // the first line of the field read
	for k, l := range ls {
		if p.isBlank(l) || p.ind(l) == 0 || p.trim(l) == "." {
			// A paragraph of a comment that points to a licence's text
			// is boilerplate: "On Debian systems, the complete text of
			// ... can be found in /usr/share/common-licenses/GPL-3."
			if field >= 0 && field < k && keepMore && licenceText(p.text[ls[field].start:ls[k-1].end]) {
				for j := field; j < k; j++ {
					p.blankLine(ls[j])
				}
			}
			field = -1
			if !p.isBlank(l) && p.ind(l) > 0 {
				field = k + 1 // the next paragraph of the field
			}
		}
		if p.isBlank(l) {
			continue
		}
		t := p.trim(l)
		if p.ind(l) == 0 {
			field = k
			colon := strings.IndexByte(t, ':')
			name := ""
			if colon > 0 {
				name = strings.ToLower(t[:colon])
			}
			keepMore, keepValue = copyrightFields[name]
			if colon < 0 || !keepValue {
				p.blankLine(l)
				continue
			}
			p.blank(int(l.start), int(l.start)+colon+1)
			switch name {
			case "upstream-name":
				p.setSubject(int(l.start)+colon+1, int(p.last(l)))
			case "license":
				p.licenceNames(int(l.start)+colon+1, int(p.last(l)))
			case "copyright":
				// "Copyright: Copyright (c) 2014 Name": the holder stays.
				v := strings.TrimLeft(t[colon+1:], " \t")
				at := int(p.last(l)) - len(v)
				for _, w := range []string{"Copyright", "copyright", "(C)", "(c)", "©"} {
					if strings.HasPrefix(v, w) {
						p.blank(at, at+len(w))
						n := len(v)
						v = strings.TrimLeft(v[len(w):], " \t")
						at += n - len(v)
					}
				}
			}
			continue
		}
		if !keepMore || t == "." {
			p.blankLine(l)
		}
	}
	p.plain(ls)
}

// licenceText reports whether s holds an anchor of licence boilerplate
// (see licenceAnchors). A comment may speak of its licences; it quotes
// boilerplate only with one of these.
func licenceText(s string) bool {
	for _, a := range licenceAnchors {
		if a.strong && strings.Contains(s, a.s) {
			return true
		}
	}
	return false
}

// licenceNames blanks the variant of each licence identifier of
// text[i:j] whose family is an acronym ("BSD-2-Clause-alike" stays
// "BSD", "LGPL-2.1+" "LGPL"): the variants are code-like, and split by
// their hyphens and digits they make words of no meaning ("Clause-alike").
func (p *preparer) licenceNames(i, j int) {
	s := p.text
	for k := i; k < j; {
		for k < j && (s[k] == ' ' || s[k] == ',' || s[k] == '\t') {
			k++
		}
		e := k
		for e < j && s[e] != ' ' && s[e] != ',' && s[e] != '\t' {
			e++
		}
		w := s[k:e]
		if h := strings.IndexByte(w, '-'); h > 1 && strings.ToUpper(w[:h]) == w[:h] && strings.ToLower(w[:h]) != w[:h] {
			p.blank(k+h, e)
		}
		k = e
	}
}
