package pb_test

import (
	"fmt"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"

	"github.com/seed717b8fd8/grpcexamples/bufconntest"
	"github.com/seed717b8fd8/grpcexamples/greeter"
	_ "github.com/seed717b8fd8/grpcexamples/internal/tutorialpb/bidirectional"
	_ "github.com/seed717b8fd8/grpcexamples/internal/tutorialpb/calculator"
	_ "github.com/seed717b8fd8/grpcexamples/internal/tutorialpb/greeter"
	_ "github.com/seed717b8fd8/grpcexamples/internal/tutorialpb/grpctest"
	_ "github.com/seed717b8fd8/grpcexamples/internal/tutorialpb/helloworld"
	_ "github.com/seed717b8fd8/grpcexamples/internal/tutorialpb/nltk_service"
	_ "github.com/seed717b8fd8/grpcexamples/internal/tutorialpb/unary"
	_ "github.com/seed717b8fd8/grpcexamples/pb/calculator/v1"
	_ "github.com/seed717b8fd8/grpcexamples/pb/greeter/v1"
	_ "github.com/seed717b8fd8/grpcexamples/pb/keywords/v1"
	_ "github.com/seed717b8fd8/grpcexamples/pb/streaming/v1"
)

const (
	module = "github.com/seed717b8fd8/grpcexamples"
	// prefix starts the registered path of every file of this module.
	prefix = "grpcexamples/"
)

