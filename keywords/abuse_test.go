package keywords_test

import (
	"context"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"github.com/seed717b8fd8/grpcexamples/internal/rawcodec"
	"github.com/seed717b8fd8/grpcexamples/internal/rpcerr"
	"github.com/seed717b8fd8/grpcexamples/keywords"
	keywordsv1 "github.com/seed717b8fd8/grpcexamples/pb/keywords/v1"
)

// abuse is a server with the tutorial names, watched, for one abuse case.
type abuse struct {
	*watched
	ks *keywords.Server
}

// wireText is a GetKeywordsRequest with only text (field 1) set, encoded by
// hand, so that it can carry bytes protobuf-go refuses to encode.
func wireText(text string) []byte {
	return protowire.AppendString(protowire.AppendTag(nil, 1, protowire.BytesType), text)
}

// streamRaw sends reqs on StreamKeywords as raw bytes, closes the sending
// side, and returns the first error of Receive (nil if the stream ended
// with OK).
func streamRaw(ctx context.Context, a *abuse, reqs ...[]byte) error {
	desc := &keywordsv1.KeywordService_ServiceDesc.Streams[0]
	st, err := a.srv.Conn.NewStream(ctx, desc, keywordsv1.KeywordService_StreamKeywords_FullMethodName, rawcodec.CallOption())
	if err != nil {
		return err
	}
	for _, req := range reqs {
		if err := st.SendMsg(req); err != nil {
			break // the status comes from RecvMsg
		}
	}
	_ = st.CloseSend()
	for {
		var resp []byte
		if err := st.RecvMsg(&resp); err != nil {
			if err == io.EOF {
				return nil
			}
			return err
		}
	}
}

// streamRequests sends reqs on a typed Stream and returns the IDs of the
// results received, in order, and the error that ended the stream (nil for
// OK).
func streamRequests(ctx context.Context, a *abuse, reqs ...keywords.Request) ([]string, error) {
	st, err := a.client.Stream(ctx)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	for _, req := range reqs {
		if err := st.Send(req); err != nil {
			if err == io.EOF {
				break
			}
			return nil, err
		}
	}
	_ = st.CloseSend()
	var ids []string
	for {
		res, err := st.Receive()
		if err == io.EOF {
			return ids, nil
		}
		if err != nil {
			return ids, err
		}
		ids = append(ids, res.ID)
	}
}

func cancelled() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}

func expired(t *testing.T) context.Context {
	ctx, cancel := context.WithDeadline(context.Background(), time.Unix(0, 0))
	t.Cleanup(cancel)
	return ctx
}

