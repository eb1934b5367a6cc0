package main

import (
	"context"
	"crypto/rand"
	"log/slog"
	"net"
	"strconv"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"
)

// requestIDHeader is the metadata key of a call's request id, in the
// request (the caller's, if it sent a valid one) and in the response
// trailer (always). The trailer, not the header: a response header
// commits a call, and a client may no longer retry it (gRFC A6), so
// sending one on a call that fails would turn every retryable failure
// into a final one.
const requestIDHeader = "x-request-id"

// maxRequestIDLen is the longest request id the server takes from a
// caller; a longer one, or one with other characters than letters, digits
// and ._:-, is replaced by a new one. The id goes into every log line and
// span of the call, so a caller must not choose its size or its bytes.
const maxRequestIDLen = 128

type requestIDKey struct{}

// requestID returns the call's request id, or "" outside a call.
func requestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// withRequestID gives the call its request id: the caller's x-request-id
// if it is valid, else a new random one (crypto/rand.Text: 26 base32
// characters). The id goes into the context (where the logHandler finds
// it for every log line of the call), into the response trailer (so the
// caller can quote it in a bug report), and onto the call's span as
// request.id, with the peer's address as network.peer.address and
// network.peer.port (otelgrpc leaves those off server spans).
func withRequestID(ctx context.Context, setTrailer func(metadata.MD)) context.Context {
	id := ""
	if v := metadata.ValueFromIncomingContext(ctx, requestIDHeader); len(v) > 0 && validRequestID(v[0]) {
		id = v[0]
	} else {
		id = rand.Text()
	}
	setTrailer(metadata.Pairs(requestIDHeader, id))
	if span := trace.SpanFromContext(ctx); span.IsRecording() {
		attrs := []attribute.KeyValue{attribute.String("request.id", id)}
		if p, ok := peer.FromContext(ctx); ok && p.Addr != nil {
			if host, port, err := net.SplitHostPort(p.Addr.String()); err == nil {
				attrs = append(attrs, attribute.String("network.peer.address", host))
				if n, err := strconv.Atoi(port); err == nil {
					attrs = append(attrs, attribute.Int("network.peer.port", n))
				}
			}
		}
		span.SetAttributes(attrs...)
	}
	return context.WithValue(ctx, requestIDKey{}, id)
}

func validRequestID(id string) bool {
	if id == "" || len(id) > maxRequestIDLen {
		return false
	}
	for _, r := range id {
		if !isAlnum(r) && r != '.' && r != '_' && r != ':' && r != '-' {
			return false
		}
	}
	return true
}

// unaryRequestID and streamRequestID run withRequestID first on every
// call, before the logging interceptor, so that its lines carry the id.
func unaryRequestID(ctx context.Context, req any, _ *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	ctx = withRequestID(ctx, func(md metadata.MD) { _ = grpc.SetTrailer(ctx, md) }) // fails only outside a call
	return handler(ctx, req)
}

func streamRequestID(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	ctx := withRequestID(ss.Context(), ss.SetTrailer)
	return handler(srv, contextStream{ss, ctx})
}

// contextStream is a server stream with a context of the interceptor's.
type contextStream struct {
	grpc.ServerStream
	ctx context.Context
}

func (s contextStream) Context() context.Context { return s.ctx }

// logHandler adds to every record logged with a call's context the call's
// request.id and, when the call is traced, its trace_id and span_id, so
// that a log line leads to the call's span and back.
type logHandler struct{ slog.Handler }

func (h logHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := requestID(ctx); id != "" {
		r.AddAttrs(slog.String("request.id", id))
	}
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
		r.AddAttrs(slog.String("trace_id", sc.TraceID().String()), slog.String("span_id", sc.SpanID().String()))
	}
	return h.Handler.Handle(ctx, r)
}

func (h logHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return logHandler{h.Handler.WithAttrs(as)}
}
func (h logHandler) WithGroup(name string) slog.Handler { return logHandler{h.Handler.WithGroup(name)} }
