package textseg

import (
	"strings"
	"testing"
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
