package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	connectcors "connectrpc.com/cors"
	"github.com/rs/cors"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"

	"github.com/seed717b8fd8/grpcexamples/examples/server/web"
)

// The HTTP port (-http-addr) serves the same *grpc.Server to browsers and
// HTTP clients through web.NewHandler (connectrpc.com/vanguard): gRPC-Web,
// Connect, REST and the page. Calls reach the server through
// grpc.Server.ServeHTTP, so its interceptors (the observer: request id and
// log; metrics, tokens, recovery), its stats handler (OpenTelemetry) and
// its message size limits apply as on the gRPC port. grpc-go does not run
// its tap (the call gate) for ServeHTTP, so httpGate admits each call
// into the same gate, between the transcoder and the server; what grpc-go
// applies only to its own listener is applied on the http.Server and in
// front of the transcoder:
//
//	-max-calls               the gate: one count of calls in flight for both ports
//	-first-message-timeout   the gate, and the request body's read ended when it cuts
//	-max-call-duration       the call's Grpc-Timeout or Connect-Timeout-Ms, cut
//	                         or set to it; the gate cuts what is left
//	                         httpDeadlineSlack later
//	-max-recv-bytes          also the transcoder's buffer of one message, request
//	                         or response, in its JSON or base64 form
//	-max-http-connections    httpLimitListener on the HTTP listener
//	-connection-timeout      http.Server.ReadHeaderTimeout: the TLS handshake and
//	                         each request's headers
//	-max-header-bytes        http.Server.MaxHeaderBytes (431 past it)
//	-max-concurrent-streams  HTTP/2 streams per connection
//	-max-connection-idle     http.Server.IdleTimeout
//	-keepalive-time/-timeout HTTP/2 pings of a silent connection
//
// -max-connection-age has no counterpart in net/http and does not apply
// here, nor does -keepalive-min-time (Go's HTTP/2 server answers pings
// without counting them). -authz-policy is refused with -http-addr: see
// parseFlags.

// corsExtraHeaders are the request headers a page of another origin may
// send besides the Connect and gRPC-Web ones: a bearer token and a
// request id. corsExposedHeaders are the response headers and trailers
// (Connect sends unary trailers as Trailer- headers) it may read.
var (
	corsExtraHeaders   = []string{"Authorization", requestIDHeader}
	corsExposedHeaders = []string{requestIDHeader, "Trailer-" + requestIDHeader}
)

// parseOrigins splits -cors-origins into origins, each a scheme, a host and
// an optional port (no path, no "*": name every origin that may call).
func parseOrigins(list string) ([]string, error) {
	var origins []string
	for o := range strings.SplitSeq(list, ",") {
		o = strings.TrimSpace(o)
		if o == "" {
			continue
		}
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
			u.Path != "" || u.RawQuery != "" || u.User != nil || strings.Contains(o, "*") {
			return nil, fmt.Errorf("-cors-origins: %q is not an origin such as https://app.example.com (scheme, host and port only)", o)
		}
		origins = append(origins, o)
	}
	return origins, nil
}

// httpHandler is what the HTTP port serves: CORS (with -cors-origins),
// then the request id, the call duration clamp and the body's cut, then
// the transcoder and the page, and behind the transcoder the gate. It is
// built when serving starts, once every service is registered.
func (s *server) httpHandler() (http.Handler, error) {
	h, skipped, err := web.NewHandler(s.grpc, web.WithMaxMessageBytes(uint32(s.cfg.maxRecvBytes)),
		web.WithCallWrapper(s.httpGate))
	if err != nil {
		return nil, err
	}
	if len(skipped) > 0 {
		s.log.Info("http: services without a descriptor are served on the gRPC port only", "services", strings.Join(skipped, ","))
	}
	if s.gate.callLimit > 0 {
		h = limitCallDuration(s.gate.callLimit, h)
	}
	h = withExchange(h)
	h = withRequestIDHeader(h)
	origins, err := parseOrigins(s.cfg.corsOrigins)
	if err != nil {
		return nil, err
	}
	if len(origins) > 0 {
		h = cors.New(cors.Options{
			AllowedOrigins: origins,
			AllowedMethods: connectcors.AllowedMethods(),
			AllowedHeaders: append(connectcors.AllowedHeaders(), corsExtraHeaders...),
			ExposedHeaders: append(connectcors.ExposedHeaders(), corsExposedHeaders...),
			MaxAge:         7200, // Chromium's cap on caching a preflight
		}).Handler(h)
	}
	return h, nil
}

