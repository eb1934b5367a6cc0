package keywords

import (
	"context"

	"google.golang.org/grpc"

	keywordsv1 "github.com/seed717b8fd8/grpcexamples/pb/keywords/v1"
)

// Method paths of the keyword tutorial (pb/tutorial/nltk_service.proto),
// which has no proto package.
const (
	tutorialService     = "KeywordService"
	tutorialGetKeywords = "/KeywordService/GetKeywords"
)

// Register mounts srv on s as grpcexamples.keywords.v1.KeywordService, and
// with [WithTutorialNames] also as the tutorial's /KeywordService/GetKeywords.
// It only registers: it creates no server, listener or goroutine. Like every
// registration in grpc-go, it must happen before s serves, and a
// *grpc.Server that already has a service of the same name logs a fatal
// error and exits the process. A nil srv means NewServer().
func Register(s grpc.ServiceRegistrar, srv *Server, opts ...RegisterOption) {
	if srv == nil {
		srv = NewServer()
	}
	var o registerOptions
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	keywordsv1.RegisterKeywordServiceServer(s, srv)
	if o.tutorialNames {
		s.RegisterService(tutorialServiceDesc(), srv)
	}
}

// tutorialServiceDesc is the v1 service description under the tutorial's
// service name, with GetKeywords only (the tutorial has no stream). The bytes
// on the wire are the same: the v1 messages keep the tutorial's field
// numbers. Its handler differs from the generated one only in the method name
// it reports to interceptors, so that logs show the path actually called.
func tutorialServiceDesc() *grpc.ServiceDesc {
	desc := keywordsv1.KeywordService_ServiceDesc
	desc.ServiceName = tutorialService
	desc.Methods = []grpc.MethodDesc{{MethodName: "GetKeywords", Handler: tutorialGetKeywordsHandler}}
	desc.Streams = nil
	desc.Metadata = "pb/tutorial/nltk_service.proto"
	return &desc
}

func tutorialGetKeywordsHandler(srv any, ctx context.Context, dec func(any) error, interceptor grpc.UnaryServerInterceptor) (any, error) {
	in := new(keywordsv1.GetKeywordsRequest)
	if err := dec(in); err != nil {
		return nil, err
	}
	impl := srv.(keywordsv1.KeywordServiceServer)
	if interceptor == nil {
		return impl.GetKeywords(ctx, in)
	}
	info := &grpc.UnaryServerInfo{Server: srv, FullMethod: tutorialGetKeywords}
	return interceptor(ctx, in, info, func(ctx context.Context, req any) (any, error) {
		return impl.GetKeywords(ctx, req.(*keywordsv1.GetKeywordsRequest))
	})
}
