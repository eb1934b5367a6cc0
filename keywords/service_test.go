package keywords_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/seed717b8fd8/grpcexamples/bufconntest"
	"github.com/seed717b8fd8/grpcexamples/internal/rpcerr"
	"github.com/seed717b8fd8/grpcexamples/internal/tutorialpb/nltk_service"
	"github.com/seed717b8fd8/grpcexamples/keywords"
	keywordsv1 "github.com/seed717b8fd8/grpcexamples/pb/keywords/v1"
)

// paragraph is a real English paragraph about one clear topic: "protocol
// buffers" dominates it, so any real extractor ranks a phrase containing
// it among its results.
const paragraph = `Protocol buffers describe structured data in a small schema
language. A compiler turns each protocol buffers schema into code for Go,
Java, Python and other languages, and the generated code reads and writes
the compact binary encoding. Because fields are numbered, protocol buffers
let old and new programs exchange messages: a reader skips the fields it
does not know. Services built on gRPC use protocol buffers for their
requests and responses, and the same schema file documents the contract
between client and server teams.`

const dominant = "protocol buffer"

// start serves a keywords.Server built with srvOpts, registered with
// regOpts, in memory for the duration of the test.
func start(t *testing.T, srvOpts []keywords.ServerOption, regOpts ...keywords.RegisterOption) *bufconntest.Server {
	t.Helper()
	return bufconntest.Start(t, func(s grpc.ServiceRegistrar) {
		keywords.Register(s, keywords.NewServer(srvOpts...), regOpts...)
	})
}

// checkRanked asserts the properties every real extraction has: at least
// one and at most max phrases, non-empty texts, scores in (0, 1] and not
// increasing.
func checkRanked(t *testing.T, kps []keywords.Keyphrase, max int) {
	t.Helper()
	if len(kps) == 0 {
		t.Fatal("no keyphrases for a real paragraph")
	}
	if len(kps) > max {
		t.Errorf("%d keyphrases, want at most %d", len(kps), max)
	}
	for i, kp := range kps {
		if strings.TrimSpace(kp.Text) == "" {
			t.Errorf("keyphrase %d is blank: %+v", i, kp)
		}
		if !(kp.Score > 0 && kp.Score <= 1) {
			t.Errorf("keyphrase %d %q has score %v, want (0, 1]", i, kp.Text, kp.Score)
		}
		if i > 0 && kp.Score > kps[i-1].Score {
			t.Errorf("not ranked: %q (%v) after %q (%v)", kp.Text, kp.Score, kps[i-1].Text, kps[i-1].Score)
		}
	}
}

func containsPhrase(kps []keywords.Keyphrase, sub string) bool {
	return slices.ContainsFunc(kps, func(kp keywords.Keyphrase) bool {
		return strings.Contains(strings.ToLower(kp.Text), sub)
	})
}

func TestGetKeywords(t *testing.T) {
	srv := start(t, nil)
	c := keywords.NewClient(srv.Conn)
	res, err := c.GetKeywords(context.Background(), keywords.Request{Text: paragraph, ID: "doc-1"})
	if err != nil {
		t.Fatal(err)
	}
	checkRanked(t, res.Keyphrases, keywords.DefaultMaxResults)
	if !containsPhrase(res.Keyphrases, dominant) {
		t.Errorf("no keyphrase contains %q: %+v", dominant, res.Keyphrases)
	}
	if res.ID != "doc-1" {
		t.Errorf("ID = %q, want the request's doc-1", res.ID)
	}
	if want := keywords.DetectLanguage(paragraph); res.Language != want || want == "" {
		t.Errorf("Language = %q, want the detected %q (non-empty)", res.Language, want)
	}
	// The service answers what Extract answers, with scores relative to the
	// best one.
	want := keywords.Extract(paragraph, keywords.WithLanguage(res.Language))
	if len(res.Keyphrases) != len(want) {
		t.Fatalf("service returned %+v,\nExtract returns %+v", res.Keyphrases, want)
	}
	for i, kp := range res.Keyphrases {
		if kp.Text != want[i].Text || math.Abs(kp.Score-want[i].Score/want[0].Score) > 1e-9 {
			t.Errorf("keyphrase %d: service %+v, Extract %+v (best %v)", i, kp, want[i], want[0].Score)
		}
	}
	if res.Keyphrases[0].Score != 1 {
		t.Errorf("best score %v, want 1", res.Keyphrases[0].Score)
	}
}

