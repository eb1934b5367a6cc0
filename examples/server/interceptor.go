package main

import (
	"context"
	"log/slog"
	"net"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"
)

// observer is the server's outermost interceptor: for every call it marks
// the call started in the gate (a unary call's request has arrived by
// then; a stream's first request arrives through RecvMsg), turns a cut the
// gate made into a status naming its flag, puts the request id in the
// response trailer and on the call's span, and logs the call's end with
// log/slog at the level callLevel gives: by default only failed and slow
// calls, -log-level debug every call's start and end.
//
// It does the work of go-grpc-middleware's logging interceptor, which
// builds a call's log fields (about 80 allocations) on every call before
// knowing whether the call will be logged; here the fields are built only
// for a line that is written. It sees the status the client gets: every
// other interceptor (authentication, authorization, metrics, recovery)
// runs inside it.
type observer struct {
	gate   *callGate
	log    *slog.Logger
	slow   time.Duration // an OK call at least this long is logged; 0 = never
	debug  bool          // log every call's start and end
	traced bool          // -otel: put the request id on the call's span
	// limit bounds the call lines at INFO and above (nil = no bound);
	// dropped counts those it held back since the last line written.
	limit   *rate.Limiter
	dropped atomic.Int64
}

// unary is the observer for unary calls.
func (o *observer) unary(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	c := callFrom(ctx)
	c.started.Store(true)
	o.gate.arrived(c)
	o.begin(ctx, c, info.FullMethod, "unary")
	resp, err := handler(ctx, req)
	err = o.finish(ctx, c, info.FullMethod, "unary", err)
	_ = grpc.SetTrailer(ctx, metadata.MD{requestIDHeader: {c.id}}) // fails only outside a call
	if err != nil {
		return nil, err
	}
	return resp, nil
}

// stream is the observer for streaming calls.
func (o *observer) stream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	ctx := ss.Context()
	c := callFrom(ctx)
	c.started.Store(true)
	kind := streamKind(info)
	o.begin(ctx, c, info.FullMethod, kind)
	err := handler(srv, &callStream{ServerStream: ss, gate: o.gate, c: c})
	err = o.finish(ctx, c, info.FullMethod, kind, err)
	ss.SetTrailer(metadata.MD{requestIDHeader: {c.id}})
	return err
}

// callStream tells the gate when the stream's first request arrives.
// grpc-go calls RecvMsg from one goroutine at a time, so arrived needs no
// lock.
type callStream struct {
	grpc.ServerStream
	gate    *callGate
	c       *call
	arrived bool
}

func (s *callStream) RecvMsg(m any) error {
	err := s.ServerStream.RecvMsg(m)
	if !s.arrived {
		s.arrived = true
		s.gate.arrived(s.c)
	}
	return err
}

func streamKind(info *grpc.StreamServerInfo) string {
	switch {
	case info.IsClientStream && info.IsServerStream:
		return "bidi_stream"
	case info.IsClientStream:
		return "client_stream"
	default:
		return "server_stream"
	}
}

// begin traces the request id and, at -log-level debug, logs the start.
func (o *observer) begin(ctx context.Context, c *call, method, kind string) {
	if o.traced {
		traceRequest(ctx, c.id)
	}
	if o.debug {
		o.line(ctx, c, slog.LevelDebug, "started call", method, kind, nil, time.Since(c.start), false)
	}
}

// finish ends the call in the gate and logs it if its level is enabled.
// It returns the call's error, replaced by the gate's status when the gate
// cut the call.
func (o *observer) finish(ctx context.Context, c *call, method, kind string, err error) error {
	if cut := o.gate.cutStatus(c); cut != nil {
		err = cut
	}
	o.gate.end(c)
	took := time.Since(c.start)
	code := status.Code(err)
	lvl, slow := callLevel(code), false
	switch {
	case code == codes.OK && o.slow > 0 && took >= o.slow:
		// A slow unary call is a problem; a long stream is its caller's choice.
		slow, lvl = true, slog.LevelWarn
		if kind != "unary" {
			lvl = slog.LevelInfo
		}
	case code == codes.Unavailable && method == healthWatch:
		lvl = slog.LevelInfo // the drain ends Watch streams to move watchers away
	}
	o.line(ctx, c, lvl, "finished call", method, kind, err, took, slow)
	return err
}