// sourceFiles returns the registered path every .proto file in this
// directory must have: its path in the proto root proto/, or
// grpcexamples/tutorial/NAME.proto for tutorial/NAME.proto. Reading them
// from disk means a new .proto file is checked without editing this test.
func sourceFiles(t *testing.T) []string {
	t.Helper()
	var want []string
	err := filepath.WalkDir("proto", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(p) != ".proto" {
			return err
		}
		rel, err := filepath.Rel("proto", p)
		want = append(want, filepath.ToSlash(rel))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	tutorials, err := filepath.Glob(filepath.Join("tutorial", "*.proto"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range tutorials {
		want = append(want, prefix+"tutorial/"+filepath.Base(p))
	}
	if len(want) < 2 || len(tutorials) == 0 {
		t.Fatalf("found only %q under proto/ and tutorial/; is the test running in pb/?", want)
	}
	return want
}

// Files our dependencies register (protobuf's well-known types, googleapis'
// google.rpc.Status, grpc's binary log): everything else in the registry of
// this test binary comes from this module.
func dependencyFile(p string) bool {
	return strings.HasPrefix(p, "google/protobuf/") ||
		strings.HasPrefix(p, "google/rpc/") ||
		strings.HasPrefix(p, "grpc/")
}

func TestEveryFileIsRegisteredUnderGrpcexamples(t *testing.T) {
	want := sourceFiles(t)
	for _, p := range want {
		if !strings.HasPrefix(p, prefix) {
			t.Errorf("%s: in the proto root, every file must sit under grpcexamples/ (its registered name)", p)
			continue
		}
		if _, err := protoregistry.GlobalFiles.FindFileByPath(p); err != nil {
			t.Errorf("%s: not registered (%v); regenerate (go generate ./...) and import its Go package in this test", p, err)
		}
	}

	var ours []string
	protoregistry.GlobalFiles.RangeFiles(func(fd protoreflect.FileDescriptor) bool {
		if !dependencyFile(fd.Path()) {
			ours = append(ours, fd.Path())
		}
		return true
	})
	slices.Sort(ours)
	for _, p := range ours {
		switch {
		case !strings.HasPrefix(p, prefix):
			t.Errorf("file %q is registered under a path that does not start %s", p, prefix)
		case !slices.Contains(want, p):
			t.Errorf("file %q is registered but has no source under pb/proto or pb/tutorial", p)
		}
	}
	if len(ours) != len(want) {
		t.Errorf("%d files of this module registered, want %d (%q)", len(ours), len(want), want)
	}

	// By Go package rather than by path: whatever a file of this module
	// calls itself, its messages name the Go package that declares them.
	misnamed := map[string]string{} // file path -> its Go package
	protoregistry.GlobalTypes.RangeMessages(func(mt protoreflect.MessageType) bool {
		goType := reflect.TypeOf(mt.Zero().Interface())
		for goType.Kind() == reflect.Pointer {
			goType = goType.Elem()
		}
		pkg := goType.PkgPath()
		if pkg != module && !strings.HasPrefix(pkg, module+"/") {
			return true
		}
		if p := mt.Descriptor().ParentFile().Path(); !strings.HasPrefix(p, prefix) {
			misnamed[p] = pkg
		}
		return true
	})
	for _, p := range slices.Sorted(maps.Keys(misnamed)) {
		t.Errorf("Go package %s registers its messages from %q, which does not start %s", misnamed[p], p, prefix)
	}
}

// userFilesEnv set to 1 makes this test binary act as a user's program:
// its init registers, as the user's own generated code would at start-up,
// files at the generic paths our contracts would have without the
// grpcexamples/ prefix.
const userFilesEnv = "GRPCEXAMPLES_PB_TEST_USER_FILES"

// A user's file, registered at a path a user's module might plausibly use,
// in a proto package that is not ours.
type userFileAt struct {
	path string
	pkg  protoreflect.FullName
}

// userFiles lists the user's files in the order the user's program
// registers them.
func userFiles() []userFileAt {
	var files []userFileAt
	add := func(p string) {
		files = append(files, userFileAt{p, protoreflect.FullName(fmt.Sprintf("acme.user%d", len(files)))})
	}
	for _, svc := range []string{"calculator", "greeter", "keywords", "streaming"} {
		add(path.Join("pb", svc, "v1", svc+".proto")) // our old name: protoc -I . from the repository root
		add(path.Join(svc, "v1", svc+".proto"))       // buf's layout without a module prefix
	}
	for _, name := range []string{"bidirectional", "calculator", "greeter", "grpctest", "helloworld", "nltk_service", "unary"} {
		add(name + ".proto") // the tutorials' own protoc -I . commands
		add(path.Join("pb", "tutorial", name+".proto"))
	}
	return files
}

// userFile is a small file a user might have: a message and a service.
func userFile(p string, pkg protoreflect.FullName) *descriptorpb.FileDescriptorProto {
	return &descriptorpb.FileDescriptorProto{
		Name:    proto.String(p),
		Package: proto.String(string(pkg)),
		Syntax:  proto.String("proto3"),
		MessageType: []*descriptorpb.DescriptorProto{{
			Name: proto.String("HelloRequest"),
			Field: []*descriptorpb.FieldDescriptorProto{{
				Name:     proto.String("name"),
				JsonName: proto.String("name"),
				Number:   proto.Int32(1),
				Label:    descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum(),
				Type:     descriptorpb.FieldDescriptorProto_TYPE_STRING.Enum(),
			}},
		}},
		Service: []*descriptorpb.ServiceDescriptorProto{{
			Name: proto.String("Greeter"),
			Method: []*descriptorpb.MethodDescriptorProto{{
				Name:       proto.String("SayHello"),
				InputType:  proto.String("." + string(pkg) + ".HelloRequest"),
				OutputType: proto.String("." + string(pkg) + ".HelloRequest"),
			}},
		}},
	}
}

// This package's init runs after that of every package it imports, ours
// included, just as a user's package that imports ours would. Generated
// code panics when its file cannot be registered; so does this.
func init() {
	if os.Getenv(userFilesEnv) != "1" {
		return
	}
	for _, f := range userFiles() {
		fd, err := protodesc.NewFile(userFile(f.path, f.pkg), protoregistry.GlobalFiles)
		if err != nil {
			panic(fmt.Sprintf("building the user's file %s: %v", f.path, err))
		}
		if err := protoregistry.GlobalFiles.RegisterFile(fd); err != nil {
			panic(err)
		}
	}
}

// A program that links our packages and, from its own module, files at the
// generic paths our contracts once had (pb/greeter/v1/greeter.proto, ...)
// or the tutorials' bare names (helloworld.proto) must start and work. On
// a collision protobuf-go panics during init, before any test runs, so the
// program is this test binary run again with userFilesEnv set.
func TestUserFilesAtGenericPathsDoNotCollide(t *testing.T) {
	if os.Getenv(userFilesEnv) != "" {
		t.Skip("running as the user's program")
	}
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestUserProgram$", "-test.v", "-test.count=1")
	// The registry can be told to warn instead of panicking; the user's
	// program gets the default, which is to panic.
	cmd.Env = append(os.Environ(), userFilesEnv+"=1", "GOLANG_PROTOBUF_REGISTRATION_CONFLICT=panic")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the user's program failed: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "--- PASS: TestUserProgram") {
		t.Fatalf("the user's program did not run TestUserProgram:\n%s", out)
	}
}

// TestUserProgram is the body of the user's program started by
// TestUserFilesAtGenericPathsDoNotCollide; on its own it is skipped.
func TestUserProgram(t *testing.T) {
	if os.Getenv(userFilesEnv) != "1" {
		t.Skip("run by TestUserFilesAtGenericPathsDoNotCollide with " + userFilesEnv + "=1")
	}
	for _, f := range userFiles() {
		fd, err := protoregistry.GlobalFiles.FindFileByPath(f.path)
		if err != nil {
			t.Errorf("user's file %s: %v", f.path, err)
		} else if fd.Package() != f.pkg {
			t.Errorf("file %s has proto package %s, want the user's %s", f.path, fd.Package(), f.pkg)
		}
	}
	for _, p := range sourceFiles(t) {
		if _, err := protoregistry.GlobalFiles.FindFileByPath(p); err != nil {
			t.Errorf("our file %s: %v", p, err)
		}
	}

	srv := bufconntest.Start(t, func(s grpc.ServiceRegistrar) {
		greeter.Register(s, greeter.NewServer(), greeter.WithTutorialNames())
	})
	got, err := greeter.NewClient(srv.Conn).SayHello(t.Context(), "user")
	if want := "Hello, user!"; err != nil || got != want {
		t.Errorf("SayHello(user) = %q, %v; want %q, nil", got, err, want)
	}
}
