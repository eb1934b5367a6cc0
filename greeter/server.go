package greeter

import (
	"context"
	"strings"
	"unicode"
	"unicode/utf8"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	greeterv1 "github.com/seed717b8fd8/grpcexamples/pb/greeter/v1"
)

// MaxNameBytes is the longest name, in bytes of UTF-8, that the service
// greets. A name is one short line of text: 256 bytes holds any real
// person's name (64 characters even in four-byte scripts) while keeping
// every reply, and any log line that quotes it, small. It is the limit
// stated in pb/greeter/v1/greeter.proto.
const MaxNameBytes = 256

// Server implements greeterv1.GreeterServer: it greets a name, as
// specified in pb/greeter/v1/greeter.proto. It holds no state, so one Server
// may serve any number of concurrent calls, and its methods may also be
// called directly, without a network.
//
// Create one with [NewServer] and mount it with [Register].
type Server struct {
	greeterv1.UnimplementedGreeterServer
}

var _ greeterv1.GreeterServer = (*Server)(nil)

// NewServer returns a greeter service ready to [Register].
func NewServer(opts ...Option) *Server {
	var cfg serverConfig
	for _, o := range opts {
		o(&cfg)
	}
	return &Server{}
}

// SayHello answers "Hello, NAME!", the tutorial's greeting. It fails with
// codes.InvalidArgument when the name is empty, longer than
// [MaxNameBytes], not UTF-8, contains a control character or is only white
// space (see the package documentation).
func (s *Server) SayHello(_ context.Context, in *greeterv1.HelloRequest) (*greeterv1.HelloReply, error) {
	name := in.GetName()
	if err := checkName(name); err != nil {
		return nil, err
	}
	return &greeterv1.HelloReply{Message: "Hello, " + name + "!"}, nil
}

// SayHelloAgain answers "Hello again, NAME!", the tutorial's second
// greeting. It checks the name as [Server.SayHello] does.
func (s *Server) SayHelloAgain(_ context.Context, in *greeterv1.HelloRequest) (*greeterv1.HelloReply, error) {
	name := in.GetName()
	if err := checkName(name); err != nil {
		return nil, err
	}
	return &greeterv1.HelloReply{Message: "Hello again, " + name + "!"}, nil
}

// checkName returns an InvalidArgument status saying what is wrong with
// name, or nil when it may be greeted. The length is checked first, so a
// long name is never scanned.
func checkName(name string) error {
	if name == "" {
		return status.Errorf(codes.InvalidArgument,
			"name is empty: give a name of 1 to %d bytes", MaxNameBytes)
	}
	if len(name) > MaxNameBytes {
		return status.Errorf(codes.InvalidArgument,
			"name is %d bytes long; the limit is %d bytes (greeter.MaxNameBytes)", len(name), MaxNameBytes)
	}
	if !utf8.ValidString(name) {
		return status.Errorf(codes.InvalidArgument,
			"name %q is not valid UTF-8", name)
	}
	for i, r := range name {
		if unicode.IsControl(r) {
			return status.Errorf(codes.InvalidArgument,
				"name %q contains control character %U at byte %d; a name must be one line of printable text", name, r, i)
		}
	}
	if strings.TrimFunc(name, unicode.IsSpace) == "" {
		return status.Errorf(codes.InvalidArgument,
			"name %q is only white space; give a name with at least one visible character", name)
	}
	return nil
}
