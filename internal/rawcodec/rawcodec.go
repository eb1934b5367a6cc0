// Package rawcodec sends and receives gRPC messages as raw bytes, so that a
// test can put on the wire what a well-behaved client never would: a proto3
// string that is not UTF-8, a truncated varint, a field with the wrong wire
// type, garbage. The server decodes those bytes with its own codec, exactly
// as it would decode them from a client in any language.
//
// Build the request with google.golang.org/protobuf/encoding/protowire and
// send it with [Invoke]; for streams pass [CallOption] to
// grpc.ClientConn.NewStream and use []byte (SendMsg) and *[]byte (RecvMsg)
// as messages.
package rawcodec

import (
	"context"
	"fmt"
	"sync/atomic"

	"google.golang.org/grpc"
	"google.golang.org/grpc/encoding"
	"google.golang.org/grpc/encoding/proto"
	"google.golang.org/grpc/mem"
)

// Codec is a grpc encoding.CodecV2 that passes message bytes through
// unchanged. Marshal takes a []byte or *[]byte; Unmarshal fills a *[]byte.
// Any other type is an error, which grpc-go reports as codes.Internal.
//
// Its Name is "proto", so the call's content-type stays
// application/grpc+proto and the server decodes the bytes with its proto
// codec, as it would a protobuf client's.
type Codec struct{}

var _ encoding.CodecV2 = Codec{}

// Marshal returns the bytes of v, a []byte or *[]byte, without copying
// them.
func (Codec) Marshal(v any) (mem.BufferSlice, error) {
	switch b := v.(type) {
	case []byte:
		return mem.BufferSlice{mem.SliceBuffer(b)}, nil
	case *[]byte:
		return mem.BufferSlice{mem.SliceBuffer(*b)}, nil
	}
	return nil, fmt.Errorf("rawcodec: cannot marshal %T: want []byte or *[]byte", v)
}

// Unmarshal stores a copy of data in v, a *[]byte (grpc-go frees data when
// Unmarshal returns).
func (Codec) Unmarshal(data mem.BufferSlice, v any) error {
	p, ok := v.(*[]byte)
	if !ok {
		return fmt.Errorf("rawcodec: cannot unmarshal into %T: want *[]byte", v)
	}
	*p = data.Materialize()
	return nil
}

// Name returns "proto", the name of grpc-go's protobuf codec: see [Codec].
func (Codec) Name() string { return proto.Name }

// CallOption makes a call use [Codec] for its requests and responses.
func CallOption() grpc.CallOption { return grpc.ForceCodecV2(Codec{}) }

// Invoke makes a unary call of method (a full path such as
// "/grpcexamples.greeter.v1.Greeter/SayHello") on cc with req as the whole
// request message, and returns the response message's bytes, or the call's
// status error unchanged. opts come after [CallOption].
func Invoke(ctx context.Context, cc grpc.ClientConnInterface, method string, req []byte, opts ...grpc.CallOption) ([]byte, error) {
	var resp []byte
	opts = append([]grpc.CallOption{CallOption()}, opts...)
	if err := cc.Invoke(ctx, method, req, &resp, opts...); err != nil {
		return nil, err
	}
	return resp, nil
}

// HandlerCounter counts the unary calls that reach a service's handler, so
// that a test can tell a request grpc-go refused (a codec error, a size
// limit) from one the service answered. Install it with ServerOption; the
// zero value is ready to use and safe for concurrent use.
type HandlerCounter struct{ n atomic.Int64 }

// ServerOption installs c as a unary interceptor of a server.
func (c *HandlerCounter) ServerOption() grpc.ServerOption {
	return grpc.ChainUnaryInterceptor(func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		c.n.Add(1)
		return h(ctx, req)
	})
}

// Handled returns how many calls have reached a handler.
func (c *HandlerCounter) Handled() int64 { return c.n.Load() }

// Invoke is [Invoke] that also reports whether the call reached a handler.
// Calls counted by c must not run concurrently with it.
func (c *HandlerCounter) Invoke(ctx context.Context, cc grpc.ClientConnInterface, method string, req []byte, opts ...grpc.CallOption) (resp []byte, handled bool, err error) {
	before := c.n.Load()
	resp, err = Invoke(ctx, cc, method, req, opts...)
	return resp, c.n.Load() != before, err
}
