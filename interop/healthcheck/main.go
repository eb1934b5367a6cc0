// Command healthcheck asks a server's grpc.health.v1.Health service with
// grpc-go's own health client, in one of two modes.
//
// Check: every named service must answer the wanted status.
//
//	go run ./interop/healthcheck -addr 127.0.0.1:50051 -want SERVING "" grpcexamples.greeter.v1.Greeter
//
// Watch: opens a Watch per service, and a second connection that uses
// grpc-go's client-side health checking (round_robin with healthCheckConfig
// on -lb-service). Once every watch has said SERVING and a call through the
// health-checked connection succeeded, it prints "ready" and waits for the
// server's shutdown to begin (e.g. SIGTERM). It then checks that every watch
// turns NOT_SERVING, that a new call on a plain connection still succeeds
// during the drain, and that the health-checked connection stops sending
// calls to the server (codes.Unavailable). It exits 0 when all that held
// within -timeout.
//
//	go run ./interop/healthcheck -addr 127.0.0.1:50051 -watch "" grpcexamples.greeter.v1.Greeter
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	_ "google.golang.org/grpc/health" // registers client-side health checking
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"

	greeterv1 "github.com/seed717b8fd8/grpcexamples/pb/greeter/v1"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:50051", "server address")
	want := flag.String("want", "SERVING", "check mode: the status every service must report")
	watch := flag.Bool("watch", false, "watch mode (see the package doc)")
	lbService := flag.String("lb-service", greeterv1.Greeter_ServiceDesc.ServiceName, "watch mode: the service name client-side health checking asks about")
	timeout := flag.Duration("timeout", 60*time.Second, "overall deadline")
	flag.Parse()
	services := flag.Args()
	if len(services) == 0 {
		fmt.Fprintln(os.Stderr, "healthcheck: name at least one service (\"\" is the whole server)")
		os.Exit(2)
	}

	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	cc, err := grpc.NewClient(*addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		fail("%v", err)
	}
	defer cc.Close()

	if !*watch {
		wantStatus, ok := healthpb.HealthCheckResponse_ServingStatus_value[*want]
		if !ok {
			fail("unknown status %q", *want)
		}
		bad := 0
		for _, svc := range services {
			resp, err := healthpb.NewHealthClient(cc).Check(ctx, &healthpb.HealthCheckRequest{Service: svc})
			got := resp.GetStatus().String()
			if err != nil {
				got = err.Error()
			}
			fmt.Printf("  Check %q: %s\n", svc, got)
			if err != nil || int32(resp.GetStatus()) != wantStatus {
				bad++
			}
		}
		if bad > 0 {
			fail("%d of %d services did not report %s", bad, len(services), *want)
		}
		return
	}

	if err := watchShutdown(ctx, cc, *addr, *lbService, services); err != nil {
		fail("%v", err)
	}
	fmt.Println("healthcheck: every watch went SERVING -> NOT_SERVING; drain and client-side health checking behaved")
}

func watchShutdown(ctx context.Context, cc *grpc.ClientConn, addr, lbService string, services []string) error {
	hc, err := grpc.NewClient(addr,
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultServiceConfig(fmt.Sprintf(
			`{"loadBalancingConfig": [{"round_robin": {}}], "healthCheckConfig": {"serviceName": %q}}`, lbService)))
	if err != nil {
		return err
	}
	defer hc.Close()

	// One Watch per service; each reports SERVING once, then NOT_SERVING once.
	var serving, notServing sync.WaitGroup
	errs := make(chan error, len(services))
	watchCtx, stopWatches := context.WithCancel(ctx)
	defer stopWatches()
	for _, svc := range services {
		serving.Add(1)
		notServing.Add(1)
		go func() {
			stream, err := healthpb.NewHealthClient(cc).Watch(watchCtx, &healthpb.HealthCheckRequest{Service: svc})
			if err != nil {
				errs <- fmt.Errorf("Watch %q: %v", svc, err)
				return
			}
			sawServing := false
			for {
				resp, err := stream.Recv()
				if err != nil {
					errs <- fmt.Errorf("Watch %q ended before NOT_SERVING: %v", svc, err)
					return
				}
				fmt.Printf("  Watch %q: %s\n", svc, resp.GetStatus())
				switch resp.GetStatus() {
				case healthpb.HealthCheckResponse_SERVING:
					if !sawServing {
						sawServing = true
						serving.Done()
					}
				case healthpb.HealthCheckResponse_NOT_SERVING:
					if !sawServing {
						errs <- fmt.Errorf("Watch %q: NOT_SERVING before SERVING", svc)
						return
					}
					notServing.Done()
					return
				}
			}
		}()
	}
	if err := waitAll(ctx, &serving, errs); err != nil {
		return fmt.Errorf("waiting for SERVING: %w", err)
	}

	greetHC := greeterv1.NewGreeterClient(hc)
	callCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	_, err = greetHC.SayHello(callCtx, &greeterv1.HelloRequest{Name: "lb"}, grpc.WaitForReady(true))
	cancel()
	if err != nil {
		return fmt.Errorf("call through the health-checked connection before shutdown: %v", err)
	}
	fmt.Println("ready") // the script sends SIGTERM now

	if err := waitAll(ctx, &notServing, errs); err != nil {
		return fmt.Errorf("waiting for NOT_SERVING: %w", err)
	}
	start := time.Now()

	// Draining: a new call on a plain connection is still served.
	callCtx, cancel = context.WithTimeout(ctx, 2*time.Second)
	resp, err := greeterv1.NewGreeterClient(cc).SayHello(callCtx, &greeterv1.HelloRequest{Name: "drain"})
	cancel()
	if err != nil {
		return fmt.Errorf("new call during the drain failed: %v", err)
	}
	fmt.Printf("  new call during the drain: %q\n", resp.GetMessage())

	// Client-side health checking: the only backend is now unhealthy, so the
	// balancer fails calls at once instead of sending them.
	for {
		callCtx, cancel = context.WithTimeout(ctx, time.Second)
		_, err = greetHC.SayHello(callCtx, &greeterv1.HelloRequest{Name: "lb"})
		cancel()
		if status.Code(err) == codes.Unavailable {
			fmt.Printf("  health-checked connection after %v: %v\n", time.Since(start).Round(time.Millisecond), status.Code(err))
			return nil
		}
		if time.Since(start) > 2*time.Second {
			return fmt.Errorf("health-checked connection still calls the NOT_SERVING server after 2s (last error: %v)", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitAll waits for wg, failing early on the first error from the watches.
func waitAll(ctx context.Context, wg *sync.WaitGroup, errs <-chan error) error {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case err := <-errs:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "healthcheck: "+strings.TrimSuffix(format, "\n")+"\n", args...)
	os.Exit(1)
}
