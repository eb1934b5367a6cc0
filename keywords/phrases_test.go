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

// TestExtractStopWordNames: a word spelled like a stop word, written in
// capitals as an acronym, is a keyphrase ("APT"), while the agency credit
// "(AP)" stays a stop word.
func TestExtractStopWordNames(t *testing.T) {
	text := "APT installs the packages of the system, and APT resolves their dependencies. " +
		"The packages come from mirrors (AP)."
	got := texts(Extract(text, WithMaxResults(MaxResultsLimit)))
	if !slices.ContainsFunc(got, func(p string) bool { return slices.Contains(strings.Fields(p), "APT") }) {
		t.Errorf("no phrase holds APT: %q", got)
	}
	for _, p := range got {
		if slices.Contains(strings.Fields(strings.ToLower(p)), "ap") {
			t.Errorf("%q holds the credit AP (all: %q)", p, got)
		}
	}
}

// TestExtractLongRun: a run of nouns longer than a keyphrase gives one of
// its parts, not overlapping windows of it.
func TestExtractLongRun(t *testing.T) {
	text := "gRPC is a modern open source high performance remote procedure call framework. " +
		"A remote procedure call crosses the network."
	got := texts(Extract(text, WithMaxResults(MaxResultsLimit)))
	parts := 0
	for _, p := range got {
		for _, w := range []string{"modern", "open", "source", "high", "performance"} {
			if slices.Contains(strings.Fields(p), w) {
				parts++
				break
			}
		}
	}
	if parts > 1 {
		t.Errorf("%d phrases of the long run's head, want at most one: %q", parts, got)
	}
	if !slices.ContainsFunc(got, func(p string) bool { return strings.Contains(p, "remote procedure") }) {
		t.Errorf("remote procedure not in %q", got)
	}
}

// TestExtractFullName: a name of several words is a keyphrase whole.
func TestExtractFullName(t *testing.T) {
	text := "Hurricane Andrew struck southern Florida on Monday. Forecasters said Andrew " +
		"weakened over land, but Andrew could strengthen again over the warm waters of the " +
		"gulf, where Andrew is expected to turn north toward Louisiana."
	got := texts(Extract(text, WithMaxResults(MaxResultsLimit)))
	if !slices.Contains(got, "Hurricane Andrew") {
		t.Fatalf("Hurricane Andrew not in %q", got)
	}
}

// TestExtractPolish: Polish is detected as one language and its phrases
// are short and free of its function words and past-tense verbs.
func TestExtractPolish(t *testing.T) {
	text := "Rząd przyjął w czwartek projekt ustawy o ochronie danych osobowych. Projekt ustawy " +
		"trafi teraz do Sejmu. Minister cyfryzacji powiedział, że nowe przepisy o ochronie " +
		"danych osobowych wejdą w życie w przyszłym roku. Ustawa ma chronić dane osobowe " +
		"obywateli przed wyciekiem z baz danych firm i urzędów."
	if got := DetectLanguage(text); got != "pl" {
		t.Errorf("DetectLanguage = %q, want pl", got)
	}
	got := texts(Extract(text))
	checkPhrases(t, got, []string{"projekt ustawy"}, func(p string) string {
		for _, w := range strings.Fields(strings.ToLower(p)) {
			if _, stop := stopSet("pl")[w]; stop {
				return "holds the stop word " + w
			}
			if w == "przyjął" || w == "powiedział" {
				return "holds the verb " + w
			}
		}
		return ""
	})
}

// TestExtractUnknownLanguage: Latin-script text of a language without a
// stop list (Czech here) takes its own frequent short words as stop words,
// so that its phrases hold none of them and stay short.
func TestExtractUnknownLanguage(t *testing.T) {
	text := strings.Repeat("Vláda schválila ve čtvrtek návrh zákona o ochraně osobních údajů a "+
		"návrh zákona nyní míří do sněmovny. Ministr řekl, že nová pravidla o ochraně osobních "+
		"údajů začnou platit v příštím roce a že se na to firmy musí připravit. ", 2)
	got := texts(Extract(text))
	if len(got) == 0 {
		t.Fatal("no phrases")
	}
	words := 0
	for _, p := range got {
		for _, w := range strings.Fields(p) {
			words++
			switch w {
			case "ve", "do", "na", "to", "se", "že", "a", "o", "v":
				t.Errorf("phrase %q holds the function word %q (all: %q)", p, w, got)
			}
		}
	}
	if mean := float64(words) / float64(len(got)); mean > 3 {
		t.Errorf("phrases of %.1f words on average, want short ones: %q", mean, got)
	}
}
