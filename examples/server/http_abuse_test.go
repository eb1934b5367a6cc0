package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"

	streamingv1 "github.com/seed717b8fd8/grpcexamples/pb/streaming/v1"
)

// repeatReader yields n bytes: prefix, then fill, then suffix, without
// holding them in memory.
func repeatReader(prefix string, fill byte, n int, suffix string) io.Reader {
	return io.MultiReader(strings.NewReader(prefix),
		io.LimitReader(byteRepeater(fill), int64(n-len(prefix)-len(suffix))), strings.NewReader(suffix))
}

// envelope frames one message of a Connect stream (flags, then a 4-byte
// big-endian length).
func envelope(msg string) string {
	n := len(msg)
	return string([]byte{0, byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}) + msg
}

type byteRepeater byte

func (b byteRepeater) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(b)
	}
	return len(p), nil
}

// httpAbuse is the HTTP port's abuse table: each request a hostile or
// broken client may send, and the status it gets. README's "Browsers and
// HTTP" section lists the same rows (TestHTTPAbuseTableInREADME).
var httpAbuse = []struct {
	name   string
	method string
	path   string
	ctype  string
	header []string
	body   func() io.Reader
	status int
}{
	{"64 MiB JSON body", "POST", "/v1/keywords:extract", "application/json", nil,
		func() io.Reader { return repeatReader(`{"text": "`, 'a', 64<<20, `"}`) }, http.StatusTooManyRequests},
	{"1 MiB keyword text as JSON", "POST", "/v1/keywords:extract", "application/json", nil,
		func() io.Reader { return repeatReader(`{"text": "`, 'a', 1<<20, `"}`) }, http.StatusOK},
	{"JSON that does not parse", "POST", "/v1/keywords:extract", "application/json", nil,
		func() io.Reader { return strings.NewReader(`{"text": `) }, http.StatusBadRequest},
	{"unknown JSON field", "POST", "/v1/keywords:extract", "application/json", nil,
		func() io.Reader { return strings.NewReader(`{"txet": "x"}`) }, http.StatusBadRequest},
	{"grpc-web-text (base64) body", "POST", "/grpcexamples.greeter.v1.Greeter/SayHello", "application/grpc-web-text", nil,
		func() io.Reader { return strings.NewReader("AAAAAAYKBGdvcGhlcg==") }, http.StatusUnsupportedMediaType},
	// A Connect stream's error is in its last message: HTTP 200.
	{"bad base64 in a bytes field", "POST", "/grpcexamples.streaming.v1.StreamingService/ClientStream", "application/connect+json", nil,
		func() io.Reader { return strings.NewReader(envelope(`{"payload": "%%% not base64"}`)) }, http.StatusOK},
	{"wrong content type", "POST", "/grpcexamples.greeter.v1.Greeter/SayHello", "text/plain", nil,
		func() io.Reader { return strings.NewReader("hello") }, http.StatusUnsupportedMediaType},
	{"form body on a REST route", "POST", "/v1/keywords:extract", "application/x-www-form-urlencoded", nil,
		func() io.Reader { return strings.NewReader("text=x") }, http.StatusUnsupportedMediaType},
	{"64 KiB of headers", "GET", "/v1/calculator/add?a=1&b=2", "", []string{"X-Filler", strings.Repeat("h", 64<<10)},
		nil, http.StatusRequestHeaderFieldsTooLarge},
	{"unknown path", "GET", "/v1/nothing/here", "", nil, nil, http.StatusNotFound},
	{"unknown RPC", "POST", "/grpcexamples.greeter.v1.Greeter/SayGoodbye", "application/json", []string{"Connect-Protocol-Version", "1"},
		func() io.Reader { return strings.NewReader("{}") }, http.StatusNotFound},
	{"POST on a GET route", "POST", "/v1/calculator/add", "application/json", nil,
		func() io.Reader { return strings.NewReader("{}") }, http.StatusMethodNotAllowed},
	{"query value not a number", "GET", "/v1/calculator/add?a=two&b=3", "", nil, nil, http.StatusBadRequest},
	{"int32 overflow in the query", "GET", "/v1/calculator/add?a=99999999999&b=3", "", nil, nil, http.StatusBadRequest},
	{"CORS preflight from an origin not allowed", "OPTIONS", "/grpcexamples.greeter.v1.Greeter/SayHello", "",
		[]string{"Origin", "https://evil.example", "Access-Control-Request-Method", "POST"}, nil, http.StatusNoContent},
}

