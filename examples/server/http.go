package main

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	connectcors "connectrpc.com/cors"
	"github.com/rs/cors"

	"github.com/seed717b8fd8/grpcexamples/examples/server/web"
)

// The HTTP port (-http-addr) serves the same *grpc.Server to browsers and
// HTTP clients through web.NewHandler (connectrpc.com/vanguard): gRPC-Web,
// Connect, REST and the page. Calls reach the server through
// grpc.Server.ServeHTTP, so its interceptors (request id, logging,
// metrics, tokens, authz, recovery), its stats handler (OpenTelemetry)
// and its message size limits apply as on the gRPC port. What grpc-go
// applies only to its own listener is applied here on the http.Server
// and in front of the transcoder:
//
//	-max-call-duration       the call's Grpc-Timeout or Connect-Timeout-Ms, cut
//	                         or set to it, and a deadline on the request's context
//	-max-recv-bytes          also the transcoder's buffer of one message, request
//	                         or response, in its JSON or base64 form
//	-max-header-bytes        http.Server.MaxHeaderBytes (431 past it)
//	-max-concurrent-streams  HTTP/2 streams per connection
//	-max-connection-idle     http.Server.IdleTimeout
//	-keepalive-time/-timeout HTTP/2 pings of a silent connection
//
// and request headers must arrive within httpReadHeaderTimeout.
// -max-connection-age has no counterpart in net/http and does not apply
// here, nor does -keepalive-min-time (Go's HTTP/2 server answers pings
// without counting them).

// httpReadHeaderTimeout bounds how long a client may take to send a
// request's headers (a slow-headers attack holds a connection and a
// goroutine otherwise). Bodies are bounded by -max-call-duration instead:
// a client stream's body lasts as long as the call.
const httpReadHeaderTimeout = 10 * time.Second

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
// then the call duration clamp, then the transcoder and the page. It is
// built when serving starts, once every service is registered.
func (s *server) httpHandler() (http.Handler, error) {
	h, skipped, err := web.NewHandler(s.grpc, web.WithMaxMessageBytes(uint32(s.cfg.maxRecvBytes)))
	if err != nil {
		return nil, err
	}
	if len(skipped) > 0 {
		s.log.Info("http: services without a descriptor are served on the gRPC port only", "services", strings.Join(skipped, ","))
	}
	if s.cfg.maxCallDuration > 0 {
		h = limitCallDuration(s.cfg.maxCallDuration, h)
	}
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

// limitCallDuration bounds every call but a health Watch to limit, as
// callDeadline does on the gRPC port, where grpc.InTapHandle does not
// reach ServeHTTP. It sets the call's timeout header, Grpc-Timeout (gRPC,
// gRPC-Web) or Connect-Timeout-Ms (Connect, REST), to limit when the
// client asked for none or for more, before the transcoder reads it: the
// transcoder passes it on, and grpc-go ends the call at that deadline
// with DeadlineExceeded, as the client expects of its own timeout.
//
// The request's context also ends, httpDeadlineSlack later, as a
// backstop: for REST, which has no timeout header, and for a body that
// arrives slowly or never ends, which would hold the transcoder's reader
// past the call. (Ending the context at the deadline itself races with
// grpc-go writing the DeadlineExceeded status, and the client may then
// see the transcoder's own error instead.)
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
		ctx, cancel := context.WithTimeoutCause(r.Context(), limit+httpDeadlineSlack, errCallTooLong)
		defer cancel()
		// Closing an HTTP/2 request body wakes a pending read; an
		// HTTP/1.1 body's Close waits for it, so the connection's read
		// deadline ends it instead (on an HTTP/2 stream a read deadline
		// would reset the stream, response included). Deferred after
		// cancel, stop runs first: a call that ended in time is left
		// alone.
		stop := context.AfterFunc(ctx, func() {
			if r.ProtoMajor >= 2 {
				_ = r.Body.Close()
				return
			}
			_ = http.NewResponseController(w).SetReadDeadline(time.Now())
		})
		defer stop()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// httpDeadlineSlack is how long after -max-call-duration the HTTP port's
// backstop ends a call that grpc-go's own deadline did not end.
const httpDeadlineSlack = time.Second

// withRequestIDHeader gives every call of the HTTP port its request id
// before the transcoder: the caller's X-Request-Id when valid, else a new
// one, which the request id interceptor then finds in the metadata. It
// also answers with it in the X-Request-Id response header, because REST
// responses carry no trailers. Not for gRPC clients: a response header
// commits a gRPC call, and they read the id from the trailer, as on the
// gRPC port.
func withRequestIDHeader(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.Header.Get("Content-Type"), "application/grpc") &&
			!strings.HasPrefix(r.Header.Get("Content-Type"), "application/grpc-web") {
			next.ServeHTTP(w, r)
			return
		}
		id := r.Header.Get(requestIDHeader)
		if !validRequestID(id) {
			id = rand.Text()
			r.Header.Set(requestIDHeader, id)
		}
		w.Header().Set(requestIDHeader, id)
		next.ServeHTTP(w, r)
	})
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
		ReadHeaderTimeout: httpReadHeaderTimeout,
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
