// Command tour runs every grpcexamples service in this process, over an
// in-memory gRPC connection (bufconntest), and prints each call with its
// result: unary calls, all four streaming kinds, metadata, deadlines, the
// status codes that bad input gets, and the details a program reads from
// such a status (google.rpc.ErrorInfo and BadRequest; examples/errors shows
// how to act on them). It needs no flags, ports or setup:
//
//	go run ./examples/tour
//	go run ./examples/tour -file README.md   # keyphrases of any text file
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/seed717b8fd8/grpcexamples/bufconntest"
	"github.com/seed717b8fd8/grpcexamples/calculator"
	"github.com/seed717b8fd8/grpcexamples/greeter"
	"github.com/seed717b8fd8/grpcexamples/keywords"
	"github.com/seed717b8fd8/grpcexamples/streaming"
)

// defaultText is the tour's keyword sample: a paragraph about this project.
const defaultText = `grpcexamples is an embeddable Go library of example gRPC services.
Each service package exposes a server implementation, a Register function that
mounts the service on an existing gRPC server, and a typed client. The streaming
service demonstrates unary calls, server-streaming, client-streaming and
bidirectional streaming, with deadlines, metadata and status codes that the
caller controls. The keyword service extracts ranked keyphrases from text with a
statistical keyphrase extraction method, and its quality is measured on public
keyphrase extraction benchmarks. Tests start every gRPC service in memory over
bufconn, so a test of a gRPC client needs no network and no free port.`

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return // -h: the flag package has printed the usage
		}
		fmt.Fprintln(os.Stderr, "tour:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, w io.Writer) error {
	fs := flag.NewFlagSet("tour", flag.ContinueOnError)
	file := fs.String("file", "", "extract keyphrases from this text file instead of the built-in paragraph")
	if err := fs.Parse(args); err != nil {
		return err
	}
	text := defaultText
	if *file != "" {
		b, err := os.ReadFile(*file)
		if err != nil {
			return err
		}
		text = string(b)
	}

	srv, err := bufconntest.NewServer(func(s grpc.ServiceRegistrar) {
		calculator.Register(s, calculator.NewServer())
		greeter.Register(s, greeter.NewServer(), greeter.WithTutorialNames())
		keywords.Register(s, keywords.NewServer())
		streaming.Register(s, streaming.NewServer())
	})
	if err != nil {
		return err
	}
	defer srv.Close()

	for _, step := range []func(context.Context, io.Writer, *grpc.ClientConn) error{
		tourCalculator,
		tourGreeter,
		func(ctx context.Context, w io.Writer, cc *grpc.ClientConn) error {
			return tourKeywords(ctx, w, cc, text)
		},
		tourStreaming,
		tourErrorDetails,
	} {
		if err := step(ctx, w, srv.Conn); err != nil {
			return err
		}
	}
	return nil
}

// failed prints the status code and message of an error the tour expects.
func failed(err error) string {
	if err == nil {
		return "no error (unexpected)"
	}
	st := status.Convert(err)
	return fmt.Sprintf("%v: %s", st.Code(), st.Message())
}

func tourCalculator(ctx context.Context, w io.Writer, cc *grpc.ClientConn) error {
	fmt.Fprintln(w, "== calculator: unary calls on int32")
	calc := calculator.NewClient(cc)
	for _, c := range []struct {
		name string
		f    func(context.Context, int32, int32, ...grpc.CallOption) (int32, error)
		a, b int32
	}{
		{"Add", calc.Add, 2, 3},
		{"Subtract", calc.Subtract, 10, 4},
		{"Multiply", calc.Multiply, 6, 7},
	} {
		r, err := c.f(ctx, c.a, c.b)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%s(%d, %d) = %d\n", c.name, c.a, c.b, r)
	}
	q, r, err := calc.Divide(ctx, -7, 2)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Divide(-7, 2) = quotient %d, remainder %d\n", q, r)
	_, err = calc.Add(ctx, 2147483647, 1)
	fmt.Fprintf(w, "Add(2147483647, 1) -> %s\n", failed(err))
	_, _, err = calc.Divide(ctx, 1, 0)
	fmt.Fprintf(w, "Divide(1, 0) -> %s\n", failed(err))
	return nil
}

