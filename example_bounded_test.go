package grpcexamples_test

import (
	"context"
	"fmt"
	"log"
	"net"
	"time"

	"golang.org/x/net/netutil"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/keepalive"
	"google.golang.org/grpc/tap"

	"github.com/seed717b8fd8/grpcexamples/calculator"
	"github.com/seed717b8fd8/grpcexamples/greeter"
	"github.com/seed717b8fd8/grpcexamples/keywords"
	"github.com/seed717b8fd8/grpcexamples/streaming"
)

// Mount the services on a server bounded against its callers: the options
// the README's "Mount a service on your server" lists, each with the value
// examples/server uses by default. A bare grpc.NewServer() gives a new
// connection 120 s to send its preface, accepts any number of connections
// and of calls on each, 16 MiB of metadata per call, and calls that never
// end.
func Example_boundedServer() {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	lis = netutil.LimitListener(lis, 4096) // connections open at once; more wait to be accepted
	s := grpc.NewServer(
		grpc.ConnectionTimeout(10*time.Second),            // a new connection's handshake and HTTP/2 preface
		grpc.MaxHeaderListSize(16<<10),                    // a call's metadata
		grpc.MaxRecvMsgSize(keywords.MaxTextBytes+16<<10), // one request message, decompressed
		grpc.MaxConcurrentStreams(100),                    // calls open at once on one connection
		grpc.InTapHandle(callDeadline(5*time.Minute)),     // a call's life, whatever the client's deadline
		grpc.KeepaliveEnforcementPolicy(keepalive.EnforcementPolicy{MinTime: 5 * time.Second, PermitWithoutStream: true}),
		grpc.KeepaliveParams(keepalive.ServerParameters{
			MaxConnectionIdle: 5 * time.Minute, MaxConnectionAge: 30 * time.Minute, MaxConnectionAgeGrace: 5 * time.Minute,
			Time: time.Minute, Timeout: 20 * time.Second,
		}),
	)
	calculator.Register(s, calculator.NewServer())
	greeter.Register(s, greeter.NewServer())
	keywords.Register(s, keywords.NewServer())
	streaming.Register(s, streaming.NewServer())
	go s.Serve(lis)
	defer s.Stop()

	cc, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		log.Fatal(err)
	}
	defer cc.Close()
	sum, err := calculator.NewClient(cc).Add(context.Background(), 2, 3)
	fmt.Println(sum, err)
	// Output: 5 <nil>
}

// callDeadline gives every call a deadline of at most d. The context it
// returns becomes the call's own, so it also ends a handler blocked in a
// stream's Recv or Send. grpc-go cancels its parent when the call ends,
// which stops this one's timer.
func callDeadline(d time.Duration) tap.ServerInHandle {
	return func(ctx context.Context, _ *tap.Info) (context.Context, error) {
		ctx, cancel := context.WithTimeout(ctx, d)
		_ = cancel // called by the parent's cancellation at the call's end
		return ctx, nil
	}
}
