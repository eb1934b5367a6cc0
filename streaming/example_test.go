package streaming_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/seed717b8fd8/grpcexamples/bufconntest"
	"github.com/seed717b8fd8/grpcexamples/streaming"
)

// newExampleServer starts the service in memory. In a real program you
// would Register it on your own *grpc.Server instead.
func newExampleServer() *bufconntest.Server {
	srv, err := bufconntest.NewServer(func(s grpc.ServiceRegistrar) {
		streaming.Register(s, streaming.NewServer())
	})
	if err != nil {
		log.Fatal(err)
	}
	return srv
}

// A unary call: one request, one response, here with a 16-byte payload and
// a request header echoed back in the response header.
func ExampleClient_Unary() {
	srv := newExampleServer()
	defer srv.Close()
	client := streaming.NewClient(srv.Conn)

	ctx := metadata.AppendToOutgoingContext(context.Background(), "x-request-id", "42")
	var header metadata.MD
	resp, err := client.Unary(ctx, "hello", streaming.Controls{
		PayloadSize:  16,
		EchoMetadata: []string{"x-request-id"},
	}, grpc.Header(&header))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.Message, resp.Received, len(resp.Payload))
	fmt.Println(header.Get("x-request-id"))
	// Output:
	// hello true 16
	// [42]
}

// A server-streaming call, read with a range loop: three responses, 10 ms
// apart.
func ExampleClient_ServerStream() {
	srv := newExampleServer()
	defer srv.Close()
	client := streaming.NewClient(srv.Conn)

	ctl := streaming.Controls{MessageCount: 3, Interval: 10 * time.Millisecond}
	for resp, err := range client.ServerStream(context.Background(), "tick", ctl) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(resp.Sequence, resp.Message)
	}
	// Output:
	// 1 tick
	// 2 tick
	// 3 tick
}

// A server-streaming call that fails part way, as the controls ask: two
// responses, then the status. The error is always the last value.
func ExampleClient_ServerStream_status() {
	srv := newExampleServer()
	defer srv.Close()
	client := streaming.NewClient(srv.Conn)

	ctl := streaming.Controls{
		MessageCount:  5,
		StatusCode:    codes.Unavailable,
		StatusMessage: "backend went away",
		StatusAfter:   2,
	}
	for resp, err := range client.ServerStream(context.Background(), "tick", ctl) {
		if err != nil {
			st := status.Convert(err)
			fmt.Println(st.Code(), st.Message())
			break
		}
		fmt.Println(resp.Sequence, resp.Message)
	}
	// Output:
	// 1 tick
	// 2 tick
	// Unavailable backend went away
}

// A client-streaming call: send several messages, then close and receive
// the server's summary.
func ExampleClient_ClientStream() {
	srv := newExampleServer()
	defer srv.Close()
	client := streaming.NewClient(srv.Conn)

	sender, err := client.ClientStream(context.Background(), streaming.Controls{})
	if err != nil {
		log.Fatal(err)
	}
	for _, word := range []string{"one", "two", "three"} {
		if err := sender.Send(word, nil); err != nil {
			log.Fatal(err)
		}
	}
	sum, err := sender.CloseAndReceive()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%q: %d messages, %d bytes\n", sum.Message, sum.MessageCount, sum.ByteCount)
	// Output:
	// "one two three": 3 messages, 11 bytes
}

// A bidirectional call: the server answers each message as it arrives, so
// the client can wait for each answer before it sends the next.
func ExampleClient_BidiStream() {
	srv := newExampleServer()
	defer srv.Close()
	client := streaming.NewClient(srv.Conn)

	stream, err := client.BidiStream(context.Background(), streaming.Controls{})
	if err != nil {
		log.Fatal(err)
	}
	defer stream.Close()
	for _, msg := range []string{"ping", "pong"} {
		if err := stream.Send(msg, nil); err != nil {
			log.Fatal(err)
		}
		resp, err := stream.Receive()
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(resp.Sequence, resp.Message)
	}
	// Close our side and read until the end of the call.
	if err := stream.CloseSend(); err != nil {
		log.Fatal(err)
	}
	if _, err := stream.Receive(); errors.Is(err, io.EOF) {
		fmt.Println("done")
	}
	// Output:
	// 1 ping
	// 2 pong
	// done
}

// A deadline shorter than the interval: the call ends with
// DeadlineExceeded, and the server stops waiting at once.
func ExampleControls_deadline() {
	srv := newExampleServer()
	defer srv.Close()
	client := streaming.NewClient(srv.Conn)

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := client.Unary(ctx, "slow", streaming.Controls{Interval: 5 * time.Second})
	fmt.Println(status.Code(err))
	// Output:
	// DeadlineExceeded
}

// A client whose service config retries UNAVAILABLE sees a call that fails
// its first two attempts succeed on the third: the server fails each
// attempt numbered below FailFirstAttempts in the grpc-previous-rpc-attempts
// header. A code the policy does not list is not retried.
func ExampleControls_failFirstAttempts() {
	srv := newExampleServer()
	defer srv.Close()
	conn, err := srv.Dial(grpc.WithDefaultServiceConfig(`{"methodConfig": [{
		"name": [{"service": "grpcexamples.streaming.v1.StreamingService"}],
		"retryPolicy": {"maxAttempts": 3, "initialBackoff": "0.01s", "maxBackoff": "0.1s",
			"backoffMultiplier": 2, "retryableStatusCodes": ["UNAVAILABLE"]}}]}`))
	if err != nil {
		log.Fatal(err)
	}
	client := streaming.NewClient(conn)

	resp, err := client.Unary(context.Background(), "third time lucky", streaming.Controls{
		FailFirstAttempts: 2, StatusCode: codes.Unavailable,
	})
	fmt.Println(resp.Message, err)

	_, err = client.Unary(context.Background(), "no retry", streaming.Controls{
		FailFirstAttempts: 1, StatusCode: codes.Internal, StatusMessage: "not retryable",
	})
	fmt.Println(status.Code(err), status.Convert(err).Message())
	// Output:
	// third time lucky <nil>
	// Internal not retryable
}

// Mount the service with the tutorials' wire names as well, for the Python
// unary and bidirectional tutorials' clients.
func ExampleRegister() {
	s := grpc.NewServer()
	streaming.Register(s, streaming.NewServer(), streaming.WithTutorialNames())
	for name := range s.GetServiceInfo() {
		if name == "unary.Unary" || name == "bidirectional.Bidirectional" {
			fmt.Println(name)
		}
	}
	// Unordered output:
	// unary.Unary
	// bidirectional.Bidirectional
}