func tourGreeter(ctx context.Context, w io.Writer, cc *grpc.ClientConn) error {
	fmt.Fprintln(w, "\n== greeter: the quick start's greeting, also under its tutorial name")
	for _, c := range []struct {
		label  string
		client *greeter.Client
	}{
		{"grpcexamples.greeter.v1.Greeter", greeter.NewClient(cc)},
		{"helloworld.Greeter", greeter.NewClient(cc, greeter.WithHelloWorldServer())},
	} {
		msg, err := c.client.SayHello(ctx, "gopher")
		if err != nil {
			return err
		}
		again, err := c.client.SayHelloAgain(ctx, "gopher")
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%s: SayHello(%q) = %q, SayHelloAgain = %q\n", c.label, "gopher", msg, again)
	}
	_, err := greeter.NewClient(cc).SayHello(ctx, "")
	fmt.Fprintf(w, "SayHello(\"\") -> %s\n", failed(err))
	return nil
}

func tourKeywords(ctx context.Context, w io.Writer, cc *grpc.ClientConn, text string) error {
	fmt.Fprintln(w, "\n== keywords: keyphrase extraction, unary and bidirectional streaming")
	kw := keywords.NewClient(cc)
	res, err := kw.GetKeywords(ctx, keywords.Request{Text: text, MaxResults: 5})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "GetKeywords(%d bytes, max 5), language %q:\n", len(text), res.Language)
	for i, k := range res.Keyphrases {
		fmt.Fprintf(w, "  %d. %-40s score %.3f\n", i+1, k.Text, k.Score)
	}

	stream, err := kw.Stream(ctx)
	if err != nil {
		return err
	}
	docs := []keywords.Request{
		{ID: "doc-1", MaxResults: 3, Text: "Bidirectional streaming lets a gRPC client send many documents on one call and read each answer as soon as the server has it."},
		{ID: "doc-2", MaxResults: 3, Text: "Der Server erkennt die Sprache des Textes und wählt die passende Stoppwortliste für die Schlüsselwörter."},
	}
	for _, d := range docs {
		if err := stream.Send(d); err != nil {
			return err
		}
		r, err := stream.Receive()
		if err != nil {
			return err
		}
		phrases := make([]string, len(r.Keyphrases))
		for i, k := range r.Keyphrases {
			phrases[i] = k.Text
		}
		fmt.Fprintf(w, "Stream %s (language %q): %s\n", r.ID, r.Language, strings.Join(phrases, "; "))
	}
	if err := stream.CloseSend(); err != nil {
		return err
	}
	if _, err := stream.Receive(); !errors.Is(err, io.EOF) {
		return fmt.Errorf("keyword stream did not end cleanly: %v", err)
	}
	_, err = kw.GetKeywords(ctx, keywords.Request{Text: "too many", MaxResults: keywords.MaxResultsLimit + 1})
	fmt.Fprintf(w, "GetKeywords(max %d) -> %s\n", keywords.MaxResultsLimit+1, failed(err))
	return nil
}

