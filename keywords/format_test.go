package keywords

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/seed717b8fd8/grpcexamples/keywords/internal/eval"
)

// The texts of testdata/ were written for these tests: a Markdown post
// with front matter, code, a table, links and an image; a hard-wrapped
// abstract; a scraped page with a form's error line repeated; a news
// paragraph with contractions and a name that opens a sentence; a paper's
// title, author block and abstract.

func readTestdata(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// stemsOf returns the stemmed forms of the keyphrases, for matching as
// the evaluation protocol does.
func stemsOf(kps []Keyphrase) []string {
	var out []string
	for _, kp := range kps {
		out = append(out, eval.Stem(kp.Text))
	}
	return out
}

func TestFormats(t *testing.T) {
	tests := []struct {
		file     string
		format   Format
		want     []string // each must be in the top 10 (matched stemmed)
		mustNot  []string // no keyphrase may hold one of these words
		surfaces []string // each must be among the keyphrases as written
	}{
		{
			file: "markdown_post.md", format: FormatAuto,
			want:    []string{"connection pool", "tail latency", "idle connections"},
			mustNot: []string{"date", "author", "ada", "example", "com", "zebraquux", "newpool", "withsize", "png", "https", "editor", "pool_wait_seconds", "tags", "ms"},
		},
		{
			file: "hardwrapped.txt", format: FormatAuto,
			// "stabilization protocol" and "median lookup latency" cross line
			// breaks in both of their places.
			want: []string{"stabilization protocol", "median lookup latency", "peer-to-peer storage"},
		},
		{
			file: "boilerplate.txt", format: FormatPlain,
			want:    []string{"solar inverters", "grid stability"},
			mustNot: []string{"oops", "form", "submitting"},
		},
		{
			file: "paper.txt", format: FormatAuto,
			// The title stays; the author block (names, department,
			// university, address) before "ABSTRACT" weighs nothing.
			want:    []string{"adaptive replica placement", "geo-distributed object stores"},
			mustNot: []string{"marta", "quillfeather", "osric", "tembleton", "department", "northfield", "polytechnic", "university"},
		},
		{
			file: "conversation.txt", format: FormatAuto,
			want:     []string{"harbour cranes", "port authority"},
			mustNot:  []string{"won't", "doesn't", "you've", "they'll"},
			surfaces: []string{"Paul Diamond"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			kps := Extract(readTestdata(t, tt.file), WithFormat(tt.format))
			got := stemsOf(kps)
			for _, w := range tt.want {
				if !slices.Contains(got, eval.Stem(w)) {
					t.Errorf("%q not in the top 10: %q", w, texts(kps))
				}
			}
			for _, kp := range kps {
				for _, w := range eval.Words(kp.Text) {
					if slices.Contains(tt.mustNot, w) {
						t.Errorf("keyphrase %q holds %q, which is not prose", kp.Text, w)
					}
				}
			}
			for _, s := range tt.surfaces {
				if !slices.Contains(texts(kps), s) {
					t.Errorf("%q, as written, not among %q", s, texts(kps))
				}
			}
		})
	}
}

// TestPrepareKeepsOffsets: prepare blanks, it never moves a byte, so
// token offsets index the text as given.
func TestPrepareKeepsOffsets(t *testing.T) {
	names := []string{"markdown_post.md", "hardwrapped.txt", "boilerplate.txt"}
	for _, tc := range docCases {
		names = append(names, filepath.Join("docs", tc.file))
	}
	for _, name := range names {
		text := readTestdata(t, name)
		for _, f := range []Format{FormatAuto, FormatPlain, FormatMarkdown, FormatManPage, FormatChangelog, FormatDebianCopyright} {
			got := prepare(text, f)
			if len(got) != len(text) || !utf8.ValidString(got) {
				t.Fatalf("%s, format %d: %d bytes (valid UTF-8: %v), want %d", name, f, len(got), utf8.ValidString(got), len(text))
			}
			for i := 0; i < len(text); i++ {
				// A manual page's title takes the case of its NAME line.
				if got[i] != text[i] && got[i] != ' ' && got[i] != '\n' && got[i] != text[i]|0x20 {
					t.Fatalf("%s, format %d: byte %d is %q, want %q or a blank", name, f, i, got[i], text[i])
				}
			}
		}
	}
}

// formatOf returns the format FormatAuto detects in text.
func formatOf(text string) Format {
	p := preparer{text: text}
	return detectFormat(text, p.lines())
}

func TestDetectMarkdown(t *testing.T) {
	if formatOf(readTestdata(t, "markdown_post.md")) != FormatMarkdown {
		t.Error("the Markdown post is not detected as Markdown")
	}
	for _, name := range []string{"hardwrapped.txt", "boilerplate.txt", "conversation.txt"} {
		if f := formatOf(readTestdata(t, name)); f != FormatPlain {
			t.Errorf("%s is taken for format %d", name, f)
		}
	}
}

func TestPrepareMarkdown(t *testing.T) {
	tests := []struct{ in, kept, gone string }{
		{"# Title here\n\nSome *bold* text and [a link](https://x.io/y).\n", "Title here", "https"},
		{"Intro text.\n\n    indented code block\n\nMore text.\n", "More text", "indented"},
		{"Use `grpc-go` and `pkg.Func()` here.\n\n- a list item\n", "grpc-go", "pkg.Func"},
		{"Text <span class=\"x\">inner</span> end. <!-- hidden -->\n{{< shortcode >}}\n", "inner", "hidden"},
		{"Line one of a paragraph\nline two of it.\n\n## Head\n", "paragraph line two", ""},
		// A link whose text breaks across lines loses its target too.
		{"Please see [part\n1](../series-part-one) for more.\n", "for more", "series-part-one"},
		// A fence lost at the end of a line does not end the block, and a
		// fence with an info string opens one: the next bare fence ends it.
		{"Text before.\n\n```sh\nrun it\nout: 0 errs```\n\n```sh\nmore code\n```\n\nAfter text.\n", "After text", "errs"},
		{"Text before.\n\n```sh\nrun it\nout: 0 errs```\n\n```sh\nmore code\n```\n\nAfter text.\n", "Text before", "more code"},
	}
	for _, tt := range tests {
		got := prepare(tt.in, FormatMarkdown)
		folded := strings.Join(strings.Fields(got), " ")
		if !strings.Contains(folded, tt.kept) {
			t.Errorf("prepare(%q) = %q, lost %q", tt.in, got, tt.kept)
		}
		if tt.gone != "" && strings.Contains(got, tt.gone) {
			t.Errorf("prepare(%q) = %q, kept %q", tt.in, got, tt.gone)
		}
	}
}

// TestPreparePlaceholders: the placeholder sentences of scraped library
// pages are blanked wherever they stand, in any format.
func TestPreparePlaceholders(t *testing.T) {
	for _, ph := range placeholders {
		in := "Quorum reads in geo-replicated stores " + ph + "\nNext line " + ph
		for _, f := range []Format{FormatPlain, FormatMarkdown} {
			got := prepare(in, f)
			if strings.Contains(got, ph) || !strings.Contains(got, "Quorum reads in geo-replicated stores") || !strings.Contains(got, "Next line") {
				t.Errorf("prepare(%q, %d) = %q", in, f, got)
			}
		}
	}
}

func TestContraction(t *testing.T) {
	for _, w := range []string{"doesn't", "won't", "you’ve", "we'll", "i'm", "they'd", "you're"} {
		if !contraction(w) {
			t.Errorf("contraction(%q) = false", w)
		}
	}
	for _, w := range []string{"o'neill", "aujourd'hui", "rock'n'roll", "dont", "l'inflation"} {
		if contraction(w) {
			t.Errorf("contraction(%q) = true", w)
		}
	}
}

func TestPrepareDocumentation(t *testing.T) {
	tests := []struct {
		f          Format
		in         string
		kept, gone []string
	}{
		// One tab indents Markdown code as four spaces do; a generic
		// heading goes, a heading of the topic stays.
		{FormatMarkdown, "# Kelp\n\n## Introduction\n\nKelp forests grow.\n\n\tkelp --season 2023\n\n## Kelp canopy\n", []string{"Kelp forests grow", "Kelp canopy"}, []string{"Introduction", "season"}},
		{FormatMarkdown, "Getting Started\n---------------\n\nRun the survey.\n", []string{"Run the survey"}, []string{"Getting"}},
		// Plain text: rules, generic and numbered headings, prompts,
		// indented commands, paths; a heading that names a topic stays.
		{FormatPlain, "Sonar charts\n============\n\n1. INTRODUCTION\n\nSoundings make charts.\n\n    $ make install\n    lanternfish --datum LAT a.xyz > b.svg\n\nStyles live in /usr/share/lf/styles and doc/chart.5, and/or TCP/IP.\n",
			[]string{"Sonar charts", "Soundings make charts", "and/or TCP/IP"}, []string{"INTRODUCTION", "make install", "datum", "/usr/share", "chart.5", "===="}},
		// A licence quoted in a README goes; the README stays.
		{FormatPlain, "Depth charts from sonar soundings, drawn for hydrographers who check surveys.\n\nTHE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND.\n", []string{"Depth charts"}, []string{"WARRANTY"}},
		// Release headings of a NEWS file.
		{FormatPlain, "Notes\n\nversion 2.1 - Marta Quillfeather, 2024-03-04\n\n* Transfers resume.\n\nWhat's new in kelp 1.2.3:\n\n* Faster.\n", []string{"Transfers resume", "Faster"}, []string{"Quillfeather", "What's new"}},
		// Manual pages: header, sections, options, examples,
		// hyphenated words, placeholders in capitals.
		{FormatManPage, "KELP(1)     User Commands     KELP(1)\n\nNAME\n       kelp - map kelp forests\n\nSYNOPSIS\n       kelp [-q] FILE\n\nDESCRIPTION\n       kelp reads each FILE and maps the can\u2010\n       opy of kelp forests.\n\n       kelp -q tiles.csv\n\n       -q, --quiet\n              Print nothing.\n\nSEE ALSO\n       gdal(1)\n\nkelp 1.2     May 2024     KELP(1)\n",
			[]string{"kelp - map kelp forests", "kelp reads each", "Print nothing"}, []string{"KELP", "NAME", "SYNOPSIS", "User Commands", "FILE", "can\u2010", "opy", "tiles.csv", "--quiet", "gdal", "May 2024"}},
		// Debian changelogs.
		{FormatChangelog, "kelp (1.2-1) unstable; urgency=medium\n\n  [ Osric Tembleton ]\n  * [4f9e2a1] Map kelp canopy from tiles (Closes: #1040001, #1040002)\n\n -- Marta Quillfeather <m@example.org>  Mon, 04 Mar 2024 10:00:00 +0100\n",
			[]string{"kelp", "Map kelp canopy from tiles"}, []string{"unstable", "urgency", "Osric", "4f9e2a1", "Closes", "1040002", "Marta"}},
		// Debian copyright files.
		{FormatDebianCopyright, "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\nUpstream-Name: kelp\nSource: https://example.org/kelp\nComment:\n Kelp maps forests.\n .\n On Debian systems, see /usr/share/common-licenses/GPL-3.\n\nFiles: src/*\nCopyright: Copyright (c) 2024 Marta Quillfeather\nLicense: BSD-3-clause\n The licence text.\n",
			[]string{"kelp", "Kelp maps forests", "2024 Marta Quillfeather", "BSD"}, []string{"Upstream-Name", "example.org", "Debian systems", "src/", "Copyright", "3-clause", "licence text"}},
	}
	for _, tt := range tests {
		got := prepare(tt.in, tt.f)
		folded := strings.Join(strings.Fields(got), " ")
		for _, k := range tt.kept {
			if !strings.Contains(folded, k) {
				t.Errorf("prepare(%q, %d) = %q, lost %q", tt.in, tt.f, got, k)
			}
		}
		for _, g := range tt.gone {
			if strings.Contains(got, g) {
				t.Errorf("prepare(%q, %d) = %q, kept %q", tt.in, tt.f, got, g)
			}
		}
		if auto := formatOf(tt.in); tt.f != FormatMarkdown && tt.f != FormatPlain && auto != tt.f {
			t.Errorf("format of %q detected as %d, want %d", tt.in, auto, tt.f)
		}
	}
}

// TestLicenceText: a text that is a licence keeps its boilerplate, which
// is its topic.
func TestLicenceText(t *testing.T) {
	text := readDoc(t, "apache-2.0.txt")
	if got := prepare(text, FormatAuto); !strings.Contains(got, "WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND") {
		t.Error("the Apache License lost its warranty disclaimer")
	}
	mit := "Permission is hereby granted, free of charge, to any person obtaining a copy of this software.\n\nTHE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND.\n"
	if got := prepare(mit, FormatAuto); got != mit {
		t.Errorf("the MIT licence alone became %q", got)
	}
}

func TestGenericHeading(t *testing.T) {
	for _, h := range []string{"Introduction", "1. INTRODUCTION", "2.1 Related Work", "SEE ALSO", "Getting started:", "## Installation", "IV. Conclusions", "Table of Contents", "TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION"} {
		if !genericHeading(h) {
			t.Errorf("genericHeading(%q) = false", h)
		}
	}
	for _, h := range []string{"Kelp canopy", "Operation mode", "The", "and of the", "Introduction to kelp forests", "", "1.", "A survey of sonar charting methods for harbours"} {
		if genericHeading(h) {
			t.Errorf("genericHeading(%q) = true", h)
		}
	}
}

func TestReleaseHeading(t *testing.T) {
	for _, h := range []string{"version 1.34 - Sergey Poznyakoff, 2021-02-13", "What's new in at-spi2-core 2.46.0:", "* Noteworthy changes in release 1.2 (2020-01-01) [stable]", "v2.0.1", "2.46.0 (2023-01-01)", "Changes in bc from 1.07 to 1.07.1."} {
		if !releaseHeading(h) {
			t.Errorf("releaseHeading(%q) = false", h)
		}
	}
	for _, h := range []string{"Version control of 2.0 systems is described in the chapter that follows next", "versions", "Release notes", "3.5 million people live in the harbour towns along the coast"} {
		if releaseHeading(h) {
			t.Errorf("releaseHeading(%q) = true", h)
		}
	}
}

// FuzzPrepare: whatever the text and the format, prepare keeps the
// text's length and every byte it does not blank, and does not panic.
func FuzzPrepare(f *testing.F) {
	for _, s := range []string{"## \n", "# x\n\n- y\n\n[![a](b)](c)", "X(1)  M  X(1)\n\nNAME\n  x - y\n", "p (1) u; urgency=l\n\n  * a: b\n\n -- n <e>  d\n",
		"Format: copyright-format\nComment:\n .\n a\n", "  \t \n\t\n", "a\u2010\nb", "Copyright (c) x\n\nWARRANTY License\n", "  \r\n  \r  x\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, fm := range []Format{FormatAuto, FormatPlain, FormatMarkdown, FormatManPage, FormatChangelog, FormatDebianCopyright} {
			got := prepare(text, fm)
			if len(got) != len(text) {
				t.Fatalf("format %d: %d bytes, want %d", fm, len(got), len(text))
			}
			for i := 0; i < len(text); i++ {
				if got[i] != text[i] && got[i] != ' ' && got[i] != '\n' && got[i] != text[i]|0x20 {
					t.Fatalf("format %d: byte %d is %q, want %q or a blank", fm, i, got[i], text[i])
				}
			}
			Extract(text, WithFormat(fm))
		}
	})
}

