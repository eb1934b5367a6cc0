// Command client calls a running grpcexamples server (examples/server), one
// subcommand per method:
//
//	go run ./examples/client add 2 3
//	go run ./examples/client divide 7 2
//	go run ./examples/client hello gopher
//	go run ./examples/client keywords -max 5 "text to extract keyphrases from"
//	go run ./examples/client keywords-stream -files README.md doc.go
//	go run ./examples/client server-stream -count 3 -interval 100ms tick
//	go run ./examples/client client-stream one two three
//	go run ./examples/client bidi a b c
//	go run ./examples/client -md x-trace=42 unary -echo x-trace ping
//	go run ./examples/client health
//
// Global flags come before the command: -addr (default 127.0.0.1:50051;
// a comma-separated list of replicas is balanced with round_robin and
// client-side health checking, so a replica that drains gets no new calls),
// -timeout (the call's deadline), -md key=value (request metadata,
// repeatable), -tutorial-names (call the tutorials' wire names where a
// method has one). A failed call prints its status code and message, and
// the server's request id when it sent one, and exits with status 1; when
// the call failed because one side speaks TLS and the other does not, it
// says which flag to add or drop.
//
// # Security
//
// -tls connects with TLS, trusting the system's CAs; -tls-ca FILE trusts
// that file's CAs instead (a private CA); -tls-cert and -tls-key present a
// client certificate to a server that requires one (its -tls-client-ca);
// -tls-server-name sets the name the server's certificate must hold when
// it is not the host of -addr. -token-file FILE sends the file's first
// line as a bearer token with every call, through grpc-go's per-RPC
// credentials, which refuse to send it over a plaintext connection:
//
//	go run ./examples/client -tls-ca ca.pem -tls-cert client.pem -tls-key client.key add 2 3
//	go run ./examples/client -tls-ca ca.pem -token-file token.txt hello gopher
//
// # Resilience
//
// -retry N retries calls that fail with UNAVAILABLE, up to N attempts in
// all, with exponential backoff and retry throttling; -service-config FILE
// takes a whole gRPC service config instead (serviceconfig/retry.json is
// an example; grpc-go accepts a hedgingPolicy but does not hedge). The
// streaming service fails the first attempts of a call on request
// (-fail-attempts), which shows a policy at work:
//
//	go run ./examples/client -retry 3 unary -fail-attempts 2 -status-code 14 ping   # succeeds on attempt 3
//	go run ./examples/client -retry 3 unary -fail-attempts 2 -status-code 9 ping    # FailedPrecondition: not retried
//
// -wait-for-ready makes a call wait, until its deadline, for a server that
// is not reachable yet, instead of failing at once with UNAVAILABLE;
// -keepalive-time D pings the server after D without activity on an open
// call and ends the call with UNAVAILABLE when a ping is not answered
// within -keepalive-timeout, so that a long stream notices a dead server
// or a dropped connection; -gzip compresses requests (and the server
// compresses its answers in kind).
//
// # Telemetry
//
// -otel stdout writes OpenTelemetry spans and metrics of the call (pretty
// JSON) to stderr; -otel otlp or -otel http://HOST:4317 exports them over
// OTLP/gRPC. The call carries W3C trace context, so the server's span is
// the child of the client's.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/seed717b8fd8/grpcexamples/calculator"
	"github.com/seed717b8fd8/grpcexamples/greeter"
	"github.com/seed717b8fd8/grpcexamples/keywords"
	"github.com/seed717b8fd8/grpcexamples/streaming"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

// usageError is a command line mistake: it prints usage and exits 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// mdFlag collects repeated -md key=value flags.
type mdFlag []string

func (m *mdFlag) String() string { return strings.Join(*m, ",") }
func (m *mdFlag) Set(v string) error {
	if !strings.Contains(v, "=") {
		return fmt.Errorf("want key=value, got %q", v)
	}
	*m = append(*m, v)
	return nil
}

