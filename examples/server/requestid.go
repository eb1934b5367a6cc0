package main

import (
	"context"
	"crypto/rand"
	"log/slog"
	"net"
	"strconv"
	"sync/atomic"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
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

// requestID returns the call's request id, or "" outside a call.
func requestID(ctx context.Context) string {
	if c := callFrom(ctx); c != nil {
		return c.id
	}
	return ""
}

// requestIDFrom returns the request id of a call whose request metadata is
// md: the caller's x-request-id if it is valid, else a new one.
func requestIDFrom(md metadata.MD) string {
	if v := md[requestIDHeader]; len(v) > 0 && validRequestID(v[0]) {
		return v[0]
	}
	return newRequestID()
}

// requestIDs are this process's ids: a random prefix of 10 base32
// characters (50 bits, drawn at start-up, so that replicas do not share
// ids) and a counter in base 36, as in "K7QX2M4ZPA-1f3". A counter costs
// one allocation a call where a random id of the same strength would cost
// a read of the system's random source as well.
var requestIDs struct {
	prefix string
	n      atomic.Uint64
}

func init() { requestIDs.prefix = rand.Text()[:10] + "-" }

func newRequestID() string {
	var b [32]byte
	return string(strconv.AppendUint(append(b[:0], requestIDs.prefix...), requestIDs.n.Add(1), 36))
}

// traceRequest puts the call's request id on its span as request.id, with
// the peer's address as network.peer.address and network.peer.port
// (otelgrpc leaves those off server spans). It does nothing for a call
// that is not traced.
func traceRequest(ctx context.Context, id string) {
	span := trace.SpanFromContext(ctx)
	if !span.IsRecording() {
		return
	}
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
