package keywords

import (
	"fmt"
	"github.com/seed717b8fd8/grpcexamples/keywords/internal/textseg"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/seed717b8fd8/grpcexamples/keywords/internal/eval"
)

const abstract = `Fast keyphrase extraction for scientific abstracts
Keyphrase extraction finds the phrases that best describe a document. We present a fast
keyphrase extraction method that selects noun phrases as candidates and ranks them by
term frequency, inverse document frequency and the position of their first occurrence.
On scientific abstracts, the ranking of noun phrases by position and document frequency
is competitive with graph-based ranking methods, while the extraction runs in linear time.`

func texts(kps []Keyphrase) []string {
	out := make([]string, len(kps))
	for i, k := range kps {
		out[i] = k.Text
	}
	return out
}

func TestExtractAbstract(t *testing.T) {
	kps := Extract(abstract)
	got := texts(kps)
	if len(kps) == 0 || len(kps) > DefaultMaxResults {
		t.Fatalf("got %d phrases, want 1..%d: %q", len(kps), DefaultMaxResults, got)
	}
	// "keyphrase extraction" itself is dropped, contained in the title's
	// "fast keyphrase extraction".
	if !slices.ContainsFunc(got[:5], func(p string) bool { return strings.Contains(p, "keyphrase extraction") }) {
		t.Errorf("keyphrase extraction not in the top 5 of %q", got)
	}
	for _, want := range []string{"noun phrases", "scientific abstracts", "inverse document frequency"} {
		if !slices.Contains(got, want) {
			t.Errorf("missing %q in %q", want, got)
		}
	}
	for _, k := range kps {
		words := strings.Fields(k.Text)
		if len(words) == 0 || len(words) > MaxKeyphraseWords {
			t.Errorf("phrase %q has %d words", k.Text, len(words))
		}
		first, last := strings.ToLower(words[0]), strings.ToLower(words[len(words)-1])
		if _, stop := stopSet("en")[first]; stop {
			t.Errorf("phrase %q starts with a stop word", k.Text)
		}
		if _, stop := stopSet("en")[last]; stop {
			t.Errorf("phrase %q ends with a stop word", k.Text)
		}
	}
	checkRanked(t, kps)
}

// checkRanked checks scores are positive and do not increase.
func checkRanked(t *testing.T, kps []Keyphrase) {
	t.Helper()
	for i, k := range kps {
		if !(k.Score > 0) {
			t.Errorf("phrase %q has score %v", k.Text, k.Score)
		}
		if i > 0 && k.Score > kps[i-1].Score {
			t.Errorf("scores not ranked: %v", kps)
		}
	}
}

func TestExtractDedupesByStem(t *testing.T) {
	text := "Neural networks learn. A neural network learns features. Neural Networks generalise. " +
		"The neural network is trained on image data; image data are abundant."
	seen := map[string]string{}
	for _, k := range Extract(text, WithMaxResults(MaxResultsLimit)) {
		s := eval.Stem(k.Text)
		if prev, dup := seen[s]; dup {
			t.Errorf("%q and %q have the same stem %q", prev, k.Text, s)
		}
		seen[s] = k.Text
	}
	if _, ok := seen[eval.Stem("neural network")]; !ok {
		t.Errorf("neural network missing: %v", seen)
	}
}

func TestExtractDropsContained(t *testing.T) {
	text := "gRPC services in Go\nThe grpc services of this package call other services. " +
		"Grpc services stream keyphrases; services answer fast."
	got := texts(Extract(text, WithMaxResults(MaxResultsLimit)))
	if !slices.Contains(got, "gRPC services") {
		t.Fatalf("gRPC services (as the text first writes it) not in %q", got)
	}
	for i, p := range got {
		for _, better := range got[:i] {
			if strings.Contains(" "+eval.Stem(better)+" ", " "+eval.Stem(p)+" ") {
				t.Errorf("%q is returned after %q, which contains it", p, better)
			}
		}
	}
}

func TestExtractCasing(t *testing.T) {
	text := "Singer Michael Buble married actress Luisana Lopilato in Buenos Aires. " +
		"The wedding of Buble and Lopilato was held in Argentina. Buble thanked NASA."
	got := texts(Extract(text, WithMaxResults(20)))
	for _, want := range []string{"Michael Buble", "Luisana Lopilato", "Buenos Aires", "wedding"} {
		if !slices.Contains(got, want) {
			t.Errorf("missing %q in %q", want, got)
		}
	}
	if slices.Contains(got, "singer Michael Buble") || slices.Contains(got, "actress Luisana Lopilato") {
		t.Errorf("names not cut from common nouns: %q", got)
	}
}

