package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/seed717b8fd8/grpcexamples/keywords"
)

// TestMain fails the run if a test leaves a goroutine behind (a server
// not stopped, a connection left open, a stream not ended).
// It also removes the server binary the tests built.
func TestMain(m *testing.M) { goleak.VerifyTestMain(removeBuilt{m}) }

type removeBuilt struct{ *testing.M }

func (r removeBuilt) Run() int {
	defer func() {
		if serverBin != "" {
			os.RemoveAll(filepath.Dir(serverBin))
		}
	}()
	return r.M.Run()
}

var (
	buildOnce sync.Once
	serverBin string
	buildErr  error
)

// buildServer builds examples/server once for all tests.
func buildServer(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "client-test-server")
		if err != nil {
			buildErr = err
			return
		}
		serverBin = filepath.Join(dir, "server")
		gobin := filepath.Join(runtime.GOROOT(), "bin", "go")
		if out, err := exec.Command(gobin, "build", "-o", serverBin, "../server").CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("building examples/server: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return serverBin
}

// startServer runs examples/server, as a user would, with -tutorial-names
// and args on a port the OS picks, and returns its address. The server is
// stopped with SIGTERM (graceful shutdown) when the test ends.
func startServer(t *testing.T, args ...string) string {
	t.Helper()
	return launchServer(t, "", append([]string{"-tutorial-names"}, args...)).addr("listening")
}

// serverProc is a running examples/server.
type serverProc struct {
	t      *testing.T
	mu     sync.Mutex
	addrs  map[string]string // the addr of each "... listening" log line, by message
	logged chan struct{}     // closed and replaced on each such line
}

// launchServer runs examples/server in dir (the test's directory if "")
// with args, on a port the OS picks unless args give -addr, and stops it
// with SIGTERM when the test ends.
func launchServer(t *testing.T, dir string, args []string) *serverProc {
	t.Helper()
	bin := buildServer(t)
	cmd := exec.Command(bin, append([]string{"-addr", "127.0.0.1:0", "-drain", "0s", "-grace", "2s"}, args...)...)
	cmd.Dir = dir
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("server did not exit cleanly on SIGTERM: %v", err)
			}
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			t.Error("server did not stop within 10s of SIGTERM")
		}
	})
	p := &serverProc{t: t, addrs: map[string]string{}, logged: make(chan struct{})}
	addrRE := regexp.MustCompile(`msg="?((?:\w+ )?listening)"? addr=(\S+)`)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := addrRE.FindStringSubmatch(sc.Text()); m != nil {
				p.mu.Lock()
				p.addrs[m[1]] = m[2]
				close(p.logged)
				p.logged = make(chan struct{})
				p.mu.Unlock()
			}
		}
	}()
	return p
}

// addr waits for the server to log msg ("listening", "metrics listening")
// and returns the address it logged.
func (p *serverProc) addr(msg string) string {
	p.t.Helper()
	timeout := time.After(30 * time.Second)
	for {
		p.mu.Lock()
		a, ok := p.addrs[msg]
		logged := p.logged
		p.mu.Unlock()
		if ok {
			return a
		}
		select {
		case <-logged:
		case <-timeout:
			p.t.Fatalf("server logged no %q address within 30s", msg)
		}
	}
}