const usage = `usage: client [global flags] COMMAND [ARGS]

global flags:
  -addr HOST:PORT -timeout D -md key=value (repeatable) -tutorial-names
  -tls -tls-ca FILE -tls-cert FILE -tls-key FILE -tls-server-name NAME -token-file FILE
  -retry N | -service-config FILE   -gzip -wait-for-ready
  -keepalive-time D -keepalive-timeout D   -otel stdout|otlp|URL

commands:
  add|subtract|multiply|divide A B      calculator (int32 operands)
  hello|hello-again NAME                greeter
  keywords [-max N] [-lang CODE] TEXT   keyphrases of TEXT (or -file PATH)
  keywords-stream [-max N] [-lang CODE] [-files] TEXT...
                                        keyphrases of each TEXT (or file) on one
                                        bidirectional stream, printed as they arrive
  unary [controls] MESSAGE              streaming: unary
  server-stream [controls] MESSAGE      streaming: server-streaming
  client-stream [controls] MESSAGE...   streaming: client-streaming
  bidi [controls] MESSAGE...            streaming: bidirectional streaming
  health [SERVICE]                      grpc.health.v1 Check

controls: -count N -interval D -payload BYTES -status-code CODE
          -status-message TEXT -status-after N -fail-attempts N
          -echo KEY (repeatable)
`

// run executes one command and returns the process exit code: 0 on
// success, 1 when the call fails, 2 on a usage error.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return runWith(ctx, args, stdout, stderr)
}

// runWith is run with extra dial options (tests add stats handlers).
func runWith(ctx context.Context, args []string, stdout, stderr io.Writer, extra ...grpc.DialOption) int {
	fs := flag.NewFlagSet("client", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg connConfig
	cfg.flags(fs)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage, "\nglobal flags in full:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0 // -h: usage was asked for and printed
		}
		return 2
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	if err := cfg.check(); err != nil {
		fmt.Fprintln(stderr, "client:", err)
		return 2
	}
	opts, closeTelemetry, err := cfg.dialOptions(stderr)
	if err != nil {
		fmt.Fprintln(stderr, "client:", err)
		return 2
	}
	defer closeTelemetry()

	cc, err := cfg.connect(append(opts, extra...))
	if err != nil {
		fmt.Fprintln(stderr, "client:", err)
		return 2
	}
	defer cc.Close()

	ctx, cancel := context.WithTimeout(ctx, cfg.timeout)
	defer cancel()
	for _, kv := range cfg.md {
		k, v, _ := strings.Cut(kv, "=")
		ctx = metadata.AppendToOutgoingContext(ctx, k, v)
	}

	// The server's request id comes in the response header, or in the
	// trailer of a call that failed before sending one.
	var header, trailer metadata.MD
	err = dispatch(ctx, withCallOptions{cc, []grpc.CallOption{grpc.Header(&header), grpc.Trailer(&trailer)}},
		cfg.tutorial, fs.Arg(0), fs.Args()[1:], stdout)
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "client: %s\n\n%s", ue.msg, usage)
		return 2
	default:
		st := status.Convert(err)
		if st.Message() == "" {
			fmt.Fprintf(stderr, "error: %v\n", st.Code())
		} else {
			fmt.Fprintf(stderr, "error: %v: %s\n", st.Code(), st.Message())
		}
		if hint := cfg.transportHint(st); hint != "" {
			fmt.Fprintln(stderr, "hint:", hint)
		}
		if id := append(header.Get("x-request-id"), trailer.Get("x-request-id")...); len(id) > 0 {
			fmt.Fprintf(stderr, "request id: %s\n", id[0])
		}
		return 1
	}
}

// withCallOptions is a connection that adds opts to every call, so that
// each command's call reports its header and trailer without each command
// asking.
type withCallOptions struct {
	grpc.ClientConnInterface
	opts []grpc.CallOption
}

func (c withCallOptions) Invoke(ctx context.Context, method string, args, reply any, opts ...grpc.CallOption) error {
	return c.ClientConnInterface.Invoke(ctx, method, args, reply, append(c.opts, opts...)...)
}

func (c withCallOptions) NewStream(ctx context.Context, desc *grpc.StreamDesc, method string, opts ...grpc.CallOption) (grpc.ClientStream, error) {
	return c.ClientConnInterface.NewStream(ctx, desc, method, append(c.opts, opts...)...)
}

func dispatch(ctx context.Context, cc grpc.ClientConnInterface, tutorial bool, cmd string, args []string, w io.Writer) error {
	switch cmd {
	case "add", "subtract", "multiply", "divide":
		return calc(ctx, cc, tutorial, cmd, args, w)
	case "hello", "hello-again":
		return greet(ctx, cc, tutorial, cmd, args, w)
	case "keywords":
		return extract(ctx, cc, tutorial, args, w)
	case "keywords-stream":
		return extractStream(ctx, cc, args, w)
	case "unary", "server-stream", "client-stream", "bidi":
		return stream(ctx, cc, cmd, args, w)
	case "health":
		return health(ctx, cc, args, w)
	}
	return usageError{fmt.Sprintf("unknown command %q", cmd)}
}

