package streaming_test

import (
	"errors"
	"io"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/seed717b8fd8/grpcexamples/bufconntest"
	"github.com/seed717b8fd8/grpcexamples/internal/tutorialpb/bidirectional"
	"github.com/seed717b8fd8/grpcexamples/internal/tutorialpb/grpctest"
	"github.com/seed717b8fd8/grpcexamples/internal/tutorialpb/unary"
	"github.com/seed717b8fd8/grpcexamples/streaming"
)

// The tutorial tests use clients generated from the tutorials' own .proto
// files (pb/tutorial), as the tutorials' Python clients would talk to us.

func startTutorial(t *testing.T, opts ...streaming.RegisterOption) grpc.ClientConnInterface {
	t.Helper()
	srv := bufconntest.Start(t, func(s grpc.ServiceRegistrar) {
		streaming.Register(s, streaming.NewServer(), opts...)
	})
	return srv.Conn
}

const tutorialQuestion = "Hello Server you there?"
const tutorialAnswer = `Hello I am up and running received "Hello Server you there?" message from you`

func TestTutorialUnary(t *testing.T) {
	cc := startTutorial(t, streaming.WithTutorialNames())
	resp, err := unary.NewUnaryClient(cc).GetServerResponse(testContext(t), &unary.Message{Message: tutorialQuestion})
	if err != nil {
		t.Fatal(err)
	}
	if resp.GetMessage() != tutorialAnswer || !resp.GetReceived() {
		t.Errorf("unary.Unary = {%q, %v}, want {%q, true}", resp.GetMessage(), resp.GetReceived(), tutorialAnswer)
	}
}

func TestTutorialGrpctest(t *testing.T) {
	cc := startTutorial(t, streaming.WithTutorialNames())
	resp, err := grpctest.NewGrpctestClient(cc).GetServerResponse(testContext(t), &grpctest.Message{Message: tutorialQuestion})
	if err != nil {
		t.Fatal(err)
	}
	if resp.GetMessage() != tutorialAnswer || !resp.GetReceived() {
		t.Errorf("grpctest.Grpctest = {%q, %v}, want {%q, true}", resp.GetMessage(), resp.GetReceived(), tutorialAnswer)
	}
}

func TestTutorialBidirectional(t *testing.T) {
	cc := startTutorial(t, streaming.WithTutorialNames())
	stream, err := bidirectional.NewBidirectionalClient(cc).GetServerResponse(testContext(t))
	if err != nil {
		t.Fatal(err)
	}
	// Each message is echoed before the next is sent.
	for _, msg := range []string{"First message", "Second message", "Third message"} {
		if err := stream.Send(&bidirectional.Message{Message: msg}); err != nil {
			t.Fatal(err)
		}
		resp, err := stream.Recv()
		if err != nil {
			t.Fatal(err)
		}
		if resp.GetMessage() != msg {
			t.Fatalf("echo of %q = %q", msg, resp.GetMessage())
		}
	}
	if err := stream.CloseSend(); err != nil {
		t.Fatal(err)
	}
	if _, err := stream.Recv(); !errors.Is(err, io.EOF) {
		t.Fatalf("after CloseSend: %v, want io.EOF", err)
	}
}

func TestTutorialNamesNeedOption(t *testing.T) {
	cc := startTutorial(t)
	ctx := testContext(t)

	_, err := unary.NewUnaryClient(cc).GetServerResponse(ctx, &unary.Message{Message: "x"})
	if status.Code(err) != codes.Unimplemented {
		t.Errorf("unary.Unary without WithTutorialNames: %v, want Unimplemented", err)
	}
	_, err = grpctest.NewGrpctestClient(cc).GetServerResponse(ctx, &grpctest.Message{Message: "x"})
	if status.Code(err) != codes.Unimplemented {
		t.Errorf("grpctest.Grpctest without WithTutorialNames: %v, want Unimplemented", err)
	}
	stream, err := bidirectional.NewBidirectionalClient(cc).GetServerResponse(ctx)
	if err == nil {
		_, err = stream.Recv()
	}
	if status.Code(err) != codes.Unimplemented {
		t.Errorf("bidirectional.Bidirectional without WithTutorialNames: %v, want Unimplemented", err)
	}
}

// TestTutorialNamesKeepV1 checks that the v1 service is still served next
// to the tutorial names.
func TestTutorialNamesKeepV1(t *testing.T) {
	c := streaming.NewClient(startTutorial(t, streaming.WithTutorialNames()))
	got, err := c.Unary(testContext(t), "v1", streaming.Controls{})
	if err != nil || got.Message != "v1" {
		t.Fatalf("v1 Unary = %+v, %v", got, err)
	}
}
