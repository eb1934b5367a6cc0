package keywords

import (
	"context"
	"strings"
	"testing"
)

// madeUpWords returns n distinct made-up words from the nth on, as text.
func madeUpWords(from, n int) string {
	next := distinctWords()
	for range from {
		next()
	}
	var b strings.Builder
	for range n {
		b.WriteString("q")
		b.WriteString(next())
	}
	return b.String()
}

// TestWordCacheDegradesGracefully runs one pooled state over texts with
// more distinct words than the cache keeps, each with the same prose
// among them: the cache stays within its bounds, the prose's words stay
// cached across the turns of its generations, and the words of one stem
// share one stem index in a call, however many words come between them.
func TestWordCacheDegradesGracefully(t *testing.T) {
	s := statePool.New().(*state)
	const prose = "Tide gauges record the water level of harbours. "
	for i := range 6 {
		text := prose + madeUpWords(i*genWords, genWords+genWords/2) + " networks. " + prose + " network."
		if _, err := s.run(context.Background(), text, options{maxResults: 10}); err != nil {
			t.Fatal(err)
		}
		var network, networks int32 = -1, -2
		for _, w := range s.words {
			switch s.toks[w.tok].Lower {
			case "network":
				network = w.stem
			case "networks":
				networks = w.stem
			}
		}
		if network != networks {
			t.Errorf("call %d: network and networks have stems %d and %d, want one", i, network, networks)
		}
		s.reset()
		c := &s.cache
		if len(c.cur) > genWords || len(c.old) > genWords {
			t.Fatalf("call %d: the cache holds %d and %d words, more than %d a generation", i, len(c.cur), len(c.old), genWords)
		}
		if len(c.stems) > genWords+maxStems || len(c.oldStems) > genWords+maxStems {
			t.Fatalf("call %d: the cache holds %d and %d stems", i, len(c.stems), len(c.oldStems))
		}
		if i > 0 {
			for _, w := range []string{"gauges", "harbours", "water"} {
				if _, ok := c.lookup(w); !ok {
					t.Errorf("call %d: %q, in every text, left the cache", i, w)
				}
			}
		}
	}
}

// TestWordCacheLanguage: a cache holds the words of one language; a text in
// another starts it afresh, and words stem in their own language.
func TestWordCacheLanguage(t *testing.T) {
	s := statePool.New().(*state)
	for _, tc := range []struct{ lang, text, word, stem string }{
		{"en", "The harbours have tide gauges.", "harbours", "harbour"},
		{"fr", "Les ports ont des marégraphes anciens.", "anciens", "ancien"},
		{"en", "The harbours have tide gauges.", "gauges", "gaug"},
	} {
		if _, err := s.run(context.Background(), tc.text, options{maxResults: 10, language: tc.lang}); err != nil {
			t.Fatal(err)
		}
		wi, ok := s.cache.lookup(tc.word)
		if s.cache.lang != tc.lang || !ok || wi.stem.key != tc.stem {
			t.Errorf("%s: cache of %q, %q has stem %v (cached %v), want %q", tc.lang, s.cache.lang, tc.word, wi.stem, ok, tc.stem)
		}
		s.reset()
	}
}
