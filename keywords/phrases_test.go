package keywords

import (
	"slices"
	"strings"
	"testing"
)

// The texts below were written for these tests. Each checks one rule of
// candidate selection added for text of other genres than abstracts.

// checkPhrases reports each of want missing from got, and each phrase of
// got that bad finds fault with.
func checkPhrases(t *testing.T, got, want []string, bad func(p string) string) {
	t.Helper()
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("%q not in %q", w, got)
		}
	}
	for _, p := range got {
		if why := bad(p); why != "" {
			t.Errorf("%q %s (all: %q)", p, why, got)
		}
	}
}

// TestExtractCitations: the names of cited authors are not keyphrases,
// while a bracketed aside in lower case with a year keeps its words.
func TestExtractCitations(t *testing.T) {
	text := "Enzymatic hydrolysis of wheat straw releases fermentable sugars " +
		"(Wong & Saddler, 1992). Hartwell et al. [4] measured enzymatic hydrolysis " +
		"rates of wheat straw at several loadings, and Brennick et al found the same " +
		"trend (Ostrova and Pelling 2007a). Pretreatment with dilute acid raises " +
		"enzymatic hydrolysis yields (the 2008 harvest drought study) of wheat straw."
	got := texts(Extract(text, WithMaxResults(MaxResultsLimit)))
	checkPhrases(t, got, []string{"enzymatic hydrolysis", "wheat straw", "harvest drought study"}, func(p string) string {
		for _, w := range strings.Fields(strings.ToLower(p)) {
			switch w {
			case "saddler", "wong", "hartwell", "brennick", "ostrova", "pelling":
				return "holds the cited name " + w
			}
		}
		return ""
	})
}

// TestExtractPlaceholder: a digital library's placeholder sentence after a
// title gives no keyphrase; the title's phrases stay.
func TestExtractPlaceholder(t *testing.T) {
	for _, text := range []string{
		"Gossip protocols for sensor meshes No contact information provided yet.\n",
		"Gossip protocols for sensor meshes An abstract is not available.\n",
	} {
		got := texts(Extract(text))
		if !slices.Equal(got, []string{"gossip protocols", "sensor meshes"}) {
			t.Errorf("Extract(%q) = %q, want the title's two phrases", text, got)
		}
	}
}

// TestExtractTitleBoundary: a title run into its abstract without
// punctuation ("... web applications Dynamic resource provisioning aims
// ...") is cut at the capital of a word the text also writes in lower
// case; a name after a lower-case word is not.
func TestExtractTitleBoundary(t *testing.T) {
	text := "Elastic capacity planning for web applications Dynamic capacity planning " +
		"adjusts the servers of web applications to their load. Unlike static capacity " +
		"planning, dynamic capacity planning follows the load of web applications. " +
		"It runs on the cluster scheduler Borgmann and reacts within seconds."
	got := texts(Extract(text, WithMaxResults(MaxResultsLimit)))
	checkPhrases(t, got, []string{"web applications", "dynamic capacity planning", "cluster scheduler Borgmann"}, func(p string) string {
		if strings.Contains(strings.ToLower(p), "applications dynamic") {
			return "runs across the title's end"
		}
		return ""
	})
}

// TestExtractLongAndDashedTerms: a five-word term comes back whole, a
// compound joined by an en dash is one word of it, and a participle of a
// verb such as "containing" ends a phrase rather than joining two.
func TestExtractLongAndDashedTerms(t *testing.T) {
	text := "We fit the Levenberg–Marquardt model to pulsed laser thin film deposition data. " +
		"Pulsed laser thin film deposition depends on the pump–probe delay. " +
		"Each block copolymer containing styrene segments was annealed, and the " +
		"Levenberg–Marquardt model fit the pulsed laser thin film deposition rates."
	got := texts(Extract(text, WithMaxResults(MaxResultsLimit)))
	checkPhrases(t, got, []string{"pulsed laser thin film deposition", "Levenberg–Marquardt model", "pump–probe delay"}, func(p string) string {
		if strings.Contains(p, "containing") {
			return "joins two phrases across a verb"
		}
		if n := len(strings.Fields(p)); n > MaxKeyphraseWords {
			return "has more than MaxKeyphraseWords words"
		}
		return ""
	})
}
