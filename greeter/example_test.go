package greeter_test

import (
	"context"
	"fmt"
	"log"
	"strings"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
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
// saying what is wrong: for a character, its code point, its Unicode
// category and its byte offset.
func ExampleClient_SayHello_invalidName() {
	srv, err := bufconntest.NewServer(func(s grpc.ServiceRegistrar) {
		greeter.Register(s, greeter.NewServer())
	})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	g := greeter.NewClient(srv.Conn)
	for _, name := range []string{"", strings.Repeat("x", 300), "Ada\nLovelace", "Ada\u200bLovelace", "  ", "\u3164"} {
		_, err := g.SayHello(context.Background(), name)
		st := status.Convert(err)
		fmt.Printf("%v: %s\n", st.Code(), st.Message())
	}
	// Output:
	// InvalidArgument: name is empty: give a name of 1 to 256 bytes
	// InvalidArgument: name is 300 bytes long; this server's limit is 256 bytes (greeter.WithMaxNameBytes, default 256)
	// InvalidArgument: name "Ada\nLovelace" contains U+000A at byte 3, a control character (Unicode category Cc); a name must be one line of visible text
	// InvalidArgument: name "Ada\u200bLovelace" contains U+200B at byte 3, an invisible format character (Unicode category Cf); remove it: format characters can hide or reorder text
	// InvalidArgument: name "  " is only white space; give a name with at least one visible character
	// InvalidArgument: name "\u3164" has no visible character (white space, combining marks and blank fillers such as U+3164 or U+2800 show nothing); give a name with at least one visible character
}

// A program reads why a name was refused from the status details, not the
// message: the field at fault from google.rpc.BadRequest, the reason and
// the values it needs (here the limit) from google.rpc.ErrorInfo.
func ExampleClient_SayHello_errorDetails() {
	srv, err := bufconntest.NewServer(func(s grpc.ServiceRegistrar) {
		greeter.Register(s, greeter.NewServer())
	})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	g := greeter.NewClient(srv.Conn)
	for _, name := range []string{strings.Repeat("x", 300), "Ada​Lovelace"} {
		_, err := g.SayHello(context.Background(), name)
		st, _ := status.FromError(err)
		for _, d := range st.Details() {
			switch d := d.(type) {
			case *errdetails.BadRequest:
				for _, v := range d.GetFieldViolations() {
					fmt.Println("field:", v.GetField())
				}
			case *errdetails.ErrorInfo:
				md := d.GetMetadata()
				switch d.GetReason() {
				case "NAME_TOO_LONG":
					fmt.Println("too long: limit", md["limitBytes"], "bytes, got", md["lengthBytes"])
				case "NAME_REFUSED_CHARACTER":
					fmt.Println("refused", md["codePoint"], "of category", md["category"], "at byte", md["offsetBytes"])
				}
			}
		}
	}
	// Output:
	// too long: limit 256 bytes, got 300
	// field: name
	// refused U+200B of category Cf at byte 3
	// field: name
}

// A server may greet longer names than the default, up to
// MaxNameBytesCeiling, or only shorter ones.
func ExampleWithMaxNameBytes() {
	srv, err := bufconntest.NewServer(func(s grpc.ServiceRegistrar) {
		greeter.Register(s, greeter.NewServer(greeter.WithMaxNameBytes(8)))
	})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	g := greeter.NewClient(srv.Conn)
	msg, err := g.SayHello(context.Background(), "Ada")
	fmt.Println(msg, err)
	_, err = g.SayHello(context.Background(), "Ada Lovelace")
	fmt.Println(status.Convert(err).Message())
	// Output:
	// Hello, Ada! <nil>
	// name is 12 bytes long; this server's limit is 8 bytes (greeter.WithMaxNameBytes, default 256)
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
