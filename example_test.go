package grpcexamples_test

import (
	"context"
	"fmt"
	"log"

	"google.golang.org/grpc"
	"google.golang.org/grpc/status"

	"github.com/seed717b8fd8/grpcexamples/bufconntest"
	"github.com/seed717b8fd8/grpcexamples/calculator"
	"github.com/seed717b8fd8/grpcexamples/greeter"
	"github.com/seed717b8fd8/grpcexamples/keywords"
	"github.com/seed717b8fd8/grpcexamples/streaming"
)

// Mount all four services on one server (here an in-memory one from
// bufconntest; in a program, your own *grpc.Server) and call two of them
// with their typed clients.
func Example() {
	srv, err := bufconntest.NewServer(func(s grpc.ServiceRegistrar) {
		calculator.Register(s, calculator.NewServer())
		greeter.Register(s, greeter.NewServer())
		keywords.Register(s, keywords.NewServer())
		streaming.Register(s, streaming.NewServer())
	})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()

	msg, err := greeter.NewClient(srv.Conn).SayHello(ctx, "gopher")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(msg)

	calc := calculator.NewClient(srv.Conn)
	q, r, err := calc.Divide(ctx, 17, 5)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(q, r)

	_, _, err = calc.Divide(ctx, 1, 0)
	fmt.Println(status.Code(err))
	// Output:
	// Hello, gopher!
	// 3 2
	// InvalidArgument
}
