package keywords_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/status"

	"github.com/seed717b8fd8/grpcexamples/bufconntest"
	"github.com/seed717b8fd8/grpcexamples/keywords"
)

// Bound what callers can make the service cost your server: here at most
// two extractions run at once, however many calls arrive, and a call that
// waits for one gives up when its deadline passes. The host's own
// grpc.MaxConcurrentStreams bounds how many calls can wait.
func ExampleWithMaxConcurrentExtractions() {
	srv, err := bufconntest.NewServer(func(s grpc.ServiceRegistrar) {
		keywords.Register(s, keywords.NewServer(keywords.WithMaxConcurrentExtractions(2)))
	}, bufconntest.WithServerOptions(grpc.MaxConcurrentStreams(100)))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	res, err := keywords.NewClient(srv.Conn).GetKeywords(ctx, keywords.Request{Text: exampleText})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Keyphrases[0].Text)
	// Output: electric cars
}

// Call options given to NewClient apply to every call of the client.
func ExampleWithCallOptions() {
	srv, err := bufconntest.NewServer(func(s grpc.ServiceRegistrar) {
		keywords.Register(s, keywords.NewServer())
	})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	// Wait for the server while the connection is not ready, instead of
	// failing at once with Unavailable.
	c := keywords.NewClient(srv.Conn, keywords.WithCallOptions(grpc.WaitForReady(true)))
	res, err := c.GetKeywords(context.Background(), keywords.Request{Text: exampleText})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Keyphrases[0].Text)
	// Output: electric cars
}

// Close abandons a stream at any point, here with an answer still to come,
// and frees it on both sides; deferring it covers every return.
func ExampleStream_Close() {
	srv, err := bufconntest.NewServer(func(s grpc.ServiceRegistrar) {
		keywords.Register(s, keywords.NewServer())
	})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	st, err := keywords.NewClient(srv.Conn).Stream(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()
	for _, id := range []string{"first", "second"} {
		if err := st.Send(keywords.Request{ID: id, Text: exampleText}); err != nil {
			log.Fatal(err)
		}
	}
	res, err := st.Receive()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.ID)
	st.Close()
	_, err = st.Receive()
	fmt.Println(status.Code(err))
	// Output:
	// first
	// Canceled
}
