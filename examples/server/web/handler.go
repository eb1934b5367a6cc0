package web

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"connectrpc.com/connect"

	"connectrpc.com/vanguard"
	"google.golang.org/genproto/googleapis/api/annotations"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
)

// DefaultMaxMessageBytes is the largest message, in bytes, NewHandler
// buffers without WithMaxMessageBytes: grpc-go's default receive limit.
// vanguard's own default is 4 GiB, which lets one request make the server
// allocate several times its size.
const DefaultMaxMessageBytes = 4 << 20

// Option configures NewHandler.
type Option func(*options)

type options struct {
	maxMessageBytes uint32
	routes          []Route
	wrap            func(http.Handler) http.Handler
}

// WithMaxMessageBytes bounds, in bytes, each message the transcoder
// buffers, request or response, in the encoding the client uses (JSON
// text, base64 for grpc-web-text) as well as in protobuf. Past it a call
// fails with ResourceExhausted (HTTP 429 for REST) before the message
// reaches the service. Give it the server's grpc.MaxRecvMsgSize: a request
// then needs no more memory over HTTP than over gRPC, and a JSON request
// is refused when its text, rather than its protobuf form, passes the
// limit. n must be at least 1.
func WithMaxMessageBytes(n uint32) Option {
	return func(o *options) { o.maxMessageBytes = n }
}

// WithCallWrapper wraps the handler each call reaches once it is in gRPC
// form, s.ServeHTTP, with wrap(s.ServeHTTP). It is the place for what a
// grpc.InTapHandle does on s's own listener, which grpc-go does not run
// for ServeHTTP: the request wrap's handler sees has the gRPC method's
// path (/package.Service/Method) and gRPC headers (Grpc-Timeout, the
// metadata) whatever protocol the client speaks, and a gRPC status it
// answers with instead of calling s (a trailers-only response: HTTP 200,
// Content-Type application/grpc, Grpc-Status and Grpc-Message headers)
// reaches the client in the client's protocol. Requests for the page and
// for unknown paths do not reach it.
func WithCallWrapper(wrap func(http.Handler) http.Handler) Option {
	return func(o *options) { o.wrap = wrap }
}

// WithRoutes replaces the REST routes (Routes by default); nil serves none.
func WithRoutes(routes []Route) Option {
	return func(o *options) { o.routes = routes }
}

// NewHandler returns an http.Handler that serves every service registered
// on s whose descriptor is in protoregistry.GlobalFiles (all of
// grpcexamples' v1 services, health and reflection) over gRPC-Web,
// Connect, gRPC and the REST routes, and the page (Page) at "/". Register
// every service on s before calling it. Services without a descriptor,
// such as the tutorials' wire names, are left to the gRPC port; their
// names are returned in skipped.
//
// Calls reach s through s.ServeHTTP, so s's interceptors, stats handlers
// and message limits apply. Serve the handler over HTTP/1.1 and HTTP/2
// (cleartext HTTP/2 too, for gRPC and grpcurl: http.Server.Protocols).
//
// NewHandler fails when a route names a method that s serves with no
// such method, or when two routes share a path.
func NewHandler(s *grpc.Server, opts ...Option) (h http.Handler, skipped []string, err error) {
	o := options{maxMessageBytes: DefaultMaxMessageBytes, routes: Routes()}
	for _, opt := range opts {
		opt(&o)
	}
	if o.maxMessageBytes == 0 {
		return nil, nil, errors.New("web: WithMaxMessageBytes(0): want 1 or more")
	}
	rules := map[protoreflect.FullName]*annotations.HttpRule{}
	for _, r := range o.routes {
		rules[protoreflect.FullName(r.Method)] = r.Rule
	}

	var target http.Handler = s
	if o.wrap != nil {
		target = o.wrap(s)
	}
	var services []*vanguard.Service
	names := make([]string, 0, len(s.GetServiceInfo()))
	for name := range s.GetServiceInfo() {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		d, err := protoregistry.GlobalFiles.FindDescriptorByName(protoreflect.FullName(name))
		sd, ok := d.(protoreflect.ServiceDescriptor)
		if err != nil || !ok {
			skipped = append(skipped, name)
			continue
		}
		if sd, err = withRules(sd, rules); err != nil {
			return nil, nil, err
		}
		services = append(services, vanguard.NewServiceWithSchema(sd, target))
	}
	// Services s does not serve may have routes (a host mounting some of
	// ours); a route whose service is served must name a real method.
	for m := range rules {
		if slices.Contains(names, string(m.Parent())) {
			return nil, nil, fmt.Errorf("web: route for %s: the service has no such method", m)
		}
	}

	t, err := vanguard.NewTranscoder(services,
		vanguard.WithDefaultServiceOptions(
			// Calls reach the gRPC server in its own protocol and codec:
			// the transcoder turns JSON into protobuf, so grpc-go needs no
			// JSON codec registered process-wide.
			vanguard.WithTargetProtocols(vanguard.ProtocolGRPC),
			vanguard.WithTargetCodecs(vanguard.CodecProto),
			vanguard.WithMaxMessageBufferBytes(o.maxMessageBytes),
		),
		// vanguard's default JSON codec drops unknown fields; a misspelled
		// field should be an error the caller sees, as in gRPC's protobuf
		// form a wrong field type is.
		vanguard.WithCodec(func(res vanguard.TypeResolver) vanguard.Codec {
			return jsonCodec{&vanguard.JSONCodec{
				MarshalOptions:   protojson.MarshalOptions{Resolver: res, EmitUnpopulated: true},
				UnmarshalOptions: protojson.UnmarshalOptions{Resolver: res},
			}}
		}),
		vanguard.WithUnknownHandler(unknown(Page())),
	)
	if err != nil {
		return nil, nil, fmt.Errorf("web: %w", err)
	}
	return t, skipped, nil
}

