package streaming

import (
	"context"
	"fmt"

	"google.golang.org/grpc"

	streamingv1 "github.com/seed717b8fd8/grpcexamples/pb/streaming/v1"
)

// Wire names of the tutorials' services (pb/tutorial/*.proto). Their
// messages share field numbers with the v1 messages (message = 1,
// received = 2), so the v1 Go types decode and encode them.
const (
	tutorialUnaryService = "unary.Unary"
	tutorialTestService  = "grpctest.Grpctest"
	tutorialBidiService  = "bidirectional.Bidirectional"
	tutorialMethod       = "GetServerResponse"
)

// Register mounts srv on s as grpcexamples.streaming.v1.StreamingService,
// and with [WithTutorialNames] also under the tutorials' names. A nil srv
// is NewServer(). It only registers: it creates no server, listener or
// goroutine. Like every registration in grpc-go, it must happen before s
// serves, and a *grpc.Server that already has a service of the same name
// logs a fatal error and exits the process.
func Register(s grpc.ServiceRegistrar, srv *Server, opts ...RegisterOption) {
	var o registerOptions
	for _, opt := range opts {
		opt(&o)
	}
	if srv == nil {
		srv = NewServer()
	}
	streamingv1.RegisterStreamingServiceServer(s, srv)
	if o.tutorialNames {
		s.RegisterService(tutorialAckDesc(tutorialUnaryService, "pb/tutorial/unary.proto"), srv)
		s.RegisterService(tutorialAckDesc(tutorialTestService, "pb/tutorial/grpctest.proto"), srv)
		s.RegisterService(tutorialBidiDesc(), srv)
	}
}

// tutorialAckDesc describes a unary tutorial service: the v1 service
// description under the tutorial's name, with its one method answering as
// the tutorial server does.
func tutorialAckDesc(service, protoFile string) *grpc.ServiceDesc {
	desc := streamingv1.StreamingService_ServiceDesc
	desc.ServiceName = service
	desc.Methods = []grpc.MethodDesc{{MethodName: tutorialMethod, Handler: tutorialAckHandler("/" + service + "/" + tutorialMethod)}}
	desc.Streams = nil
	desc.Metadata = protoFile
	return &desc
}

// tutorialAckHandler returns the handler of the unary tutorials' method,
// reporting fullMethod to interceptors so that logs show the path called.
func tutorialAckHandler(fullMethod string) grpc.MethodHandler {
	return func(srv any, ctx context.Context, dec func(any) error, interceptor grpc.UnaryServerInterceptor) (any, error) {
		in := new(streamingv1.UnaryRequest)
		if err := dec(in); err != nil {
			return nil, err
		}
		if interceptor == nil {
			return tutorialAck(in), nil
		}
		info := &grpc.UnaryServerInfo{Server: srv, FullMethod: fullMethod}
		return interceptor(ctx, in, info, func(_ context.Context, req any) (any, error) {
			return tutorialAck(req.(*streamingv1.UnaryRequest)), nil
		})
	}
}

// tutorialAck is the unary tutorials' acknowledgement of req.
func tutorialAck(req *streamingv1.UnaryRequest) *streamingv1.UnaryResponse {
	return &streamingv1.UnaryResponse{
		Message:  fmt.Sprintf("Hello I am up and running received \"%s\" message from you", req.GetMessage()),
		Received: true,
	}
}

// tutorialBidiDesc describes the bidirectional tutorial's service: the v1
// BidiStream under the tutorial's service and method names.
func tutorialBidiDesc() *grpc.ServiceDesc {
	desc := streamingv1.StreamingService_ServiceDesc
	desc.ServiceName = tutorialBidiService
	desc.Methods = nil
	desc.Streams = []grpc.StreamDesc{{
		StreamName: tutorialMethod,
		Handler: func(srv any, stream grpc.ServerStream) error {
			return srv.(streamingv1.StreamingServiceServer).BidiStream(
				&grpc.GenericServerStream[streamingv1.BidiStreamRequest, streamingv1.BidiStreamResponse]{ServerStream: stream})
		},
		ServerStreams: true,
		ClientStreams: true,
	}}
	desc.Metadata = "pb/tutorial/bidirectional.proto"
	return &desc
}
