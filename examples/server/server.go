package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/auth"
	"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/recovery"
	"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/selector"
	"google.golang.org/grpc"
	// gzip: clients may compress requests (and get compressed responses).
	// A request still may not exceed -max-recv-bytes once decompressed.
	"golang.org/x/time/rate"
	_ "google.golang.org/grpc/encoding/gzip"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/keepalive"
	"google.golang.org/grpc/reflection"

	"github.com/seed717b8fd8/grpcexamples/calculator"
	"github.com/seed717b8fd8/grpcexamples/greeter"
	"github.com/seed717b8fd8/grpcexamples/internal/telemetry"
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
	metrics *promMetrics  // nil without -metrics-addr
	gate    *callGate
	closers []func() // run once the server has stopped: authz watcher, telemetry flush
}

// newServer builds the server cfg describes, logging to logOut.
func newServer(cfg config, logOut io.Writer) (*server, error) {
	return newServerWith(cfg, logOut, nil)
}

// newServerWith is newServer with the telemetry tel (tests pass one that
// records in memory) in place of the one -otel describes.
func newServerWith(cfg config, logOut io.Writer, tel *telemetry.Providers) (_ *server, err error) {
	// Call lines follow -log-level; the lifecycle lines ("listening", which
	// scripts read, and shutdown) are written at any level. Both carry the
	// request id and trace id of the call they are about, if any.
	callLog := slog.New(logHandler{slog.NewTextHandler(logOut, &slog.HandlerOptions{Level: cfg.logLevel})})
	s := &server{
		cfg:     cfg,
		health:  health.NewServer(),
		drained: make(chan struct{}),
		log:     slog.New(logHandler{slog.NewTextHandler(logOut, &slog.HandlerOptions{Level: min(cfg.logLevel, slog.LevelInfo)})}),
	}
	defer func() {
		if err != nil {
			s.close()
		}
	}()

	obs := &observer{log: callLog, slow: cfg.slow, debug: cfg.logLevel <= slog.LevelDebug, traced: tel != nil || cfg.otel != ""}
	if cfg.logRate > 0 {
		obs.limit = rate.NewLimiter(rate.Limit(cfg.logRate), cfg.logRate)
	}
	s.gate = newCallGate(cfg.maxCalls, cfg.maxCallDuration, cfg.firstMessageTimeout, s.earlyEnd(obs))
	obs.gate = s.gate
	s.closers = append(s.closers, s.gate.close)
	recoverOpts := []recovery.Option{recovery.WithRecoveryHandlerContext(obs.recoverPanic)}
	// Outermost first. The observer comes first so that it sees the status
	// the client gets, including a refusal by authentication or
	// authorization, the Internal a panic becomes and the DeadlineExceeded
	// of a call cut at -max-call-duration; recovery is innermost, next to
	// the handler.
	unary := []grpc.UnaryServerInterceptor{obs.unary}
	stream := []grpc.StreamServerInterceptor{obs.stream}
	opts := []grpc.ServerOption{
		grpc.InTapHandle(s.gate.tap),
		grpc.ConnectionTimeout(cfg.connectionTimeout),
		grpc.NumStreamWorkers(uint32(cfg.streamWorkers)),
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
	if cfg.metricsAddr != "" {
		s.metrics = newPromMetrics(s.gate.inFlight)
		u, st := s.metrics.interceptors()
		unary, stream = append(unary, u), append(stream, st)
	}
	if cfg.authTokens != "" || cfg.authzPolicy != "" {
		var tokens *tokenTable
		if cfg.authTokens != "" {
			if tokens, err = loadTokens(cfg.authTokens); err != nil {
				return nil, err
			}
		}
		unary = append(unary, selector.UnaryServerInterceptor(auth.UnaryServerInterceptor(authenticate(tokens)), guarded))
		stream = append(stream, selector.StreamServerInterceptor(auth.StreamServerInterceptor(authenticate(tokens)), guarded))
	}
	if cfg.authzPolicy != "" {
		az, err := newAuthorizer(cfg, s.log)
		if err != nil {
			return nil, err
		}
		s.closers = append(s.closers, az.Close)
		unary = append(unary, selector.UnaryServerInterceptor(az.unary, guarded))
		stream = append(stream, selector.StreamServerInterceptor(az.stream, guarded))
	}
	unary = append(unary, recovery.UnaryServerInterceptor(recoverOpts...))
	stream = append(stream, recovery.StreamServerInterceptor(recoverOpts...))
	opts = append(opts, grpc.ChainUnaryInterceptor(unary...), grpc.ChainStreamInterceptor(stream...))
	if cfg.tlsCert != "" {
		creds, err := serverCreds(cfg)
		if err != nil {
			return nil, err
		}
		opts = append(opts, grpc.Creds(creds))
	}
	if tel == nil && cfg.otel != "" {
		if tel, err = telemetry.New(context.Background(), cfg.otel, "grpcexamples-server", os.Stdout); err != nil {
			return nil, err
		}
	}
	if tel != nil {
		s.closers = append(s.closers, func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := tel.Shutdown(ctx); err != nil {
				s.log.Warn("flushing telemetry", "err", err)
			}
		})
		// Read once the first call arrives, when every service is
		// registered: grpc-go refuses registrations after Serve.
		registered := sync.OnceValue(func() map[string]bool {
			m := map[string]bool{}
			for svc, info := range s.grpc.GetServiceInfo() {
				for _, method := range info.Methods {
					m["/"+svc+"/"+method.Name] = true
				}
			}
			return m
		})
		opts = append(opts, otelHandler(tel, func(method string) bool { return registered()[method] }))
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
	served := make(map[string]string, len(services))
	for _, name := range services {
		s.health.SetServingStatus(name, healthpb.HealthCheckResponse_SERVING)
		served[name] = name
	}
	healthpb.RegisterHealthServer(s.grpc, drainingHealth{Server: s.health, served: served, drained: s.drained})
	reflection.Register(s.grpc)
	return s, nil
}

// close releases what newServer started besides the grpc.Server: the
// authz policy watcher, and the telemetry, which it flushes.
func (s *server) close() {
	for _, c := range s.closers {
		c()
	}
	s.closers = nil
}

// earlyEnd reports a call that ended before its handler started: a log
// line through the observer (rate-limited) and, with -metrics-addr, the
// grpcexamples_server_calls_ended_early_total counter.
func (s *server) earlyEnd(obs *observer) func(*call, string) {
	return func(c *call, reason string) {
		obs.early(c, reason)
		if s.metrics != nil {
			s.metrics.endedEarly.WithLabelValues(reason).Inc()
		}
	}
}