// TestHTTPAbuse sends each row of httpAbuse to the HTTP port and checks
// its status, that no handler panicked, and that the server's heap stays
// bounded: the 64 MiB body is refused at -max-recv-bytes instead of being
// buffered (vanguard's own default would take 4 GiB).
func TestHTTPAbuse(t *testing.T) {
	srv := launchHTTP(t, nil, "-cors-origins", "https://app.example")
	hc := h1Client(t)
	for _, c := range httpAbuse {
		t.Run(c.name, func(t *testing.T) {
			var body io.Reader
			if c.body != nil {
				body = c.body()
			}
			req, err := http.NewRequestWithContext(t.Context(), c.method, srv.url+c.path, body)
			if err != nil {
				t.Fatal(err)
			}
			if c.ctype != "" {
				req.Header.Set("Content-Type", c.ctype)
			}
			for i := 0; i+1 < len(c.header); i += 2 {
				req.Header.Set(c.header[i], c.header[i+1])
			}
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			resp, err := hc.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			out, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
			resp.Body.Close()
			runtime.ReadMemStats(&after)
			if resp.StatusCode != c.status {
				t.Errorf("%s %s: %s %.300s; want %d", c.method, c.path, resp.Status, out, c.status)
			}
			if c.name == "bad base64 in a bytes field" && !strings.Contains(string(out), `"code":"invalid_argument"`) {
				t.Errorf("bad base64: %q, want an invalid_argument end of stream", out)
			}
			if c.name == "CORS preflight from an origin not allowed" && resp.Header.Get("Access-Control-Allow-Origin") != "" {
				t.Errorf("preflight from a foreign origin allowed: %v", resp.Header)
			}
			// The client's and the server's allocations together: the
			// 64 MiB request, streamed from a generator, must not be
			// buffered by the server.
			if grew := after.TotalAlloc - before.TotalAlloc; grew > 24<<20 {
				t.Errorf("the call allocated %d MiB", grew>>20)
			}
		})
	}
	if strings.Contains(srv.logs.String(), "panic") {
		t.Errorf("a handler panicked:\n%s", srv.logs)
	}
}

// TestHTTPCORS: an allowed origin's preflight and call get the CORS
// headers (with the Connect and gRPC-Web headers, the token and the
// request id); without -cors-origins, no cross-origin call is allowed.
func TestHTTPCORS(t *testing.T) {
	preflight := func(url, origin string) http.Header {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodOptions, url+"/grpcexamples.greeter.v1.Greeter/SayHello", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		// Sorted and lower-case, as browsers send it (and rs/cors expects).
		req.Header.Set("Access-Control-Request-Headers", "authorization,connect-protocol-version,content-type,x-request-id")
		resp, err := h1Client(t).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.Header
	}
	srv := launchHTTP(t, nil, "-cors-origins", "https://app.example, http://localhost:3000")
	h := preflight(srv.url, "https://app.example")
	if h.Get("Access-Control-Allow-Origin") != "https://app.example" ||
		!strings.Contains(strings.ToLower(h.Get("Access-Control-Allow-Headers")), "authorization") {
		t.Errorf("preflight from an allowed origin: %v", h)
	}
	_, rh, _ := connectJSON(t, h1Client(t), srv.url, "/grpcexamples.greeter.v1.Greeter/SayHello", `{"name": "cors"}`, "Origin", "http://localhost:3000")
	if rh.Get("Access-Control-Allow-Origin") != "http://localhost:3000" ||
		!strings.Contains(strings.ToLower(rh.Get("Access-Control-Expose-Headers")), "x-request-id") {
		t.Errorf("call from an allowed origin: %v", rh)
	}
	plain := launchHTTP(t, nil)
	if h := preflight(plain.url, "https://app.example"); h.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("without -cors-origins a preflight is allowed: %v", h)
	}
	for _, bad := range []string{"*", "app.example", "https://app.example/path", "ftp://x"} {
		if _, err := parseFlags([]string{"-http-addr", ":0", "-cors-origins", bad}, io.Discard); err == nil {
			t.Errorf("-cors-origins %q accepted", bad)
		}
	}
}

// TestHTTPShutdownDrainsStreams: a stream open on the HTTP port when
// shutdown begins ends with all its messages (the HTTP server drains
// before grpc-go's GracefulStop, which would cut it), then run returns
// and the port is closed.
func TestHTTPShutdownDrainsStreams(t *testing.T) {
	srv := launchHTTP(t, nil, "-grace", "30s")
	hc := h1Client(t)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	st, err := connect.NewClient[streamingv1.ServerStreamRequest, streamingv1.ServerStreamResponse](hc,
		srv.url+"/grpcexamples.streaming.v1.StreamingService/ServerStream", connect.WithProtoJSON()).
		CallServerStream(ctx, connect.NewRequest(&streamingv1.ServerStreamRequest{
			Message: "drain", Controls: &streamingv1.Controls{MessageCount: 5, IntervalMs: 100},
		}))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if !st.Receive() {
		t.Fatalf("first message: %v", st.Err())
	}
	srv.shutdown()
	n := 1
	for st.Receive() {
		n++
	}
	if st.Err() != nil || n != 5 {
		t.Errorf("stream open at shutdown: %d of 5 messages, %v", n, st.Err())
	}
	if err := <-srv.done; err != nil {
		t.Errorf("run: %v", err)
	}
	if _, err := hc.Get(srv.url + "/"); err == nil {
		t.Error("the HTTP port still answers after shutdown")
	}
}

// TestHTTPAbuseTableInREADME: README's table of the HTTP port's abuse
// cases gives the status the test checks for each, and its limits table
// the constants of http.go.
func TestHTTPAbuseTableInREADME(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"the gate cuts what is left " + strconv.Itoa(int(httpDeadlineSlack/time.Second)) + " s later",
		"`-max-http-connections` (default " + strconv.Itoa(defaultMaxConnections) + ", as `-max-connections`)",
	} {
		if !strings.Contains(strings.Join(strings.Fields(string(readme)), " "), want) {
			t.Errorf("README lacks %q", want)
		}
	}
	for _, c := range httpAbuse {
		row := "| " + c.name + " | " + strconv.Itoa(c.status) + " "
		if !strings.Contains(string(readme), row) {
			t.Errorf("README lacks the row %q", row)
		}
	}
}
