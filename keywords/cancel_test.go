package keywords_test

import (
	"context"
	"errors"
	"math"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/seed717b8fd8/grpcexamples/keywords"
	keywordsv1 "github.com/seed717b8fd8/grpcexamples/pb/keywords/v1"
)

// checkCounter is a context that ends by being looked at: the first live
// calls of Err or Done find it live, every later call finds it cancelled
// (Done's channel closed, Err context.Canceled). It puts the end of a
// context at a chosen point of the work that polls it, without timers.
type checkCounter struct {
	context.Context // values and deadline; its own end is ignored
	live            int64
	checks          atomic.Int64
	once            sync.Once
	done            chan struct{}
}

func cancelAfterChecks(parent context.Context, live int64) *checkCounter {
	return &checkCounter{Context: parent, live: live, done: make(chan struct{})}
}

func (c *checkCounter) check() (ended bool) {
	if c.checks.Add(1) <= c.live {
		return false
	}
	c.once.Do(func() { close(c.done) })
	return true
}

func (c *checkCounter) Done() <-chan struct{} {
	c.check()
	return c.done
}

func (c *checkCounter) Err() error {
	if c.check() {
		return context.Canceled
	}
	return nil
}

// countChecks returns how often f looks at a context that never ends.
func countChecks(t *testing.T, f func(context.Context) error) int64 {
	t.Helper()
	ctx := cancelAfterChecks(context.Background(), math.MaxInt64)
	if err := f(ctx); err != nil {
		t.Fatal(err)
	}
	return ctx.checks.Load()
}

// ExtractContext must look at its context during the work, not only before
// it: whichever of its checks first finds the context ended, it returns
// context.Canceled and no keyphrases.
func TestExtractContextStopsMidway(t *testing.T) {
	text := randomWords(64 << 10)
	n := countChecks(t, func(ctx context.Context) error {
		kps, err := keywords.ExtractContext(ctx, text)
		if err == nil && len(kps) == 0 {
			t.Fatal("no keyphrases for a text of many words")
		}
		return err
	})
	// One look, before the work, would let a call run on for seconds
	// after its caller has gone.
	if n < 2 {
		t.Fatalf("ExtractContext looked at its context %d time(s) for a %d-byte text; "+
			"it must check it during the extraction to stop soon after it ends", n, len(text))
	}
	for _, live := range []int64{0, 1, n / 2, n - 1} {
		ctx := cancelAfterChecks(context.Background(), live)
		kps, err := keywords.ExtractContext(ctx, text)
		if !errors.Is(err, context.Canceled) || kps != nil {
			t.Errorf("context ending at check %d of %d: got %d keyphrases, error %v; want none and context.Canceled",
				live+1, n, len(kps), err)
		}
	}
}

// Wherever the context ends during a call, GetKeywords returns Canceled:
// before validation is done, while waiting for a slot, or at any check of
// the extraction. Called directly, without gRPC.
func TestGetKeywordsCanceledAtEveryCheck(t *testing.T) {
	srv := keywords.NewServer()
	req := &keywordsv1.GetKeywordsRequest{Text: paragraph}
	n := countChecks(t, func(ctx context.Context) error {
		_, err := srv.GetKeywords(ctx, req)
		return err
	})
	for live := range n {
		ctx := cancelAfterChecks(context.Background(), live)
		resp, err := srv.GetKeywords(ctx, req)
		if resp != nil {
			t.Errorf("context ending at check %d of %d: a response %v", live+1, n, resp)
		}
		checkStatus(t, err, codes.Canceled)
	}
}

// A call whose context ends in its last check, deep in the extraction,
// fails with Canceled on both sides: the host's interceptors (and so its
// logs) see Canceled, not OK.
func TestGetKeywordsCanceledMidExtraction(t *testing.T) {
	text := randomWords(16 << 10)
	n := countChecks(t, func(ctx context.Context) error {
		_, err := keywords.NewServer().GetKeywords(ctx, &keywordsv1.GetKeywordsRequest{Text: text})
		return err
	})
	w := startWatched(t, nil, func(ctx context.Context) context.Context { return cancelAfterChecks(ctx, n-1) })
	_, err := w.client.GetKeywords(context.Background(), keywords.Request{Text: text})
	checkStatus(t, err, codes.Canceled)
	w.checkHandler(t, codes.Canceled)
	w.checkLeaks(t)
}

// On a stream, a context that ends during the second request's extraction
// ends the stream with Canceled after the first answer.
func TestStreamCanceledMidExtraction(t *testing.T) {
	text := randomWords(16 << 10)
	perRequest := countChecks(t, func(ctx context.Context) error {
		_, err := keywords.NewServer().GetKeywords(ctx, &keywordsv1.GetKeywordsRequest{Text: text})
		return err
	})
	w := startWatched(t, nil, func(ctx context.Context) context.Context {
		return cancelAfterChecks(ctx, perRequest+perRequest-1)
	})
	st, err := w.client.Stream(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, id := range []string{"1", "2"} {
		if err := st.Send(keywords.Request{ID: id, Text: text}); err != nil {
			t.Fatal(err)
		}
	}
	if res, err := st.Receive(); err != nil || res.ID != "1" || len(res.Keyphrases) == 0 {
		t.Fatalf("first answer: %+v, %v", res, err)
	}
	_, err = st.Receive()
	checkStatus(t, err, codes.Canceled)
	w.checkHandler(t, codes.Canceled)
	w.checkLeaks(t)
}

// A deadline that passes while the server extracts keyphrases from a large
// text stops the extraction: the handler returns DeadlineExceeded instead
// of finishing the work for a caller that has gone.
func TestGetKeywordsDeadlineMidExtraction(t *testing.T) {
	// Extracting from this text takes tens of milliseconds or more, a
	// multiple of the deadlines below.
	text := randomWords(keywords.MaxTextBytes - 16)

	t.Run("handler deadline", func(t *testing.T) {
		w := startWatched(t, nil, nil)
		ctx := withHandlerTimeout(context.Background(), 10*time.Millisecond)
		_, err := w.client.GetKeywords(ctx, keywords.Request{Text: text})
		checkStatus(t, err, codes.DeadlineExceeded)
		w.checkHandler(t, codes.DeadlineExceeded)
		w.checkLeaks(t)
	})
	// The call's own deadline may pass before, while or after the server
	// reads the request; whichever, the client gets DeadlineExceeded at its
	// deadline and the server leaves nothing running.
	t.Run("call deadline", func(t *testing.T) {
		w := startWatched(t, nil, nil)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		_, err := w.client.GetKeywords(ctx, keywords.Request{Text: text})
		checkStatus(t, err, codes.DeadlineExceeded)
		w.checkLeaks(t)
	})
}
