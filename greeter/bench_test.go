package greeter_test

import (
	"strings"
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

// BenchmarkServerSayHelloWorstName measures the name checks at their most
// expensive among the shapes tried (Devanagari half forms with joiners,
// emoji, CJK, spaces, combining marks): a name at MaxNameBytesCeiling (the
// highest limit a Server can have) made of one letter and 2,047 combining
// marks, each of which misses the letter table before it hits the marks'.
func BenchmarkServerSayHelloWorstName(b *testing.B) {
	s := greeter.NewServer(greeter.WithMaxNameBytes(greeter.MaxNameBytesCeiling))
	ctx := b.Context()
	name := "a" + strings.Repeat("\u0301", (greeter.MaxNameBytesCeiling-1)/2)
	in := &greeterv1.HelloRequest{Name: name}
	b.SetBytes(int64(len(name)))
	for b.Loop() {
		if _, err := s.SayHello(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkServerSayHelloHugeName measures the refusal of a 1 MiB name: it
// must cost as little as a short one, since the length check comes first.
func BenchmarkServerSayHelloHugeName(b *testing.B) {
	s := greeter.NewServer()
	ctx := b.Context()
	in := &greeterv1.HelloRequest{Name: strings.Repeat("x", 1<<20)}
	for b.Loop() {
		if _, err := s.SayHello(ctx, in); err == nil {
			b.Fatal("a 1 MiB name was greeted")
		}
	}
}