func calc(ctx context.Context, cc grpc.ClientConnInterface, tutorial bool, op string, args []string, w io.Writer) error {
	if len(args) != 2 {
		return usageError{op + " takes two int32 operands"}
	}
	var ab [2]int32
	for i, s := range args {
		n, err := strconv.ParseInt(s, 10, 32)
		if err != nil {
			return usageError{fmt.Sprintf("operand %q is not an int32", s)}
		}
		ab[i] = int32(n)
	}
	var opts []calculator.ClientOption
	if tutorial {
		opts = append(opts, calculator.WithTutorialServer())
	}
	c := calculator.NewClient(cc, opts...)
	var r int32
	var err error
	switch op {
	case "add":
		r, err = c.Add(ctx, ab[0], ab[1])
	case "subtract":
		r, err = c.Subtract(ctx, ab[0], ab[1])
	case "multiply":
		r, err = c.Multiply(ctx, ab[0], ab[1])
	case "divide":
		q, rem, err := c.Divide(ctx, ab[0], ab[1])
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "quotient %d remainder %d\n", q, rem)
		return nil
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(w, r)
	return nil
}

func greet(ctx context.Context, cc grpc.ClientConnInterface, tutorial bool, cmd string, args []string, w io.Writer) error {
	if len(args) != 1 {
		return usageError{cmd + " takes one NAME"}
	}
	var opts []greeter.ClientOption
	if tutorial {
		opts = append(opts, greeter.WithTutorialServer())
	}
	g := greeter.NewClient(cc, opts...)
	say := g.SayHello
	if cmd == "hello-again" {
		say = g.SayHelloAgain
	}
	msg, err := say(ctx, args[0])
	if err != nil {
		return err
	}
	fmt.Fprintln(w, msg)
	return nil
}

