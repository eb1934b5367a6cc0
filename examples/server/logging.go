package main

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"runtime/debug"
	"time"
	"unicode/utf8"

	"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/logging"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
)

// maxLoggedText is the most bytes of one string a log line carries. Status
// messages, error strings and other text a caller can choose are cut to it,
// so a caller cannot make one log line megabytes long.
const maxLoggedText = 256

// truncate cuts s to maxLoggedText bytes at a rune boundary, saying how
// many bytes it cut.
func truncate(s string) string {
	if len(s) <= maxLoggedText {
		return s
	}
	cut := maxLoggedText
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%s…[%d more bytes cut]", s[:cut], len(s)-cut)
}

// callLevel maps a call's status code to the level it is logged at. An OK
// call is DEBUG (callLogger raises slow ones); a call the caller ended is
// INFO; a call refused or failed because of the request is WARN; a fault
// of the server (or of something it depends on) is ERROR.
func callLevel(code codes.Code) logging.Level {
	switch code {
	case codes.OK:
		return logging.LevelDebug
	case codes.Canceled:
		return logging.LevelInfo
	case codes.InvalidArgument, codes.NotFound, codes.AlreadyExists, codes.PermissionDenied,
		codes.Unauthenticated, codes.ResourceExhausted, codes.FailedPrecondition, codes.Aborted,
		codes.OutOfRange, codes.Unimplemented, codes.DeadlineExceeded:
		return logging.LevelWarn
	default: // Unknown, Internal, Unavailable, DataLoss
		return logging.LevelError
	}
}

// elapsed is a call's duration in the log, written in milliseconds under
// grpc.time_ms as go-grpc-middleware does, but kept as a duration so that
// callLogger can compare it with -slow.
type elapsed time.Duration

// LogValue writes the duration in milliseconds, to the microsecond.
func (e elapsed) LogValue() slog.Value {
	return slog.Float64Value(math.Round(float64(e)/1e3) / 1e3)
}

// callLogger is the logging interceptor's logger. Over the level that
// callLevel gives, it raises an OK call that took at least slow (unary to
// WARN, a stream, whose length its caller chooses, to INFO), lowers a
// health Watch that the drain ended to INFO (it is how shutdown tells
// watchers to move away), and cuts every string field to maxLoggedText.
type callLogger struct {
	log  *slog.Logger
	slow time.Duration
}

// Log writes one line of the logging interceptor, as the type's comment says.
func (l callLogger) Log(ctx context.Context, lvl logging.Level, msg string, fields ...any) {
	// The interceptor may reuse the slice for later lines of the call.
	fields = append(make([]any, 0, len(fields)+2), fields...)
	var (
		code, service, method, kind string
		took                        time.Duration
	)
	for i := 0; i+1 < len(fields); i += 2 {
		switch v := fields[i+1].(type) {
		case string:
			switch fields[i] {
			case "grpc.code":
				code = v
			case "grpc.service":
				service = v
			case "grpc.method":
				method = v
			case "grpc.method_type":
				kind = v
			}
			fields[i+1] = truncate(v)
		case elapsed:
			took = time.Duration(v)
		}
	}
	switch {
	case code == codes.OK.String() && l.slow > 0 && took >= l.slow:
		lvl = logging.LevelWarn
		if kind != "unary" {
			lvl = logging.LevelInfo
		}
		fields = append(fields, "slow", true)
	case code == codes.Unavailable.String() && service == healthpb.Health_ServiceDesc.ServiceName && method == "Watch":
		lvl = logging.LevelInfo
	}
	l.log.Log(ctx, slog.Level(lvl), msg, fields...)
}

// loggingOptions configures go-grpc-middleware's logging interceptor: one
// line per finished call (and one per started call at DEBUG), levels by
// callLevel, the duration as elapsed, and the subject of the client's
// certificate (mTLS) as peer.subject.
func loggingOptions(level slog.Level) []logging.Option {
	events := []logging.LoggableEvent{logging.FinishCall}
	if level <= slog.LevelDebug {
		events = append(events, logging.StartCall)
	}
	return []logging.Option{
		logging.WithFieldsFromContext(func(ctx context.Context) logging.Fields {
			if subj := peerSubject(ctx); subj != "" {
				return logging.Fields{"peer.subject", subj}
			}
			return nil
		}),
		logging.WithLogOnEvents(events...),
		logging.WithLevels(callLevel),
		logging.WithDurationField(func(d time.Duration) logging.Fields { return logging.Fields{"grpc.time_ms", elapsed(d)} }),
	}
}

// recoverPanic turns a handler's panic into codes.Internal with a message
// that reveals nothing of the server, and logs the panic value and the
// stack at ERROR. It is the handler of go-grpc-middleware's recovery
// interceptor, so the process survives the panic.
func recoverPanic(log *slog.Logger) func(ctx context.Context, p any) error {
	return func(ctx context.Context, p any) error {
		method, _ := grpc.Method(ctx)
		log.ErrorContext(ctx, "panic in handler", "grpc.full_method", truncate(method),
			"panic", truncate(fmt.Sprint(p)), "stack", string(debug.Stack()))
		return status.Error(codes.Internal, "internal error; the server logged the details")
	}
}
