// Package pb holds the gRPC contracts of grpcexamples and, in its
// subpackages, the Go generated from them. It has no code of its own.
//
// The .proto sources of our services are in the proto root pb/proto, each
// at grpcexamples/<service>/v1/<service>.proto, and their Go packages at
// pb/<service>/v1:
//
//	pb/proto/grpcexamples/calculator/v1/calculator.proto  ->  pb/calculator/v1 (calculatorv1)
//	pb/proto/grpcexamples/greeter/v1/greeter.proto        ->  pb/greeter/v1    (greeterv1)
//	pb/proto/grpcexamples/keywords/v1/keywords.proto      ->  pb/keywords/v1   (keywordsv1)
//	pb/proto/grpcexamples/streaming/v1/streaming.proto    ->  pb/streaming/v1  (streamingv1)
//
// The path in the proto root is the file's name at run time: protobuf-go
// registers every generated file in one process-wide registry under that
// name (grpcexamples/greeter/v1/greeter.proto), and a program that links two
// files of the same name panics at start-up ("file ... is already
// registered"). The grpcexamples/ prefix keeps ours clear of any file in the
// program we are linked into, such as its own greeter/v1/greeter.proto.
// Compile them from other languages with pb/proto as the include path
// (protoc -I pb/proto), so they are registered under the same names there.
//
// pb/tutorial holds the contracts of the tutorials this project grew out of,
// as those tutorials wrote them (package helloworld, calculator, ...), for
// their Python and Node users. The Go generated from them is for this
// module's tests only (internal/tutorialpb) and is registered as
// grpcexamples/tutorial/<name>.proto.
//
// Regenerate everything with go generate from the repository root, which
// runs tools/generate.sh.
package pb
