package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	"golang.org/x/net/http2"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/seed717b8fd8/grpcexamples/keywords"
	streamingv1 "github.com/seed717b8fd8/grpcexamples/pb/streaming/v1"
)

// httpCall sends one request and returns the response's status, header
// and body (read to the end).
func httpCall(t testing.TB, hc *http.Client, method, url, contentType, body string, header ...string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the body: %v", method, url, err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

// connectJSON calls a unary method with the Connect protocol's JSON form,
// as the page does.
func connectJSON(t testing.TB, hc *http.Client, base, method, body string, header ...string) (int, http.Header, string) {
	t.Helper()
	return httpCall(t, hc, http.MethodPost, base+method, "application/json", body,
		append([]string{"Connect-Protocol-Version", "1"}, header...)...)
}

// probeClient is a connect-go client of a unary probe method.
func probeClient[Req, Resp any](hc *http.Client, base, method string, opts ...connect.ClientOption) *connect.Client[Req, Resp] {
	return connect.NewClient[Req, Resp](hc, base+"/"+probeService+"/"+method, opts...)
}

// TestHTTPInterceptors: a call through the HTTP port gets the request id,
// the log line, the metrics and the panic recovery of a gRPC call.
func TestHTTPInterceptors(t *testing.T) {
	srv := launchHTTP(t, new(probe), "-metrics-addr", "127.0.0.1:0")
	hc := h1Client(t)

	// REST, and the request id in the response (a trailer of the gRPC
	// call, sent as a header by REST and as a Trailer- header by Connect).
	code, h, body := httpCall(t, hc, http.MethodGet, srv.url+"/v1/calculator/add?a=2&b=3", "", "", "X-Request-Id", "rest-call-1")
	if code != http.StatusOK || !strings.Contains(body, `"result":5`) && !strings.Contains(body, `"result": 5`) {
		t.Errorf("GET /v1/calculator/add: %d %s", code, body)
	}
	if got := h.Get("X-Request-Id"); got != "rest-call-1" {
		t.Errorf("REST response X-Request-Id = %q, want the caller's", got)
	}
	_, h, _ = connectJSON(t, hc, srv.url, "/grpcexamples.greeter.v1.Greeter/SayHello", `{"name": "web"}`)
	if got := h.Get("Trailer-X-Request-Id"); !generatedRequestID.MatchString(got) || h.Get("X-Request-Id") != got {
		t.Errorf("Connect response Trailer-X-Request-Id = %q, X-Request-Id %q; want one new id", got, h.Get("X-Request-Id"))
	}
	if line := logLine(srv.logs, "grpc.method=SayHello", "request.id="+h.Get("X-Request-Id")); line == "" && testing.Verbose() {
		t.Log("OK calls are not logged at INFO")
	}

	// The log line of the REST call, with its request id.
	if line := logLine(srv.logs, "grpc.method=Add", "request.id=rest-call-1"); line != "" {
		t.Errorf("an OK call is logged at INFO: %s", line)
	}
	_, _, _ = httpCall(t, hc, http.MethodGet, srv.url+"/v1/calculator/divide?a=1&b=0", "", "", "X-Request-Id", "rest-call-2")
	if line := logLine(srv.logs, "grpc.method=Divide", "request.id=rest-call-2"); !strings.Contains(line, "grpc.code=InvalidArgument") {
		t.Errorf("log of the failed REST call: %q", line)
	}

	// A panic becomes Internal, the server keeps serving.
	_, err := probeClient[wrapperspb.StringValue, wrapperspb.StringValue](hc, srv.url, "Panic").
		CallUnary(t.Context(), connect.NewRequest(wrapperspb.String("over http")))
	if connect.CodeOf(err) != connect.CodeInternal || strings.Contains(err.Error(), "over http") {
		t.Errorf("Panic over Connect: %v, want Internal without the panic value", err)
	}
	if logLine(srv.logs, "panic in handler", "probe panic: over http") == "" {
		t.Errorf("no ERROR line for the panic:\n%s", srv.logs)
	}

	// Prometheus counts the HTTP port's calls with the gRPC ones.
	m := regexp.MustCompile(`msg="metrics listening" addr=(\S+)`).FindStringSubmatch(srv.logs.String())
	if m == nil {
		t.Fatalf("no metrics listening line:\n%s", srv.logs)
	}
	_, _, metrics := httpCall(t, hc, http.MethodGet, "http://"+m[1]+"/metrics", "", "")
	for _, want := range []string{
		`grpc_server_handled_total{grpc_code="OK",grpc_method="Add",grpc_service="grpcexamples.calculator.v1.Calculator",grpc_type="unary"} 1`,
		`grpc_server_handled_total{grpc_code="InvalidArgument",grpc_method="Divide",grpc_service="grpcexamples.calculator.v1.Calculator",grpc_type="unary"} 1`,
		`grpc_server_handled_total{grpc_code="OK",grpc_method="SayHello",grpc_service="grpcexamples.greeter.v1.Greeter",grpc_type="unary"} 1`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

// TestHTTPSecurity: TLS on the HTTP port, bearer tokens apply to its
// calls, mTLS refuses a client without a certificate at the handshake,
// and -authz-policy, which grpc-go cannot apply there, is refused.
func TestHTTPSecurity(t *testing.T) {
	p := newPKI(t)
	t.Run("tls and tokens", func(t *testing.T) {
		srv := launchHTTP(t, new(probe), append(p.tlsArgs(), "-auth-tokens", exampleTokens)...)
		if !strings.HasPrefix(srv.url, "https://") {
			t.Fatalf("HTTP port without TLS: %s", srv.url)
		}
		for _, h2 := range []bool{false, true} {
			hc := httpClient(t, h2, tlsClientConfig(p.ca, nil))
			for _, c := range []struct {
				path, token string
				want        int
			}{
				{"/v1/greeter/hello/bob", "", http.StatusUnauthorized},
				{"/v1/greeter/hello/bob", "not-a-known-token-at-all", http.StatusUnauthorized},
				{"/v1/greeter/hello/bob", bobToken, http.StatusOK},
				{"/v1/calculator/add?a=1&b=2", aliceToken, http.StatusOK},
			} {
				var header []string
				if c.token != "" {
					header = []string{"Authorization", "Bearer " + c.token}
				}
				if code, _, body := httpCall(t, hc, http.MethodGet, srv.url+c.path, "", "", header...); code != c.want {
					t.Errorf("h2=%v GET %s with token %q: %d %s, want %d", h2, c.path, c.token, code, body, c.want)
				}
			}
			// The handler sees the identity, not the token.
			resp, err := probeClient[emptypb.Empty, structpb.Struct](hc, srv.url, "Whoami", connect.WithProtoJSON()).
				CallUnary(t.Context(), func() *connect.Request[emptypb.Empty] {
					r := connect.NewRequest(&emptypb.Empty{})
					r.Header().Set("Authorization", "Bearer "+bobToken)
					return r
				}())
			if err != nil {
				t.Fatal(err)
			}
			f := resp.Msg.GetFields()
			if f["identity"].GetStringValue() != "bob" || f["authorization"].GetStringValue() != "" {
				t.Errorf("h2=%v Whoami = %v; want identity bob and no authorization metadata", h2, f)
			}
		}
	})
	t.Run("authz refused", func(t *testing.T) {
		err := run(t.Context(), append(p.tlsArgs(), "-http-addr", "127.0.0.1:0", "-authz-policy", examplePolicy), new(syncBuffer), nil)
		if err == nil || !strings.Contains(err.Error(), "-authz-policy does not apply to -http-addr") {
			t.Errorf("-authz-policy with -http-addr: %v", err)
		}
	})
	t.Run("mtls", func(t *testing.T) {
		srv := launchHTTP(t, nil, p.mtlsArgs()...)
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.url+"/v1/greeter/hello/x", nil)
		if resp, err := httpClient(t, false, tlsClientConfig(p.ca, nil)).Do(req); err == nil {
			resp.Body.Close()
			t.Errorf("a client without a certificate got %s", resp.Status)
		}
		code, _, body := httpCall(t, httpClient(t, true, tlsClientConfig(p.ca, p.ops)), http.MethodGet, srv.url+"/v1/greeter/hello/x", "", "")
		if code != http.StatusOK {
			t.Errorf("client with a certificate: %d %s", code, body)
		}
	})
}

// TestHTTPCallDuration: -max-call-duration bounds calls of the HTTP port
// too, whatever timeout the client asks for, and a health Watch is exempt.
func TestHTTPCallDuration(t *testing.T) {
	srv := launchHTTP(t, new(probe), "-max-call-duration", "300ms")
	hc := h2cClient(t)
	// A health Watch over Connect, opened first, outlives the calls cut
	// below.
	watch, err := connect.NewClient[healthpb.HealthCheckRequest, healthpb.HealthCheckResponse](hc, srv.url+healthWatch).
		CallServerStream(t.Context(), connect.NewRequest(&healthpb.HealthCheckRequest{}))
	if err != nil {
		t.Fatal(err)
	}
	defer watch.Close()
	if !watch.Receive() {
		t.Fatalf("health Watch over Connect: %v", watch.Err())
	}
	deadline := probeClient[wrapperspb.Int64Value, wrapperspb.Int64Value](hc, srv.url, "Deadline")
	for _, timeout := range []time.Duration{0, time.Hour} {
		ctx := t.Context()
		if timeout > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, timeout) // sent as Connect-Timeout-Ms
			defer cancel()
		}
		resp, err := deadline.CallUnary(ctx, connect.NewRequest(&wrapperspb.Int64Value{}))
		if err != nil || resp.Msg.GetValue() <= 0 || time.Duration(resp.Msg.GetValue()) > 300*time.Millisecond {
			t.Errorf("client timeout %v: the handler's deadline is %v away (%v); want at most 300ms", timeout, time.Duration(resp.Msg.GetValue()), err)
		}
	}
	// The clamp of the header itself, for each protocol's header.
	for _, c := range []struct{ ctype, header, value, want string }{
		{"application/grpc-web+proto", "Grpc-Timeout", "10H", "300000u"},
		{"application/grpc", "Grpc-Timeout", "100m", "100m"},
		{"application/grpc", "Grpc-Timeout", "", "300000u"},
		{"application/grpc", "Grpc-Timeout", "1x", "300000u"},
		{"application/json", "Connect-Timeout-Ms", "3600000", "300"},
		{"application/connect+json", "Connect-Timeout-Ms", "50", "50"},
		{"", "Connect-Timeout-Ms", "", "300"},
	} {
		var seen string
		h := limitCallDuration(300*time.Millisecond, http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { seen = r.Header.Get(c.header) }))
		r, _ := http.NewRequest(http.MethodPost, "/x", nil)
		r.Header.Set("Content-Type", c.ctype)
		if c.value != "" {
			r.Header.Set(c.header, c.value)
		}
		h.ServeHTTP(nil, r)
		if seen != c.want {
			t.Errorf("%s: %s became %s, want %s", c.header, c.value, seen, c.want)
		}
	}

	// A server stream the caller made long is cut with DeadlineExceeded
	// naming the flag.
	st, err := connect.NewClient[streamingv1.ServerStreamRequest, streamingv1.ServerStreamResponse](hc,
		srv.url+"/grpcexamples.streaming.v1.StreamingService/ServerStream", connect.WithProtoJSON()).
		CallServerStream(t.Context(), connect.NewRequest(&streamingv1.ServerStreamRequest{
			Message: "slow", Controls: &streamingv1.Controls{MessageCount: 3, IntervalMs: 10_000},
		}))
	if err != nil {
		t.Fatal(err)
	}
	for st.Receive() {
	}
	if connect.CodeOf(st.Err()) != connect.CodeDeadlineExceeded {
		t.Errorf("long server stream: %v, want DeadlineExceeded", st.Err())
	}
	st.Close()
	if line := logLine(srv.logs, "grpc.method=ServerStream"); !strings.Contains(line, "grpc.code=DeadlineExceeded") {
		t.Errorf("log of the cut stream: %q", line)
	}

	// A client stream whose body never ends (a slow body) ends at the
	// limit too.
	pr, pw := io.Pipe()
	defer pw.Close()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost,
		srv.url+"/grpcexamples.streaming.v1.StreamingService/ClientStream", pr)
	req.Header.Set("Content-Type", "application/connect+json")
	start := time.Now()
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	// The transcoder reports the body cut at the deadline in words of its
	// own ("unknown"); what matters is that the call ends.
	if !strings.Contains(string(b), `{"error":{"code":`) {
		t.Errorf("client stream with a body that never ends: %s %q, want an error end", resp.Status, b)
	}
	// The call's log line may follow the response by a little.
	line := ""
	for wait := time.Now().Add(10 * time.Second); line == "" && time.Now().Before(wait); time.Sleep(10 * time.Millisecond) {
		line = logLine(srv.logs, "grpc.method=ClientStream")
	}
	if !strings.Contains(line, "grpc.code=DeadlineExceeded") {
		t.Errorf("log of the stuck client stream: %q\n%s", line, srv.logs)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("the stuck client stream took %v to end", took)
	}

	srv.shutdown()
	if !watch.Receive() || watch.Msg().GetStatus() != healthpb.HealthCheckResponse_NOT_SERVING {
		t.Errorf("health Watch after the limit passed: %v, %v; want it still open, then NOT_SERVING", watch.Msg().GetStatus(), watch.Err())
	}
}