// The tutorial's field 1 (keywords) must carry the same phrases, in the
// same order, as the scored keyphrases.
func TestGetKeywordsResponseFields(t *testing.T) {
	srv := start(t, nil)
	resp, err := keywordsv1.NewKeywordServiceClient(srv.Conn).GetKeywords(context.Background(),
		&keywordsv1.GetKeywordsRequest{Text: paragraph, MaxResults: 7, Id: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.GetKeywords()) == 0 {
		t.Fatal("no keywords for a real paragraph")
	}
	if len(resp.GetKeywords()) > 7 {
		t.Errorf("%d keywords, want at most 7", len(resp.GetKeywords()))
	}
	var texts []string
	for _, kp := range resp.GetKeyphrases() {
		texts = append(texts, kp.GetText())
	}
	if !slices.Equal(resp.GetKeywords(), texts) {
		t.Errorf("keywords %q differ from keyphrase texts %q", resp.GetKeywords(), texts)
	}
	if resp.GetId() != "x" {
		t.Errorf("id = %q, want x", resp.GetId())
	}
}

func TestGetKeywordsMaxResults(t *testing.T) {
	srv := start(t, nil)
	c := keywords.NewClient(srv.Conn)
	for _, n := range []int{1, 3, keywords.MaxResultsLimit} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			res, err := c.GetKeywords(context.Background(), keywords.Request{Text: paragraph, MaxResults: n})
			if err != nil {
				t.Fatal(err)
			}
			checkRanked(t, res.Keyphrases, n)
		})
	}
}

