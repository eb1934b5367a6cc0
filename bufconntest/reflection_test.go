package bufconntest_test

import (
	"context"
	"errors"
	"io"
	"slices"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	reflectionpb "google.golang.org/grpc/reflection/grpc_reflection_v1"
	"google.golang.org/grpc/status"

	"github.com/seed717b8fd8/grpcexamples/bufconntest"
)

// listServices asks the server's reflection service for its services, as
// grpcurl's list does.
func listServices(ctx context.Context, cc grpc.ClientConnInterface) ([]string, error) {
	stream, err := reflectionpb.NewServerReflectionClient(cc).ServerReflectionInfo(ctx)
	if err != nil {
		return nil, err
	}
	defer func() { _ = stream.CloseSend() }()
	err = stream.Send(&reflectionpb.ServerReflectionRequest{
		MessageRequest: &reflectionpb.ServerReflectionRequest_ListServices{},
	})
	// io.EOF: the server ended the call first (Unimplemented, say); Recv
	// returns its status.
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	resp, err := stream.Recv()
	if err != nil {
		return nil, err
	}
	var names []string
	for _, s := range resp.GetListServicesResponse().GetService() {
		names = append(names, s.GetName())
	}
	slices.Sort(names)
	return names, nil
}

func TestWithReflectionListsServices(t *testing.T) {
	srv := bufconntest.Start(t, registerHealth, bufconntest.WithReflection())
	got, err := listServices(t.Context(), srv.Conn)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection"}
	if !slices.Equal(got, want) {
		t.Errorf("reflection lists %q; want %q", got, want)
	}
}

// Reflection also resolves a service's descriptors, which is what a
// client such as grpcurl needs to call it without .proto files.
func TestWithReflectionResolvesSymbols(t *testing.T) {
	srv := bufconntest.Start(t, registerHealth, bufconntest.WithReflection())
	stream, err := reflectionpb.NewServerReflectionClient(srv.Conn).ServerReflectionInfo(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = stream.CloseSend() }()
	err = stream.Send(&reflectionpb.ServerReflectionRequest{
		MessageRequest: &reflectionpb.ServerReflectionRequest_FileContainingSymbol{FileContainingSymbol: "grpc.health.v1.Health"},
	})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := stream.Recv()
	if err != nil {
		t.Fatal(err)
	}
	if files := resp.GetFileDescriptorResponse().GetFileDescriptorProto(); len(files) == 0 {
		t.Errorf("no descriptor for grpc.health.v1.Health: %v", resp)
	}
}

// Reflection is opt-in: without WithReflection it is not served.
func TestReflectionIsOptIn(t *testing.T) {
	srv := bufconntest.Start(t, registerHealth)
	if _, err := listServices(t.Context(), srv.Conn); status.Code(err) != codes.Unimplemented {
		t.Errorf("reflection without WithReflection: err = %v; want code Unimplemented", err)
	}
}

// WithReflection needs no register function: reflection then lists only
// itself. A nil Option is ignored.
func TestWithReflectionAlone(t *testing.T) {
	srv := bufconntest.Start(t, nil, nil, bufconntest.WithReflection())
	got, err := listServices(t.Context(), srv.Conn)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection"}; !slices.Equal(got, want) {
		t.Errorf("reflection lists %q; want %q", got, want)
	}
}