// TestHTTPMessageLimits: -max-recv-bytes bounds a request in its JSON
// form, the largest keywords text passes, and the services' own ceilings
// answer as over gRPC.
func TestHTTPMessageLimits(t *testing.T) {
	srv := launchHTTP(t, nil)
	hc := h1Client(t)
	sentence := "Browsers call gRPC services through the transcoder of the HTTP port. "
	text := strings.Repeat(sentence, keywords.MaxTextBytes/len(sentence))
	body, _ := json.Marshal(map[string]any{"text": text, "maxResults": 3})
	code, _, out := httpCall(t, hc, http.MethodPost, srv.url+"/v1/keywords:extract", "application/json", string(body))
	if code != http.StatusOK || !strings.Contains(out, `"keyphrases":[{"text":"`) {
		t.Errorf("1 MiB of keywords text as JSON: %d %.300s", code, out)
	}
	// The same text with every byte escaped is over the limit as JSON,
	// though its protobuf form is not.
	escaped := `{"text": "` + strings.Repeat(`\u0077`, defaultMaxRecvBytes/6+1) + `"}`
	if code, _, out := httpCall(t, hc, http.MethodPost, srv.url+"/v1/keywords:extract", "application/json", escaped); code != http.StatusTooManyRequests {
		t.Errorf("escaped JSON over -max-recv-bytes: %d %.300s, want 429 (ResourceExhausted)", code, out)
	}
	// Over the ceiling of the service: its own error, with details.
	code, _, out = httpCall(t, hc, http.MethodGet, srv.url+"/v1/greeter/hello/"+strings.Repeat("x", 300), "", "")
	if code != http.StatusBadRequest || !strings.Contains(out, "NAME_TOO_LONG") || !strings.Contains(out, "google.rpc.BadRequest") {
		t.Errorf("300-byte name: %d %s, want 400 with NAME_TOO_LONG and a BadRequest", code, out)
	}
	// A response over the transcoder's buffer (the HTTP port's ceiling)
	// fails whole instead of being buffered.
	code, _, out = httpCall(t, hc, http.MethodPost, srv.url+"/v1/streaming:unary", "application/json",
		`{"message": "`+strings.Repeat("m", keywords.MaxTextBytes-100)+`", "controls": {"payloadSize": 1048576}}`)
	if code != http.StatusTooManyRequests {
		t.Errorf("response larger than -max-recv-bytes as JSON: %d %.200s, want 429", code, out)
	}
}

