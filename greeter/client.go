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
	callOpts                []grpc.CallOption
}

// NewClient returns a Client that calls the service over cc, usually a
// *grpc.ClientConn. By default it calls grpcexamples.greeter.v1.Greeter;
// [WithTutorialServer] or [WithHelloWorldServer] make it call a tutorial's
// service instead (the last one given wins), and [WithCallOptions] sets call
// options for every call. Nil options are ignored.
func NewClient(cc grpc.ClientConnInterface, opts ...ClientOption) *Client {
	var cfg clientConfig
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	c := &Client{
		cc:            cc,
		sayHello:      greeterv1.Greeter_SayHello_FullMethodName,
		sayHelloAgain: greeterv1.Greeter_SayHelloAgain_FullMethodName,
		callOpts:      cfg.callOpts,
	}
	if cfg.service != "" {
		c.sayHello = "/" + cfg.service + "/SayHello"
		c.sayHelloAgain = "/" + cfg.service + "/SayHelloAgain"
	}
	return c
}

// SayHello returns the server's greeting for name, "Hello, NAME!". A name
// the server refuses (empty, longer than its limit, [MaxNameBytes] by
// default, with an invisible or control character, or nothing visible: see
// the package documentation) fails with codes.InvalidArgument; a name that
// is not valid UTF-8 fails with codes.Internal before it is sent (grpc-go's
// proto codec refuses to marshal it).
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
	// as the generated clients do. The call's own options come last, so they
	// win over the Client's.
	all := make([]grpc.CallOption, 0, 1+len(c.callOpts)+len(opts))
	all = append(append(append(all, grpc.StaticMethod()), c.callOpts...), opts...)
	out := new(greeterv1.HelloReply)
	if err := c.cc.Invoke(ctx, method, &greeterv1.HelloRequest{Name: name}, out, all...); err != nil {
		return "", err
	}
	return out.GetMessage(), nil
}