func tourStreaming(ctx context.Context, w io.Writer, cc *grpc.ClientConn) error {
	fmt.Fprintln(w, "\n== streaming: the four RPC kinds")
	st := streaming.NewClient(cc)

	// Unary, with request metadata echoed back in the header and trailer.
	var header, trailer metadata.MD
	mdCtx := metadata.AppendToOutgoingContext(ctx, "x-tour", "hello")
	u, err := st.Unary(mdCtx, "ping", streaming.Controls{PayloadSize: 16, EchoMetadata: []string{"x-tour"}},
		grpc.Header(&header), grpc.Trailer(&trailer))
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "unary: Unary(%q) = %q, received %v, payload %d bytes; header x-tour=%v, trailer x-tour=%v\n",
		"ping", u.Message, u.Received, len(u.Payload), header.Get("x-tour"), trailer.Get("x-tour"))

	// Server-streaming: three responses, 10 ms apart.
	fmt.Fprintf(w, "server-streaming: ServerStream(%q, 3 messages, 10ms apart):", "tick")
	for resp, err := range st.ServerStream(ctx, "tick", streaming.Controls{MessageCount: 3, Interval: 10 * time.Millisecond}) {
		if err != nil {
			return err
		}
		fmt.Fprintf(w, " #%d %q", resp.Sequence, resp.Message)
	}
	fmt.Fprintln(w)

	// Server-streaming that ends with a status the caller chose.
	n := 0
	var streamErr error
	for _, err := range st.ServerStream(ctx, "tick", streaming.Controls{MessageCount: 5, StatusCode: codes.Aborted, StatusMessage: "stopped by request", StatusAfter: 2}) {
		if err != nil {
			streamErr = err
			break
		}
		n++
	}
	fmt.Fprintf(w, "server-streaming with status after 2: %d messages, then %s\n", n, failed(streamErr))

	// Client-streaming: send three messages, read the summary.
	cs, err := st.ClientStream(ctx, streaming.Controls{})
	if err != nil {
		return err
	}
	for _, m := range []string{"one", "two", "three"} {
		if err := cs.Send(m, []byte("1234")); err != nil {
			return err
		}
	}
	sum, err := cs.CloseAndReceive()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "client-streaming: sent 3 messages -> %d messages, %d bytes, %q\n", sum.MessageCount, sum.ByteCount, sum.Message)

	// Bidirectional: each message is answered before the next is sent.
	bidi, err := st.BidiStream(ctx, streaming.Controls{})
	if err != nil {
		return err
	}
	defer bidi.Close()
	fmt.Fprint(w, "bidirectional streaming:")
	for _, m := range []string{"a", "b", "c"} {
		if err := bidi.Send(m, nil); err != nil {
			return err
		}
		resp, err := bidi.Receive()
		if err != nil {
			return err
		}
		fmt.Fprintf(w, " sent %q got #%d %q;", m, resp.Sequence, resp.Message)
	}
	fmt.Fprintln(w)
	if err := bidi.CloseSend(); err != nil {
		return err
	}
	if _, err := bidi.Receive(); !errors.Is(err, io.EOF) {
		return fmt.Errorf("bidirectional stream did not end cleanly: %v", err)
	}

	// Deadline: a 1 s interval against a 50 ms deadline.
	dctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	_, err = st.Unary(dctx, "slow", streaming.Controls{Interval: time.Second})
	fmt.Fprintf(w, "deadline: Unary with a 1s interval and a 50ms deadline -> %v\n", status.Code(err))

	// Out-of-range controls are refused before anything is sent.
	_, err = st.Unary(ctx, "big", streaming.Controls{PayloadSize: streaming.MaxPayloadSize + 1})
	fmt.Fprintf(w, "bad controls: PayloadSize %d -> %s\n", streaming.MaxPayloadSize+1, failed(err))
	return nil
}

func tourErrorDetails(ctx context.Context, w io.Writer, cc *grpc.ClientConn) error {
	fmt.Fprintln(w, "\n== error details: what a program reads from a failed call, not from its message")
	_, err := calculator.NewClient(cc).Add(ctx, 2147483647, 1)
	fmt.Fprintf(w, "Add(2147483647, 1) -> %v\n", status.Code(err))
	if err := printDetails(w, err); err != nil {
		return err
	}
	name := "Ada\u200bLovelace" // U+200B ZERO WIDTH SPACE, invisible
	_, err = greeter.NewClient(cc).SayHello(ctx, name)
	fmt.Fprintf(w, "SayHello(%+q) -> %v\n", name, status.Code(err))
	return printDetails(w, err)
}

// printDetails prints the google.rpc.ErrorInfo and BadRequest details of
// err, a status error of one of the services, which carry them all.
// examples/errors shows more: acting on them.
func printDetails(w io.Writer, err error) error {
	st, ok := status.FromError(err)
	if !ok || len(st.Details()) == 0 {
		return fmt.Errorf("no status details in %v", err)
	}
	for _, d := range st.Details() {
		switch d := d.(type) {
		case *errdetails.ErrorInfo:
			meta := d.GetMetadata()
			pairs := make([]string, 0, len(meta))
			for _, k := range slices.Sorted(maps.Keys(meta)) {
				pairs = append(pairs, k+"="+meta[k])
			}
			fmt.Fprintf(w, "  ErrorInfo: reason %s, domain %s, metadata %s\n", d.GetReason(), d.GetDomain(), strings.Join(pairs, " "))
		case *errdetails.BadRequest:
			for _, v := range d.GetFieldViolations() {
				fmt.Fprintf(w, "  BadRequest: field %q, reason %s: %s\n", v.GetField(), v.GetReason(), v.GetDescription())
			}
		}
	}
	return nil
}