// TestHTTPServerLimits: the http.Server's own limits stand for the gRPC
// port's: request headers, and HTTP/2 streams per connection.
func TestHTTPServerLimits(t *testing.T) {
	srv := launchHTTP(t, nil, "-max-concurrent-streams", "7")
	code, _, _ := httpCall(t, h1Client(t), http.MethodGet, srv.url+"/v1/calculator/add?a=1&b=1", "", "",
		"X-Filler", strings.Repeat("f", defaultMaxHeaderBytes+4096))
	if code != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("headers over -max-header-bytes: %d, want 431", code)
	}
	if code, _, _ := httpCall(t, h1Client(t), http.MethodGet, srv.url+"/v1/calculator/add?a=1&b=1", "", "",
		"X-Filler", strings.Repeat("f", 1024)); code != http.StatusOK {
		t.Errorf("1 KiB of headers: %d", code)
	}
	fr := rawConn(t, strings.TrimPrefix(srv.url, "http://"))
	s := readUntil(t, fr, func(f http2.Frame) bool { s, ok := f.(*http2.SettingsFrame); return ok && !s.IsAck() }).(*http2.SettingsFrame)
	if v, ok := s.Value(http2.SettingMaxConcurrentStreams); !ok || v != 7 {
		t.Errorf("SETTINGS_MAX_CONCURRENT_STREAMS = %d (%v), want -max-concurrent-streams 7", v, ok)
	}
	if v, ok := s.Value(http2.SettingMaxHeaderListSize); !ok || v > defaultMaxHeaderBytes+defaultMaxHeaderBytes/2 {
		t.Errorf("SETTINGS_MAX_HEADER_LIST_SIZE = %d (%v), want about -max-header-bytes", v, ok)
	}
}