func extract(ctx context.Context, cc grpc.ClientConnInterface, tutorial bool, args []string, w io.Writer) error {
	fs := flag.NewFlagSet("keywords", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	max := fs.Int("max", 0, "most keyphrases to return (0: server default)")
	lang := fs.String("lang", "", "ISO 639-1 language code (empty: detect)")
	file := fs.String("file", "", "read the text from this file")
	if err := fs.Parse(args); err != nil {
		return usageError{"keywords: " + err.Error()}
	}
	text := strings.Join(fs.Args(), " ")
	if *file != "" {
		b, err := os.ReadFile(*file)
		if err != nil {
			return usageError{err.Error()}
		}
		text = string(b)
	}
	var opts []keywords.ClientOption
	if tutorial {
		opts = append(opts, keywords.WithTutorialServer())
	}
	res, err := keywords.NewClient(cc, opts...).GetKeywords(ctx, keywords.Request{Text: text, MaxResults: *max, Language: *lang})
	if err != nil {
		return err
	}
	for _, k := range res.Keyphrases {
		fmt.Fprintf(w, "%.4f\t%s\n", k.Score, k.Text)
	}
	return nil
}

// extractStream sends each document on one StreamKeywords stream, from a
// second goroutine, and prints each answer as it arrives: id, language and
// the keyphrases separated by "; ".
func extractStream(ctx context.Context, cc grpc.ClientConnInterface, args []string, w io.Writer) error {
	fs := flag.NewFlagSet("keywords-stream", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	max := fs.Int("max", 0, "most keyphrases per document (0: server default)")
	lang := fs.String("lang", "", "ISO 639-1 language code (empty: detect)")
	files := fs.Bool("files", false, "each argument is a file to read as one document")
	if err := fs.Parse(args); err != nil {
		return usageError{"keywords-stream: " + err.Error()}
	}
	if fs.NArg() == 0 {
		return usageError{"keywords-stream takes at least one TEXT (or file with -files)"}
	}
	reqs := make([]keywords.Request, fs.NArg())
	for i, a := range fs.Args() {
		reqs[i] = keywords.Request{Text: a, ID: strconv.Itoa(i + 1), MaxResults: *max, Language: *lang}
		if *files {
			b, err := os.ReadFile(a)
			if err != nil {
				return usageError{err.Error()}
			}
			reqs[i].Text, reqs[i].ID = string(b), a
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // ends the stream, and so the sender, on an early return
	st, err := keywords.NewClient(cc).Stream(ctx)
	if err != nil {
		return err
	}
	sent := make(chan error, 1)
	go func() {
		for _, r := range reqs {
			if err := st.Send(r); err != nil {
				sent <- err // the stream ended; Receive returns its status
				return
			}
		}
		sent <- st.CloseSend()
	}()
	for {
		res, err := st.Receive()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		phrases := make([]string, len(res.Keyphrases))
		for i, k := range res.Keyphrases {
			phrases[i] = k.Text
		}
		fmt.Fprintf(w, "%s\t%s\t%s\n", res.ID, res.Language, strings.Join(phrases, "; "))
	}
	return <-sent
}

func stream(ctx context.Context, cc grpc.ClientConnInterface, kind string, args []string, w io.Writer) error {
	fs := flag.NewFlagSet(kind, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var c streaming.Controls
	var code int
	fs.IntVar(&c.MessageCount, "count", 0, "server-streaming: number of responses")
	fs.DurationVar(&c.Interval, "interval", 0, "pause before each response")
	fs.IntVar(&c.PayloadSize, "payload", 0, "payload bytes per response")
	fs.IntVar(&code, "status-code", 0, "gRPC status code to end with (0-16)")
	fs.StringVar(&c.StatusMessage, "status-message", "", "message of that status")
	fs.IntVar(&c.StatusAfter, "status-after", 0, "end with the status after this many messages")
	fs.IntVar(&c.FailFirstAttempts, "fail-attempts", 0, "fail the call's first N attempts with -status-code, then succeed (shows -retry at work)")
	fs.Func("echo", "request metadata key to echo in header and trailer (repeatable)", func(k string) error {
		c.EchoMetadata = append(c.EchoMetadata, k)
		return nil
	})
	if err := fs.Parse(args); err != nil {
		return usageError{kind + ": " + err.Error()}
	}
	c.StatusCode = codes.Code(code)
	msgs := fs.Args()
	if len(msgs) == 0 {
		return usageError{kind + " takes at least one MESSAGE"}
	}
	st := streaming.NewClient(cc)
	var header, trailer metadata.MD
	printMD := func() {
		for _, k := range c.EchoMetadata {
			fmt.Fprintf(w, "header %s=%v trailer %s=%v\n", k, header.Get(k), k, trailer.Get(k))
		}
	}

	switch kind {
	case "unary":
		r, err := st.Unary(ctx, msgs[0], c, grpc.Header(&header), grpc.Trailer(&trailer))
		printMD()
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%s (received %v, payload %d bytes)\n", r.Message, r.Received, len(r.Payload))
	case "server-stream":
		for r, err := range st.ServerStream(ctx, msgs[0], c, grpc.Header(&header), grpc.Trailer(&trailer)) {
			if err != nil {
				printMD()
				return err
			}
			fmt.Fprintf(w, "#%d %s (payload %d bytes)\n", r.Sequence, r.Message, len(r.Payload))
		}
		printMD()
	case "client-stream":
		s, err := st.ClientStream(ctx, c, grpc.Header(&header), grpc.Trailer(&trailer))
		if err != nil {
			return err
		}
		for _, m := range msgs {
			if err := s.Send(m, nil); err != nil {
				break // the status comes from CloseAndReceive
			}
		}
		sum, err := s.CloseAndReceive()
		printMD()
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%d messages, %d bytes: %s\n", sum.MessageCount, sum.ByteCount, sum.Message)
	case "bidi":
		b, err := st.BidiStream(ctx, c, grpc.Header(&header), grpc.Trailer(&trailer))
		if err != nil {
			return err
		}
		defer b.Close()
		for _, m := range msgs {
			if err := b.Send(m, nil); err != nil {
				break // the status comes from Receive
			}
			r, err := b.Receive()
			if err != nil {
				printMD()
				return err
			}
			fmt.Fprintf(w, "#%d %s\n", r.Sequence, r.Message)
		}
		if err := b.CloseSend(); err != nil {
			return err
		}
		if _, err := b.Receive(); !errors.Is(err, io.EOF) {
			printMD()
			return err
		}
		printMD()
	}
	return nil
}

func health(ctx context.Context, cc grpc.ClientConnInterface, args []string, w io.Writer) error {
	if len(args) > 1 {
		return usageError{"health takes at most one SERVICE"}
	}
	svc := ""
	if len(args) == 1 {
		svc = args[0]
	}
	resp, err := healthpb.NewHealthClient(cc).Check(ctx, &healthpb.HealthCheckRequest{Service: svc})
	if err != nil {
		return err
	}
	fmt.Fprintln(w, resp.GetStatus())
	return nil
}
