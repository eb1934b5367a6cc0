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
	for _, name := range []string{"markdown_post.md", "hardwrapped.txt", "boilerplate.txt"} {
		text := readTestdata(t, name)
		for _, f := range []Format{FormatAuto, FormatPlain, FormatMarkdown} {
			got := prepare(text, f)
			if len(got) != len(text) || !utf8.ValidString(got) {
				t.Fatalf("%s, format %d: %d bytes (valid UTF-8: %v), want %d", name, f, len(got), utf8.ValidString(got), len(text))
			}
			for i := 0; i < len(text); i++ {
				if got[i] != text[i] && got[i] != ' ' && got[i] != '\n' {
					t.Fatalf("%s, format %d: byte %d is %q, want %q or a blank", name, f, i, got[i], text[i])
				}
			}
		}
	}
}

func TestDetectMarkdown(t *testing.T) {
	if !looksLikeMarkdown(readTestdata(t, "markdown_post.md")) {
		t.Error("the Markdown post is not detected as Markdown")
	}
	for _, name := range []string{"hardwrapped.txt", "boilerplate.txt", "conversation.txt"} {
		if looksLikeMarkdown(readTestdata(t, name)) {
			t.Errorf("%s is taken for Markdown", name)
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
