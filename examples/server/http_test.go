package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"

	calculatorv1 "github.com/seed717b8fd8/grpcexamples/pb/calculator/v1"
	streamingv1 "github.com/seed717b8fd8/grpcexamples/pb/streaming/v1"
)

// rpcKinds are the four kinds of RPC, each called through connect-go's
// client on the streaming service or the calculator.
var rpcKinds = []struct {
	name string
	call func(ctx context.Context, hc *http.Client, base string, opts []connect.ClientOption, h2 bool) error
}{
	{"unary", func(ctx context.Context, hc *http.Client, base string, opts []connect.ClientOption, h2 bool) error {
		c := connect.NewClient[calculatorv1.AddRequest, calculatorv1.AddResponse](hc, base+"/grpcexamples.calculator.v1.Calculator/Add", opts...)
		resp, err := c.CallUnary(ctx, connect.NewRequest(&calculatorv1.AddRequest{A: 2, B: 3}))
		if err != nil {
			return err
		}
		if got := resp.Msg.GetResult(); got != 5 {
			return fmt.Errorf("Add(2, 3) = %d", got)
		}
		return nil
	}},
	{"server-streaming", func(ctx context.Context, hc *http.Client, base string, opts []connect.ClientOption, h2 bool) error {
		c := connect.NewClient[streamingv1.ServerStreamRequest, streamingv1.ServerStreamResponse](hc, base+"/grpcexamples.streaming.v1.StreamingService/ServerStream", opts...)
		st, err := c.CallServerStream(ctx, connect.NewRequest(&streamingv1.ServerStreamRequest{
			Message: "tick", Controls: &streamingv1.Controls{MessageCount: 3},
		}))
		if err != nil {
			return err
		}
		defer st.Close()
		var seqs []int32
		for st.Receive() {
			seqs = append(seqs, st.Msg().GetSequence())
		}
		if err := st.Err(); err != nil {
			return err
		}
		if fmt.Sprint(seqs) != "[1 2 3]" {
			return fmt.Errorf("sequences %v, want [1 2 3]", seqs)
		}
		return nil
	}},
	{"client-streaming", func(ctx context.Context, hc *http.Client, base string, opts []connect.ClientOption, h2 bool) error {
		c := connect.NewClient[streamingv1.ClientStreamRequest, streamingv1.ClientStreamResponse](hc, base+"/grpcexamples.streaming.v1.StreamingService/ClientStream", opts...)
		st := c.CallClientStream(ctx)
		for _, m := range []string{"one", "two", "three"} {
			if err := st.Send(&streamingv1.ClientStreamRequest{Message: m}); err != nil && !errors.Is(err, io.EOF) {
				return err
			}
		}
		resp, err := st.CloseAndReceive()
		if err != nil {
			return err
		}
		if resp.Msg.GetMessage() != "one two three" || resp.Msg.GetMessageCount() != 3 {
			return fmt.Errorf("ClientStream = %v", resp.Msg)
		}
		return nil
	}},
	{"bidirectional", func(ctx context.Context, hc *http.Client, base string, opts []connect.ClientOption, h2 bool) error {
		c := connect.NewClient[streamingv1.BidiStreamRequest, streamingv1.BidiStreamResponse](hc, base+"/grpcexamples.streaming.v1.StreamingService/BidiStream", opts...)
		st := c.CallBidiStream(ctx)
		defer st.CloseResponse()
		if !h2 {
			// HTTP/1.1 is half duplex: the client sends the whole body
			// before it reads, which the server refuses for a
			// bidirectional stream.
			for _, m := range []string{"ping", "pong"} {
				if err := st.Send(&streamingv1.BidiStreamRequest{Message: m}); err != nil && !errors.Is(err, io.EOF) {
					return err
				}
			}
			if err := st.CloseRequest(); err != nil {
				return err
			}
			_, err := st.Receive()
			return err
		}
		// Interactive: each answer is read before the next request is sent.
		for i, m := range []string{"ping", "pong"} {
			if err := st.Send(&streamingv1.BidiStreamRequest{Message: m}); err != nil {
				if errors.Is(err, io.EOF) {
					_, err = st.Receive()
				}
				return err
			}
			resp, err := st.Receive()
			if err != nil {
				return err
			}
			if resp.GetMessage() != m || resp.GetSequence() != int32(i+1) {
				return fmt.Errorf("BidiStream answer %d = %v", i+1, resp)
			}
		}
		if err := st.CloseRequest(); err != nil {
			return err
		}
		if _, err := st.Receive(); !errors.Is(err, io.EOF) {
			return fmt.Errorf("after CloseRequest: %v, want the end of the stream", err)
		}
		return nil
	}},
}

// httpProtocols are the protocols a client may speak to the HTTP port,
// each over HTTP/1.1 (as from a page served over plaintext HTTP/1.1)
// and HTTP/2, with the RPC kinds each carries. Interactive bidirectional
// streaming needs HTTP/2 (full duplex); gRPC needs HTTP/2 altogether.
var httpProtocols = []struct {
	name  string
	h2    bool
	opts  []connect.ClientOption
	kinds string // the rpcKinds that work, by first letter: u, s, c, b
}{
	{"Connect JSON, HTTP/1.1", false, []connect.ClientOption{connect.WithProtoJSON()}, "usc"},
	{"Connect proto, HTTP/1.1", false, nil, "usc"},
	{"gRPC-Web, HTTP/1.1", false, []connect.ClientOption{connect.WithGRPCWeb()}, "usc"},
	{"Connect JSON, HTTP/2", true, []connect.ClientOption{connect.WithProtoJSON()}, "uscb"},
	{"Connect proto, HTTP/2", true, nil, "uscb"},
	{"gRPC-Web, HTTP/2", true, []connect.ClientOption{connect.WithGRPCWeb()}, "uscb"},
	{"gRPC, HTTP/2", true, []connect.ClientOption{connect.WithGRPC()}, "uscb"},
}

// TestHTTPProtocolMatrix calls every RPC kind in every protocol through
// the HTTP port with connect-go's client, and checks which work: the
// matrix the README gives.
func TestHTTPProtocolMatrix(t *testing.T) {
	srv := launchHTTP(t, nil)
	for _, p := range httpProtocols {
		hc := h1Client(t)
		if p.h2 {
			hc = h2cClient(t)
		}
		for _, k := range rpcKinds {
			t.Run(p.name+"/"+k.name, func(t *testing.T) {
				ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
				defer cancel()
				err := k.call(ctx, hc, srv.url, p.opts, p.h2)
				want := strings.Contains(p.kinds, k.name[:1])
				switch {
				case want && err != nil:
					t.Errorf("%v", err)
				case !want && err == nil:
					t.Errorf("succeeded; the matrix says it cannot")
				case !want && !strings.Contains(err.Error(), "505 HTTP Version Not Supported"):
					t.Errorf("%v, want the server's 505 HTTP Version Not Supported", err)
				}
			})
		}
	}
}