func TestExtractMaxResults(t *testing.T) {
	long := strings.Repeat(abstract+"\n", 3) + strings.Repeat("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau upsilon phi chi psi omega. ", 10)
	var many []string
	for i := range 300 {
		many = append(many, fmt.Sprintf("topic%d", i))
	}
	long += strings.Join(many, ", ")
	tests := []struct {
		n, want int
	}{
		{1, 1},
		{3, 3},
		{0, DefaultMaxResults},
		{-5, DefaultMaxResults},
		{MaxResultsLimit, MaxResultsLimit},
		{MaxResultsLimit + 1, MaxResultsLimit},
		{1 << 30, MaxResultsLimit},
	}
	for _, tt := range tests {
		got := Extract(long, WithMaxResults(tt.n))
		if len(got) != tt.want {
			t.Errorf("WithMaxResults(%d): %d phrases, want %d", tt.n, len(got), tt.want)
		}
		checkRanked(t, got)
	}
}

func TestExtractOddInput(t *testing.T) {
	inputs := map[string]string{
		"empty":       "",
		"spaces":      " \t\n\r\n   ",
		"punctuation": "... ,,, !!! ??? --- ((( )))",
		"numbers":     "1 2 3 4.5 6,000 2024",
		"stop words":  "the of and to in is that it",
		"binary":      "\x00\x01\x02\xff\xfe\xfd\x80\x81 abc\x00def",
		"invalid":     "ship \xc3\x28 control \xe2\x82 matrix \xf0\x28\x8c\x28 game",
		"one word":    "keyphrase",
		"long word":   strings.Repeat("x", 100000),
		"control":     "\u200b\u200d\ufeff\u2028\u2029",
		"emoji":       "🙂🙂 rocket 🚀 science 🔬",
	}
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) {
			got := Extract(in)
			if got == nil {
				t.Error("Extract returned nil, want a non-nil slice")
			}
			for _, k := range got {
				if k.Text == "" || !utf8.ValidString(k.Text) {
					t.Errorf("bad phrase %q", k.Text)
				}
			}
			checkRanked(t, got)
		})
	}
	if got := Extract(""); len(got) != 0 {
		t.Errorf("Extract(\"\") = %v, want none", got)
	}
	if got := Extract("ship \xc3\x28 control"); len(got) == 0 {
		t.Error("invalid UTF-8 between words: want phrases")
	}
}

func TestExtractHugeText(t *testing.T) {
	// Just over MaxTextBytes of two-byte runes, so the cut falls inside a
	// rune, then words past the limit that must not be seen.
	var b strings.Builder
	for b.Len() < MaxTextBytes-8 {
		b.WriteString("Ökonomie und Äpfel. ")
	}
	for b.Len() < MaxTextBytes+1 {
		b.WriteString("é")
	}
	b.WriteString(" zebracorn zebracorn zebracorn")
	got := Extract(b.String(), WithMaxResults(MaxResultsLimit))
	if len(got) == 0 {
		t.Fatal("no phrases")
	}
	for _, k := range got {
		if strings.Contains(k.Text, "zebracorn") || !utf8.ValidString(k.Text) {
			t.Errorf("phrase %q: text past MaxTextBytes was read or cut badly", k.Text)
		}
	}
	if tr := truncate(b.String(), MaxTextBytes); len(tr) > MaxTextBytes || !utf8.ValidString(tr) {
		t.Errorf("truncate: %d bytes, valid=%v", len(tr), utf8.ValidString(tr))
	}
	// One run of words with no punctuation, the worst case for the
	// candidate windows.
	run := strings.Repeat("alpha beta gamma delta ", MaxTextBytes/23)
	if got := Extract(run); len(got) == 0 {
		t.Error("long run: no phrases")
	}
}

