package keywords

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/seed717b8fd8/grpcexamples/keywords/internal/eval"
)

// The documents of testdata/docs: those named written-* were written for
// these tests; the others are shipped under their licences, which
// testdata/docs/README.md names.

// docCase is what must and must not come back for one document.
type docCase struct {
	file   string
	format Format   // the format FormatAuto must find
	top3   []string // each among the first three keyphrases (stemmed)
	want   []string // each in the top 10 (stemmed)
	// noWords are words no keyphrase of the top 10 may hold: section
	// headings, field names, boilerplate, code, paths.
	noWords []string
	// noPhrases are keyphrases that must not come back, as written.
	noPhrases []string
	// headings replaces docHeadings: a licence's defined terms ("License",
	// "Copyright") may be its keyphrases.
	headings []string
}

// docHeadings are the section headings and field names of documentation,
// as they are written, none of which may be a keyphrase of its own.
var docHeadings = []string{"NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "SEE ALSO", "AUTHOR", "AUTHORS",
	"COPYRIGHT", "FILES", "ENVIRONMENT", "EXAMPLES", "BUGS", "EXIT STATUS", "REPORTING BUGS",
	"Introduction", "Installation", "Usage", "Getting started", "Contributing", "License", "Licence",
	"Upstream-Name", "Upstream-Contact", "Files", "Copyright", "Source", "Comment", "Format"}

var docCases = []docCase{
	{
		file: "written-tidemark.1.txt", format: FormatManPage,
		top3:    []string{"tidemark"},
		want:    []string{"surge warning", "gauge datum"},
		noWords: []string{"synopsis", "options", "see", "quiet", "dover", "var", "lib", "tideplot", "quillfeather", "warranty", "gpl", "har", "bour", "manual"},
	},
	{
		file: "file.1.txt", format: FormatManPage,
		top3:    []string{"file"},
		want:    []string{"magic files", "file type"},
		noWords: []string{"synopsis", "bsd", "general", "commands", "testname", "separator", "namefile", "con", "tains"},
	},
	{
		file: "written-README.txt", format: FormatPlain,
		top3:    []string{"lanternfish"},
		want:    []string{"sonar soundings", "depth charts"},
		noWords: []string{"introduction", "installation", "usage", "make", "sudo", "usr", "toml", "lat", "svg", "tembleton", "permission", "warranty", "merchantability", "software"},
	},
	{
		file: "written-kelpwatch.md", format: FormatMarkdown,
		top3:    []string{"kelpwatch"},
		want:    []string{"kelp canopy area", "satellite images"},
		noWords: []string{"introduction", "getting", "started", "dkelp_threads", "tiles", "csv", "2023"},
	},
	{
		file: "libcbor-README.md", format: FormatMarkdown,
		top3:    []string{"libcbor"},
		want:    []string{"complete RFC conformance"},
		noWords: []string{"permission", "warranty", "merchantability", "kalvoda", "sublicense", "noninfringement", "https", "svg", "brew", "yum", "status", "codecov"},
	},
	{
		file: "written-changelog", format: FormatChangelog,
		top3:    []string{"quillsync"},
		want:    []string{"block checksums", "large archives"},
		noWords: []string{"urgency", "medium", "unstable", "closes", "lp", "quillfeather", "tembleton", "4f9e2a1", "upstream"},
	},
	{
		file: "file-changelog.Debian", format: FormatChangelog,
		top3:    []string{"file"},
		noWords: []string{"urgency", "medium", "unstable", "closes", "biedl", "christoph"},
	},
	{
		file: "written-NEWS", format: FormatPlain,
		want:    []string{"block checksums"},
		noWords: []string{"quillfeather", "tembleton", "version"},
	},
	{
		file: "written-copyright", format: FormatDebianCopyright,
		top3:    []string{"quillsync"},
		want:    []string{"block checksums", "GPL"},
		noWords: []string{"upstream-name", "upstream", "contact", "files", "usr", "share", "common-licenses", "redistribute", "warranty", "example", "debian"},
	},
	{
		file: "file-copyright", format: FormatDebianCopyright,
		top3:    []string{"file", "BSD"},
		noWords: []string{"upstream", "files", "src", "apprentice", "astron", "clause", "alike", "netbsd", "debian"},
	},
	{
		// A licence is the topic of its own text: its boilerplate stays,
		// its headings go.
		file: "apache-2.0.txt", format: FormatPlain, headings: []string{"APPENDIX", "Definitions"},
		top3:      []string{"Apache License"},
		want:      []string{"Licensor", "Apache License"},
		noWords:   []string{"http", "www", "org", "appendix"},
		noPhrases: []string{"TERMS", "CONDITIONS", "REPRODUCTION", "DISTRIBUTION"},
	},
}

