package textseg

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	snowball "github.com/blevesearch/snowballstem"
	"github.com/clipperhouse/uax29/v2/words"
)

func TestTokens(t *testing.T) {
	text := "The ship's multi-step Matrix game: 3.5 NASA\ntests e.g. U.S. data (x)."
	var got []string
	for _, tok := range Tokens(nil, text) {
		switch tok.Kind {
		case Word:
			s := tok.Lower
			if tok.Cap {
				s += "^"
			}
			if tok.AllCaps {
				s += "!"
			}
			if text[tok.Start:tok.End] == "" {
				t.Errorf("empty span for %q", tok.Lower)
			}
			got = append(got, s)
		case Number:
			got = append(got, "#"+tok.Lower)
		case Break:
			if tok.SentEnd {
				got = append(got, "|.")
			} else {
				got = append(got, "|")
			}
		}
	}
	want := "the^ ship | multi-step matrix^ game | #3.5 nasa^! |. tests e.g | u.s^! | data | x |."
	if s := strings.Join(got, " "); s != want {
		t.Errorf("tokens:\n got %s\nwant %s", s, want)
	}
}

func TestTokensEntitiesAndUnicode(t *testing.T) {
	// An en dash between letters joins a compound ("pump–probe"); spaced,
	// as a parenthesis, or between numbers, it separates.
	toks := Tokens(nil, "say &quot;hi&quot; — Ökonomie 关键词 Levenberg–Marquardt fit – done 1990–2000")
	var words []string
	for _, tok := range toks {
		if tok.Kind == Word {
			words = append(words, tok.Lower)
		}
	}
	if s := strings.Join(words, " "); s != "say hi ökonomie 关 键 词 levenberg–marquardt fit done" {
		t.Errorf("words = %q", s)
	}
}

func TestStemmer(t *testing.T) {
	if Stemmer("xx") != nil {
		t.Error("Stemmer(xx) != nil")
	}
	tests := []struct{ lang, in, want string }{
		{"en", "networks", "network"},
		{"de", "häuser", "haus"},
		{"fr", "continuellement", "continuel"},
		{"ru", "книгами", "книг"},
	}
	for _, tt := range tests {
		if got := Stemmer(tt.lang)(tt.in); got != tt.want {
			t.Errorf("Stemmer(%s)(%q) = %q, want %q", tt.lang, tt.in, got, tt.want)
		}
	}
}

func TestGuessClass(t *testing.T) {
	for in, want := range map[string]byte{
		"quickly": Adverb, "learning": Gerund, "proposed": Participle,
		"dangerous": Adjective, "network": Noun, "ly": Noun,
	} {
		if got := GuessClass(in); got != want {
			t.Errorf("GuessClass(%q) = %c, want %c", in, got, want)
		}
	}
	if ClassOfTag("NNS") != Noun || ClassOfTag("VBZ") != Verb || ClassOfTag("DT") != Other {
		t.Error("ClassOfTag")
	}
}

// referenceTokens is TokensUntil as it was before its ASCII fast path:
// every segment from the UAX #29 segmenter.
func referenceTokens(text string) []Token {
	var buf []Token
	it := words.FromString(text)
	it.Joiners(wordJoiners)
	for it.Next() {
		buf = appendSegment(buf, text, it.Start(), it.End())
	}
	return buf
}

// tokenSamples hold the ASCII cases the fast path decides and those it
// leaves to the segmenter, next to non-ASCII runes that may join them.
var tokenSamples = []string{
	"The ship's multi-step Matrix game: 3.5 NASA\ntests e.g. U.S. data (x).",
	"a:b a.b a'b a,b a;b a_b a-b a–b a\u00adb a\u0301b _a __ a_ 1,000 1.5 1;2 1:2 1'2 1-2",
	"a,1 1,a a.1 1.a a:1 a'1 1'a a-1 1-a a1,2 a1.b A.B. x.,y 9.é é.9 a:é 1,é a.",
	"end.  Next\r\nline\rCR\n\n\ttab\t\u0301 \u0301x  \u200dy \u3000z \u00a0w",
	"&quot;hi&quot; &amp; AT&T &x; R&D don't we’ll O’Brien’s rock 'n' roll",
	"naïve café Ökonomie 关键词 Levenberg–Marquardt 🇫🇷🇩🇪 👍🏽 a\u200db",
	"x.\u0301 .\u0301 ,\u200b 9\u066b5 a\u05f4b \u05d0\"\u05d1 \u05d0'",
	"", " ", "a", "A", "\n", "\r", ".", "_", "-", "'", "é", "AB", "Ab", "aB",
}

// TestTokensMatchSegmenter: the ASCII fast path cuts every sample, and
// every text of the benchmark data beside the repository when it is there,
// exactly as the UAX #29 segmenter alone does.
func TestTokensMatchSegmenter(t *testing.T) {
	texts := slices.Clone(tokenSamples)
	for _, s := range tokenSamples {
		for _, t := range tokenSamples {
			texts = append(texts, s+t, s+" "+t)
		}
	}
	files, _ := filepath.Glob("../../../../shared/data/keywords/*/*.jsonl")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, string(b))
	}
	for _, text := range texts {
		checkTokens(t, text)
	}
}

// FuzzTokens checks TokensUntil against the UAX #29 segmenter alone on any
// text.
func FuzzTokens(f *testing.F) {
	for _, s := range tokenSamples {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) { checkTokens(t, text) })
}

func checkTokens(t *testing.T, text string) {
	t.Helper()
	got, want := Tokens(nil, text), referenceTokens(text)
	if !slices.Equal(got, want) {
		for i := range min(len(got), len(want)) {
			if got[i] != want[i] {
				t.Fatalf("%.60q: token %d is %+v, want %+v", text, i, got[i], want[i])
			}
		}
		t.Fatalf("%.60q: %d tokens, want %d", text, len(got), len(want))
	}
}

// TestRuneKind: the shortcuts of runeKind agree with package unicode over
// the Basic Multilingual Plane and beyond.
func TestRuneKind(t *testing.T) {
	for r := rune(0); r <= 0x2FFFF; r++ {
		if got, want := runeKind(r), kindOf(r); got != want {
			t.Fatalf("runeKind(%U) = %b, want %b", r, got, want)
		}
	}
}

// TestStemNonLatin: a Latin-alphabet stemmer leaves a word without Latin
// letters as it is, so skipping it gives the stemmer's own answer.
func TestStemNonLatin(t *testing.T) {
	words := []string{"关键词", "αβγός", "ηλεκτρονικών", "книгами", "مكتبات", "हिन्दी", "ɐɑɒ", "😀😃", "ʃəˈnɛtɪks", "ελληνικά"}
	for lang, stem := range snowballStemmers {
		if lang == "ru" {
			continue
		}
		var e StemmerEnv
		e.SetLanguage(lang)
		for _, w := range words {
			env := snowball.NewEnv(w)
			stem(env)
			if got, want := e.Stem(w), env.Current(); got != want {
				t.Errorf("%s: Stem(%q) = %q, the stemmer gives %q", lang, w, got, want)
			}
		}
	}
	if hasLatin("κ中") || !hasLatin("naïve") || !hasLatin("é") || !hasLatin("x中") {
		t.Error("hasLatin")
	}
}
