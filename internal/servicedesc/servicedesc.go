// Package servicedesc serves a generated gRPC service under another service
// name: the way each package offers the tutorials' wire names (see
// DESIGN.md, "Wire contracts") without linking Go code generated from the
// tutorial .proto files.
package servicedesc

import (
	"context"
	"fmt"

	"google.golang.org/grpc"
)

// Rename returns a copy of desc served as service name, keeping only the
// listed methods (unary or streaming; all of them when none is listed).
// metadata names the .proto file of the renamed contract.
//
// The bytes on the wire are the same when the renamed contract's messages
// have the same field numbers and types, so the generated handlers decode
// them unchanged. Unary handlers are wrapped so that server interceptors see
// the path the client called in grpc.UnaryServerInfo.FullMethod: the
// generated handlers would report the original name, and logs or metrics
// keyed on it would disagree with the call. (grpc-go takes the streaming
// FullMethod from the call itself, so stream handlers need no wrapping.)
//
// It panics if a listed method is not in desc: that is a programming error
// caught by the first test that registers the result.
func Rename(desc *grpc.ServiceDesc, name, metadata string, methods ...string) *grpc.ServiceDesc {
	keep := func(m string) bool {
		if len(methods) == 0 {
			return true
		}
		for _, k := range methods {
			if k == m {
				return true
			}
		}
		return false
	}
	out := &grpc.ServiceDesc{ServiceName: name, HandlerType: desc.HandlerType, Metadata: metadata}
	found := 0
	for _, m := range desc.Methods {
		if keep(m.MethodName) {
			out.Methods = append(out.Methods, grpc.MethodDesc{
				MethodName: m.MethodName,
				Handler:    ReportAs("/"+name+"/"+m.MethodName, m.Handler),
			})
			found++
		}
	}
	for _, s := range desc.Streams {
		if keep(s.StreamName) {
			out.Streams = append(out.Streams, s)
			found++
		}
	}
	if len(methods) > 0 && found != len(methods) {
		panic(fmt.Sprintf("servicedesc: %s has not all of the methods %q", desc.ServiceName, methods))
	}
	return out
}

// ReportAs wraps a unary handler so that server interceptors see fullMethod
// ("/service/Method") in grpc.UnaryServerInfo.FullMethod.
func ReportAs(fullMethod string, h grpc.MethodHandler) grpc.MethodHandler {
	return func(srv any, ctx context.Context, dec func(any) error, interceptor grpc.UnaryServerInterceptor) (any, error) {
		if interceptor == nil {
			return h(srv, ctx, dec, nil)
		}
		return h(srv, ctx, dec, func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
			renamed := *info
			renamed.FullMethod = fullMethod
			return interceptor(ctx, req, &renamed, handler)
		})
	}
}