// withRules returns sd with the google.api.http option of each of its
// methods that rules names, and deletes those entries from rules. The copy
// lives in a file descriptor of its own, not registered anywhere: the
// messages keep their generated Go types.
func withRules(sd protoreflect.ServiceDescriptor, rules map[protoreflect.FullName]*annotations.HttpRule) (protoreflect.ServiceDescriptor, error) {
	mine := false
	for i := range sd.Methods().Len() {
		if rules[sd.Methods().Get(i).FullName()] != nil {
			mine = true
		}
	}
	if !mine {
		return sd, nil
	}
	fdp := protodesc.ToFileDescriptorProto(sd.ParentFile())
	for _, svc := range fdp.GetService() {
		if svc.GetName() != string(sd.Name()) {
			continue
		}
		for _, m := range svc.GetMethod() {
			name := sd.FullName().Append(protoreflect.Name(m.GetName()))
			rule := rules[name]
			if rule == nil {
				continue
			}
			delete(rules, name)
			if m.Options == nil {
				m.Options = &descriptorpb.MethodOptions{}
			}
			proto.SetExtension(m.Options, annotations.E_Http, proto.CloneOf(rule))
		}
	}
	fd, err := protodesc.NewFile(fdp, protoregistry.GlobalFiles)
	if err != nil {
		return nil, fmt.Errorf("web: routes of %s: %w", sd.FullName(), err)
	}
	return fd.Services().ByName(sd.Name()), nil
}

// jsonCodec is vanguard's JSON codec whose decoding errors are
// InvalidArgument, as the request's fault, instead of vanguard's Unknown
// (HTTP 500).
type jsonCodec struct{ *vanguard.JSONCodec }

func (c jsonCodec) Unmarshal(data []byte, msg proto.Message) error {
	return invalidJSON(c.JSONCodec.Unmarshal(data, msg))
}

func (c jsonCodec) UnmarshalField(data []byte, msg proto.Message, field protoreflect.FieldDescriptor) error {
	return invalidJSON(c.JSONCodec.UnmarshalField(data, msg, field))
}

func invalidJSON(err error) error {
	if err == nil {
		return nil
	}
	return connect.NewError(connect.CodeInvalidArgument, fmt.Errorf("request is not valid JSON for its message: %w", err))
}

// rpcContentTypes are the Content-Type prefixes of the protocols the
// transcoder serves.
var rpcContentTypes = []string{"application/json", "application/proto", "application/connect+", "application/grpc"}

// unknown answers what the transcoder does not route: a request with a
// body in a format no protocol here uses gets 415 (grpc-web-text, the
// base64 form of gRPC-Web, is one: send application/grpc-web+proto), the
// page's paths get the page, and the rest 404.
func unknown(page http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ct := r.Header.Get("Content-Type"); ct != "" && r.Method != http.MethodGet && r.Method != http.MethodHead &&
			(strings.HasPrefix(ct, "application/grpc-web-text") ||
				!slices.ContainsFunc(rpcContentTypes, func(p string) bool { return strings.HasPrefix(ct, p) })) {
			http.Error(w, fmt.Sprintf("content type %q is not served here: send application/json (REST, Connect), "+
				"application/connect+json or +proto, application/grpc-web+proto or +json, or application/grpc", ct),
				http.StatusUnsupportedMediaType)
			return
		}
		page.ServeHTTP(w, r)
	})
}