func TestClientAgainstServer(t *testing.T) {
	addr := startServer(t)
	cases := []struct {
		args     []string
		code     int
		stdout   string // a regexp the output must match
		stderrRE string
	}{
		{args: []string{"add", "2", "3"}, stdout: `^5\n$`},
		// Several replicas: round_robin with health checking skips one
		// that does not answer.
		{args: []string{"-addr", addr + ",127.0.0.1:1", "add", "2", "3"}, stdout: `^5\n$`},
		{args: []string{"-addr", addr + "," + addr, "add", "2", "3"}, code: 2, stderrRE: `-addr: .*`},
		{args: []string{"subtract", "10", "4"}, stdout: `^6\n$`},
		{args: []string{"multiply", "6", "7"}, stdout: `^42\n$`},
		{args: []string{"divide", "-7", "2"}, stdout: `^quotient -3 remainder -1\n$`},
		{args: []string{"divide", "1", "0"}, code: 1, stderrRE: `^error: InvalidArgument: .*division by zero`},
		{args: []string{"add", "2147483647", "1"}, code: 1, stderrRE: `^error: OutOfRange: `},
		{args: []string{"-tutorial-names", "add", "5", "3"}, stdout: `^8\n$`},
		{args: []string{"hello", "gopher"}, stdout: `^Hello, gopher!\n$`},
		{args: []string{"hello-again", "gopher"}, stdout: `^Hello again, gopher!\n$`},
		{args: []string{"-tutorial-names", "hello", "Happy Chappy"}, stdout: `^Hello, Happy Chappy!\n$`},
		{args: []string{"hello", ""}, code: 1, stderrRE: `^error: InvalidArgument: `},
		{args: []string{"keywords", "-max", "3", "Protocol buffers encode gRPC messages. Protocol buffers are compact, and gRPC messages travel over HTTP/2."},
			stdout: `(?i)^(\d\.\d{4}\t[^\n]+\n){1,3}$`},
		{args: []string{"-tutorial-names", "keywords", "Protocol buffers encode gRPC messages. Protocol buffers are compact."},
			stdout: `(?i)protocol buffers`},
		{args: []string{"keywords", "-max", "101", "text"}, code: 1, stderrRE: `^error: InvalidArgument: `},
		{args: []string{"keywords-stream", "-max", "2", "Protocol buffers encode gRPC messages. Protocol buffers are compact.", "Der Server erkennt die Sprache des Textes und wählt die passende Stoppwortliste."},
			stdout: `(?i)^1\ten\t[^;\n]*protocol buffers[^\n]*\n2\tde\t[^;\n]+; [^;\n]+\n$`},
		{args: []string{"keywords-stream", "-files", "main.go", "main_test.go"}, stdout: `^main\.go\ten\t[^\n]+\nmain_test\.go\ten\t[^\n]+\n$`},
		{args: []string{"keywords-stream", "ok", strings.Repeat("x", keywords.MaxTextBytes+1)}, code: 1, stderrRE: `^error: InvalidArgument: .*request 2`},
		{args: []string{"keywords-stream"}, code: 2},
		{args: []string{"-h"}, code: 0, stderrRE: `^usage: client `},
		{args: []string{"-md", "x-trace=42", "unary", "-echo", "x-trace", "-payload", "8", "ping"},
			stdout: `header x-trace=\[42\] trailer x-trace=\[42\]\nping \(received true, payload 8 bytes\)\n`},
		{args: []string{"server-stream", "-count", "3", "-interval", "5ms", "tick"},
			stdout: `^#1 tick \(payload 0 bytes\)\n#2 tick \(payload 0 bytes\)\n#3 tick \(payload 0 bytes\)\n$`},
		{args: []string{"server-stream", "-count", "3", "-status-code", "10", "-status-message", "stop", "-status-after", "1", "tick"},
			code: 1, stdout: `^#1 tick`, stderrRE: `^error: Aborted: stop`},
		{args: []string{"client-stream", "one", "two", "three"}, stdout: `^3 messages, 11 bytes: one two three\n$`},
		{args: []string{"bidi", "a", "b"}, stdout: `^#1 a\n#2 b\n$`},
		{args: []string{"-timeout", "100ms", "unary", "-interval", "5s", "slow"}, code: 1, stderrRE: `^error: DeadlineExceeded: `},
		{args: []string{"unary", "-payload", "2000000", "big"}, code: 1, stderrRE: `^error: InvalidArgument: `},
		// A status without a message prints just its code.
		{args: []string{"unary", "-status-code", "14", "ping"}, code: 1, stderrRE: `^error: Unavailable\n`},
		// -tls against a plaintext server: grpc-go reports a failed
		// handshake; the client names the flag to drop.
		{args: []string{"-tls", "add", "2", "3"}, code: 1,
			stderrRE: `^error: Unavailable: .*authentication handshake failed.*\nhint: the server at ` + regexp.QuoteMeta(addr) + ` speaks plaintext, not TLS: drop -tls and the other -tls-\* flags\n$`},
		{args: []string{"health"}, stdout: `^SERVING\n$`},
		{args: []string{"health", "grpcexamples.streaming.v1.StreamingService"}, stdout: `^SERVING\n$`},
		{args: []string{"health", "no.such.Service"}, code: 1, stderrRE: `^error: NotFound: `},
		{args: []string{"no-such-command"}, code: 2, stderrRE: `unknown command`},
		{args: []string{"add", "1"}, code: 2, stderrRE: `two int32 operands`},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(context.Background(), append([]string{"-addr", addr}, c.args...), &out, &errOut)
			if code != c.code {
				t.Fatalf("exit code %d, want %d\nstdout: %s\nstderr: %s", code, c.code, out.String(), errOut.String())
			}
			if c.stdout != "" && !regexp.MustCompile(c.stdout).MatchString(out.String()) {
				t.Errorf("stdout %q does not match %q", out.String(), c.stdout)
			}
			if c.stderrRE != "" && !regexp.MustCompile(c.stderrRE).MatchString(errOut.String()) {
				t.Errorf("stderr %q does not match %q", errOut.String(), c.stderrRE)
			}
		})
	}
}