// TestAbuse sends every kind of bad input a caller controls and checks the
// documented code, an actionable message, what the server's handler
// returned (which the host's interceptors log), and that no goroutine is
// left. A panic would end the test binary.
func TestAbuse(t *testing.T) {
	over := strings.Repeat("a", keywords.MaxTextBytes+1)
	huge := strings.Repeat("é", 1<<19) // 1 MiB to quote in a message
	const maxMessage = 1 << 10         // a status message quotes a bounded part of any value

	tests := []struct {
		name string
		opts []keywords.ServerOption
		call func(t *testing.T, a *abuse) error
		want codes.Code
		// handler lists the codes the server's handler may return; none
		// when the call must be refused before reaching it, or when call
		// checks them itself.
		handler      []codes.Code
		callsHandler bool     // call checks the handlers' codes
		msg          []string // substrings of the status message
	}{
		{name: "text one byte over MaxTextBytes", want: codes.InvalidArgument, handler: []codes.Code{codes.InvalidArgument},
			msg: []string{fmt.Sprint(keywords.MaxTextBytes + 1), "keywords.MaxTextBytes"},
			call: func(t *testing.T, a *abuse) error {
				_, err := a.client.GetKeywords(context.Background(), keywords.Request{Text: over})
				return err
			}},
		{name: "text one byte over MaxTextBytes, stream", want: codes.InvalidArgument, handler: []codes.Code{codes.InvalidArgument},
			msg: []string{"request 1", fmt.Sprint(keywords.MaxTextBytes + 1)},
			call: func(t *testing.T, a *abuse) error {
				_, err := streamRequests(context.Background(), a, keywords.Request{Text: over})
				return err
			}},
		{name: "invalid UTF-8, Server called in Go", want: codes.InvalidArgument, msg: []string{"UTF-8", "offset 4"},
			call: func(t *testing.T, a *abuse) error {
				_, err := a.ks.GetKeywords(context.Background(), &keywordsv1.GetKeywordsRequest{Text: "café\xff"[1:]})
				return err
			}},
		{name: "invalid UTF-8, typed client", want: codes.InvalidArgument, msg: []string{"UTF-8"},
			call: func(t *testing.T, a *abuse) error {
				_, err := a.client.GetKeywords(context.Background(), keywords.Request{Text: "ok \xff"})
				return err
			}},
		// grpc-go's proto codec refuses the request before any handler or
		// interceptor runs: Internal, not the InvalidArgument of Go calls.
		{name: "invalid UTF-8 on the wire", want: codes.Internal, msg: []string{"UTF-8"},
			call: func(t *testing.T, a *abuse) error {
				_, err := rawcodec.Invoke(context.Background(), a.srv.Conn, keywordsv1.KeywordService_GetKeywords_FullMethodName, wireText("ok \xff"))
				return err
			}},
		{name: "invalid UTF-8 on the wire, tutorial name", want: codes.Internal, msg: []string{"UTF-8"},
			call: func(t *testing.T, a *abuse) error {
				_, err := rawcodec.Invoke(context.Background(), a.srv.Conn, "/KeywordService/GetKeywords", wireText("\xc3("))
				return err
			}},
		{name: "invalid UTF-8 on the wire, stream", want: codes.Internal, handler: []codes.Code{codes.Internal}, msg: []string{"UTF-8"},
			call: func(t *testing.T, a *abuse) error {
				return streamRaw(context.Background(), a, wireText(paragraph), wireText("\xff"))
			}},
		{name: "malformed protobuf on the wire", want: codes.Internal,
			call: func(t *testing.T, a *abuse) error {
				_, err := rawcodec.Invoke(context.Background(), a.srv.Conn, keywordsv1.KeywordService_GetKeywords_FullMethodName, []byte{0x0a, 0xff})
				return err
			}},
		{name: "max_results -1", want: codes.InvalidArgument, handler: []codes.Code{codes.InvalidArgument},
			msg: []string{"-1", fmt.Sprint(keywords.MaxResultsLimit)},
			call: func(t *testing.T, a *abuse) error {
				_, err := a.pb.GetKeywords(context.Background(), &keywordsv1.GetKeywordsRequest{Text: paragraph, MaxResults: -1})
				return err
			}},
		{name: "max_results 101", want: codes.InvalidArgument, handler: []codes.Code{codes.InvalidArgument},
			msg: []string{"101", fmt.Sprint(keywords.MaxResultsLimit)},
			call: func(t *testing.T, a *abuse) error {
				_, err := a.pb.GetKeywords(context.Background(), &keywordsv1.GetKeywordsRequest{Text: paragraph, MaxResults: keywords.MaxResultsLimit + 1})
				return err
			}},
		{name: "max_results MaxInt32", want: codes.InvalidArgument, handler: []codes.Code{codes.InvalidArgument},
			msg: []string{fmt.Sprint(math.MaxInt32)},
			call: func(t *testing.T, a *abuse) error {
				_, err := a.pb.GetKeywords(context.Background(), &keywordsv1.GetKeywordsRequest{Text: paragraph, MaxResults: math.MaxInt32})
				return err
			}},
		{name: "max_results MinInt32", want: codes.InvalidArgument, handler: []codes.Code{codes.InvalidArgument},
			msg: []string{fmt.Sprint(math.MinInt32)},
			call: func(t *testing.T, a *abuse) error {
				_, err := a.pb.GetKeywords(context.Background(), &keywordsv1.GetKeywordsRequest{Text: paragraph, MaxResults: math.MinInt32})
				return err
			}},
		{name: "unknown language", want: codes.InvalidArgument, handler: []codes.Code{codes.InvalidArgument},
			msg: append([]string{`"xx"`}, keywords.Languages()...),
			call: func(t *testing.T, a *abuse) error {
				_, err := a.client.GetKeywords(context.Background(), keywords.Request{Text: paragraph, Language: "xx"})
				return err
			}},
		{name: "language with spaces", want: codes.InvalidArgument, handler: []codes.Code{codes.InvalidArgument},
			msg: []string{`" en"`},
			call: func(t *testing.T, a *abuse) error {
				_, err := a.client.GetKeywords(context.Background(), keywords.Request{Text: paragraph, Language: " en"})
				return err
			}},
		{name: "language of 1 MiB", want: codes.InvalidArgument, handler: []codes.Code{codes.InvalidArgument},
			msg: []string{"(1048576 bytes)"},
			call: func(t *testing.T, a *abuse) error {
				_, err := a.client.GetKeywords(context.Background(), keywords.Request{Text: paragraph, Language: huge})
				return err
			}},
		{name: "language in odd case", want: codes.OK, callsHandler: true,
			call: func(t *testing.T, a *abuse) error {
				for _, lang := range []string{"eN", "En", "DE"} {
					res, err := a.client.GetKeywords(context.Background(), keywords.Request{Text: paragraph, Language: lang})
					if err != nil {
						return err
					}
					if res.Language != strings.ToLower(lang) || len(res.Keyphrases) == 0 {
						t.Errorf("language %q: %+v", lang, res)
					}
					a.checkHandler(t, codes.OK)
				}
				return nil
			}},
		{name: "empty text", want: codes.OK, handler: []codes.Code{codes.OK},
			call: func(t *testing.T, a *abuse) error {
				res, err := a.client.GetKeywords(context.Background(), keywords.Request{ID: "e"})
				if err == nil && (len(res.Keyphrases) != 0 || res.ID != "e") {
					t.Errorf("got %+v, want no keyphrases and ID e", res)
				}
				return err
			}},
		{name: "only white space", want: codes.OK, handler: []codes.Code{codes.OK},
			call: func(t *testing.T, a *abuse) error {
				res, err := a.client.GetKeywords(context.Background(), keywords.Request{Text: strings.Repeat(" \t\r\n\u00a0\u2003", 1000)})
				if err == nil && len(res.Keyphrases) != 0 {
					t.Errorf("got %+v, want no keyphrases", res)
				}
				return err
			}},
		{name: "only punctuation and control characters", want: codes.OK, handler: []codes.Code{codes.OK},
			call: func(t *testing.T, a *abuse) error {
				_, err := a.client.GetKeywords(context.Background(), keywords.Request{Text: strings.Repeat(".,;\x00\x1b!?", 1000)})
				return err
			}},
		{name: "cancelled context, Server called in Go", want: codes.Canceled,
			call: func(t *testing.T, a *abuse) error {
				_, err := a.ks.GetKeywords(cancelled(), &keywordsv1.GetKeywordsRequest{Text: paragraph})
				return err
			}},
		{name: "cancelled context", want: codes.Canceled,
			call: func(t *testing.T, a *abuse) error {
				_, err := a.client.GetKeywords(cancelled(), keywords.Request{Text: paragraph})
				return err
			}},
		{name: "cancelled context, stream", want: codes.Canceled,
			call: func(t *testing.T, a *abuse) error {
				_, err := streamRequests(cancelled(), a, keywords.Request{Text: paragraph})
				return err
			}},
		{name: "expired deadline, Server called in Go", want: codes.DeadlineExceeded,
			call: func(t *testing.T, a *abuse) error {
				_, err := a.ks.GetKeywords(expired(t), &keywordsv1.GetKeywordsRequest{Text: paragraph})
				return err
			}},
		{name: "expired deadline", want: codes.DeadlineExceeded,
			call: func(t *testing.T, a *abuse) error {
				_, err := a.client.GetKeywords(expired(t), keywords.Request{Text: paragraph})
				return err
			}},
		{name: "stream with a bad request in the middle", want: codes.InvalidArgument, handler: []codes.Code{codes.InvalidArgument},
			msg: []string{"request 2", `"bad"`, "101"},
			call: func(t *testing.T, a *abuse) error {
				ids, err := streamRequests(context.Background(), a,
					keywords.Request{ID: "good", Text: paragraph},
					keywords.Request{ID: "bad", Text: paragraph, MaxResults: 101},
					keywords.Request{ID: "after", Text: paragraph})
				if len(ids) != 1 || ids[0] != "good" {
					t.Errorf("results %q, want the answer to good only", ids)
				}
				return err
			}},
		{name: "stream with a bad request of a 1 MiB id", want: codes.InvalidArgument, handler: []codes.Code{codes.InvalidArgument},
			msg: []string{"request 1", "(1048576 bytes)"},
			call: func(t *testing.T, a *abuse) error {
				_, err := streamRequests(context.Background(), a, keywords.Request{ID: huge, Text: paragraph, Language: "xx"})
				return err
			}},
		{name: "id of 1 MiB", want: codes.InvalidArgument, handler: []codes.Code{codes.InvalidArgument},
			msg: []string{"id is 1048576 bytes", "keywords.MaxIDBytes"},
			call: func(t *testing.T, a *abuse) error {
				_, err := a.client.GetKeywords(context.Background(), keywords.Request{ID: huge, Text: paragraph})
				return err
			}},
		{name: "id one byte over MaxIDBytes, stream", want: codes.InvalidArgument, handler: []codes.Code{codes.InvalidArgument},
			msg: []string{"request 1", "id is 257 bytes", "keywords.MaxIDBytes"},
			call: func(t *testing.T, a *abuse) error {
				_, err := streamRequests(context.Background(), a, keywords.Request{ID: strings.Repeat("i", keywords.MaxIDBytes+1), Text: paragraph})
				return err
			}},
		{name: "id of MaxIDBytes", want: codes.OK, handler: []codes.Code{codes.OK},
			call: func(t *testing.T, a *abuse) error {
				id := strings.Repeat("i", keywords.MaxIDBytes)
				res, err := a.client.GetKeywords(context.Background(), keywords.Request{ID: id, Text: paragraph})
				if err == nil && res.ID != id {
					t.Errorf("id of %d bytes came back as %d bytes", len(id), len(res.ID))
				}
				return err
			}},
		{name: "stream with blank texts in the middle", want: codes.OK, handler: []codes.Code{codes.OK},
			call: func(t *testing.T, a *abuse) error {
				ids, err := streamRequests(context.Background(), a,
					keywords.Request{ID: "1", Text: paragraph}, keywords.Request{ID: "2"}, keywords.Request{ID: "3", Text: paragraph})
				if strings.Join(ids, ",") != "1,2,3" {
					t.Errorf("results %q, want 1, 2, 3", ids)
				}
				return err
			}},
		{name: "every extraction slot busy", want: codes.DeadlineExceeded, handler: []codes.Code{codes.DeadlineExceeded},
			call: func(t *testing.T, a *abuse) error {
				defer keywords.HoldExtractionSlots(a.ks, keywords.ExtractionSlots(a.ks))()
				ctx := withHandlerTimeout(context.Background(), 20*time.Millisecond)
				_, err := a.client.GetKeywords(ctx, keywords.Request{Text: "A small text."})
				return err
			}},
		{name: "most results of a text with many phrases", want: codes.OK, handler: []codes.Code{codes.OK},
			call: func(t *testing.T, a *abuse) error {
				res, err := a.client.GetKeywords(context.Background(), keywords.Request{Text: randomWords(16 << 10), MaxResults: keywords.MaxResultsLimit})
				if n := len(res.Keyphrases); n == 0 || n > keywords.MaxResultsLimit {
					t.Errorf("%d keyphrases, want 1 to %d", n, keywords.MaxResultsLimit)
				}
				return err
			}},
		{name: "server default above MaxResultsLimit", want: codes.OK, handler: []codes.Code{codes.OK},
			opts: []keywords.ServerOption{keywords.WithMaxResults(10 * keywords.MaxResultsLimit)},
			call: func(t *testing.T, a *abuse) error {
				resp, err := a.pb.GetKeywords(context.Background(), &keywordsv1.GetKeywordsRequest{Text: randomWords(16 << 10)})
				if n := len(resp.GetKeywords()); n == 0 || n > keywords.MaxResultsLimit || len(resp.GetKeyphrases()) != n {
					t.Errorf("%d keywords, %d keyphrases, want the same number, 1 to %d", n, len(resp.GetKeyphrases()), keywords.MaxResultsLimit)
				}
				if size := proto.Size(resp); size > keywords.MaxResponseBytes {
					t.Errorf("response of %d bytes, documented to be at most MaxResponseBytes = %d", size, keywords.MaxResponseBytes)
				}
				return err
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ks := keywords.NewServer(tt.opts...)
			a := &abuse{watched: startWatched(t, ks, nil, keywords.WithTutorialNames()), ks: ks}
			err := tt.call(t, a)
			checkStatus(t, err, tt.want, tt.msg...)
			if msg := fmt.Sprint(err); len(msg) > maxMessage {
				t.Errorf("status message of %d bytes, want at most %d", len(msg), maxMessage)
			}
			if slices.Contains(tt.handler, codes.InvalidArgument) {
				checkRequestDetails(t, err)
			}
			switch {
			case tt.callsHandler:
			case tt.handler == nil:
				a.checkNoHandler(t)
			default:
				a.checkHandler(t, tt.handler...)
			}
			a.checkLeaks(t)
		})
	}
}

// checkRequestDetails checks that a request the service refused carries
// the details of one documented field and reason, and that the whole
// status, details included, stays small whatever the request held: it
// travels in a trailer.
func checkRequestDetails(t *testing.T, err error) {
	t.Helper()
	fields := map[string][]string{
		"text":        {"TEXT_TOO_LONG", "TEXT_INVALID_UTF8"},
		"max_results": {"MAX_RESULTS_OUT_OF_RANGE"},
		"language":    {"LANGUAGE_UNSUPPORTED"},
		"id":          {"ID_TOO_LONG"},
	}
	d := rpcerr.Summarize(err)
	if d.Domain != "grpcexamples" || len(d.Fields) != 1 || !slices.Contains(fields[d.Fields[0]], d.Reason) ||
		!slices.Equal(d.FieldReasons, []string{d.Reason}) || len(d.Descriptions) != 1 || d.Descriptions[0] == "" {
		t.Errorf("details %+v; want one documented field and reason", d)
	}
	const maxStatus = 4 << 10
	if size := proto.Size(status.Convert(err).Proto()); size > maxStatus {
		t.Errorf("status with details of %d bytes, want at most %d", size, maxStatus)
	}
}
