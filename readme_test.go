package grpcexamples_test

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/seed717b8fd8/grpcexamples/greeter"
	"github.com/seed717b8fd8/grpcexamples/keywords"
	"github.com/seed717b8fd8/grpcexamples/streaming"
)

// TestReadmeLimits checks that the README's table of ceilings states each
// service's limits as the code sets them: a changed constant without a
// changed README, or the reverse, fails here.
func TestReadmeLimits(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	row := func(service string) string {
		prefix := "| `" + service + "` |"
		for line := range strings.Lines(string(b)) {
			if strings.HasPrefix(line, prefix) {
				return line
			}
		}
		t.Fatalf("README has no ceilings row %q", prefix)
		return ""
	}
	sizes := func(n int) string {
		switch {
		case n%(1<<20) == 0:
			return fmt.Sprintf("%d MiB", n>>20)
		case n%(1<<10) == 0:
			return fmt.Sprintf("%d KiB", n>>10)
		}
		return fmt.Sprintf("%d bytes", n)
	}
	commas := func(n int) string {
		s := fmt.Sprint(n)
		for i := len(s) - 3; i > 0; i -= 3 {
			s = s[:i] + "," + s[i:]
		}
		return s
	}
	for service, want := range map[string][]string{
		"keywords": {
			"text ≤ " + sizes(keywords.MaxTextBytes),
			fmt.Sprintf("≤ %d keyphrases of ≤ %d words and %d bytes", keywords.MaxResultsLimit, keywords.MaxKeyphraseWords, keywords.MaxKeyphraseBytes),
			fmt.Sprintf("request id ≤ %d bytes", keywords.MaxIDBytes),
			fmt.Sprintf("a response ≤ %s bytes", commas(keywords.MaxResponseBytes)),
			"GOMAXPROCS − 1 extractions at once",
		},
		"streaming": {
			fmt.Sprintf("a call lasts ≤ %d min", int(streaming.MaxCallDuration/time.Minute)),
			"≤ " + sizes(streaming.MaxResponseBytes) + " of responses",
			fmt.Sprintf("≤ %d calls at once", streaming.MaxConcurrentCalls),
			"status message ≤ " + sizes(streaming.MaxStatusMessageSize),
			"echoed metadata ≤ " + sizes(streaming.MaxEchoMetadataSize),
		},
		"greeter": {
			fmt.Sprintf("name ≤ %d bytes", greeter.MaxNameBytes),
			fmt.Sprintf("up to %d", greeter.MaxNameBytesCeiling),
		},
	} {
		line := row(service)
		for _, w := range want {
			if !strings.Contains(line, w) {
				t.Errorf("README's %s ceilings do not say %q:\n%s", service, w, line)
			}
		}
	}
}
