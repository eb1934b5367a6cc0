package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"go.uber.org/goleak"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestTourShowsEveryService(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), nil, &out); err != nil {
		t.Fatalf("run: %v\noutput so far:\n%s", err, out.String())
	}
	got := out.String()
	// Lines whose content is fixed by the services' contracts.
	for _, want := range []string{
		"Add(2, 3) = 5\n",
		"Subtract(10, 4) = 6\n",
		"Multiply(6, 7) = 42\n",
		"Divide(-7, 2) = quotient -3, remainder -1\n",
		"Add(2147483647, 1) -> OutOfRange: ",
		"Divide(1, 0) -> InvalidArgument: ",
		`grpcexamples.greeter.v1.Greeter: SayHello("gopher") = "Hello, gopher!", SayHelloAgain = "Hello again, gopher!"`,
		`helloworld.Greeter: SayHello("gopher") = "Hello, gopher!", SayHelloAgain = "Hello again, gopher!"`,
		`SayHello("") -> InvalidArgument: `,
		`GetKeywords(max 101) -> InvalidArgument: `,
		`unary: Unary("ping") = "ping", received true, payload 16 bytes; header x-tour=[hello], trailer x-tour=[hello]`,
		`server-streaming: ServerStream("tick", 3 messages, 10ms apart): #1 "tick" #2 "tick" #3 "tick"`,
		"server-streaming with status after 2: 2 messages, then Aborted: stopped by request\n",
		`client-streaming: sent 3 messages -> 3 messages, 23 bytes, "one two three"`,
		`bidirectional streaming: sent "a" got #1 "a"; sent "b" got #2 "b"; sent "c" got #3 "c";`,
		"deadline: Unary with a 1s interval and a 50ms deadline -> DeadlineExceeded\n",
		"bad controls: PayloadSize 1048577 -> InvalidArgument: ",
		// The details the services' doc.go tables promise for these errors.
		"\nAdd(2147483647, 1) -> OutOfRange\n" +
			"  ErrorInfo: reason INT32_OVERFLOW, domain grpcexamples, metadata a=2147483647 b=1 exactResult=2147483648 max=2147483647 min=-2147483648 operation=add\n",
		"\nSayHello(\"Ada\\u200bLovelace\") -> InvalidArgument\n" +
			"  ErrorInfo: reason NAME_REFUSED_CHARACTER, domain grpcexamples, metadata category=Cf codePoint=U+200B offsetBytes=3\n" +
			"  BadRequest: field \"name\", reason NAME_REFUSED_CHARACTER: ",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("tour output lacks %q\n--- output:\n%s", want, got)
		}
	}
	// Keyphrases depend on the engine's tuning: check their shape, and that
	// the built-in paragraph's subject is found.
	ranked := regexp.MustCompile(`(?m)^  [1-5]\. (.+?)\s+score (0\.\d{3}|1\.000)$`).FindAllStringSubmatch(got, -1)
	if len(ranked) == 0 || len(ranked) > 5 {
		t.Fatalf("tour printed %d ranked keyphrases, want 1 to 5\n%s", len(ranked), got)
	}
	found := false
	for _, m := range ranked {
		if strings.Contains(strings.ToLower(m[1]), "grpc") || strings.Contains(strings.ToLower(m[1]), "keyphrase") {
			found = true
		}
	}
	if !found {
		t.Errorf("no keyphrase of the built-in paragraph mentions grpc or keyphrase: %q", ranked)
	}
	for _, id := range []string{"doc-1", "doc-2"} {
		if !regexp.MustCompile(`(?m)^Stream ` + id + ` \(language "[a-z]*"\): \S`).MatchString(got) {
			t.Errorf("no stream answer for %s\n%s", id, got)
		}
	}
}

func TestTourFileFlag(t *testing.T) {
	path := filepath.Join(t.TempDir(), "text.txt")
	text := "Photosynthesis converts light energy into chemical energy. " +
		"During photosynthesis, chlorophyll absorbs light energy, and the chemical energy is stored in glucose. " +
		"Photosynthesis in plants depends on chlorophyll."
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(t.Context(), []string{"-file", path}, &out); err != nil {
		t.Fatalf("run -file: %v", err)
	}
	if !strings.Contains(out.String(), "GetKeywords("+strconv.Itoa(len(text))+" bytes, max 5)") {
		t.Errorf("tour did not read the file (want its size in the output):\n%s", out.String())
	}
	if !strings.Contains(strings.ToLower(out.String()), "photosynthesis") {
		t.Errorf("keyphrases of the file lack its main term, photosynthesis:\n%s", out.String())
	}
}

func TestTourMissingFile(t *testing.T) {
	var out bytes.Buffer
	err := run(t.Context(), []string{"-file", filepath.Join(t.TempDir(), "absent.txt")}, &out)
	if err == nil {
		t.Fatal("run with a missing -file succeeded, want an error")
	}
}

// TestPrintDetailsNeedsDetails: a status without details is reported, so
// that the tour cannot print an empty section for a service that lost them.
func TestPrintDetailsNeedsDetails(t *testing.T) {
	var out bytes.Buffer
	if err := printDetails(&out, status.Error(codes.OutOfRange, "bare")); err == nil {
		t.Error("printDetails of a status without details = nil, want an error")
	}
}
