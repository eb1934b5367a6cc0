// Module servercost measures what examples/server costs per call against a
// bare grpc.NewServer() with the same services (run.sh). It is a module of
// its own so that its programs stay out of the library's packages.
module github.com/seed717b8fd8/grpcexamples/tools/servercost

go 1.26.0

require (
	github.com/seed717b8fd8/grpcexamples v0.0.0
	google.golang.org/grpc v1.85.0
)

require (
	github.com/blevesearch/snowballstem v0.9.0 // indirect
	github.com/clipperhouse/uax29/v2 v2.7.0 // indirect
	golang.org/x/net v0.60.0 // indirect
	golang.org/x/sys v0.48.0 // indirect
	golang.org/x/text v0.42.0 // indirect
	google.golang.org/genproto/googleapis/rpc v0.0.0-20260817212433-ac3dfec99bb1 // indirect
	google.golang.org/protobuf v1.36.12 // indirect
)

replace github.com/seed717b8fd8/grpcexamples => ../..