// limitCallDuration bounds every call but a health Watch to limit, as the
// gate does on the gRPC port. It sets the call's timeout header,
// Grpc-Timeout (gRPC, gRPC-Web) or Connect-Timeout-Ms (Connect, REST), to
// limit when the client asked for none or for more, before the transcoder
// reads it: the transcoder passes it on, and grpc-go ends the call at that
// deadline with DeadlineExceeded, as the client expects of its own
// timeout. What that leaves running (a REST call, which has no timeout
// header, or a body that arrives slowly or never ends, which holds the
// transcoder's reader) the gate cuts httpDeadlineSlack later. (A cut at
// the deadline itself would race with grpc-go writing the
// DeadlineExceeded status, and the client might see the transcoder's own
// error instead.)
func limitCallDuration(limit time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == healthWatch {
			next.ServeHTTP(w, r)
			return
		}
		if strings.HasPrefix(r.Header.Get("Content-Type"), "application/grpc") {
			if d, ok := parseGRPCTimeout(r.Header.Get("Grpc-Timeout")); !ok || d > limit {
				r.Header.Set("Grpc-Timeout", formatGRPCTimeout(limit))
			}
		} else {
			ms, err := strconv.ParseInt(r.Header.Get("Connect-Timeout-Ms"), 10, 64)
			if err != nil || ms < 0 || ms > limit.Milliseconds() {
				r.Header.Set("Connect-Timeout-Ms", strconv.FormatInt(limit.Milliseconds(), 10))
			}
		}
		next.ServeHTTP(w, r)
	})
}

// httpDeadlineSlack is how long after -max-call-duration the gate cuts an
// HTTP call that grpc-go's own deadline did not end.
const httpDeadlineSlack = time.Second

// withRequestIDHeader gives every call of the HTTP port its request id
// before the transcoder: the caller's X-Request-Id when valid, else a new
// one, which httpGate then finds among the gRPC request's headers. It
// also answers with it in the X-Request-Id response header, because REST
// responses carry no trailers. Not for gRPC clients: a response header
// commits a gRPC call, and they read the id from the trailer, as on the
// gRPC port (httpGate makes their id).
func withRequestIDHeader(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.Header.Get("Content-Type"), "application/grpc") &&
			!strings.HasPrefix(r.Header.Get("Content-Type"), "application/grpc-web") {
			next.ServeHTTP(w, r)
			return
		}
		id := r.Header.Get(requestIDHeader)
		if !validRequestID(id) {
			id = newRequestID()
			r.Header.Set(requestIDHeader, id)
		}
		w.Header().Set(requestIDHeader, id)
		next.ServeHTTP(w, r)
	})
}

// httpExchange is an HTTP request as the client sent it and its response
// writer, kept for httpGate, which sees only the transcoder's copies of
// them, to end a read of the request's body that the client holds up
// when the call is over. It stands in for the request's body, to know
// whether the client has sent all of it.
type httpExchange struct {
	body io.ReadCloser // the client's
	w    http.ResponseWriter
	r    *http.Request
	eof  atomic.Bool // the body has been read to its end

	mu   sync.Mutex
	over bool // the handler has returned: w and r are no longer ours
}

type exchangeKey struct{}

// withExchange puts the request's httpExchange in its context.
func withExchange(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		x := &httpExchange{body: r.Body, w: w}
		r = r.WithContext(context.WithValue(r.Context(), exchangeKey{}, x))
		x.r = r
		if r.Body == nil || r.Body == http.NoBody {
			x.eof.Store(true)
		} else {
			r.Body = x
		}
		next.ServeHTTP(w, r)
		x.mu.Lock()
		x.over = true
		x.mu.Unlock()
	})
}

func (x *httpExchange) Read(p []byte) (int, error) {
	n, err := x.body.Read(p)
	if err == io.EOF {
		x.eof.Store(true)
	}
	return n, err
}

func (x *httpExchange) Close() error { return x.body.Close() }

