// Command web shows how a host serves grpcexamples' services to browsers
// and HTTP/JSON clients next to its gRPC clients: one *grpc.Server, and an
// http.Server whose handler is examples/server/web's transcoder
// (connectrpc.com/vanguard), which speaks gRPC-Web, Connect, REST and
// gRPC and serves the page.
//
//	go run ./examples/web                          # serves on a free port, calls it over HTTP, prints what it got
//	go run ./examples/web -addr 127.0.0.1:8080 -serve   # keep serving; open http://127.0.0.1:8080/
//
// The calls go through the *grpc.Server, so its interceptors and message
// limits apply; grpc.MaxRecvMsgSize and web.WithMaxMessageBytes are set to
// the same bound, so a request costs no more memory over HTTP than over
// gRPC. examples/server adds the rest a production port needs (timeouts,
// header and stream limits, TLS, CORS, shutdown in order).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"time"

	"google.golang.org/grpc"

	"github.com/seed717b8fd8/grpcexamples/calculator"
	"github.com/seed717b8fd8/grpcexamples/examples/server/web"
	"github.com/seed717b8fd8/grpcexamples/greeter"
	"github.com/seed717b8fd8/grpcexamples/keywords"
	"github.com/seed717b8fd8/grpcexamples/streaming"
)

// maxMessageBytes bounds one message, over gRPC and over HTTP alike: the
// largest keywords request (keywords.MaxTextBytes of text) and some room.
const maxMessageBytes = keywords.MaxTextBytes + 16<<10

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to serve HTTP on")
	serve := flag.Bool("serve", false, "keep serving until interrupted, instead of calling the server and exiting")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *addr, *serve, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "web:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, addr string, serve bool, w io.Writer) error {
	// The host's gRPC server, with our services next to its own.
	s := grpc.NewServer(grpc.MaxRecvMsgSize(maxMessageBytes))
	calculator.Register(s, calculator.NewServer())
	greeter.Register(s, greeter.NewServer())
	keywords.Register(s, keywords.NewServer())
	streaming.Register(s, streaming.NewServer())

	// The same server over HTTP: after every Register.
	h, _, err := web.NewHandler(s, web.WithMaxMessageBytes(maxMessageBytes))
	if err != nil {
		return err
	}
	var protocols http.Protocols
	protocols.SetHTTP1(true)
	protocols.SetUnencryptedHTTP2(true) // gRPC and grpcurl -plaintext
	hs := &http.Server{Handler: h, Protocols: &protocols, ReadHeaderTimeout: 10 * time.Second}
	lis, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(lis) }()
	defer func() {
		// HTTP first: grpc.Server.Stop would cut the HTTP calls.
		_ = hs.Shutdown(context.Background())
		s.Stop()
	}()
	base := "http://" + lis.Addr().String()
	fmt.Fprintf(w, "serving %s/\n", base)
	if serve {
		select {
		case <-ctx.Done():
			return nil
		case err := <-served:
			return err
		}
	}

	// What a browser or curl does.
	for _, c := range []struct{ method, path, body string }{
		{"GET", "/v1/calculator/add?a=2&b=3", ""},
		{"GET", "/v1/greeter/hello/gopher", ""},
		{"POST", "/grpcexamples.calculator.v1.Calculator/Divide", `{"a": 17, "b": 5}`},
		{"GET", "/v1/calculator/divide?a=1&b=0", ""},
	} {
		req, err := http.NewRequestWithContext(ctx, c.method, base+c.path, strings.NewReader(c.body))
		if err != nil {
			return err
		}
		if c.body != "" {
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Connect-Protocol-Version", "1")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%s %s -> %d %s\n", c.method, c.path, resp.StatusCode, compact(body))
	}
	http.DefaultClient.CloseIdleConnections()
	if err := hs.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// compact drops the spaces protojson puts, at random, between fields, so
// that the output is the same from run to run.
func compact(b []byte) string {
	var sb strings.Builder
	in, escaped := false, false
	for _, c := range string(b) {
		switch {
		case escaped:
			escaped = false
		case in && c == '\\':
			escaped = true
		case c == '"':
			in = !in
		case !in && (c == ' ' || c == '\n'):
			continue
		}
		sb.WriteRune(c)
	}
	return sb.String()
}
