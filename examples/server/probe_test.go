package main

import (
	"context"
	"fmt"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/seed717b8fd8/grpcexamples/internal/telemetry"
)

// probe is a test-only service that misbehaves on request, mounted on the
// server run() builds so that its interceptors and limits apply:
//
//	Panic(StringValue) -> panics with the value
//	Fail(Int64Value n) -> FailedPrecondition with an n-byte message
//	Deadline(Empty)    -> Int64Value: nanoseconds left before the call's deadline, -1 if none
//	Block(StringValue) -> server stream: sends its header, counts itself in entered,
//	                      then waits for the call to end
//	PanicStream(StringValue) -> server stream that panics
//	Size(BytesValue)   -> Int64Value: the request's byte count, decompressed
//	Whoami(Empty)      -> Struct: what the handler knows of its caller: the
//	                      client certificate's subject, the authenticated
//	                      identity, the request id, and the authorization and
//	                      x-auth-identity metadata it sees
type probe struct {
	entered atomic.Int32
}

const probeService = "probe.v1.Probe"

func (p *probe) desc() *grpc.ServiceDesc {
	return &grpc.ServiceDesc{
		ServiceName: probeService,
		HandlerType: (*any)(nil),
		Methods: []grpc.MethodDesc{
			unaryProbe("Panic", func(_ context.Context, req *wrapperspb.StringValue) (*wrapperspb.StringValue, error) {
				panic("probe panic: " + req.GetValue())
			}),
			unaryProbe("Fail", func(_ context.Context, req *wrapperspb.Int64Value) (*wrapperspb.Int64Value, error) {
				return nil, status.Error(codes.FailedPrecondition, strings.Repeat("x", int(req.GetValue())))
			}),
			unaryProbe("Deadline", func(ctx context.Context, _ *wrapperspb.Int64Value) (*wrapperspb.Int64Value, error) {
				d, ok := ctx.Deadline()
				if !ok {
					return wrapperspb.Int64(-1), nil
				}
				return wrapperspb.Int64(int64(time.Until(d))), nil
			}),
			unaryProbe("Size", func(_ context.Context, req *wrapperspb.BytesValue) (*wrapperspb.Int64Value, error) {
				return wrapperspb.Int64(int64(len(req.GetValue()))), nil
			}),
			unaryProbe("Whoami", func(ctx context.Context, _ *emptypb.Empty) (*structpb.Struct, error) {
				md, _ := metadata.FromIncomingContext(ctx)
				return structpb.NewStruct(map[string]any{
					"subject":       peerSubject(ctx),
					"identity":      identityFrom(ctx),
					"request_id":    requestID(ctx),
					"authorization": strings.Join(md.Get("authorization"), ","),
					"identity_md":   strings.Join(md.Get(identityHeader), ","),
				})
			}),
		},
		Streams: []grpc.StreamDesc{
			{StreamName: "Block", ServerStreams: true, Handler: func(_ any, ss grpc.ServerStream) error {
				// Read the request first, as generated server-streaming
				// handlers do.
				if err := ss.RecvMsg(new(wrapperspb.StringValue)); err != nil {
					return err
				}
				if err := ss.SendHeader(nil); err != nil {
					return err
				}
				p.entered.Add(1)
				<-ss.Context().Done()
				return status.FromContextError(ss.Context().Err()).Err()
			}},
			{StreamName: "PanicStream", ServerStreams: true, Handler: func(_ any, ss grpc.ServerStream) error {
				if err := ss.RecvMsg(new(wrapperspb.StringValue)); err != nil {
					return err
				}
				panic("probe stream panic")
			}},
		},
	}
}

// unaryProbe is what protoc-gen-go-grpc generates for a unary method: it
// decodes the request and runs the interceptors the server chains.
func unaryProbe[Req any, PReq interface {
	*Req
	any
}, Resp any](name string, h func(context.Context, PReq) (Resp, error)) grpc.MethodDesc {
	return grpc.MethodDesc{MethodName: name, Handler: func(srv any, ctx context.Context, dec func(any) error, icpt grpc.UnaryServerInterceptor) (any, error) {
		req := PReq(new(Req))
		if err := dec(req); err != nil {
			return nil, err
		}
		if icpt == nil {
			return h(ctx, req)
		}
		info := &grpc.UnaryServerInfo{Server: srv, FullMethod: "/" + probeService + "/" + name}
		return icpt(ctx, req, info, func(ctx context.Context, req any) (any, error) { return h(ctx, req.(PReq)) })
	}}
}

