// Command server serves every grpcexamples service on one TCP port, with the
// pieces a production gRPC server carries: grpc health with a status per
// service, server reflection (so grpcurl needs no .proto), request logging
// with log/slog, optional TLS, and graceful shutdown on SIGINT or SIGTERM.
//
//	go run ./examples/server                       # 127.0.0.1:50051
//	go run ./examples/server -addr 127.0.0.1:0     # the OS picks a port; see the "listening" log line
//	go run ./examples/server -tutorial-names       # also serve the tutorials' wire names
//
// Shutdown: on the first SIGINT or SIGTERM every health status turns
// NOT_SERVING at once, new calls are still served for -drain so that
// health watchers and load balancers move away, then health Watch streams
// end with Unavailable and the server stops gracefully, waiting at most
// -grace for open calls before it cuts them.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/logging"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/reflection"

	"github.com/seed717b8fd8/grpcexamples/calculator"
	"github.com/seed717b8fd8/grpcexamples/greeter"
	"github.com/seed717b8fd8/grpcexamples/keywords"
	calculatorv1 "github.com/seed717b8fd8/grpcexamples/pb/calculator/v1"
	greeterv1 "github.com/seed717b8fd8/grpcexamples/pb/greeter/v1"
	keywordsv1 "github.com/seed717b8fd8/grpcexamples/pb/keywords/v1"
	streamingv1 "github.com/seed717b8fd8/grpcexamples/pb/streaming/v1"
	"github.com/seed717b8fd8/grpcexamples/streaming"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stderr, nil); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return // -h: the flag package has printed the usage
		}
		fmt.Fprintln(os.Stderr, "server:", err)
		os.Exit(1)
	}
}

// tutorialServices are the tutorials' service names, served with
// -tutorial-names and reported by health like our own.
var tutorialServices = []string{
	"calculator.Calculator", "greeter.Greeter", "helloworld.Greeter", "KeywordService",
	"unary.Unary", "grpctest.Grpctest", "bidirectional.Bidirectional",
}

// run serves until ctx is done, then shuts down as the package doc says.
// ready, if not nil, is called with the listening address once the server
// accepts calls (tests use it; people read the "listening" log line).
func run(ctx context.Context, args []string, logOut io.Writer, ready func(net.Addr)) error {
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	fs.SetOutput(logOut)
	addr := fs.String("addr", "127.0.0.1:50051", "TCP address to listen on; port 0 lets the OS pick")
	tutorial := fs.Bool("tutorial-names", false, "also serve the tutorials' wire names (calculator.Calculator, helloworld.Greeter, KeywordService, ...)")
	drain := fs.Duration("drain", 2*time.Second, "on shutdown, how long to keep serving with health NOT_SERVING before stopping")
	grace := fs.Duration("grace", 10*time.Second, "on shutdown, how long to wait for open calls before cutting them")
	certFile := fs.String("tls-cert", "", "PEM certificate file; with -tls-key, serve TLS instead of plaintext")
	keyFile := fs.String("tls-key", "", "PEM private key file for -tls-cert")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if (*certFile == "") != (*keyFile == "") {
		return errors.New("-tls-cert and -tls-key go together")
	}

	logger := slog.New(slog.NewTextHandler(logOut, nil))
	logCall := logging.LoggerFunc(func(ctx context.Context, lvl logging.Level, msg string, fields ...any) {
		logger.Log(ctx, slog.Level(lvl), msg, fields...)
	})
	logOpts := []logging.Option{logging.WithLogOnEvents(logging.FinishCall)}
	opts := []grpc.ServerOption{
		grpc.ChainUnaryInterceptor(logging.UnaryServerInterceptor(logCall, logOpts...)),
		grpc.ChainStreamInterceptor(logging.StreamServerInterceptor(logCall, logOpts...)),
	}
	if *certFile != "" {
		creds, err := credentials.NewServerTLSFromFile(*certFile, *keyFile)
		if err != nil {
			return fmt.Errorf("loading TLS key pair: %w", err)
		}
		opts = append(opts, grpc.Creds(creds))
	}
	s := grpc.NewServer(opts...)

	var regOpts struct {
		calc  []calculator.RegisterOption
		greet []greeter.RegisterOption
		kw    []keywords.RegisterOption
		st    []streaming.RegisterOption
	}
	if *tutorial {
		regOpts.calc = append(regOpts.calc, calculator.WithTutorialNames())
		regOpts.greet = append(regOpts.greet, greeter.WithTutorialNames())
		regOpts.kw = append(regOpts.kw, keywords.WithTutorialNames())
		regOpts.st = append(regOpts.st, streaming.WithTutorialNames())
	}
	calculator.Register(s, calculator.NewServer(), regOpts.calc...)
	greeter.Register(s, greeter.NewServer(), regOpts.greet...)
	keywords.Register(s, keywords.NewServer(), regOpts.kw...)
	streaming.Register(s, streaming.NewServer(), regOpts.st...)

	services := []string{
		"", // the whole server
		calculatorv1.Calculator_ServiceDesc.ServiceName,
		greeterv1.Greeter_ServiceDesc.ServiceName,
		keywordsv1.KeywordService_ServiceDesc.ServiceName,
		streamingv1.StreamingService_ServiceDesc.ServiceName,
	}
	if *tutorial {
		services = append(services, tutorialServices...)
	}
	hs := health.NewServer()
	for _, name := range services {
		hs.SetServingStatus(name, healthpb.HealthCheckResponse_SERVING)
	}
	drained := make(chan struct{})
	healthpb.RegisterHealthServer(s, drainingHealth{Server: hs, drained: drained})
	reflection.Register(s)

	lis, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	logger.Info("listening", "addr", lis.Addr().String(), "tls", *certFile != "", "tutorial_names", *tutorial)
	served := make(chan error, 1)
	go func() { served <- s.Serve(lis) }()
	if ready != nil {
		ready(lis.Addr())
	}

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}

	logger.Info("shutting down: health NOT_SERVING", "drain", *drain, "grace", *grace)
	hs.Shutdown()
	select {
	case <-time.After(*drain):
	case err := <-served:
		return err
	}
	close(drained) // ends health Watch streams, which would hold GracefulStop
	stopped := make(chan struct{})
	go func() {
		s.GracefulStop()
		close(stopped)
	}()
	select {
	case <-stopped:
	case <-time.After(*grace):
		logger.Warn("grace period over: cutting open calls")
		s.Stop()
		<-stopped
	}
	if err := <-served; err != nil && !errors.Is(err, grpc.ErrServerStopped) {
		return err
	}
	logger.Info("stopped")
	return nil
}