// endBody wakes a read of the request's body that waits on the client,
// if the client has not sent it all: closing an HTTP/2 request body wakes
// it; an HTTP/1.1 body's Close waits for it, so the connection's read
// deadline ends it instead (on an HTTP/2 stream a read deadline would
// reset the stream, and the status with it). It is not done to a body
// read to its end: an HTTP/1.1 connection's read deadline would then end
// the request's context while its response is being written.
func (x *httpExchange) endBody() {
	if x.eof.Load() {
		return
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.over {
		return
	}
	if x.r.ProtoMajor >= 2 {
		_ = x.body.Close()
		return
	}
	_ = http.NewResponseController(x.w).SetReadDeadline(time.Now())
}

// endingBody is the transcoder's request body as grpc-go reads it. grpc-go
// closes it when the call is over, answered or cut, and waits for its
// reader of the body to return; the transcoder's Close waits for that
// reader too, which waits on the client. Closing it ends the client's
// body first (endBody), so a client that holds its body open, or sends it
// slowly, does not hold the call past its end.
type endingBody struct {
	io.ReadCloser
	x *httpExchange
}

func (b endingBody) Close() error {
	b.x.endBody()
	return b.ReadCloser.Close()
}

// httpGate admits each call of the HTTP port into the server's call gate,
// as the tap does on the gRPC port, once the transcoder has made it a
// gRPC request (so r.URL.Path is the method's): the call counts against
// -max-calls with the gRPC port's, is cut at -first-message-timeout while
// its request message has not arrived and httpDeadlineSlack past
// -max-call-duration, gets its request id, and an early end is logged and
// counted. The call's context is the request's that grpc-go serves, so
// the observer finds the call there as on the gRPC port.
//
// A cut ends grpc-go's ServeHTTP, which closes a call whose request
// context ends, often before it writes a status, else with Canceled;
// httpGate then answers with the status cutStatus gives (naming the
// flag), which the transcoder turns into the client's protocol, as it
// does a refusal.
func (s *server) httpGate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(requestIDHeader)
		if !validRequestID(id) {
			id = newRequestID()
		}
		ctx := r.Context()
		if ap, err := netip.ParseAddrPort(r.RemoteAddr); err == nil {
			// For the log of a call that ends early; grpc-go puts
			// its own peer in the contexts it derives.
			ctx = peer.NewContext(ctx, &peer.Peer{Addr: net.TCPAddrFromAddrPort(ap)})
		}
		c, err := s.gate.admit(ctx, r.URL.Path, id, httpDeadlineSlack)
		if err != nil {
			writeGRPCStatus(w, status.Convert(err))
			return
		}
		defer c.cancel(nil) // as grpc-go ends a stream's context: the gate reaps a call that never started
		r = r.WithContext(c)
		if x, _ := ctx.Value(exchangeKey{}).(*httpExchange); x != nil && r.Body != nil {
			r.Body = endingBody{r.Body, x}
		}
		cw := &callWriter{ResponseWriter: w}
		next.ServeHTTP(cw, r)
		if err := s.gate.cutStatus(c); err != nil && !cw.body {
			st := status.Convert(err)
			if !cw.wrote {
				writeGRPCStatus(w, st)
			} else {
				// grpc-go answered first, with the status of the
				// context the cut ended (Canceled): its trailers are
				// still in the header map, read once we return.
				h := w.Header()
				h.Set("Grpc-Status", strconv.Itoa(int(st.Code())))
				h.Set("Grpc-Message", percentEncode(st.Message()))
				h.Del("Grpc-Status-Details-Bin")
			}
		}
	})
}

// callWriter notes whether grpc-go answered a call (wrote its header) and
// whether it sent a response message.
type callWriter struct {
	http.ResponseWriter
	wrote, body bool
}

func (w *callWriter) WriteHeader(code int) {
	w.wrote = true
	w.ResponseWriter.WriteHeader(code)
}

func (w *callWriter) Write(b []byte) (int, error) {
	w.wrote = true
	w.body = w.body || len(b) > 0
	return w.ResponseWriter.Write(b)
}

