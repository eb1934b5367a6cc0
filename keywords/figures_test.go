package keywords

import (
	"fmt"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The measured figures that the package documentation (doc.go) and the
// README state, from tools/bench/cost.sh and cost.sh -ci on a shared
// 2-core AMD EPYC: instructions per byte of prose, and the CPU time and
// allocations per byte of the costliest adversarial shape and of prose.
// The limits they state come from the code, and the bounds from cost.sh.
const (
	instrPerByteAbstracts = 320
	instrPerBytePapers    = 300
	worstNsPerByte        = 105
	worstBytesPerByte     = 31
	proseNsPerByte        = 65
	proseBytesPerByte     = 20
)

// TestDocumentedFigures checks that doc.go and the README state the
// figures as they are here, in the code and in cost.sh, and that the
// measured figures are within cost.sh's bounds.
func TestDocumentedFigures(t *testing.T) {
	bound := func(name string) int {
		b, err := os.ReadFile("../tools/bench/cost.sh")
		if err != nil {
			t.Fatal(err)
		}
		m := regexp.MustCompile(`(?m)^` + name + `=(\d+)$`).FindSubmatch(b)
		if m == nil {
			t.Fatalf("tools/bench/cost.sh sets no %s", name)
		}
		n, _ := strconv.Atoi(string(m[1]))
		return n
	}
	maxInstr, maxNs, maxBytes := bound("max_instr_abstracts"), bound("max_cpu_ns_per_byte"), bound("max_alloc_per_byte")
	if instrPerByteAbstracts > maxInstr || worstNsPerByte > maxNs || worstBytesPerByte > maxBytes {
		t.Errorf("the measured figures (%d instructions, %d ns, %d B per byte) pass cost.sh's bounds (%d, %d, %d)",
			instrPerByteAbstracts, worstNsPerByte, worstBytesPerByte, maxInstr, maxNs, maxBytes)
	}
	mib := float64(MaxTextBytes) / (1 << 20)
	ms := func(nsPerByte int) int { return int(math.Round(float64(nsPerByte)*float64(MaxTextBytes)/1e7)) * 10 }
	proseCost := fmt.Sprintf("about %d instructions per byte of Inspec abstracts and %d of full SemEval-2010 papers", instrPerByteAbstracts, instrPerBytePapers)
	for _, f := range []struct{ file, text string }{
		{"doc.go", proseCost},
		{"doc.go", fmt.Sprintf("at most about %d ms of one core's CPU time and allocates at most %d bytes per byte of text, %d MiB (prose: about %d ms and %d MiB)",
			ms(worstNsPerByte), worstBytesPerByte, int(worstBytesPerByte*mib), ms(proseNsPerByte), int(proseBytesPerByte*mib))},
		{"doc.go", fmt.Sprintf("fails past %d ns and %d allocated bytes per byte", maxNs, maxBytes)},
		{"doc.go", fmt.Sprintf("at most %s distinct word stems and %s distinct candidate phrases", commas(maxStems), commas(maxCandidates))},
		{"doc.go", fmt.Sprintf("at most %s words, two generations of %s", commas(2*genWords), commas(genWords))},
		{"doc.go", fmt.Sprintf("every %s tokens", commas(checkEvery))},
		{"../README.md", proseCost},
		{"../README.md", fmt.Sprintf("CI fails above %d on the abstracts", maxInstr)},
		{"../README.md", fmt.Sprintf("at most about %d ns of CPU time and %d allocated bytes per byte of text (prose: about %d ns and %d B)",
			worstNsPerByte, worstBytesPerByte, proseNsPerByte, proseBytesPerByte)},
		{"../README.md", fmt.Sprintf("fails past %d ns and %d allocated bytes per byte", maxNs, maxBytes)},
		{"../README.md", fmt.Sprintf("one extraction ≤ about %d ms of one core's CPU time and %d MiB allocated whatever the text's shape",
			ms(worstNsPerByte), int(worstBytesPerByte*mib))},
	} {
		b, err := os.ReadFile(f.file)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(prose(string(b)), f.text) {
			t.Errorf("%s does not say %q", f.file, f.text)
		}
	}
}

// prose returns the words of a Go file's comments or a Markdown file,
// joined by single spaces, so that a figure is found across line breaks.
func prose(s string) string {
	s = strings.ReplaceAll(s, "\n//", "\n")
	s = strings.ReplaceAll(s, "`", "")
	return strings.Join(strings.Fields(s), " ")
}

// commas writes n with a comma between thousands: 32768 is "32,768".
func commas(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
