// Command goclient calls the Python tutorial servers (interop/python/*_server.py)
// with this module's typed Go clients, told to use the tutorials' wire names.
// It is the reverse of the Python tutorial clients: their servers, our clients.
//
//	go run ./interop/goclient -calculator 127.0.0.1:P1 -greeter 127.0.0.1:P2 -keywords 127.0.0.1:P3
//
// It prints one line per check and exits 1 if any failed.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"reflect"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	"github.com/seed717b8fd8/grpcexamples/calculator"
	"github.com/seed717b8fd8/grpcexamples/greeter"
	"github.com/seed717b8fd8/grpcexamples/keywords"
)

type checker struct{ passed, failed int }

func (c *checker) equal(name string, got, want any) {
	if reflect.DeepEqual(got, want) {
		c.passed++
		fmt.Printf("  ok   %s\n", name)
		return
	}
	c.failed++
	fmt.Printf("  FAIL %s: got %#v, want %#v\n", name, got, want)
}

func (c *checker) noError(name string, err error) bool {
	if err == nil {
		return true
	}
	c.failed++
	fmt.Printf("  FAIL %s: %v\n", name, err)
	return false
}

func main() {
	calcAddr := flag.String("calculator", "", "address of a calculator.Calculator server")
	greetAddr := flag.String("greeter", "", "address of a server of greeter.Greeter and helloworld.Greeter")
	kwAddr := flag.String("keywords", "", "address of a KeywordService server")
	timeout := flag.Duration("timeout", 10*time.Second, "deadline of each call")
	flag.Parse()

	var c checker
	call := func() (context.Context, context.CancelFunc) {
		return context.WithTimeout(context.Background(), *timeout)
	}
	dial := func(addr string) *grpc.ClientConn {
		cc, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			fmt.Fprintln(os.Stderr, "goclient:", err)
			os.Exit(2)
		}
		return cc
	}

	if *calcAddr != "" {
		fmt.Println("calculator.Calculator (Python server):")
		cc := dial(*calcAddr)
		client := calculator.NewClient(cc, calculator.WithTutorialServer())
		ctx, cancel := call()
		sum, err := client.Add(ctx, 5, 3)
		if c.noError("Add", err) {
			c.equal("Add 5+3", sum, int32(8))
		}
		diff, err := client.Subtract(ctx, 10, 4)
		if c.noError("Subtract", err) {
			c.equal("Subtract 10-4", diff, int32(6))
		}
		diff, err = client.Subtract(ctx, -7, 12)
		if c.noError("Subtract", err) {
			c.equal("Subtract -7-12", diff, int32(-19))
		}
		_, err = client.Multiply(ctx, 2, 3)
		c.equal("Multiply is not in the tutorial contract", status.Code(err), codes.Unimplemented)
		cancel()
		cc.Close()
	}

	if *greetAddr != "" {
		fmt.Println("greeter.Greeter (Python server):")
		cc := dial(*greetAddr)
		client := greeter.NewClient(cc, greeter.WithTutorialServer())
		ctx, cancel := call()
		msg, err := client.SayHello(ctx, "Gopher")
		if c.noError("SayHello", err) {
			c.equal("SayHello", msg, "Hello, Gopher!")
		}
		msg, err = client.SayHelloAgain(ctx, "Gopher")
		if c.noError("SayHelloAgain", err) {
			c.equal("SayHelloAgain", msg, "Hello again, Gopher!")
		}
		fmt.Println("helloworld.Greeter (Python quick start server, same port):")
		quick := greeter.NewClient(cc, greeter.WithHelloWorldServer())
		msg, err = quick.SayHello(ctx, "Gopher")
		if c.noError("SayHello", err) {
			c.equal("SayHello", msg, "Hello, Gopher!")
		}
		_, err = quick.SayHelloAgain(ctx, "Gopher")
		c.equal("SayHelloAgain is Unimplemented by the quick start server", status.Code(err), codes.Unimplemented)
		cancel()
		cc.Close()
	}

	if *kwAddr != "" {
		fmt.Println("KeywordService (Python server, its own stop list):")
		cc := dial(*kwAddr)
		client := keywords.NewClient(cc, keywords.WithTutorialServer())
		ctx, cancel := call()
		text := "The quick brown fox jumps over the lazy dog, and the dog sleeps."
		res, err := client.GetKeywords(ctx, keywords.Request{Text: text, ID: "fox"})
		if c.noError("GetKeywords", err) {
			c.equal("GetKeywords", phrases(res), []string{"quick", "brown", "fox", "jumps", "lazy", "dog", "sleeps"})
			c.equal("GetKeywords keeps the caller's ID", res.ID, "fox")
		}
		res, err = client.GetKeywords(ctx, keywords.Request{Text: text, MaxResults: 3})
		if c.noError("GetKeywords MaxResults 3", err) {
			c.equal("GetKeywords MaxResults 3", phrases(res), []string{"quick", "brown", "fox"})
		}
		_, err = client.GetKeywords(ctx, keywords.Request{Text: text, MaxResults: keywords.MaxResultsLimit + 1})
		c.equal("GetKeywords MaxResults over the limit", status.Code(err), codes.InvalidArgument)
		cancel()
		cc.Close()
	}

	fmt.Printf("goclient: %d passed, %d failed\n", c.passed, c.failed)
	if c.failed > 0 || c.passed == 0 {
		os.Exit(1)
	}
}

func phrases(res keywords.Result) []string {
	out := make([]string, len(res.Keyphrases))
	for i, kp := range res.Keyphrases {
		out[i] = kp.Text
	}
	return out
}
