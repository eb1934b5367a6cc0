package keywords

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"
)

// countdownCtx is a context that reports cancellation from its n-th call
// of Err on: a deterministic stand-in for a caller who cancels while the
// engine works, with a count of how often the engine looked.
type countdownCtx struct {
	context.Context
	n     int64 // Err returns Canceled from call n on; 0: never
	calls atomic.Int64
}

func (c *countdownCtx) Err() error {
	if k := c.calls.Add(1); c.n > 0 && k >= c.n {
		return context.Canceled
	}
	return nil
}

// TestExtractContextChecksPeriodically runs the engine to the end on a
// MaxTextBytes text with a context that never ends: it must have looked
// at the context about once per checkEvery items in each pass over the
// text, not only before it started.
func TestExtractContextChecksPeriodically(t *testing.T) {
	text := fill(distinctWords())
	ctx := &countdownCtx{Context: context.Background()}
	kps, err := ExtractContext(ctx, text)
	if err != nil || len(kps) == 0 {
		t.Fatalf("ExtractContext = %d phrases, %v; want phrases and no error", len(kps), err)
	}
	// Three passes (tokens, words, candidate runs) over about 200,000
	// words each.
	if got, min := ctx.calls.Load(), int64(3*200_000/checkEvery); got < min {
		t.Errorf("the context was consulted %d times; want at least %d (once every %d items)", got, min, checkEvery)
	}
}

// TestExtractContextStops cancels the context at each of its first
// checks in turn: ExtractContext must return context.Canceled and no
// phrases, and must not look at the context again (no work goes on after
// it saw the cancellation).
func TestExtractContextStops(t *testing.T) {
	text := fill(distinctWords())
	for n := int64(1); n <= 80; n += 13 {
		ctx := &countdownCtx{Context: context.Background(), n: n}
		kps, err := ExtractContext(ctx, text)
		if !errors.Is(err, context.Canceled) || kps != nil {
			t.Fatalf("cancelled at check %d: got %d phrases, %v; want none and context.Canceled", n, len(kps), err)
		}
		if got := ctx.calls.Load(); got != n {
			t.Errorf("cancelled at check %d: the context was consulted %d times; want the engine to stop at the check that saw it", n, got)
		}
	}
}

// TestExtractContextEnded returns at once for a context that has ended.
func TestExtractContextEnded(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if kps, err := ExtractContext(ctx, "Keyphrase extraction of a short text."); !errors.Is(err, context.Canceled) || kps != nil {
		t.Fatalf("ExtractContext(cancelled) = %v, %v", kps, err)
	}
	dctx, dcancel := context.WithDeadline(context.Background(), time.Unix(0, 0))
	defer dcancel()
	if _, err := ExtractContext(dctx, "Keyphrase extraction."); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("ExtractContext(past deadline) error = %v, want DeadlineExceeded", err)
	}
}

// TestShapesBounded runs the engine on every adversarial shape and checks
// what a caller could make it hold or return: at most maxStems stems and
// maxCandidates candidates, and keyphrases of at most MaxKeyphraseWords
// words and MaxKeyphraseBytes bytes of valid UTF-8.
func TestShapesBounded(t *testing.T) {
	for _, sh := range shapes {
		t.Run(sh.name, func(t *testing.T) {
			text := sh.make(t)
			s := statePool.New().(*state)
			kps, err := s.run(context.Background(), text, options{maxResults: MaxResultsLimit})
			if err != nil {
				t.Fatal(err)
			}
			if len(s.stems) > maxStems || len(s.cands) > maxCandidates {
				t.Errorf("kept %d stems and %d candidates; the ceilings are %d and %d", len(s.stems), len(s.cands), maxStems, maxCandidates)
			}
			if len(kps) > MaxResultsLimit {
				t.Errorf("%d keyphrases, more than MaxResultsLimit", len(kps))
			}
			for _, kp := range kps {
				if n := len(strings.Fields(kp.Text)); n > MaxKeyphraseWords || len(kp.Text) > MaxKeyphraseBytes || !utf8.ValidString(kp.Text) {
					t.Errorf("keyphrase of %d words, %d bytes (valid UTF-8: %v): %.80q", n, len(kp.Text), utf8.ValidString(kp.Text), kp.Text)
				}
			}
		})
	}
}

// TestLongWordsLeftOut: a word longer than a keyphrase may hold (a URL, a
// hash) is never a keyphrase or part of one.
func TestLongWordsLeftOut(t *testing.T) {
	long := strings.Repeat("abcdefgh", 8) // 64 bytes, one more than maxWordBytes
	text := strings.Repeat("The "+long+" token appears in every sentence of the text. ", 20)
	for _, kp := range Extract(text) {
		if strings.Contains(kp.Text, long[:maxWordBytes]) {
			t.Errorf("keyphrase %q holds a word of %d bytes", kp.Text, len(long))
		}
	}
	ok := strings.Repeat("abcdefgh", 7) // 56 bytes: still a word
	if kps := Extract(strings.Repeat("The "+ok+" token appears in every sentence. ", 20)); len(kps) == 0 || !strings.Contains(kps[0].Text, ok) {
		t.Errorf("a word of %d bytes should stay a keyphrase; got %v", len(ok), kps)
	}
}
