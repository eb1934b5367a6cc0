package greeter_test

import (
	"testing"

	"github.com/seed717b8fd8/grpcexamples/greeter"
	greeterv1 "github.com/seed717b8fd8/grpcexamples/pb/greeter/v1"
)

// BenchmarkClientSayHello measures one SayHello round trip over an
// in-memory gRPC connection.
func BenchmarkClientSayHello(b *testing.B) {
	c := start(b)
	ctx := b.Context()
	for b.Loop() {
		if _, err := c.SayHello(ctx, "Happy Chappy"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkServerSayHelloLongName measures the service's own work, the
// name checks included, for a name at the length limit, called directly.
func BenchmarkServerSayHelloLongName(b *testing.B) {
	s := greeter.NewServer()
	ctx := b.Context()
	name := make([]byte, greeter.MaxNameBytes)
	for i := range name {
		name[i] = 'a' + byte(i%26)
	}
	in := &greeterv1.HelloRequest{Name: string(name)}
	for b.Loop() {
		if _, err := s.SayHello(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
}
