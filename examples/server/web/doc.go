// Package web serves the grpcexamples services of a *grpc.Server to
// browsers and HTTP/JSON clients, and holds the page that calls them.
//
// NewHandler wraps the server in connectrpc.com/vanguard's transcoder, so
// one HTTP handler speaks every protocol a browser or an HTTP client uses:
//
//   - gRPC-Web (application/grpc-web, +proto or +json), as grpc-web's
//     binary mode and connect-web send it (not its base64 text mode,
//     application/grpc-web-text, which vanguard does not read: 415);
//   - the Connect protocol, JSON or binary, unary (POST, and GET for
//     methods marked free of side effects) and streaming;
//   - gRPC itself (HTTP/2), passed through unchanged;
//   - REST: the routes of Routes, with JSON bodies and query parameters,
//     errors as google.rpc.Status JSON with their details.
//
// Every call goes through the server's own interceptors and message
// limits: the transcoder calls grpc.Server.ServeHTTP with a gRPC request.
// What grpc-go applies only to its own listener (grpc.InTapHandle,
// keepalive, MaxConcurrentStreams, MaxHeaderListSize) the host applies on
// its http.Server; examples/server shows how.
//
// # Why HTTP rules in Go, not google.api.http annotations
//
// The REST routes are google.api.HttpRule values written in Go (routes.go)
// and attached, in this process only, to copies of the services'
// descriptors. Annotating the .proto files under pb/ instead would make
// every importer of pb/ link and register google/api/annotations.proto and
// google/api/http.proto, for a feature most importers do not use, and would
// make the contract depend on one gateway's conventions. Rules in Go keep
// the library lean and let a host choose its own routes; the cost is that
// buf and other tools that read the .proto files do not see the routes,
// which Routes documents instead. They are attached to the descriptors
// rather than passed with vanguard.WithRules because vanguard v0.4.0
// matches a rule's selector as a prefix: a rule for Greeter.SayHello also
// catches Greeter.SayHelloAgain, and the transcoder refuses to start.
//
// # The page
//
// Page serves a page of a few kilobytes (static/, embedded with go:embed):
// a keyphrase playground, the calculator, the greeter, a live server
// stream with a cancel button and a client stream. It needs no build step:
// its JavaScript is a short hand-written module (static/connect.js) for
// the Connect protocol's JSON form, instead of @connectrpc/connect-web.
// That package is well kept, but it needs code generated from the .proto
// files and a bundler (so a build step, and the network, to change the
// page), and it refuses client streaming, which the page shows (as one
// request body, the only way a browser sends a stream over HTTP/1.1).
// The module is under 150 lines and follows the protocol's
// specification (connectrpc.com/docs/protocol).
package web
