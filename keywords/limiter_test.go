package keywords_test

import (
	"context"
	"runtime"
	"testing"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/seed717b8fd8/grpcexamples/keywords"
	keywordsv1 "github.com/seed717b8fd8/grpcexamples/pb/keywords/v1"
)

// limited returns a Server that runs one extraction at once, whose only
// slot is taken (as by an extraction in progress) until the returned
// release is called, and a channel that receives each time a call starts
// waiting for the slot.
func limited(t *testing.T) (*keywords.Server, <-chan struct{}, func()) {
	t.Helper()
	ks := keywords.NewServer(keywords.WithMaxConcurrentExtractions(1))
	waiting := make(chan struct{}, 8)
	keywords.OnWaitForSlot(ks, func() { waiting <- struct{}{} })
	release := keywords.HoldExtractionSlots(ks, 1)
	var once bool
	free := func() {
		if !once {
			once = true
			release()
		}
	}
	t.Cleanup(free)
	return ks, waiting, free
}

type callResult struct {
	res keywords.Result
	err error
}

func TestMaxConcurrentExtractionsDefault(t *testing.T) {
	want := max(runtime.GOMAXPROCS(0)-1, 1)
	if got := keywords.DefaultMaxConcurrentExtractions(); got != want {
		t.Errorf("DefaultMaxConcurrentExtractions() = %d, want GOMAXPROCS-1, at least 1 = %d", got, want)
	}
	for _, opts := range [][]keywords.ServerOption{
		nil,
		{keywords.WithMaxConcurrentExtractions(0)},
		{keywords.WithMaxConcurrentExtractions(-3)},
		{nil, keywords.Option(nil)},
	} {
		if got := keywords.ExtractionSlots(keywords.NewServer(opts...)); got != want {
			t.Errorf("NewServer(%d options): %d slots, want GOMAXPROCS-1 = %d", len(opts), got, want)
		}
	}
	if got := keywords.ExtractionSlots(keywords.NewServer(keywords.WithMaxConcurrentExtractions(3))); got != 3 {
		t.Errorf("WithMaxConcurrentExtractions(3): %d slots", got)
	}
	// A Server not built by NewServer works, with the default limit.
	var zero keywords.Server
	if got := keywords.ExtractionSlots(&zero); got != want {
		t.Errorf("zero Server: %d slots, want %d", got, want)
	}
	resp, err := new(keywords.Server).GetKeywords(context.Background(), &keywordsv1.GetKeywordsRequest{Text: paragraph})
	if err != nil || len(resp.GetKeywords()) == 0 {
		t.Errorf("zero Server: %v, %v", resp, err)
	}
}

// With every slot taken, a call waits until one is freed, then is answered.
func TestMaxConcurrentExtractionsWaits(t *testing.T) {
	ks, waiting, release := limited(t)
	w := startWatched(t, ks, nil)
	done := make(chan callResult, 1)
	go func() {
		res, err := w.client.GetKeywords(context.Background(), keywords.Request{Text: paragraph})
		done <- callResult{res, err}
	}()
	<-waiting
	select {
	case r := <-done:
		t.Fatalf("the call returned (%+v) while no slot was free", r)
	default:
	}
	release()
	r := <-done
	if r.err != nil {
		t.Fatal(r.err)
	}
	checkRanked(t, r.res.Keyphrases, keywords.DefaultMaxResults)
	w.checkHandler(t, codes.OK)
	w.checkLeaks(t)
}

// A call whose context ends while it waits for a slot fails with its
// context's code, on both sides, and the slot it never got stays free.
func TestMaxConcurrentExtractionsContextEnds(t *testing.T) {
	ks, waiting, release := limited(t)
	w := startWatched(t, ks, nil)

	ctx := withHandlerTimeout(context.Background(), 20*time.Millisecond)
	_, err := w.client.GetKeywords(ctx, keywords.Request{Text: paragraph})
	checkStatus(t, err, codes.DeadlineExceeded)
	w.checkHandler(t, codes.DeadlineExceeded)
	<-waiting // it did wait

	// The same called directly, without gRPC.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err = ks.GetKeywords(ctx, &keywordsv1.GetKeywordsRequest{Text: paragraph})
	checkStatus(t, err, codes.DeadlineExceeded)
	<-waiting

	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := w.client.GetKeywords(ctx, keywords.Request{Text: paragraph})
		done <- err
	}()
	<-waiting
	cancel()
	checkStatus(t, <-done, codes.Canceled)
	w.checkHandler(t, codes.Canceled)

	release()
	if _, err := w.client.GetKeywords(context.Background(), keywords.Request{Text: paragraph}); err != nil {
		t.Fatalf("after the waiters gave up: %v", err)
	}
	w.checkHandler(t, codes.OK)
	w.checkLeaks(t)
}

// Calls that need no extraction take no slot: they are answered while
// every slot is taken.
func TestMaxConcurrentExtractionsCheapCalls(t *testing.T) {
	ks, _, _ := limited(t)
	w := startWatched(t, ks, nil)
	res, err := w.client.GetKeywords(context.Background(), keywords.Request{Text: " \n", ID: "blank"})
	if err != nil || res.ID != "blank" || len(res.Keyphrases) != 0 {
		t.Errorf("blank text: %+v, %v", res, err)
	}
	_, err = w.client.GetKeywords(context.Background(), keywords.Request{Text: paragraph, MaxResults: -1})
	checkStatus(t, err, codes.InvalidArgument)
}

// On a stream each request holds a slot for its extraction only: with one
// slot, two open streams take turns, and a request waits for the slot
// like a unary call.
func TestMaxConcurrentExtractionsStream(t *testing.T) {
	ks, waiting, release := limited(t)
	w := startWatched(t, ks, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, err := w.client.Stream(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := w.client.Stream(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()

	if err := a.Send(keywords.Request{ID: "a1", Text: paragraph}); err != nil {
		t.Fatal(err)
	}
	<-waiting
	release()
	for i, st := range []*keywords.Stream{a, b, a, b} {
		id := string("ab"[i%2]) + string(rune('1'+i/2))
		if i > 0 {
			if err := st.Send(keywords.Request{ID: id, Text: paragraph}); err != nil {
				t.Fatal(err)
			}
		}
		if res, err := st.Receive(); err != nil || res.ID != id {
			t.Fatalf("answer to %s: %+v, %v", id, res, err)
		}
	}
	for _, st := range []*keywords.Stream{a, b} {
		if err := st.CloseSend(); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Receive(); err == nil {
			t.Fatal("a result after CloseSend")
		}
		w.checkHandler(t, codes.OK)
	}
	w.checkLeaks(t)
}
