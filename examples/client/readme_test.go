package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
)

// walkthroughSection is the README section whose certificate walk-through
// TestREADMEWalkthrough runs.
const walkthroughSection = "## Security and telemetry: what a host adds"

// TestREADMEWalkthrough runs the README's TLS, token, authz and mTLS
// walk-through command by command, as written, and checks what each
// comment after a client command says it prints: the line on stdout, or,
// for a comment starting with a status code's name, a call failing with
// that code (and the hint the comment quotes). The README's fixed ports become ports the OS picks, and its
// scratch directory certs a temporary one; every other word is the
// README's. A command the test does not know fails it, so the walk-through
// cannot change without the test.
func TestREADMEWalkthrough(t *testing.T) {
	t.Parallel()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	cmds := walkthrough(t, string(readme))
	certs := filepath.Join(t.TempDir(), "certs")
	local := func(arg string) string { // the scratch directory's files
		if arg == "certs" || strings.HasPrefix(arg, "certs/") {
			return certs + strings.TrimPrefix(arg, "certs")
		}
		return arg
	}
	var server *serverProc
	for _, c := range cmds {
		t.Logf("$ %s", c.line)
		words := strings.Fields(c.line)
		for i := range words {
			words[i] = local(words[i])
		}
		switch {
		case strings.HasPrefix(c.line, "go run ./internal/testcerts/mkcerts "):
			cmd := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), words[1:]...)
			cmd.Dir = root
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("%s: %v\n%s", c.line, err, out)
			}
		case strings.HasPrefix(c.line, "go run ./examples/server "):
			args := words[3:]
			for i := range args {
				if i > 0 && args[i-1] == "-metrics-addr" {
					args[i] = "127.0.0.1:0"
				}
			}
			server = launchServer(t, root, args)
			server.addr("listening")
		case strings.HasPrefix(c.line, "go run ./examples/client "):
			if server == nil {
				t.Fatalf("%s: no server started before", c.line)
			}
			r := client(append([]string{"-addr", server.addr("listening")}, words[3:]...))
			checkComment(t, c, r)
		case len(words) == 4 && words[0] == "echo" && words[2] == ">":
			if err := os.WriteFile(words[3], []byte(words[1]+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
		case len(words) == 6 && words[0] == "curl" && words[1] == "-s" && words[3] == "|" && words[4] == "grep":
			_, path, _ := strings.Cut(words[2], "/")
			body := get(t, "http://"+server.addr("metrics listening")+"/"+path)
			if !strings.Contains(body, words[5]) {
				t.Errorf("%s: no %q in:\n%.2000s", c.line, words[5], body)
			}
		default:
			t.Fatalf("the README's walk-through has a command the test does not run: %s", c.line)
		}
	}
}

// command is one command of the walk-through, its continuation lines
// joined, and the comment after it.
type command struct{ line, comment string }

// walkthrough returns the commands of the sh blocks of walkthroughSection
// that use the scratch directory certs.
func walkthrough(t *testing.T, readme string) []command {
	t.Helper()
	_, section, ok := strings.Cut(readme, "\n"+walkthroughSection+"\n")
	if !ok {
		t.Fatalf("README has no section %q", walkthroughSection)
	}
	if end := strings.Index(section, "\n## "); end >= 0 {
		section = section[:end]
	}
	var cmds []command
	for _, block := range regexp.MustCompile("(?s)```sh\n(.*?)```").FindAllStringSubmatch(section, -1) {
		if !strings.Contains(block[1], "certs") {
			continue
		}
		joined := strings.ReplaceAll(block[1], "\\\n", " ")
		for line := range strings.Lines(joined) {
			line, comment, _ := strings.Cut(line, "# ")
			if line = strings.TrimSpace(line); line != "" {
				cmds = append(cmds, command{line, strings.TrimSpace(comment)})
			}
		}
	}
	if len(cmds) == 0 {
		t.Fatalf("README section %q has no walk-through", walkthroughSection)
	}
	return cmds
}

// codeNames are the status codes by the names the client prints.
var codeNames = func() map[string]codes.Code {
	m := map[string]codes.Code{}
	for c := codes.OK; c <= codes.Unauthenticated; c++ {
		m[c.String()] = c
	}
	return m
}()

// checkComment checks the client's result against the command's comment:
// "Hello, bob!" is the whole of stdout; "PermissionDenied ..." is a call
// that failed with that code, and "..., with a hint: TEXT" one whose hint
// line holds TEXT.
func checkComment(t *testing.T, c command, r result) {
	t.Helper()
	if c.comment == "" {
		t.Errorf("%s: the README says nothing of what it prints", c.line)
		return
	}
	if code, ok := codeNames[regexp.MustCompile(`^\w+`).FindString(c.comment)]; ok {
		if r.code != 1 || !strings.HasPrefix(r.stderr, "error: "+code.String()) {
			t.Errorf("%s: want a call failing with %v; got %v", c.line, code, r)
		}
		if _, hint, ok := strings.Cut(c.comment, "hint: "); ok && !regexp.MustCompile(`\nhint: .*`+regexp.QuoteMeta(hint)).MatchString(r.stderr) {
			t.Errorf("%s: want the hint %q; got %v", c.line, hint, r)
		}
		return
	}
	if r.code != 0 || r.stdout != c.comment+"\n" {
		t.Errorf("%s: want %q; got %v", c.line, c.comment, r)
	}
}

func get(t *testing.T, url string) string {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	if _, err := io.Copy(&b, io.LimitReader(resp.Body, 4<<20)); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