// A language given to NewServer replaces detection for requests without one.
func TestNewServerLanguage(t *testing.T) {
	langs := keywords.Languages()
	lang := langs[len(langs)-1]
	if lang == keywords.DetectLanguage(paragraph) {
		lang = langs[0]
	}
	srv := start(t, []keywords.ServerOption{keywords.WithLanguage(strings.ToUpper(lang))})
	c := keywords.NewClient(srv.Conn)
	res, err := c.GetKeywords(context.Background(), keywords.Request{Text: paragraph})
	if err != nil {
		t.Fatal(err)
	}
	if res.Language != lang {
		t.Errorf("Language = %q, want the server's default %q", res.Language, lang)
	}
	res, err = c.GetKeywords(context.Background(), keywords.Request{Text: paragraph, Language: "en"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Language != "en" {
		t.Errorf("Language = %q, want the requested en", res.Language)
	}
}

// Options given to NewServer are the defaults of every request.
func TestNewServerOptions(t *testing.T) {
	srv := start(t, []keywords.ServerOption{keywords.WithMaxResults(2)})
	c := keywords.NewClient(srv.Conn)
	res, err := c.GetKeywords(context.Background(), keywords.Request{Text: paragraph})
	if err != nil {
		t.Fatal(err)
	}
	checkRanked(t, res.Keyphrases, 2)
	// A request's own max results overrides the server's default.
	res, err = c.GetKeywords(context.Background(), keywords.Request{Text: paragraph, MaxResults: 1})
	if err != nil {
		t.Fatal(err)
	}
	checkRanked(t, res.Keyphrases, 1)
}

func TestGetKeywordsLanguage(t *testing.T) {
	srv := start(t, nil)
	c := keywords.NewClient(srv.Conn)
	for _, lang := range keywords.Languages() {
		t.Run(lang, func(t *testing.T) {
			res, err := c.GetKeywords(context.Background(), keywords.Request{Text: paragraph, Language: lang})
			if err != nil {
				t.Fatal(err)
			}
			if res.Language != lang {
				t.Errorf("Language = %q, want the requested %q", res.Language, lang)
			}
			// Codes are case-insensitive; the response gives the canonical one.
			res, err = c.GetKeywords(context.Background(), keywords.Request{Text: paragraph, Language: strings.ToUpper(lang)})
			if err != nil {
				t.Fatal(err)
			}
			if res.Language != lang {
				t.Errorf("Language = %q for %q, want %q", res.Language, strings.ToUpper(lang), lang)
			}
		})
	}
}

// Without a language in the request, the response names the stop list
// used: the detected language, English for Latin-script text too short to
// detect (as Extract does), and none for a script without a stop list.
func TestGetKeywordsLanguageUsed(t *testing.T) {
	srv := start(t, nil)
	c := keywords.NewClient(srv.Conn)
	for _, tt := range []struct{ text, want string }{
		{paragraph, "en"},
		{"Der Server erkennt die Sprache des Textes und wählt die passende Stoppwortliste.", "de"},
		{"Protocol buffers encode gRPC messages.", "en"},
		{"Τα πρωτόκολλα επικοινωνίας ορίζουν μηνύματα.", ""},
	} {
		res, err := c.GetKeywords(context.Background(), keywords.Request{Text: tt.text})
		if err != nil {
			t.Fatal(err)
		}
		if res.Language != tt.want {
			t.Errorf("Language = %q for %q, want %q", res.Language, tt.text, tt.want)
		}
		if len(res.Keyphrases) == 0 {
			t.Errorf("no keyphrases for %q", tt.text)
		}
	}
}

// Blank text is not an error: it has no keyphrases.
func TestGetKeywordsBlankText(t *testing.T) {
	srv := start(t, nil)
	c := keywords.NewClient(srv.Conn)
	lang := keywords.Languages()[0]
	for _, text := range []string{"", " \n\t "} {
		res, err := c.GetKeywords(context.Background(), keywords.Request{Text: text, ID: "b", Language: lang})
		if err != nil {
			t.Fatalf("text %q: %v", text, err)
		}
		if len(res.Keyphrases) != 0 || res.ID != "b" || res.Language != lang {
			t.Errorf("text %q: got %+v, want no keyphrases, ID b, Language %q", text, res, lang)
		}
	}
}

func TestGetKeywordsInvalidArgument(t *testing.T) {
	srv := start(t, nil)
	c := keywords.NewClient(srv.Conn)
	tests := []struct {
		name string
		req  keywords.Request
		msg  []string // substrings the message must hold
	}{
		{"text too long", keywords.Request{Text: strings.Repeat("a", keywords.MaxTextBytes+1)},
			[]string{fmt.Sprint(keywords.MaxTextBytes + 1), fmt.Sprint(keywords.MaxTextBytes)}},
		{"invalid UTF-8", keywords.Request{Text: "ok \xff"}, []string{"UTF-8", "offset 3"}},
		{"negative max results", keywords.Request{Text: paragraph, MaxResults: -1}, []string{"-1", fmt.Sprint(keywords.MaxResultsLimit)}},
		{"max results above limit", keywords.Request{Text: paragraph, MaxResults: keywords.MaxResultsLimit + 1},
			[]string{fmt.Sprint(keywords.MaxResultsLimit + 1), fmt.Sprint(keywords.MaxResultsLimit)}},
		{"max results beyond int32", keywords.Request{Text: paragraph, MaxResults: 1 << 40}, []string{"max_results"}},
		{"unsupported language", keywords.Request{Text: paragraph, Language: "xx"},
			append([]string{`"xx"`}, keywords.Languages()...)},
		{"blank text is still checked", keywords.Request{Text: " ", Language: "xx"}, []string{`"xx"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.GetKeywords(context.Background(), tt.req)
			checkStatus(t, err, codes.InvalidArgument, tt.msg...)
		})
	}
}

// Invalid UTF-8 cannot cross the wire from a Go client (protobuf refuses to
// encode it), and the server's codec refuses it from other clients with
// Internal (see TestAbuse); a direct Go caller gets InvalidArgument.
func TestServerInvalidUTF8(t *testing.T) {
	_, err := keywords.NewServer().GetKeywords(context.Background(), &keywordsv1.GetKeywordsRequest{Text: "\xc3("})
	checkStatus(t, err, codes.InvalidArgument, "UTF-8", "offset 0")
}

func TestServerContextEnded(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := keywords.NewServer().GetKeywords(ctx, &keywordsv1.GetKeywordsRequest{Text: paragraph})
	checkStatus(t, err, codes.Canceled)

	ctx, cancel = context.WithTimeout(context.Background(), 0)
	defer cancel()
	_, err = keywords.NewServer().GetKeywords(ctx, &keywordsv1.GetKeywordsRequest{Text: paragraph})
	checkStatus(t, err, codes.DeadlineExceeded)

	srv := start(t, nil)
	_, err = keywords.NewClient(srv.Conn).GetKeywords(ctx, keywords.Request{Text: paragraph})
	checkStatus(t, err, codes.DeadlineExceeded)
}

func checkStatus(t *testing.T, err error, code codes.Code, msg ...string) {
	t.Helper()
	if status.Code(err) != code {
		t.Fatalf("got %v, want code %v", err, code)
	}
	for _, m := range msg {
		if !strings.Contains(status.Convert(err).Message(), m) {
			t.Errorf("message %q does not mention %q", status.Convert(err).Message(), m)
		}
	}
}

func TestGetKeywordsConcurrent(t *testing.T) {
	srv := start(t, nil)
	c := keywords.NewClient(srv.Conn)
	want, err := c.GetKeywords(context.Background(), keywords.Request{Text: paragraph})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			got, err := c.GetKeywords(context.Background(), keywords.Request{Text: paragraph})
			if err != nil {
				t.Error(err)
				return
			}
			if !slices.Equal(got.Keyphrases, want.Keyphrases) {
				t.Errorf("concurrent call returned %+v, want %+v", got.Keyphrases, want.Keyphrases)
			}
		})
	}
	wg.Wait()
}

func TestStream(t *testing.T) {
	srv := start(t, nil)
	c := keywords.NewClient(srv.Conn)
	st, err := c.Stream(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	texts := []string{paragraph, "", strings.ToUpper(paragraph), paragraph}
	// Send from one goroutine while receiving in another, as the stream is
	// meant to be used.
	sendErr := make(chan error, 1)
	go func() {
		for i, text := range texts {
			if err := st.Send(keywords.Request{ID: fmt.Sprint(i), Text: text, MaxResults: 3}); err != nil {
				sendErr <- err
				return
			}
		}
		sendErr <- st.CloseSend()
	}()
	for i, text := range texts {
		res, err := st.Receive()
		if err != nil {
			t.Fatalf("Receive %d: %v", i, err)
		}
		if res.ID != fmt.Sprint(i) {
			t.Fatalf("result %d has ID %q: out of order", i, res.ID)
		}
		if text == "" {
			if len(res.Keyphrases) != 0 {
				t.Errorf("blank text %d: %+v", i, res.Keyphrases)
			}
			continue
		}
		checkRanked(t, res.Keyphrases, 3)
	}
	if _, err := st.Receive(); err != io.EOF {
		t.Errorf("after the last result: %v, want io.EOF", err)
	}
	if err := <-sendErr; err != nil {
		t.Error(err)
	}
}

// The same text gets the same answer on a stream as in a unary call.
func TestStreamMatchesGetKeywords(t *testing.T) {
	srv := start(t, nil)
	c := keywords.NewClient(srv.Conn)
	req := keywords.Request{ID: "p", Text: paragraph, MaxResults: 5}
	want, err := c.GetKeywords(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	st, err := c.Stream(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Send(req); err != nil {
		t.Fatal(err)
	}
	if err := st.CloseSend(); err != nil {
		t.Fatal(err)
	}
	got, err := st.Receive()
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != want.ID || got.Language != want.Language || !slices.Equal(got.Keyphrases, want.Keyphrases) {
		t.Errorf("stream: %+v\nunary: %+v", got, want)
	}
	if _, err := st.Receive(); err != io.EOF {
		t.Errorf("got %v, want io.EOF", err)
	}
}

func TestStreamInvalidRequest(t *testing.T) {
	srv := start(t, nil)
	c := keywords.NewClient(srv.Conn)
	st, err := c.Stream(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Send(keywords.Request{ID: "good", Text: paragraph}); err != nil {
		t.Fatal(err)
	}
	if err := st.Send(keywords.Request{ID: "bad", Text: paragraph, MaxResults: -5}); err != nil {
		t.Fatal(err)
	}
	res, err := st.Receive()
	if err != nil || res.ID != "good" {
		t.Fatalf("first result: %+v, %v; want the answer to good", res, err)
	}
	_, err = st.Receive()
	checkStatus(t, err, codes.InvalidArgument, "request 2", `"bad"`, "-5")
	// The stream has ended: sending more reports io.EOF.
	if err := st.Send(keywords.Request{Text: "more"}); err != io.EOF {
		t.Errorf("Send after the end: %v, want io.EOF", err)
	}
}

// Invalid UTF-8 is refused on the client and leaves the stream usable.
func TestStreamSendInvalidUTF8(t *testing.T) {
	srv := start(t, nil)
	st, err := keywords.NewClient(srv.Conn).Stream(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	checkStatus(t, st.Send(keywords.Request{Text: "\xff"}), codes.InvalidArgument, "UTF-8")
	if err := st.Send(keywords.Request{ID: "next", Text: paragraph}); err != nil {
		t.Fatal(err)
	}
	_ = st.CloseSend()
	if res, err := st.Receive(); err != nil || res.ID != "next" {
		t.Fatalf("got %+v, %v", res, err)
	}
	if _, err := st.Receive(); err != io.EOF {
		t.Errorf("got %v, want io.EOF", err)
	}
}

// streamAnswering opens a stream on srv with ctx and checks it answers one
// request, so that what a test does next happens mid-stream.
func streamAnswering(t *testing.T, ctx context.Context, srv *bufconntest.Server) *keywords.Stream {
	t.Helper()
	st, err := keywords.NewClient(srv.Conn).Stream(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Send(keywords.Request{ID: "1", Text: paragraph}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Receive(); err != nil {
		t.Fatal(err)
	}
	return st
}

// Cancelling the context ends the stream on both sides; goleak (TestMain)
// proves the server's handler returned.
func TestStreamCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st := streamAnswering(t, ctx, start(t, nil))
	cancel()
	_, err := st.Receive()
	checkStatus(t, err, codes.Canceled)
}

// A stream whose deadline passes ends with DeadlineExceeded.
func TestStreamDeadline(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	st := streamAnswering(t, ctx, start(t, nil))
	_, err := st.Receive() // nothing more was sent: waits for the deadline
	checkStatus(t, err, codes.DeadlineExceeded)
}

// A stream whose server goes away ends with Unavailable.
func TestStreamServerStopped(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv := start(t, nil)
	st := streamAnswering(t, ctx, srv)
	srv.GRPCServer.Stop()
	_, err := st.Receive()
	checkStatus(t, err, codes.Unavailable)
}

// recordMethods is a server interceptor that records the method paths called.
type recordMethods struct {
	mu      sync.Mutex
	methods []string
}

func (r *recordMethods) intercept(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
	r.mu.Lock()
	r.methods = append(r.methods, info.FullMethod)
	r.mu.Unlock()
	return h(ctx, req)
}

// A client generated from the tutorial's .proto gets the tutorial's
// behaviour when the service is registered WithTutorialNames.
func TestTutorialNames(t *testing.T) {
	var rec recordMethods
	srv := bufconntest.Start(t, func(s grpc.ServiceRegistrar) {
		keywords.Register(s, keywords.NewServer(), keywords.WithTutorialNames())
	}, bufconntest.WithServerOptions(grpc.UnaryInterceptor(rec.intercept)))

	resp, err := nltk_service.NewKeywordServiceClient(srv.Conn).GetKeywords(context.Background(),
		&nltk_service.Request{Text: paragraph})
	if err != nil {
		t.Fatal(err)
	}
	want, err := keywords.NewClient(srv.Conn).GetKeywords(context.Background(), keywords.Request{Text: paragraph})
	if err != nil {
		t.Fatal(err)
	}
	var wantWords []string
	for _, kp := range want.Keyphrases {
		wantWords = append(wantWords, kp.Text)
	}
	if len(wantWords) == 0 || !slices.Equal(resp.GetKeywords(), wantWords) {
		t.Errorf("tutorial keywords %q, want the v1 keywords %q (non-empty)", resp.GetKeywords(), wantWords)
	}
	// Interceptors see the path actually called.
	wantMethods := []string{"/KeywordService/GetKeywords", keywordsv1.KeywordService_GetKeywords_FullMethodName}
	if !slices.Equal(rec.methods, wantMethods) {
		t.Errorf("interceptor saw %q, want %q", rec.methods, wantMethods)
	}
	// Validation applies to the tutorial name too.
	_, err = nltk_service.NewKeywordServiceClient(srv.Conn).GetKeywords(context.Background(),
		&nltk_service.Request{Text: strings.Repeat("a", keywords.MaxTextBytes+1)})
	checkStatus(t, err, codes.InvalidArgument, fmt.Sprint(keywords.MaxTextBytes))
}

func TestTutorialNamesNotRegistered(t *testing.T) {
	srv := start(t, nil)
	_, err := nltk_service.NewKeywordServiceClient(srv.Conn).GetKeywords(context.Background(),
		&nltk_service.Request{Text: paragraph})
	checkStatus(t, err, codes.Unimplemented)
	if _, ok := srv.GRPCServer.GetServiceInfo()["KeywordService"]; ok {
		t.Error("KeywordService registered without WithTutorialNames")
	}
}

// fakeTutorialServer stands in for the tutorial's Python server: it
// implements only the tutorial's generated interface.
type fakeTutorialServer struct {
	nltk_service.UnimplementedKeywordServiceServer
	mu   sync.Mutex
	reqs []*nltk_service.Request
}

func (f *fakeTutorialServer) GetKeywords(_ context.Context, req *nltk_service.Request) (*nltk_service.Response, error) {
	f.mu.Lock()
	f.reqs = append(f.reqs, req)
	f.mu.Unlock()
	if req.GetText() == "fail" {
		return nil, status.Error(codes.ResourceExhausted, "busy")
	}
	return &nltk_service.Response{Keywords: []string{"grpc", "protocol buffers", "python", "go"}}, nil
}

func TestClientWithTutorialServer(t *testing.T) {
	fake := &fakeTutorialServer{}
	srv := bufconntest.Start(t, func(s grpc.ServiceRegistrar) {
		nltk_service.RegisterKeywordServiceServer(s, fake)
	})
	c := keywords.NewClient(srv.Conn, keywords.WithTutorialServer())

	res, err := c.GetKeywords(context.Background(), keywords.Request{Text: "some text", ID: "t1", Language: "xx"})
	if err != nil {
		t.Fatal(err)
	}
	want := keywords.Result{ID: "t1", Keyphrases: []keywords.Keyphrase{
		{Text: "grpc"}, {Text: "protocol buffers"}, {Text: "python"}, {Text: "go"},
	}}
	if res.ID != want.ID || res.Language != "" || !slices.Equal(res.Keyphrases, want.Keyphrases) {
		t.Errorf("got %+v, want %+v", res, want)
	}

	res, err = c.GetKeywords(context.Background(), keywords.Request{Text: "more text", MaxResults: 2})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Keyphrases, want.Keyphrases[:2]) {
		t.Errorf("MaxResults 2: got %+v, want the first two", res.Keyphrases)
	}

	// Only text goes on the wire: the tutorial server sees no unknown fields.
	for _, req := range fake.reqs {
		if u := req.ProtoReflect().GetUnknown(); len(u) != 0 {
			t.Errorf("request %q carries fields unknown to the tutorial: %x", req.GetText(), u)
		}
	}
	if len(fake.reqs) != 2 || fake.reqs[0].GetText() != "some text" {
		t.Errorf("server saw %v", fake.reqs)
	}

	// Server errors come back unchanged; bad MaxResults and the missing
	// stream fail without a call.
	_, err = c.GetKeywords(context.Background(), keywords.Request{Text: "fail"})
	checkStatus(t, err, codes.ResourceExhausted, "busy")
	_, err = c.GetKeywords(context.Background(), keywords.Request{Text: "x", MaxResults: -1})
	checkStatus(t, err, codes.InvalidArgument, "-1")
	_, err = c.Stream(context.Background())
	checkStatus(t, err, codes.Unimplemented)
	if len(fake.reqs) != 3 {
		t.Errorf("server saw %d requests, want 3", len(fake.reqs))
	}
}

// Our client in tutorial mode also works against our own server mounted
// with the tutorial names.
func TestClientWithTutorialServerAgainstOwnServer(t *testing.T) {
	srv := start(t, nil, keywords.WithTutorialNames())
	got, err := keywords.NewClient(srv.Conn, keywords.WithTutorialServer()).GetKeywords(context.Background(),
		keywords.Request{Text: paragraph, MaxResults: 3})
	if err != nil {
		t.Fatal(err)
	}
	v1, err := keywords.NewClient(srv.Conn).GetKeywords(context.Background(), keywords.Request{Text: paragraph, MaxResults: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Keyphrases) == 0 || len(got.Keyphrases) != len(v1.Keyphrases) {
		t.Fatalf("tutorial %+v, v1 %+v", got.Keyphrases, v1.Keyphrases)
	}
	for i := range got.Keyphrases {
		if got.Keyphrases[i].Text != v1.Keyphrases[i].Text || got.Keyphrases[i].Score != 0 {
			t.Errorf("phrase %d: tutorial %+v, v1 %+v (tutorial scores are 0)", i, got.Keyphrases[i], v1.Keyphrases[i])
		}
	}
}

// Client errors are the server's status errors, unchanged.
func TestClientUnavailable(t *testing.T) {
	srv := start(t, nil)
	srv.Close()
	_, err := keywords.NewClient(srv.Conn).GetKeywords(context.Background(), keywords.Request{Text: paragraph})
	if c := status.Code(err); c != codes.Unavailable && c != codes.Canceled {
		t.Errorf("after Close: %v, want Unavailable or Canceled", err)
	}
	if errors.Is(err, io.EOF) {
		t.Errorf("raw io.EOF leaked: %v", err)
	}
}

// Register with a nil server mounts one with the defaults.
func TestRegisterNilServer(t *testing.T) {
	srv := bufconntest.Start(t, func(s grpc.ServiceRegistrar) { keywords.Register(s, nil) })
	res, err := keywords.NewClient(srv.Conn).GetKeywords(context.Background(), keywords.Request{Text: paragraph})
	if err != nil {
		t.Fatal(err)
	}
	checkRanked(t, res.Keyphrases, keywords.DefaultMaxResults)
}

// BenchmarkGetKeywords measures one unary call in memory: extraction plus
// the gRPC round trip.
func BenchmarkGetKeywords(b *testing.B) {
	srv := bufconntest.Start(b, func(s grpc.ServiceRegistrar) { keywords.Register(s, keywords.NewServer()) })
	c := keywords.NewClient(srv.Conn)
	ctx := context.Background()
	b.ReportAllocs()
	b.SetBytes(int64(len(paragraph)))
	for b.Loop() {
		if _, err := c.GetKeywords(ctx, keywords.Request{Text: paragraph}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStream measures one text sent and answered on an open stream.
func BenchmarkStream(b *testing.B) {
	srv := bufconntest.Start(b, func(s grpc.ServiceRegistrar) { keywords.Register(s, keywords.NewServer()) })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st, err := keywords.NewClient(srv.Conn).Stream(ctx)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(paragraph)))
	for b.Loop() {
		if err := st.Send(keywords.Request{Text: paragraph}); err != nil {
			b.Fatal(err)
		}
		if _, err := st.Receive(); err != nil {
			b.Fatal(err)
		}
	}
}

// An answer depends on its request only, not on the requests served before
// it (in other languages, say).
func TestGetKeywordsIndependentOfHistory(t *testing.T) {
	srv := start(t, nil)
	c := keywords.NewClient(srv.Conn)
	req := keywords.Request{Text: paragraph, Language: "en"}
	first, err := c.GetKeywords(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range keywords.Languages() {
		if _, err := c.GetKeywords(context.Background(), keywords.Request{Text: paragraph, Language: lang}); err != nil {
			t.Fatal(err)
		}
	}
	again, err := c.GetKeywords(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(first.Keyphrases, again.Keyphrases) {
		t.Errorf("same request, different answers:\nfirst %+v\nlater %+v", first.Keyphrases, again.Keyphrases)
	}
}

// requestDetails is what a program reads from a refused request: a
// BadRequest violation of field, and an ErrorInfo of the same reason.
func requestDetails(field, reason, description string, meta map[string]string) rpcerr.Summary {
	return rpcerr.Summary{
		Code: codes.InvalidArgument, Reason: reason, Domain: "grpcexamples", Metadata: meta,
		Fields: []string{field}, FieldReasons: []string{reason}, Descriptions: []string{description},
	}
}

var languagesMeta = map[string]string{"supportedLanguages": strings.Join(keywords.Languages(), ",")}

// Every kind of refusal carries its details over the wire: on GetKeywords
// (v1 and tutorial names), and on StreamKeywords with the request's
// position added.
func TestErrorDetails(t *testing.T) {
	tooLong := fmt.Sprintf("text is %d bytes; the limit is %d bytes (keywords.MaxTextBytes): split it and send the parts separately",
		keywords.MaxTextBytes+1, keywords.MaxTextBytes)
	unsupported := fmt.Sprintf("language \"xx\" is not supported; use one of %s (ISO 639-1 codes) or leave it empty to detect it",
		strings.Join(keywords.Languages(), ", "))
	tests := []struct {
		name     string
		req      keywords.Request
		tutorial bool // the tutorial contract carries this field
		want     rpcerr.Summary
	}{
		{"text too long", keywords.Request{Text: strings.Repeat("a", keywords.MaxTextBytes+1)}, true,
			requestDetails("text", "TEXT_TOO_LONG", tooLong, map[string]string{
				"lengthBytes": fmt.Sprint(keywords.MaxTextBytes + 1), "limitBytes": fmt.Sprint(keywords.MaxTextBytes)})},
		{"max_results negative", keywords.Request{Text: paragraph, MaxResults: -1}, false,
			requestDetails("max_results", "MAX_RESULTS_OUT_OF_RANGE", "max_results is -1; use 1 to 100, or 0 for the server's default",
				map[string]string{"value": "-1", "min": "0", "max": "100"})},
		{"max_results beyond int32", keywords.Request{Text: paragraph, MaxResults: 1 << 40}, false,
			requestDetails("max_results", "MAX_RESULTS_OUT_OF_RANGE", "max_results is 2147483647; use 1 to 100, or 0 for the server's default",
				map[string]string{"value": "2147483647", "min": "0", "max": "100"})},
		{"language", keywords.Request{Text: paragraph, Language: "xx"}, false,
			requestDetails("language", "LANGUAGE_UNSUPPORTED", unsupported, languagesMeta)},
	}
	srv := start(t, nil, keywords.WithTutorialNames())
	v1 := keywords.NewClient(srv.Conn)
	tutorial := keywords.NewClient(srv.Conn, keywords.WithTutorialServer())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := v1.GetKeywords(t.Context(), tt.req)
			if got := rpcerr.Summarize(err); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("GetKeywords: details\n got %+v\nwant %+v", got, tt.want)
			}
			if tt.tutorial {
				_, err := tutorial.GetKeywords(t.Context(), tt.req)
				if got := rpcerr.Summarize(err); !reflect.DeepEqual(got, tt.want) {
					t.Errorf("tutorial GetKeywords: details\n got %+v\nwant %+v", got, tt.want)
				}
			}

			// On a stream, the second request is the refused one.
			st, err := v1.Stream(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			bad := tt.req
			bad.ID = "bad"
			if err := st.Send(keywords.Request{ID: "good", Text: "one text"}); err != nil {
				t.Fatal(err)
			}
			if err := st.Send(bad); err != nil {
				t.Fatal(err)
			}
			if _, err := st.Receive(); err != nil {
				t.Fatal(err)
			}
			_, err = st.Receive()
			want := tt.want
			want.Metadata = maps.Clone(tt.want.Metadata)
			want.Metadata["requestNumber"] = "2"
			if got := rpcerr.Summarize(err); !reflect.DeepEqual(got, want) {
				t.Errorf("StreamKeywords: details\n got %+v\nwant %+v", got, want)
			}
			if msg, desc := status.Convert(err).Message(), tt.want.Descriptions[0]; msg != `request 2 (id "bad"): `+desc {
				t.Errorf("StreamKeywords: message %q; want the request's position and id before %q", msg, desc)
			}
		})
	}
}

// Invalid UTF-8 reaches the service only in a direct call (over gRPC the
// codec refuses it first); the error has its details there too.
func TestServerInvalidUTF8Details(t *testing.T) {
	_, err := keywords.NewServer().GetKeywords(t.Context(), &keywordsv1.GetKeywordsRequest{Text: "ok \xff"})
	want := requestDetails("text", "TEXT_INVALID_UTF8", "text is not valid UTF-8 (first invalid byte at offset 3)",
		map[string]string{"offsetBytes": "3"})
	if got := rpcerr.Summarize(err); !reflect.DeepEqual(got, want) {
		t.Errorf("GetKeywords(invalid UTF-8): details\n got %+v\nwant %+v", got, want)
	}
}
