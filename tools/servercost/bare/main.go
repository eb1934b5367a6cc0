// Command bare serves the four grpcexamples services on a grpc.NewServer()
// with no options, the baseline that run.sh compares examples/server with.
// It prints its address on stdout and serves until SIGTERM or SIGINT.
package main

import (
	"context"
	"fmt"
	"log"
	"net"
	"os"
	"os/signal"
	"syscall"

	"google.golang.org/grpc"

	"github.com/seed717b8fd8/grpcexamples/calculator"
	"github.com/seed717b8fd8/grpcexamples/greeter"
	"github.com/seed717b8fd8/grpcexamples/keywords"
	"github.com/seed717b8fd8/grpcexamples/streaming"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	s := grpc.NewServer()
	calculator.Register(s, calculator.NewServer())
	greeter.Register(s, greeter.NewServer())
	keywords.Register(s, keywords.NewServer())
	streaming.Register(s, streaming.NewServer())
	fmt.Println(lis.Addr())
	go func() {
		<-ctx.Done()
		s.GracefulStop()
	}()
	if err := s.Serve(lis); err != nil {
		log.Fatal(err)
	}
}
