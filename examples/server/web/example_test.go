package web_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"google.golang.org/grpc"

	"github.com/seed717b8fd8/grpcexamples/calculator"
	"github.com/seed717b8fd8/grpcexamples/examples/server/web"
)

// A host's gRPC server, served over HTTP too: here a REST call.
func ExampleNewHandler() {
	s := grpc.NewServer(grpc.MaxRecvMsgSize(1 << 20))
	calculator.Register(s, calculator.NewServer())
	h, _, err := web.NewHandler(s, web.WithMaxMessageBytes(1<<20))
	if err != nil {
		panic(err)
	}
	ts := httptest.NewServer(h)
	defer ts.Close()

	resp, err := http.Get(ts.URL + "/v1/calculator/add?a=2&b=3")
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	// protojson puts spaces between fields at random; drop them.
	fmt.Println(resp.StatusCode, strings.ReplaceAll(string(body), " ", ""))
	// Output: 200 {"result":5}
}
