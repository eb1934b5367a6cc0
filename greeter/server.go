package greeter

import (
	"context"

	greeterv1 "github.com/seed717b8fd8/grpcexamples/pb/greeter/v1"
)

// MaxNameBytes is the default longest name, in bytes of UTF-8, that the
// service greets; [WithMaxNameBytes] changes it per [Server]. A name is one
// short line of text: 256 bytes holds any real person's name (64 characters
// even in four-byte scripts) while keeping every reply, and any log line
// that quotes it, small. It is the limit stated in
// pb/proto/grpcexamples/greeter/v1/greeter.proto.
const MaxNameBytes = 256

// MaxNameBytesCeiling is the highest limit [WithMaxNameBytes] can set:
// 4 KiB, sixteen times the default. Larger values are lowered to it, so no
// configuration lets one call cost more than a 4 KiB name to check and a
// reply of about 4 KiB.
const MaxNameBytesCeiling = 4096

// Server implements greeterv1.GreeterServer: it greets a name, as
// specified in pb/proto/grpcexamples/greeter/v1/greeter.proto. It holds
// only its settings, so one Server may serve any number of concurrent
// calls, and its methods may also be called directly, without a network.
//
// Create one with [NewServer] and mount it with [Register]. A zero Server
// (or a nil *Server) behaves as NewServer().
type Server struct {
	greeterv1.UnimplementedGreeterServer

	maxNameBytes int // 0 means MaxNameBytes, so that a zero Server works
}

var _ greeterv1.GreeterServer = (*Server)(nil)

// NewServer returns a greeter service ready to [Register]. With no options
// it refuses names longer than [MaxNameBytes]; see [WithMaxNameBytes]. Nil
// options are ignored.
func NewServer(opts ...Option) *Server {
	s := &Server{maxNameBytes: MaxNameBytes}
	for _, o := range opts {
		if o != nil {
			o(s)
		}
	}
	return s
}

// nameLimit is the longest name s greets, in bytes.
func (s *Server) nameLimit() int {
	if s == nil || s.maxNameBytes == 0 {
		return MaxNameBytes
	}
	return s.maxNameBytes
}

// SayHello answers "Hello, NAME!", the tutorial's greeting, with the name
// exactly as given. It fails with codes.InvalidArgument, and a message
// naming the problem (for a character: its code point, its Unicode
// category in words and its byte offset), when the name is empty, longer
// than the Server's limit ([MaxNameBytes] by default), not valid UTF-8,
// contains a control, format, private-use, unassigned or line-breaking code
// point (zero-width joiners excepted where they join two visible
// characters), or has nothing visible. The package documentation gives
// the rule in full.
//
// The checks cost at most one pass over the name, after a length check
// that refuses a long name without reading it.
func (s *Server) SayHello(_ context.Context, in *greeterv1.HelloRequest) (*greeterv1.HelloReply, error) {
	name := in.GetName()
	if err := checkName(name, s.nameLimit()); err != nil {
		return nil, err
	}
	return &greeterv1.HelloReply{Message: "Hello, " + name + "!"}, nil
}

// SayHelloAgain answers "Hello again, NAME!", the tutorial's second
// greeting. It checks the name as [Server.SayHello] does.
func (s *Server) SayHelloAgain(_ context.Context, in *greeterv1.HelloRequest) (*greeterv1.HelloReply, error) {
	name := in.GetName()
	if err := checkName(name, s.nameLimit()); err != nil {
		return nil, err
	}
	return &greeterv1.HelloReply{Message: "Hello again, " + name + "!"}, nil
}
