package bufconntest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/connectivity"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/reflection"
	"google.golang.org/grpc/test/bufconn"
)

// DefaultBufferSize is the size in bytes of the in-memory pipe of each
// connection (bufconn's buffer): 1 MiB, large enough that a test's messages
// rarely wait for the reader.
const DefaultBufferSize = 1 << 20

// readyTimeout bounds how long NewServer waits for the first connection to
// become ready. In memory this takes microseconds; the bound only turns a
// misconfiguration (say, a dial option that cannot handshake) into an error
// instead of a hang.
const readyTimeout = 10 * time.Second

// target is the address given to grpc.NewClient. The passthrough resolver
// hands it to the dialer unchanged and the dialer ignores it, so any name
// works; this one reads well in error messages.
const target = "passthrough:///bufconn"

// Server is a gRPC server listening in memory, with a client connection to
// it. Create one with [NewServer] or [Start]. Its methods are safe for
// concurrent use.
type Server struct {
	// Conn is a client connection to the server, ready to use. Close closes it.
	Conn *grpc.ClientConn
	// GRPCServer is the running server, the one the register function
	// given to NewServer received as a grpc.ServiceRegistrar. Use it to read
	// (GetServiceInfo) or to stop early; register services through that
	// function, or [WithReflection], not here: once serving, grpc-go treats
	// a registration as fatal (it logs the error and exits the process).
	GRPCServer *grpc.Server
	// Listener is the in-memory listener the server accepts on.
	Listener *bufconn.Listener

	dialOpts []grpc.DialOption
	served   chan struct{} // closed when Serve returns

	mu     sync.Mutex
	conns  []*grpc.ClientConn // from Dial, closed by Close
	closed bool
}

// Option configures [NewServer] and [Start]. Nil options are ignored.
type Option func(*config)

type config struct {
	serverOpts []grpc.ServerOption
	dialOpts   []grpc.DialOption
	bufSize    int
	reflection bool
}

// WithServerOptions adds options to grpc.NewServer, such as interceptors
// (grpc.ChainUnaryInterceptor) or limits (grpc.MaxRecvMsgSize).
func WithServerOptions(opts ...grpc.ServerOption) Option {
	return func(c *config) { c.serverOpts = append(c.serverOpts, opts...) }
}

// WithDialOptions adds options to the client connections (Server.Conn and
// those from Server.Dial), such as client interceptors or default call
// options. Transport credentials default to insecure; a credentials option
// given here replaces them.
func WithDialOptions(opts ...grpc.DialOption) Option {
	return func(c *config) { c.dialOpts = append(c.dialOpts, opts...) }
}

// WithReflection registers gRPC server reflection (grpc.reflection.v1 and
// v1alpha, grpc-go's reflection.Register) after the services, so a test can
// list them, or resolve their descriptors, as grpcurl does. It exists
// because reflection.Register needs the *grpc.Server, which the register
// function sees only as a grpc.ServiceRegistrar.
// Do not also register reflection in that function: grpc-go treats a
// duplicate registration as fatal.
func WithReflection() Option {
	return func(c *config) { c.reflection = true }
}

// WithBufferSize sets the in-memory pipe size in bytes for each connection
// (default [DefaultBufferSize]). Values below 1 are ignored.
func WithBufferSize(n int) Option {
	return func(c *config) {
		if n > 0 {
			c.bufSize = n
		}
	}
}

// NewServer starts a gRPC server in memory, calls register to mount
// services on it before it serves, and returns it with a ready client
// connection. The caller must call [Server.Close]. register may be nil (a
// server with no services, or with reflection only).
//
// It returns an error when the connection cannot be created or does not
// become ready within 10 s (for example when a dial option breaks the
// handshake); the server is stopped in that case.
func NewServer(register func(grpc.ServiceRegistrar), opts ...Option) (*Server, error) {
	cfg := config{bufSize: DefaultBufferSize}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	lis := bufconn.Listen(cfg.bufSize)
	gs := grpc.NewServer(cfg.serverOpts...)
	if register != nil {
		register(gs)
	}
	if cfg.reflection {
		reflection.Register(gs)
	}
	s := &Server{
		GRPCServer: gs,
		Listener:   lis,
		served:     make(chan struct{}),
	}
	s.dialOpts = append([]grpc.DialOption{
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) {
			return lis.DialContext(ctx)
		}),
	}, cfg.dialOpts...)
	go func() {
		defer close(s.served)
		// Serve returns nil after Stop; any other error also ends the server,
		// and the connection check below reports it.
		_ = gs.Serve(lis)
	}()

	cc, err := grpc.NewClient(target, s.dialOpts...)
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("bufconntest: creating client: %w", err)
	}
	s.Conn = cc
	if err := waitReady(cc, readyTimeout); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Start is [NewServer] for tests: it fails the test at once if the server
// cannot start, and closes the server when the test and its subtests end
// (tb.Cleanup).
func Start(tb testing.TB, register func(grpc.ServiceRegistrar), opts ...Option) *Server {
	tb.Helper()
	s, err := NewServer(register, opts...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.Close)
	return s
}

// Dial returns another client connection to the server, with the options
// given to NewServer followed by opts. It is closed by Close, or earlier by
// the caller. Use it to test several clients, or one with different options.
func (s *Server) Dial(opts ...grpc.DialOption) (*grpc.ClientConn, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, errors.New("bufconntest: Dial after Close")
	}
	all := append(append([]grpc.DialOption(nil), s.dialOpts...), opts...)
	cc, err := grpc.NewClient(target, all...)
	if err != nil {
		return nil, fmt.Errorf("bufconntest: creating client: %w", err)
	}
	s.conns = append(s.conns, cc)
	return cc, nil
}

// Close closes every client connection, stops the server at once (open
// calls end with status Unavailable or Canceled) and waits until its serving
// goroutine has returned. It is safe to call more than once.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	conns := s.conns
	s.conns = nil
	s.mu.Unlock()

	for _, cc := range conns {
		_ = cc.Close()
	}
	if s.Conn != nil {
		_ = s.Conn.Close()
	}
	s.GRPCServer.Stop()
	<-s.served
}

// waitReady connects cc and waits until it is Ready, or fails after timeout
// or on a state (Shutdown) it cannot leave.
func waitReady(cc *grpc.ClientConn, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cc.Connect()
	for {
		st := cc.GetState()
		switch st {
		case connectivity.Ready:
			return nil
		case connectivity.Shutdown:
			return errors.New("bufconntest: connection shut down before it was ready")
		}
		if !cc.WaitForStateChange(ctx, st) {
			return fmt.Errorf("bufconntest: connection not ready after %v (last state %v)", timeout, st)
		}
	}
}
