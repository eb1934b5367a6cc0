package main

import (
	"crypto/tls"
	"net/http"
	"regexp"
	"sync"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"

	"github.com/seed717b8fd8/grpcexamples/internal/testcerts"
)

// registerProbeFile registers a descriptor of the probe service in
// protoregistry.GlobalFiles, so that the HTTP port serves it like the
// services generated from .proto files (the transcoder needs a schema).
var registerProbeFile = sync.OnceValue(func() error {
	method := func(name, in, out string, serverStream bool) *descriptorpb.MethodDescriptorProto {
		m := &descriptorpb.MethodDescriptorProto{
			Name: proto.String(name), InputType: proto.String(".google.protobuf." + in), OutputType: proto.String(".google.protobuf." + out),
		}
		if serverStream {
			m.ServerStreaming = proto.Bool(true)
		}
		return m
	}
	fd, err := protodesc.NewFile(&descriptorpb.FileDescriptorProto{
		Name:    proto.String("grpcexamples/test/probe.proto"),
		Package: proto.String("probe.v1"),
		Syntax:  proto.String("proto3"),
		Dependency: []string{
			"google/protobuf/wrappers.proto", "google/protobuf/empty.proto", "google/protobuf/struct.proto",
		},
		Service: []*descriptorpb.ServiceDescriptorProto{{
			Name: proto.String("Probe"),
			Method: []*descriptorpb.MethodDescriptorProto{
				method("Panic", "StringValue", "StringValue", false),
				method("Fail", "Int64Value", "Int64Value", false),
				method("Deadline", "Int64Value", "Int64Value", false),
				method("Size", "BytesValue", "Int64Value", false),
				method("Whoami", "Empty", "Struct", false),
				method("Block", "StringValue", "StringValue", true),
				method("PanicStream", "StringValue", "StringValue", true),
			},
		}},
	}, protoregistry.GlobalFiles)
	if err != nil {
		return err
	}
	return protoregistry.GlobalFiles.RegisterFile(fd)
})

// httpServer is a server launched with -http-addr, and the base URL of
// its HTTP port.
type httpServer struct {
	testServer
	url string // http://127.0.0.1:PORT or https://...
}

var httpListening = regexp.MustCompile(`msg="http listening" addr=(\S+) tls=(\w+)`)

// launchHTTP launches the server with -http-addr on a port the OS picks
// and the probe service (served over HTTP too) when p is not nil.
func launchHTTP(t testing.TB, p *probe, args ...string) httpServer {
	t.Helper()
	if err := registerProbeFile(); err != nil {
		t.Fatal(err)
	}
	ts := launch(t, launchOpts{probe: p}, append([]string{"-http-addr", "127.0.0.1:0"}, args...)...)
	m := httpListening.FindStringSubmatch(ts.logs.String())
	if m == nil {
		t.Fatalf("no http listening line in the log:\n%s", ts.logs)
	}
	scheme := "http"
	if m[2] == "true" {
		scheme = "https"
	}
	return httpServer{testServer: ts, url: scheme + "://" + m[1]}
}

// h1Client speaks HTTP/1.1 only, as a browser on a plaintext page does;
// h2cClient speaks HTTP/2 with prior knowledge, as gRPC clients do.
func h1Client(t testing.TB) *http.Client { return httpClient(t, false, nil) }
func h2cClient(t testing.TB) *http.Client {
	return httpClient(t, true, nil)
}

// httpClient is an HTTP client of HTTP/2 (h2) or HTTP/1.1, over TLS when
// tc is not nil; its idle connections close when the test ends.
func httpClient(t testing.TB, h2 bool, tc *tls.Config) *http.Client {
	var p http.Protocols
	switch {
	case h2 && tc == nil:
		p.SetUnencryptedHTTP2(true)
	case h2:
		p.SetHTTP2(true)
	default:
		p.SetHTTP1(true)
	}
	tr := &http.Transport{Protocols: &p, TLSClientConfig: tc, ForceAttemptHTTP2: h2}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

// tlsClientConfig trusts roots and presents cert when not nil.
func tlsClientConfig(roots *testcerts.CA, cert *testcerts.Cert) *tls.Config {
	tc := &tls.Config{RootCAs: roots.Pool(), MinVersion: tls.VersionTLS12}
	if cert != nil {
		tc.Certificates = []tls.Certificate{cert.TLS}
	}
	return tc
}
