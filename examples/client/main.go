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
// Global flags (before the subcommand): -addr (default 127.0.0.1:50051),
// -timeout (the call's deadline), -md key=value (request metadata,
// repeatable), -tutorial-names (call the tutorials' wire names where a
// method has one). A failed call prints its status code and message and
// exits with status 1.
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
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
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

const usage = `usage: client [-addr HOST:PORT] [-timeout D] [-md key=value]... [-tutorial-names] COMMAND [ARGS]

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
          -status-message TEXT -status-after N -echo KEY (repeatable)
`

// run executes one command and returns the process exit code: 0 on
// success, 1 when the call fails, 2 on a usage error.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("client", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	addr := fs.String("addr", "127.0.0.1:50051", "server address")
	timeout := fs.Duration("timeout", 10*time.Second, "deadline of the call")
	tutorial := fs.Bool("tutorial-names", false, "call the tutorials' wire names (calculator.Calculator, greeter.Greeter, KeywordService)")
	var md mdFlag
	fs.Var(&md, "md", "request metadata key=value (repeatable)")
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

	cc, err := grpc.NewClient(*addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		fmt.Fprintln(stderr, "client:", err)
		return 2
	}
	defer cc.Close()

	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	for _, kv := range md {
		k, v, _ := strings.Cut(kv, "=")
		ctx = metadata.AppendToOutgoingContext(ctx, k, v)
	}

	err = dispatch(ctx, cc, *tutorial, fs.Arg(0), fs.Args()[1:], stdout)
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "client: %s\n\n%s", ue.msg, usage)
		return 2
	default:
		st := status.Convert(err)
		fmt.Fprintf(stderr, "error: %v: %s\n", st.Code(), st.Message())
		return 1
	}
}

func dispatch(ctx context.Context, cc *grpc.ClientConn, tutorial bool, cmd string, args []string, w io.Writer) error {
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

func calc(ctx context.Context, cc *grpc.ClientConn, tutorial bool, op string, args []string, w io.Writer) error {
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

func greet(ctx context.Context, cc *grpc.ClientConn, tutorial bool, cmd string, args []string, w io.Writer) error {
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

func extract(ctx context.Context, cc *grpc.ClientConn, tutorial bool, args []string, w io.Writer) error {
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
func extractStream(ctx context.Context, cc *grpc.ClientConn, args []string, w io.Writer) error {
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

func stream(ctx context.Context, cc *grpc.ClientConn, kind string, args []string, w io.Writer) error {
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

func health(ctx context.Context, cc *grpc.ClientConn, args []string, w io.Writer) error {
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
