// Command load makes a fixed number of calls, one after another, to a
// server of grpcexamples' services, for run.sh: a unary call (calculator
// Add) or a server-streaming call of three responses (streaming
// ServerStream). It exits non-zero on the first failed call.
//
//	load -addr 127.0.0.1:50051 -n 1000 -kind unary
package main

import (
	"context"
	"flag"
	"log"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/seed717b8fd8/grpcexamples/calculator"
	"github.com/seed717b8fd8/grpcexamples/streaming"
)

func main() {
	addr := flag.String("addr", "", "server address, host:port")
	n := flag.Int("n", 1000, "number of calls")
	kind := flag.String("kind", "unary", "unary or server-stream")
	flag.Parse()
	cc, err := grpc.NewClient(*addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		log.Fatal(err)
	}
	defer cc.Close()
	ctx := context.Background()
	calc, st := calculator.NewClient(cc), streaming.NewClient(cc)
	for i := range *n {
		switch *kind {
		case "unary":
			if _, err := calc.Add(ctx, int32(i), 1); err != nil {
				log.Fatalf("call %d: %v", i, err)
			}
		case "server-stream":
			for _, err := range st.ServerStream(ctx, "tick", streaming.Controls{MessageCount: 3}) {
				if err != nil {
					log.Fatalf("call %d: %v", i, err)
				}
			}
		default:
			log.Fatalf("-kind %q: want unary or server-stream", *kind)
		}
	}
}
