package greeter

import (
	"context"

	"google.golang.org/grpc"

	greeterv1 "github.com/seed717b8fd8/grpcexamples/pb/greeter/v1"
)

// Client calls a greeter service with Go values. It sends the name as
// given and leaves the checks to the server: errors are the server's gRPC
// status errors, returned unchanged, so use status.Code(err) to tell
// codes.InvalidArgument (a bad name) from transport codes such as
// codes.Unavailable or codes.DeadlineExceeded. A Client is safe for
// concurrent use.
type Client struct {
	cc                      grpc.ClientConnInterface
	sayHello, sayHelloAgain string // method paths of SayHello and SayHelloAgain
}

// NewClient returns a Client that calls the service over cc, usually a
// *grpc.ClientConn. By default it calls grpcexamples.greeter.v1.Greeter;
// [WithTutorialServer] or [WithHelloWorldServer] make it call a tutorial's
// service instead (the last one given wins).
func NewClient(cc grpc.ClientConnInterface, opts ...ClientOption) *Client {
	var cfg clientConfig
	for _, o := range opts {
		o(&cfg)
	}
	c := &Client{
		cc:            cc,
		sayHello:      greeterv1.Greeter_SayHello_FullMethodName,
		sayHelloAgain: greeterv1.Greeter_SayHelloAgain_FullMethodName,
	}
	if cfg.service != "" {
		c.sayHello = "/" + cfg.service + "/SayHello"
		c.sayHelloAgain = "/" + cfg.service + "/SayHelloAgain"
	}
	return c
}

// SayHello returns the server's greeting for name, "Hello, NAME!". A name
// the server refuses (empty, longer than [MaxNameBytes], with control
// characters or only white space) fails with codes.InvalidArgument; a name
// that is not valid UTF-8 fails with codes.Internal before it is sent.
func (c *Client) SayHello(ctx context.Context, name string, opts ...grpc.CallOption) (string, error) {
	return c.greet(ctx, c.sayHello, name, opts)
}

// SayHelloAgain returns the server's second greeting for name, "Hello
// again, NAME!". It fails as [Client.SayHello] does.
func (c *Client) SayHelloAgain(ctx context.Context, name string, opts ...grpc.CallOption) (string, error) {
	return c.greet(ctx, c.sayHelloAgain, name, opts)
}

func (c *Client) greet(ctx context.Context, method, name string, opts []grpc.CallOption) (string, error) {
	// StaticMethod tells grpc-go's metrics the path is a fixed, known method,
	// as the generated clients do.
	opts = append([]grpc.CallOption{grpc.StaticMethod()}, opts...)
	out := new(greeterv1.HelloReply)
	if err := c.cc.Invoke(ctx, method, &greeterv1.HelloRequest{Name: name}, out, opts...); err != nil {
		return "", err
	}
	return out.GetMessage(), nil
}
