package main

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"go.uber.org/goleak"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// TestMain fails the run if the program leaves a goroutine behind (its
// in-memory server or connection not closed).
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestRunReadsDetails checks what the program prints: each failed call's
// code, the ErrorInfo reason and metadata and the BadRequest field that the
// services' contracts (calculator/doc.go, greeter/doc.go) promise, and the
// two actions taken on them.
func TestRunReadsDetails(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), &out); err != nil {
		t.Fatalf("run: %v\noutput so far:\n%s", err, out.String())
	}
	got := out.String()
	for _, want := range []string{
		"Add(2147483647, 1) -> OutOfRange: ",
		"\n  ErrorInfo: reason INT32_OVERFLOW, domain grpcexamples, metadata a=2147483647 b=1 exactResult=2147483648 max=2147483647 min=-2147483648 operation=add\n",
		"\n  acting on it: the exact sum is 2147483648, which needs int64\n",
		"\nDivide(7, 0) -> InvalidArgument: ",
		"\n  ErrorInfo: reason DIVISION_BY_ZERO, domain grpcexamples, metadata a=7 operation=divide\n",
		"\n  BadRequest: field \"b\", reason DIVISION_BY_ZERO: ",
		"\nSayHello(300 bytes) -> InvalidArgument: ",
		"\n  ErrorInfo: reason NAME_TOO_LONG, domain grpcexamples, metadata lengthBytes=300 limitBytes=256\n",
		"\n  BadRequest: field \"name\", reason NAME_TOO_LONG: ",
		// "Hello, " + 256 bytes + "!"
		"\n  acting on it: limitBytes is 256, and SayHello(256 bytes) answers 264 bytes\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q\n--- output:\n%s", want, got)
		}
	}
}

// TestExplainRefuses checks that explain reports, rather than prints as if
// fine, a call that did not fail with an ErrorInfo.
func TestExplainRefuses(t *testing.T) {
	withInfo, err := status.New(codes.OutOfRange, "too big").WithDetails(&errdetails.ErrorInfo{Reason: "TOO_BIG", Domain: "example"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		err     error
		wantErr string
	}{
		{"success", nil, "meant to fail"},
		{"not a status", errors.New("plain"), "not a gRPC status"},
		{"no details", status.Error(codes.Internal, "bare"), "no ErrorInfo"},
		{"ErrorInfo", withInfo.Err(), ""},
	} {
		var out bytes.Buffer
		info, err := explain(&out, "Call()", tc.err)
		switch {
		case tc.wantErr == "" && (err != nil || info.GetReason() != "TOO_BIG"):
			t.Errorf("%s: explain = %v, %v; want the ErrorInfo", tc.name, info, err)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("%s: explain error = %v; want one containing %q", tc.name, err, tc.wantErr)
		}
	}
}
