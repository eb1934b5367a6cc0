package keywords_test

import (
	"context"
	"errors"
	"io"
	"testing"

	"github.com/seed717b8fd8/grpcexamples/keywords"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
)

// checkClosed asserts what a Stream does after Close: Send reports the end
// of the stream, Receive a Canceled status, and Close may be called again.
func checkClosed(t *testing.T, st *keywords.Stream) {
	t.Helper()
	st.Close()
	if err := st.Send(keywords.Request{Text: paragraph}); !errors.Is(err, io.EOF) {
		t.Errorf("Send after Close: %v, want io.EOF", err)
	}
	_, err := st.Receive()
	checkStatus(t, err, codes.Canceled)
	_, err = st.Receive()
	checkStatus(t, err, codes.Canceled)
	st.Close()
}

// Close ends the call in whatever state it is, and leaves no goroutine on
// either side.
func TestStreamClose(t *testing.T) {
	for _, tt := range []struct {
		name    string
		handler []codes.Code // what the server's handler may return
		before  func(t *testing.T, st *keywords.Stream)
	}{
		{"before any request", []codes.Code{codes.Canceled}, func(*testing.T, *keywords.Stream) {}},
		{"with a request unanswered", []codes.Code{codes.Canceled}, func(t *testing.T, st *keywords.Stream) {
			for range 3 {
				if err := st.Send(keywords.Request{Text: paragraph}); err != nil {
					t.Fatal(err)
				}
			}
		}},
		{"after an answer", []codes.Code{codes.Canceled}, func(t *testing.T, st *keywords.Stream) {
			if err := st.Send(keywords.Request{Text: paragraph}); err != nil {
				t.Fatal(err)
			}
			if _, err := st.Receive(); err != nil {
				t.Fatal(err)
			}
		}},
		// The server may answer and end the call before Close reaches it.
		{"after CloseSend", []codes.Code{codes.Canceled, codes.OK}, func(t *testing.T, st *keywords.Stream) {
			if err := st.Send(keywords.Request{Text: paragraph}); err != nil {
				t.Fatal(err)
			}
			if err := st.CloseSend(); err != nil {
				t.Fatal(err)
			}
		}},
		{"after the clean end", []codes.Code{codes.OK}, func(t *testing.T, st *keywords.Stream) {
			if err := st.CloseSend(); err != nil {
				t.Fatal(err)
			}
			if _, err := st.Receive(); err != io.EOF {
				t.Fatalf("got %v, want io.EOF", err)
			}
		}},
		{"after the server ended it", []codes.Code{codes.InvalidArgument}, func(t *testing.T, st *keywords.Stream) {
			if err := st.Send(keywords.Request{Text: paragraph, Language: "xx"}); err != nil {
				t.Fatal(err)
			}
			_, err := st.Receive()
			checkStatus(t, err, codes.InvalidArgument)
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := startWatched(t, nil, nil)
			st, err := w.client.Stream(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			tt.before(t, st)
			checkClosed(t, st)
			// The handler may have answered the requests in flight, but it
			// returns with the code of how the call ended.
			w.checkHandler(t, tt.handler...)
			w.checkLeaks(t)
		})
	}
}

// Close wakes a Receive blocked in another goroutine, and a server handler
// waiting for an extraction slot.
func TestStreamCloseUnblocks(t *testing.T) {
	ks, waiting, _ := limited(t)
	w := startWatched(t, ks, nil)
	st, err := w.client.Stream(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Send(keywords.Request{Text: paragraph}); err != nil {
		t.Fatal(err)
	}
	<-waiting
	received := make(chan error, 1)
	go func() {
		_, err := st.Receive()
		received <- err
	}()
	st.Close()
	checkStatus(t, <-received, codes.Canceled)
	w.checkHandler(t, codes.Canceled)
	checkClosed(t, st)
	w.checkLeaks(t)
}

// tinyReceive makes a call fail with ResourceExhausted when the server's
// answer is longer than 8 bytes, which every answer to paragraph is.
var tinyReceive = grpc.MaxCallRecvMsgSize(8)

// The Client's call options apply to every call, before the call's own.
func TestWithCallOptions(t *testing.T) {
	srv := start(t, nil, keywords.WithTutorialNames())
	for _, tutorial := range []bool{false, true} {
		opts := []keywords.ClientOption{keywords.WithCallOptions(tinyReceive)}
		if tutorial {
			opts = append(opts, keywords.WithTutorialServer())
		}
		c := keywords.NewClient(srv.Conn, opts...)
		_, err := c.GetKeywords(context.Background(), keywords.Request{Text: paragraph})
		checkStatus(t, err, codes.ResourceExhausted)
		// The call's own options come later and win.
		if _, err := c.GetKeywords(context.Background(), keywords.Request{Text: paragraph},
			grpc.MaxCallRecvMsgSize(1<<20)); err != nil {
			t.Errorf("tutorial %v: a call option did not override the client's: %v", tutorial, err)
		}
	}

	c := keywords.NewClient(srv.Conn, keywords.WithCallOptions(tinyReceive))
	for _, callOpts := range [][]grpc.CallOption{nil, {grpc.MaxCallRecvMsgSize(1 << 20)}} {
		st, err := c.Stream(context.Background(), callOpts...)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Send(keywords.Request{Text: paragraph}); err != nil {
			t.Fatal(err)
		}
		_, err = st.Receive()
		if callOpts == nil {
			checkStatus(t, err, codes.ResourceExhausted)
		} else if err != nil {
			t.Errorf("stream: a call option did not override the client's: %v", err)
		}
		st.Close()
	}
}

// Call options belong to the client built with them, even when clients
// share an option.
func TestWithCallOptionsIndependent(t *testing.T) {
	srv := start(t, nil)
	opt := keywords.WithCallOptions(grpc.WaitForReady(true))
	a := keywords.NewClient(srv.Conn, opt)
	b := keywords.NewClient(srv.Conn, opt, keywords.WithCallOptions(tinyReceive))
	if _, err := a.GetKeywords(context.Background(), keywords.Request{Text: paragraph}); err != nil {
		t.Errorf("client a got client b's options: %v", err)
	}
	_, err := b.GetKeywords(context.Background(), keywords.Request{Text: paragraph})
	checkStatus(t, err, codes.ResourceExhausted)
}