func TestExtractConcurrent(t *testing.T) {
	inputs := []string{abstract, "Singer Michael Buble married actress Luisana Lopilato.",
		"Die Europäische Zentralbank erhöht den Leitzins. Die Zentralbank reagiert auf die Inflation.", ""}
	want := make([][]Keyphrase, len(inputs))
	for i, in := range inputs {
		want[i] = Extract(in)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for r := range 50 {
				i := (g + r) % len(inputs)
				if got := Extract(inputs[i]); !slices.Equal(got, want[i]) {
					t.Errorf("input %d: concurrent result %v, want %v", i, got, want[i])
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestExtractLanguage(t *testing.T) {
	de := "Die Europäische Zentralbank erhöht den Leitzins. Die Zentralbank reagiert damit auf die " +
		"hohe Inflation im Euroraum. Der Leitzins steigt auf vier Prozent, und die Inflation soll sinken."
	got := texts(Extract(de))
	if len(got) == 0 {
		t.Fatal("no phrases for German text")
	}
	for _, p := range got {
		w := strings.Fields(strings.ToLower(p))
		if _, stop := stopSet("de")[w[0]]; stop {
			t.Errorf("German phrase %q starts with a stop word", p)
		}
		if _, stop := stopSet("de")[w[len(w)-1]]; stop {
			t.Errorf("German phrase %q ends with a stop word", p)
		}
	}
	if !slices.ContainsFunc(got, func(p string) bool { return strings.Contains(strings.ToLower(p), "leitzins") }) {
		t.Errorf("German phrases %q lack Leitzins", got)
	}
	// A language given explicitly wins over detection; an unknown one is
	// ignored.
	if a, b := Extract(de, WithLanguage("DE")), Extract(de); !slices.Equal(a, b) {
		t.Errorf("WithLanguage(DE) = %v, detected = %v", a, b)
	}
	if a, b := Extract(de, WithLanguage("xx")), Extract(de); !slices.Equal(a, b) {
		t.Errorf("WithLanguage(xx) = %v, detected = %v", a, b)
	}
	// French elided articles are cut from their nouns.
	fr := "La Banque centrale européenne relève son taux directeur. La Banque centrale réagit ainsi à " +
		"l'inflation élevée dans la zone euro. Le taux directeur passe à quatre pour cent."
	got = texts(Extract(fr))
	if !slices.Contains(got, "taux directeur") || !slices.Contains(got, "inflation élevée") {
		t.Errorf("French phrases %q lack taux directeur or inflation élevée", got)
	}
	// Text without a stop list still yields phrases split at punctuation;
	// ideographs written together stay together.
	zh := "关键词提取是自然语言处理的任务。关键词提取可以帮助搜索。"
	got = texts(Extract(zh))
	if len(got) == 0 {
		t.Error("no phrases for Chinese text")
	}
	for _, p := range got {
		if strings.Contains(p, " ") || utf8.RuneCountInString(p) > MaxKeyphraseWords {
			t.Errorf("Chinese phrase %q", p)
		}
	}
}

func TestLanguages(t *testing.T) {
	langs := Languages()
	if len(langs) < 11 || !slices.IsSorted(langs) || !slices.Contains(langs, "en") {
		t.Fatalf("Languages() = %v", langs)
	}
	for _, l := range langs {
		var st textseg.StemmerEnv
		if stopSet(l) == nil || !st.SetLanguage(l) && l != "pl" { // Polish: stemPolish
			t.Errorf("language %q lacks a stop list or stemmer", l)
		}
	}
	langs[0] = "zz"
	if Languages()[0] == "zz" {
		t.Error("Languages returns shared storage")
	}
}

func TestDetectLanguage(t *testing.T) {
	tests := []struct{ want, text string }{
		{"en", "The committee said that it would publish the report on the new rail line before the end of the year."},
		{"de", "Der Ausschuss sagte, dass er den Bericht über die neue Bahnlinie noch vor dem Ende des Jahres veröffentlichen wird."},
		{"fr", "Le comité a dit qu'il publierait le rapport sur la nouvelle ligne de train avant la fin de l'année."},
		{"es", "El comité dijo que publicaría el informe sobre la nueva línea de tren antes del final del año."},
		{"it", "Il comitato ha detto che pubblicherà la relazione sulla nuova linea ferroviaria prima della fine dell'anno."},
		{"pt", "O comitê disse que vai publicar o relatório sobre a nova linha de trem antes do fim do ano."},
		{"nl", "De commissie zei dat zij het rapport over de nieuwe spoorlijn voor het einde van het jaar zal publiceren."},
		{"sv", "Kommittén sade att den skulle publicera rapporten om den nya järnvägen före årets slut, och att den var klar."},
		{"fi", "Valiokunta sanoi, että se julkaisee raportin uudesta rautatiestä ennen vuoden loppua, koska se on valmis."},
		{"ru", "Комитет сказал, что он опубликует доклад о новой железной дороге до конца года, и что он уже готов."},
		{"da", "Udvalget sagde, at det ville offentliggøre rapporten om den nye jernbane inden årets udgang, og at den er klar."},
		{"no", "Komiteen sa at den ville publisere rapporten om den nye jernbanen før slutten av året, og at den er ferdig."},
		// Short sentences, as in a chat message or a title with a verb.
		{"en", "The cat is on the mat."},
		{"de", "Der Hund ist nicht in dem Haus."},
		{"fr", "Le chat est sur la table avec le chien."},
		{"es", "El perro está en la casa con los niños."},
		{"it", "Il gatto è nella casa con il cane."},
		{"pt", "O gato está em casa com o cão e os meninos."},
		{"nl", "De kat is in het huis met de hond."},
		{"sv", "Katten är i huset och hunden är ute."},
		{"da", "Katten er i huset, og hunden er ude hos ham."},
		{"no", "Katten er i huset, og hunden er ute hos meg."},
		{"fi", "Kissa on talossa ja koira on ulkona, koska se ei ole väsynyt."},
		{"ru", "Кошка дома, а собака на улице."},
		{"", "Η γάτα είναι στο σπίτι και ο σκύλος είναι έξω."},
		{"", "猫在家里，狗在外面。"},
		{"", "猫は家にいて、犬は外にいます。"},
		{"", "关键词提取是自然语言处理的任务。"},
		{"", "Η επιτροπή είπε ότι θα δημοσιεύσει την έκθεση."},
		{"", ""},
		{"", "Neural networks"},
	}
	for _, tt := range tests {
		if got := DetectLanguage(tt.text); got != tt.want {
			t.Errorf("DetectLanguage(%.30q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func FuzzExtract(f *testing.F) {
	for _, s := range []string{abstract, "", "a", "Ökonomie und Äpfel", "\xff\xfe", "multi-step matrix game's end",
		"关键词提取", "U.S. e.g. A-B-C 3.5 x--y"} {
		f.Add(s, 10, "")
	}
	f.Add("Die Inflation steigt.", 3, "de")
	f.Fuzz(func(t *testing.T, text string, n int, lang string) {
		got := Extract(text, WithMaxResults(n), WithLanguage(lang))
		limit := DefaultMaxResults
		if n > 0 {
			limit = min(n, MaxResultsLimit)
		}
		if len(got) > limit {
			t.Fatalf("%d phrases, limit %d", len(got), limit)
		}
		for i, k := range got {
			if k.Text == "" || !(k.Score > 0) || i > 0 && k.Score > got[i-1].Score {
				t.Fatalf("bad result %v", got)
			}
		}
		_ = DetectLanguage(text)
	})
}

func TestUndot(t *testing.T) {
	for in, want := range map[string]string{
		"U.S":     "US",
		"U.S.":    "US",
		"U.K":     "UK",
		"e.g":     "eg",
		"A.":      "A.",
		"U":       "U",
		"Node.js": "Node.js",
		"3.14":    "3.14",
		"Ü.S":     "Ü.S",
		"U.SA":    "U.SA",
		"U..S":    "U..S",
	} {
		if got := undot(in); got != want {
			t.Errorf("undot(%q) = %q, want %q", in, got, want)
		}
	}
}

// News boilerplate, such as agency credits and titles before names, is not
// a keyphrase, and acronyms spelt with periods come back without them.
func TestExtractNewsBoilerplate(t *testing.T) {
	text := "WASHINGTON (AP) — Rep. Jane Doe of Tennessee said the U.S. budget " +
		"deficit will grow. Sen. John Roe disagreed: the U.S. budget deficit, he said, " +
		"will shrink as Mr. Roe's tax plan takes effect. AP reporters asked Dr. Doe again."
	got := texts(Extract(text, WithMaxResults(MaxResultsLimit)))
	for _, p := range got {
		for _, w := range strings.Fields(strings.ToLower(p)) {
			switch w {
			case "ap", "rep", "sen", "mr", "dr":
				t.Errorf("%q holds the boilerplate word %q (all: %q)", p, w, got)
			}
		}
		if strings.Contains(p, ".") {
			t.Errorf("%q keeps the periods of an acronym (all: %q)", p, got)
		}
	}
	for _, want := range []string{"US", "Jane Doe"} {
		if !slices.Contains(got, want) {
			t.Errorf("%q not in %q", want, got)
		}
	}
}

// TestExtractHeadlineVerb checks that a verb in -s of a headline is not
// read as a plural noun inside a phrase, while plural modifiers of body
// text are left alone.
func TestExtractHeadlineVerb(t *testing.T) {
	text := "FDA panel delays action on food dyes\n" +
		"A federal panel on Thursday delayed action on food dyes. The panel said " +
		"information systems design and food dyes need more study before any action."
	got := texts(Extract(text, WithMaxResults(20)))
	for _, p := range got {
		if strings.Contains(p, "delays") {
			t.Errorf("headline verb inside a phrase: %q in %q", p, got)
		}
	}
	if !slices.Contains(got, "information systems design") {
		t.Errorf("body phrase with a plural modifier lost: %q", got)
	}
}
