package main

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"runtime/debug"
	"time"
	"unicode/utf8"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
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
// call is DEBUG (the interceptor raises slow ones); a call the caller
// ended is INFO; a call refused or failed because of the request is WARN;
// a fault of the server (or of something it depends on) is ERROR.
func callLevel(code codes.Code) slog.Level {
	switch code {
	case codes.OK:
		return slog.LevelDebug
	case codes.Canceled:
		return slog.LevelInfo
	case codes.InvalidArgument, codes.NotFound, codes.AlreadyExists, codes.PermissionDenied,
		codes.Unauthenticated, codes.ResourceExhausted, codes.FailedPrecondition, codes.Aborted,
		codes.OutOfRange, codes.Unimplemented, codes.DeadlineExceeded:
		return slog.LevelWarn
	default: // Unknown, Internal, Unavailable, DataLoss
		return slog.LevelError
	}
}

// elapsed is a call's duration in the log, written in milliseconds under
// grpc.time_ms, to the microsecond.
type elapsed time.Duration

// LogValue writes the duration in milliseconds, to the microsecond.
func (e elapsed) LogValue() slog.Value {
	return slog.Float64Value(math.Round(float64(e)/1e3) / 1e3)
}

// recoverPanic turns a handler's panic into codes.Internal with a message
// that reveals nothing of the server, and logs the panic value and the
// stack at ERROR. It is the handler of go-grpc-middleware's recovery
// interceptor, so the process survives the panic.
func (o *observer) recoverPanic(ctx context.Context, p any) error {
	if o.enabled(ctx, slog.LevelError) {
		method, _ := grpc.Method(ctx)
		o.write(ctx, slog.LevelError, "panic in handler", []slog.Attr{
			slog.String("grpc.full_method", truncate(method)),
			slog.String("panic", truncate(fmt.Sprint(p))),
			slog.String("stack", string(debug.Stack())),
		})
	}
	return status.Error(codes.Internal, "internal error; the server logged the details")
}
