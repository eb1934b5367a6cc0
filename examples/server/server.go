package main

import (
	"fmt"
	"io"
	"log/slog"

	"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/logging"
	"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/recovery"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/keepalive"
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

// tutorialServices are the tutorials' service names, served with
// -tutorial-names and reported by health like our own.
var tutorialServices = []string{
	"calculator.Calculator", "greeter.Greeter", "helloworld.Greeter", "KeywordService",
	"unary.Unary", "grpctest.Grpctest", "bidirectional.Bidirectional",
}

// server is a grpc.Server with every service, health and reflection
// registered, not yet serving. More services may be registered on grpc
// before serve (tests add one).
type server struct {
	cfg     config
	grpc    *grpc.Server
	health  *health.Server
	drained chan struct{} // closed when the drain ends; ends health Watch streams
	log     *slog.Logger  // lifecycle lines: always at INFO and above
}

// newServer builds the server cfg describes, logging to logOut.
func newServer(cfg config, logOut io.Writer) (*server, error) {
	// Call lines follow -log-level; the lifecycle lines ("listening", which
	// scripts read, and shutdown) are written at any level.
	callLog := slog.New(slog.NewTextHandler(logOut, &slog.HandlerOptions{Level: cfg.logLevel}))
	s := &server{
		cfg:     cfg,
		health:  health.NewServer(),
		drained: make(chan struct{}),
		log:     slog.New(slog.NewTextHandler(logOut, &slog.HandlerOptions{Level: min(cfg.logLevel, slog.LevelInfo)})),
	}

	logCalls := callLogger{log: callLog, slow: cfg.slow}
	logOpts := loggingOptions(cfg.logLevel)
	recoverOpts := []recovery.Option{recovery.WithRecoveryHandlerContext(recoverPanic(callLog))}
	// Outermost first: the log sees the status the client gets, including
	// the Internal a panic becomes and the DeadlineExceeded of a call cut at
	// -max-call-duration; recovery is innermost, next to the handler.
	unary := []grpc.UnaryServerInterceptor{logging.UnaryServerInterceptor(logCalls, logOpts...)}
	stream := []grpc.StreamServerInterceptor{logging.StreamServerInterceptor(logCalls, logOpts...)}
	opts := []grpc.ServerOption{
		grpc.MaxConcurrentStreams(uint32(cfg.maxConcurrentStreams)),
		grpc.MaxRecvMsgSize(cfg.maxRecvBytes),
		grpc.MaxSendMsgSize(cfg.maxSendBytes),
		grpc.MaxHeaderListSize(uint32(cfg.maxHeaderBytes)),
		grpc.KeepaliveEnforcementPolicy(keepalive.EnforcementPolicy{
			MinTime:             cfg.keepaliveMinTime,
			PermitWithoutStream: cfg.keepalivePermitWithoutStream,
		}),
		grpc.KeepaliveParams(keepalive.ServerParameters{
			MaxConnectionIdle:     cfg.maxConnectionIdle,
			MaxConnectionAge:      cfg.maxConnectionAge,
			MaxConnectionAgeGrace: cfg.maxConnectionAgeGrace,
			Time:                  cfg.keepaliveTime,
			Timeout:               cfg.keepaliveTimeout,
		}),
	}
	if cfg.maxCallDuration > 0 {
		opts = append(opts, grpc.InTapHandle(callDeadline(cfg.maxCallDuration)))
		unary = append(unary, unaryCallTooLong(cfg.maxCallDuration))
		stream = append(stream, streamCallTooLong(cfg.maxCallDuration))
	}
	unary = append(unary, recovery.UnaryServerInterceptor(recoverOpts...))
	stream = append(stream, recovery.StreamServerInterceptor(recoverOpts...))
	opts = append(opts, grpc.ChainUnaryInterceptor(unary...), grpc.ChainStreamInterceptor(stream...))
	if cfg.tlsCert != "" {
		creds, err := credentials.NewServerTLSFromFile(cfg.tlsCert, cfg.tlsKey)
		if err != nil {
			return nil, fmt.Errorf("loading TLS key pair: %w", err)
		}
		opts = append(opts, grpc.Creds(creds))
	}
	s.grpc = grpc.NewServer(opts...)

	var regOpts struct {
		calc  []calculator.RegisterOption
		greet []greeter.RegisterOption
		kw    []keywords.RegisterOption
		st    []streaming.RegisterOption
	}
	if cfg.tutorialNames {
		regOpts.calc = append(regOpts.calc, calculator.WithTutorialNames())
		regOpts.greet = append(regOpts.greet, greeter.WithTutorialNames())
		regOpts.kw = append(regOpts.kw, keywords.WithTutorialNames())
		regOpts.st = append(regOpts.st, streaming.WithTutorialNames())
	}
	calculator.Register(s.grpc, calculator.NewServer(), regOpts.calc...)
	greeter.Register(s.grpc, greeter.NewServer(), regOpts.greet...)
	keywords.Register(s.grpc, keywords.NewServer(), regOpts.kw...)
	streaming.Register(s.grpc, streaming.NewServer(), regOpts.st...)

	services := []string{
		"", // the whole server
		calculatorv1.Calculator_ServiceDesc.ServiceName,
		greeterv1.Greeter_ServiceDesc.ServiceName,
		keywordsv1.KeywordService_ServiceDesc.ServiceName,
		streamingv1.StreamingService_ServiceDesc.ServiceName,
	}
	if cfg.tutorialNames {
		services = append(services, tutorialServices...)
	}
	for _, name := range services {
		s.health.SetServingStatus(name, healthpb.HealthCheckResponse_SERVING)
	}
	healthpb.RegisterHealthServer(s.grpc, drainingHealth{Server: s.health, drained: s.drained})
	reflection.Register(s.grpc)
	return s, nil
}
