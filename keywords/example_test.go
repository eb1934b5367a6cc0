package keywords_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"slices"

	"google.golang.org/grpc"
	"google.golang.org/grpc/status"

	"github.com/seed717b8fd8/grpcexamples/bufconntest"
	"github.com/seed717b8fd8/grpcexamples/internal/tutorialpb/nltk_service"
	"github.com/seed717b8fd8/grpcexamples/keywords"
)

const exampleText = `Electric cars run on batteries instead of petrol. The batteries of
electric cars are charged at home or at public charging stations, and
electric cars produce no exhaust.`

// Extract needs no server: it ranks the phrases of a text, best first.
func ExampleExtract() {
	phrases := keywords.Extract(exampleText, keywords.WithMaxResults(3))
	fmt.Println(phrases[0].Text)
	// Output: electric cars
}

// Mount the service on a gRPC server (here one in memory) and call it with
// the typed client.
func ExampleRegister() {
	srv, err := bufconntest.NewServer(func(s grpc.ServiceRegistrar) {
		keywords.Register(s, keywords.NewServer())
	})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	c := keywords.NewClient(srv.Conn)
	res, err := c.GetKeywords(context.Background(), keywords.Request{Text: exampleText, MaxResults: 3, ID: "cars"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("id:", res.ID)
	fmt.Println("language:", res.Language)
	fmt.Println("at most 3:", len(res.Keyphrases) <= 3)
	// Output:
	// id: cars
	// language: en
	// at most 3: true
}

// A request the server cannot answer fails with a status error whose
// message says what to change.
func ExampleClient_GetKeywords_invalidArgument() {
	srv, err := bufconntest.NewServer(func(s grpc.ServiceRegistrar) {
		keywords.Register(s, keywords.NewServer())
	})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	_, err = keywords.NewClient(srv.Conn).GetKeywords(context.Background(),
		keywords.Request{Text: exampleText, MaxResults: 500})
	fmt.Println(status.Code(err))
	fmt.Println(status.Convert(err).Message())
	// Output:
	// InvalidArgument
	// max_results is 500; use 1 to 100, or 0 for the server's default
}

// Send many texts on one stream and receive one result per text, in order.
// Closing the sending side and receiving until io.EOF ends the stream
// cleanly.
func ExampleClient_Stream() {
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
	defer st.Close() // releases the stream if we return early
	for _, id := range []string{"first", "second", "third"} {
		if err := st.Send(keywords.Request{ID: id, Text: exampleText}); err != nil {
			log.Fatal(err)
		}
	}
	if err := st.CloseSend(); err != nil {
		log.Fatal(err)
	}
	for {
		res, err := st.Receive()
		if err == io.EOF {
			break
		}
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(res.ID, res.Language)
	}
	// Output:
	// first en
	// second en
	// third en
}

// With WithTutorialNames, a client generated from the tutorial's .proto
// (here internal/tutorialpb/nltk_service; in your code, your own generated
// package) gets the same phrases as the v1 service, without scores.
func ExampleWithTutorialNames() {
	srv, err := bufconntest.NewServer(func(s grpc.ServiceRegistrar) {
		keywords.Register(s, keywords.NewServer(), keywords.WithTutorialNames())
	})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	ctx := context.Background()
	tutorial, err := nltk_service.NewKeywordServiceClient(srv.Conn).GetKeywords(ctx, &nltk_service.Request{Text: exampleText})
	if err != nil {
		log.Fatal(err)
	}
	v1, err := keywords.NewClient(srv.Conn).GetKeywords(ctx, keywords.Request{Text: exampleText})
	if err != nil {
		log.Fatal(err)
	}
	var v1Texts []string
	for _, kp := range v1.Keyphrases {
		v1Texts = append(v1Texts, kp.Text)
	}
	fmt.Println("same phrases:", slices.Equal(tutorial.GetKeywords(), v1Texts))
	// Output: same phrases: true
}

// tutorialServer stands in for the tutorial's Python server.
type tutorialServer struct {
	nltk_service.UnimplementedKeywordServiceServer
}

func (tutorialServer) GetKeywords(context.Context, *nltk_service.Request) (*nltk_service.Response, error) {
	return &nltk_service.Response{Keywords: []string{"electric cars", "batteries", "charging stations"}}, nil
}

// WithTutorialServer lets the typed client call a server of the tutorial's
// contract. That contract has no scores (they are 0) and no limit field, so
// MaxResults is applied on the client.
func ExampleWithTutorialServer() {
	srv, err := bufconntest.NewServer(func(s grpc.ServiceRegistrar) {
		nltk_service.RegisterKeywordServiceServer(s, tutorialServer{})
	})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	c := keywords.NewClient(srv.Conn, keywords.WithTutorialServer())
	res, err := c.GetKeywords(context.Background(), keywords.Request{Text: exampleText, MaxResults: 2})
	if err != nil {
		log.Fatal(err)
	}
	for _, kp := range res.Keyphrases {
		fmt.Printf("%s %v\n", kp.Text, kp.Score)
	}
	// Output:
	// electric cars 0
	// batteries 0
}