func readDoc(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "docs", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestDocuments(t *testing.T) {
	for _, tc := range docCases {
		t.Run(tc.file, func(t *testing.T) {
			checkDoc(t, readDoc(t, tc.file), tc)
		})
	}
}

// checkDoc checks the format found in text and its top 10 against tc.
func checkDoc(t *testing.T, text string, tc docCase) {
	t.Helper()
	if got := formatOf(text); got != tc.format {
		t.Errorf("detected format %d, want %d", got, tc.format)
	}
	kps := Extract(text)
	got := stemsOf(kps)
	if len(kps) < 5 {
		t.Errorf("only %d keyphrases: %q", len(kps), texts(kps))
	}
	for _, w := range tc.top3 {
		if i := slices.Index(got, eval.Stem(w)); i < 0 || i >= 3 {
			t.Errorf("%q not in the top 3: %q", w, texts(kps))
		}
	}
	for _, w := range tc.want {
		if !slices.Contains(got, eval.Stem(w)) {
			t.Errorf("%q not in the top 10: %q", w, texts(kps))
		}
	}
	for _, kp := range kps {
		headings := tc.headings
		if headings == nil {
			headings = docHeadings
		}
		if slices.Contains(headings, kp.Text) || slices.Contains(tc.noPhrases, kp.Text) {
			t.Errorf("keyphrase %q is a heading or field name (all: %q)", kp.Text, texts(kps))
		}
		for _, w := range eval.Words(kp.Text) {
			if slices.Contains(tc.noWords, w) {
				t.Errorf("keyphrase %q holds %q (all: %q)", kp.Text, w, texts(kps))
			}
		}
	}
}

// TestInstalledDocuments reads the manual pages, Debian copyright files
// and changelogs of this machine, where there are any: the command of a
// manual page is among its first three keyphrases, and no section heading,
// field name or changelog header word comes back. Only words that no prose
// of these documents holds are checked, as the documents differ from
// machine to machine. A machine without them
// (a CI container without man pages) skips the parts it lacks.
func TestInstalledDocuments(t *testing.T) {
	t.Run("man", func(t *testing.T) {
		if _, err := exec.LookPath("man"); err != nil {
			t.Skip("no man command")
		}
		found := 0
		for _, cmd := range []string{"tar", "ls", "grep", "cp"} {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			c := exec.CommandContext(ctx, "man", "-P", "cat", cmd)
			c.Env = append(os.Environ(), "MANWIDTH=80", "MAN_KEEP_FORMATTING=")
			out, err := c.Output()
			cancel()
			if err != nil || !bytes.Contains(out, []byte("NAME")) {
				continue // not installed
			}
			found++
			t.Run(cmd, func(t *testing.T) {
				checkDoc(t, string(out), docCase{format: FormatManPage, top3: []string{cmd},
					noWords: []string{"synopsis", "mandatory"}})
			})
		}
		if found == 0 {
			t.Skip("no manual page installed")
		}
	})
	for _, kind := range []struct {
		glob     string
		format   Format
		words    []string
		headings []string
	}{
		// The prose of a comment may speak of copyright ("Original
		// Copyright: ..."): only the other field names are checked.
		{"/usr/share/doc/*/copyright", FormatDebianCopyright, []string{"upstream-name", "upstream-contact", "common-licenses"},
			[]string{"Upstream-Name", "Upstream-Contact", "Files", "Format", "Source", "Comment", "License"}},
		{"/usr/share/doc/*/changelog.Debian.gz", FormatChangelog, []string{"urgency"}, nil},
	} {
		t.Run(filepath.Base(kind.glob), func(t *testing.T) {
			files, _ := filepath.Glob(kind.glob)
			found := 0
			for _, f := range files {
				text, err := readMaybeGzip(f)
				if err != nil || formatOf(text) != kind.format {
					continue // not machine-readable (an older copyright file)
				}
				if found++; found > 25 {
					break
				}
				t.Run(filepath.Base(filepath.Dir(f)), func(t *testing.T) {
					checkDoc(t, text, docCase{format: kind.format, noWords: kind.words, headings: kind.headings})
				})
			}
			if found == 0 {
				t.Skipf("no %s installed", kind.glob)
			}
		})
	}
}

// readMaybeGzip returns the text of a file, gunzipped when its name ends
// in .gz.
func readMaybeGzip(name string) (string, error) {
	f, err := os.Open(name)
	if err != nil {
		return "", err
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(name, ".gz") {
		z, err := gzip.NewReader(f)
		if err != nil {
			return "", err
		}
		r = z
	}
	b, err := io.ReadAll(io.LimitReader(r, MaxTextBytes))
	return string(b), err
}