// line writes one line about a call, if lvl is enabled and, for INFO and
// above, the rate limit lets it through.
func (o *observer) line(ctx context.Context, c *call, lvl slog.Level, msg, method, kind string, err error, took time.Duration, slow bool) {
	if !o.enabled(ctx, lvl) {
		return
	}
	service, name, _ := strings.Cut(strings.TrimPrefix(method, "/"), "/")
	attrs := make([]slog.Attr, 0, 16)
	attrs = append(attrs,
		slog.String("protocol", "grpc"),
		slog.String("grpc.component", "server"),
		slog.String("grpc.service", truncate(service)),
		slog.String("grpc.method", truncate(name)),
		slog.String("grpc.method_type", kind),
		slog.String("peer.address", peerAddress(ctx)),
		slog.String("grpc.start_time", c.start.Format(time.RFC3339)))
	if d, ok := c.Deadline(); ok {
		attrs = append(attrs, slog.String("grpc.request.deadline", d.Format(time.RFC3339)))
	}
	if subj := peerSubject(ctx); subj != "" {
		attrs = append(attrs, slog.String("peer.subject", truncate(subj)))
	}
	if c.identity != "" {
		attrs = append(attrs, slog.String("auth.identity", c.identity))
	}
	if msg == "finished call" {
		attrs = append(attrs, slog.String("grpc.code", status.Code(err).String()))
	}
	if err != nil {
		attrs = append(attrs, slog.String("grpc.error", truncate(err.Error())))
	}
	attrs = append(attrs, slog.Any("grpc.time_ms", elapsed(took)))
	if slow {
		attrs = append(attrs, slog.Bool("slow", true))
	}
	o.write(ctx, lvl, msg, attrs)
}

// early logs a call that ended before its handler started (the gate's
// report), at INFO when its client ended it, else at WARN.
func (o *observer) early(c *call, reason string) {
	lvl := slog.LevelWarn
	if reason == reasonEnded || reason == reasonDeadline {
		lvl = slog.LevelInfo
	}
	if !o.enabled(c, lvl) {
		return
	}
	o.write(c, lvl, "call ended before its handler", []slog.Attr{
		slog.String("reason", reason),
		slog.String("grpc.full_method", truncate(c.method)),
		slog.String("peer.address", peerAddress(c)),
		slog.Any("grpc.time_ms", elapsed(time.Since(c.start))),
	})
}

// enabled reports whether a line at lvl is to be written: lvl is enabled,
// and a line at INFO or above is within the rate limit. The lines of
// -log-level debug are not limited: whoever asks for every call gets every
// call.
func (o *observer) enabled(ctx context.Context, lvl slog.Level) bool {
	if !o.log.Enabled(ctx, lvl) {
		return false
	}
	if o.limit != nil && lvl >= slog.LevelInfo && !o.limit.Allow() {
		o.dropped.Add(1)
		return false
	}
	return true
}

// write logs a line, noting how many lines the rate limit held back
// before it.
func (o *observer) write(ctx context.Context, lvl slog.Level, msg string, attrs []slog.Attr) {
	if lvl >= slog.LevelInfo {
		if n := o.dropped.Swap(0); n > 0 {
			attrs = append(attrs, slog.Int64("log.dropped_before", n))
		}
	}
	o.log.LogAttrs(ctx, lvl, msg, attrs...)
}

// peerAddress is the client's address, as host:port.
func peerAddress(ctx context.Context) string {
	if p, ok := peer.FromContext(ctx); ok && p.Addr != nil {
		if a, ok := p.Addr.(*net.TCPAddr); ok {
			return a.AddrPort().String()
		}
		return p.Addr.String()
	}
	return ""
}