// callProbe calls a unary probe method.
func callProbe[Resp any](ctx context.Context, cc grpc.ClientConnInterface, method string, req any, opts ...grpc.CallOption) (*Resp, error) {
	resp := new(Resp)
	err := cc.Invoke(ctx, "/"+probeService+"/"+method, req, resp, opts...)
	return resp, err
}

// whoami calls the Whoami probe and returns its fields as strings.
func whoami(ctx context.Context, cc grpc.ClientConnInterface, opts ...grpc.CallOption) (map[string]string, error) {
	resp, err := callProbe[structpb.Struct](ctx, cc, "Whoami", &emptypb.Empty{}, opts...)
	if err != nil {
		return nil, err
	}
	m := map[string]string{}
	for k, v := range resp.GetFields() {
		m[k] = v.GetStringValue()
	}
	return m, nil
}

// openProbeStream starts a server-streaming probe call and waits for its
// header, which says the handler runs.
func openProbeStream(ctx context.Context, cc grpc.ClientConnInterface, method string) (grpc.ClientStream, error) {
	cs, err := cc.NewStream(ctx, &grpc.StreamDesc{ServerStreams: true}, "/"+probeService+"/"+method)
	if err != nil {
		return nil, err
	}
	if err := cs.SendMsg(&wrapperspb.StringValue{}); err != nil {
		return nil, err
	}
	if err := cs.CloseSend(); err != nil {
		return nil, err
	}
	if _, err := cs.Header(); err != nil {
		return nil, err
	}
	return cs, nil
}

// startServerWith runs the server on a port the OS picks, as run does, with
// the probe service added when p is not nil. It returns a plaintext
// connection to it, a function that begins shutdown (as SIGTERM does), a
// channel that yields the server's result, and its log.
func startServerWith(t *testing.T, p *probe, args ...string) (*grpc.ClientConn, context.CancelFunc, <-chan error, *syncBuffer) {
	t.Helper()
	ts := launch(t, launchOpts{probe: p}, args...)
	return dial(t, ts.addr, grpc.WithTransportCredentials(insecure.NewCredentials())), ts.shutdown, ts.done, ts.logs
}

// launchOpts are what a test adds to the server the flags describe.
type launchOpts struct {
	probe *probe               // registered next to the services, if not nil
	tel   *telemetry.Providers // in place of the one -otel describes, if not nil
}

// testServer is a server launch started.
type testServer struct {
	addr     string
	shutdown context.CancelFunc // begins shutdown, as SIGTERM does
	done     <-chan error       // the server's result
	logs     *syncBuffer
}

// launch runs the server on a port the OS picks, as run does, with what o
// adds. The server is stopped when the test ends.
func launch(t testing.TB, o launchOpts, args ...string) testServer {
	t.Helper()
	ctx, shutdown := context.WithCancel(t.Context())
	logs := new(syncBuffer)
	addrs := make(chan net.Addr, 1)
	done := make(chan error, 1)
	finished := make(chan struct{})
	// No drain unless a test asks: the cleanup's shutdown need not wait.
	args = append([]string{"-addr", "127.0.0.1:0", "-drain", "0s"}, args...)
	ready := func(a net.Addr) { addrs <- a }
	go func() {
		defer close(finished)
		if o == (launchOpts{}) {
			done <- run(ctx, args, logs, ready)
			return
		}
		cfg, err := parseFlags(args, logs)
		if err != nil {
			done <- err
			return
		}
		s, err := newServerWith(cfg, logs, o.tel)
		if err != nil {
			done <- err
			return
		}
		if o.probe != nil {
			s.grpc.RegisterService(o.probe.desc(), o.probe)
		}
		done <- s.serve(ctx, ready)
	}()
	// A test that does not wait for the server still leaves none behind.
	t.Cleanup(func() {
		shutdown()
		<-finished
	})
	select {
	case addr := <-addrs:
		return testServer{addr: addr.String(), shutdown: shutdown, done: done, logs: logs}
	case err := <-done:
		t.Fatalf("server exited before serving: %v\n%s", err, logs)
		return testServer{}
	}
}

// dial connects to addr with opts; the connection closes when the test
// ends.
func dial(t testing.TB, addr string, opts ...grpc.DialOption) *grpc.ClientConn {
	t.Helper()
	cc, err := grpc.NewClient(addr, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cc.Close() })
	return cc
}

// logLine returns the first line of logs that contains every one of subs,
// or "" if none does.
func logLine(logs fmt.Stringer, subs ...string) string {
	for line := range strings.Lines(logs.String()) {
		all := true
		for _, s := range subs {
			all = all && strings.Contains(line, s)
		}
		if all {
			return line
		}
	}
	return ""
}
