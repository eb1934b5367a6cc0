package greeter_test

import (
	"context"
	"fmt"
	"log"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/status"

	"github.com/seed717b8fd8/grpcexamples/bufconntest"
	"github.com/seed717b8fd8/grpcexamples/greeter"
)

// Mount the greeter on a server (here one in memory) and call it, as the
// tutorial's client does.
func Example() {
	srv, err := bufconntest.NewServer(func(s grpc.ServiceRegistrar) {
		greeter.Register(s, greeter.NewServer())
	})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	ctx := context.Background()
	g := greeter.NewClient(srv.Conn)
	hello, err := g.SayHello(ctx, "Happy Chappy")
	if err != nil {
		log.Fatal(err)
	}
	again, err := g.SayHelloAgain(ctx, "Happy Chappy")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("Greeter client received: " + hello)
	fmt.Println("Greeter client received: " + again)
	// Output:
	// Greeter client received: Hello, Happy Chappy!
	// Greeter client received: Hello again, Happy Chappy!
}

// Names the service will not greet fail with InvalidArgument and a message
// saying what is wrong.
func ExampleClient_SayHello_invalidName() {
	srv, err := bufconntest.NewServer(func(s grpc.ServiceRegistrar) {
		greeter.Register(s, greeter.NewServer())
	})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	g := greeter.NewClient(srv.Conn)
	for _, name := range []string{"", strings.Repeat("x", 300), "Ada\nLovelace", "  "} {
		_, err := g.SayHello(context.Background(), name)
		st := status.Convert(err)
		fmt.Printf("%v: %s\n", st.Code(), st.Message())
	}
	// Output:
	// InvalidArgument: name is empty: give a name of 1 to 256 bytes
	// InvalidArgument: name is 300 bytes long; the limit is 256 bytes (greeter.MaxNameBytes)
	// InvalidArgument: name "Ada\nLovelace" contains control character U+000A at byte 3; a name must be one line of printable text
	// InvalidArgument: name "  " is only white space; give a name with at least one visible character
}

// Serve the tutorials' names too, and call the grpc.io quick start's
// helloworld.Greeter, here through our Client told to use that name.
func ExampleWithTutorialNames() {
	srv, err := bufconntest.NewServer(func(s grpc.ServiceRegistrar) {
		greeter.Register(s, greeter.NewServer(), greeter.WithTutorialNames())
	})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	msg, err := greeter.NewClient(srv.Conn, greeter.WithHelloWorldServer()).SayHello(context.Background(), "world")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(msg)
	// Output: Hello, world!
}