// TestSubject checks the subject each format reader finds: the span of the
// name the document is about, or none.
func TestSubject(t *testing.T) {
	for _, tt := range []struct {
		f    Format
		in   string
		want string
	}{
		{FormatManPage, "TAR(1)                 GNU TAR Manual                 TAR(1)\n\nNAME\n       tar - an archiving utility\n", "TAR"},
		{FormatChangelog, "quillsync (2.1-1) unstable; urgency=medium\n\n  * New upstream release.\n", "quillsync"},
		{FormatDebianCopyright, "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\nUpstream-Name: file\nSource: ftp://example.org/\n", "file"},
		{FormatMarkdown, "# [libcbor](https://github.com/PJK/libcbor)\n\nA CBOR library.\n", "[libcbor](https://github.com/PJK/libcbor)"},
		{FormatMarkdown, "Prose first.\n\n# Not the title\n", ""},
		{FormatMarkdown, "## A section\n\nProse.\n", ""},
		{FormatPlain, "Lanternfish\n\nA sonar tool.\n", ""},
	} {
		_, _, sub := prepareText(tt.in, tt.f)
		if got := tt.in[sub[0]:sub[1]]; got != tt.want {
			t.Errorf("subject of %q = %q, want %q", tt.in, got, tt.want)
		}
	}
}