// Flush is required: grpc-go's ServeHTTP refuses a writer without it.
func (w *callWriter) Flush() {
	w.wrote = true
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *callWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// writeGRPCStatus answers a gRPC request with st alone, a trailers-only
// response (gRPC over HTTP/2, "Responses").
func writeGRPCStatus(w http.ResponseWriter, st *status.Status) {
	h := w.Header()
	h.Set("Content-Type", "application/grpc")
	h.Set("Grpc-Status", strconv.Itoa(int(st.Code())))
	if m := st.Message(); m != "" {
		h.Set("Grpc-Message", percentEncode(m))
	}
	w.WriteHeader(http.StatusOK)
}

// percentEncode writes s as a Grpc-Message value: the bytes outside
// printable ASCII, and '%', as %XX (gRPC over HTTP/2, "Status-Message").
func percentEncode(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c > '~' || c == '%' {
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// grpcTimeoutUnits are the units of a Grpc-Timeout header (gRPC over
// HTTP/2, "Timeout"), finest first.
var grpcTimeoutUnits = []struct {
	unit byte
	d    time.Duration
}{{'n', time.Nanosecond}, {'u', time.Microsecond}, {'m', time.Millisecond}, {'S', time.Second}, {'M', time.Minute}, {'H', time.Hour}}

// parseGRPCTimeout reads a Grpc-Timeout value: 1 to 8 digits and a unit.
func parseGRPCTimeout(v string) (time.Duration, bool) {
	if len(v) < 2 || len(v) > 9 {
		return 0, false
	}
	n, err := strconv.ParseInt(v[:len(v)-1], 10, 64)
	if err != nil || n < 0 {
		return 0, false
	}
	for _, u := range grpcTimeoutUnits {
		if u.unit == v[len(v)-1] {
			if n > int64(1<<63-1)/int64(u.d) {
				return 1<<63 - 1, true
			}
			return time.Duration(n) * u.d, true
		}
	}
	return 0, false
}

// formatGRPCTimeout writes d in the finest unit whose count fits the
// header's 8 digits, rounding down, so that it never exceeds d.
func formatGRPCTimeout(d time.Duration) string {
	for _, u := range grpcTimeoutUnits {
		if n := d / u.d; n <= 99_999_999 {
			return strconv.FormatInt(int64(n), 10) + string(u.unit)
		}
	}
	return "99999999H"
}

// httpPort is the HTTP listener of -http-addr, serving.
type httpPort struct {
	hs   *http.Server
	addr net.Addr
	done chan struct{} // closed when Serve has returned
}

// startHTTP listens on -http-addr and serves httpHandler there, with TLS
// when -tls-cert is set (HTTP/1.1 and HTTP/2 by ALPN) and cleartext
// HTTP/1.1 and HTTP/2 otherwise (gRPC clients and grpcurl -plaintext use
// HTTP/2 with prior knowledge). It returns nil without -http-addr.
func (s *server) startHTTP() (*httpPort, error) {
	if s.cfg.httpAddr == "" {
		return nil, nil
	}
	h, err := s.httpHandler()
	if err != nil {
		return nil, err
	}
	var protocols http.Protocols
	protocols.SetHTTP1(true)
	var tc *tls.Config
	if s.cfg.tlsCert != "" {
		if tc, err = tlsConfig(s.cfg); err != nil {
			return nil, err
		}
		protocols.SetHTTP2(true)
	} else {
		protocols.SetUnencryptedHTTP2(true)
	}
	hs := &http.Server{
		Handler:           h,
		Protocols:         &protocols,
		TLSConfig:         tc,
		ReadHeaderTimeout: s.cfg.connectionTimeout,
		IdleTimeout:       s.cfg.maxConnectionIdle,
		MaxHeaderBytes:    int(s.cfg.maxHeaderBytes),
		HTTP2: &http.HTTP2Config{
			MaxConcurrentStreams: int(s.cfg.maxConcurrentStreams),
			SendPingTimeout:      s.cfg.keepaliveTime,
			PingTimeout:          s.cfg.keepaliveTimeout,
		},
		// Failed handshakes and malformed requests are the clients'
		// doing, and one client can send many: DEBUG, not the default
		// stderr logger.
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
	}
	lis, err := net.Listen("tcp", s.cfg.httpAddr)
	if err != nil {
		return nil, err
	}
	if s.cfg.maxHTTPConnections > 0 {
		// As on the gRPC port, past the limit new connections wait in
		// the kernel's accept queue until one closes.
		lis = newHTTPLimitListener(lis, s.cfg.maxHTTPConnections)
	}
	p := &httpPort{hs: hs, addr: lis.Addr(), done: make(chan struct{})}
	go func() {
		defer close(p.done)
		var err error
		if tc != nil {
			err = hs.ServeTLS(lis, "", "")
		} else {
			err = hs.Serve(lis)
		}
		if err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("http server", "err", err)
		}
	}()
	s.log.Info("http listening", "addr", lis.Addr().String(), "tls", tc != nil, "cors_origins", s.cfg.corsOrigins)
	return p, nil
}

// shutdown stops accepting HTTP calls and waits, until ctx ends, for those
// open to finish. It must come before grpc.Server.GracefulStop, which
// closes every ServeHTTP call at once instead of draining it. A nil port
// has nothing to do.
func (p *httpPort) shutdown(ctx context.Context) {
	if p == nil {
		return
	}
	if err := p.hs.Shutdown(ctx); err != nil {
		p.hs.Close() // ctx ended: cut what is left
	}
	<-p.done
}

// close cuts every HTTP connection at once.
func (p *httpPort) close() {
	if p == nil {
		return
	}
	p.hs.Close()
	<-p.done
}
