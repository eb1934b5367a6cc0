package rawcodec_test

import (
	"io"
	"strings"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"github.com/seed717b8fd8/grpcexamples/bufconntest"
	"github.com/seed717b8fd8/grpcexamples/internal/rawcodec"
)

const checkMethod = "/grpc.health.v1.Health/Check"

// startHealth serves grpc-go's health service, a real protobuf service
// independent of this module's own, with "svc" SERVING.
func startHealth(t *testing.T) *bufconntest.Server {
	t.Helper()
	return bufconntest.Start(t, func(s grpc.ServiceRegistrar) {
		hs := health.NewServer()
		hs.SetServingStatus("svc", healthpb.HealthCheckResponse_SERVING)
		healthpb.RegisterHealthServer(s, hs)
	})
}

// Bytes built by hand reach the server's proto codec and the response
// comes back as bytes that decode to the real message.
func TestInvokeRoundTrip(t *testing.T) {
	srv := startHealth(t)
	req := protowire.AppendTag(nil, 1, protowire.BytesType)
	req = protowire.AppendString(req, "svc")
	resp, err := rawcodec.Invoke(t.Context(), srv.Conn, checkMethod, req)
	if err != nil {
		t.Fatal(err)
	}
	var got healthpb.HealthCheckResponse
	if err := proto.Unmarshal(resp, &got); err != nil {
		t.Fatalf("response bytes %x: %v", resp, err)
	}
	if got.GetStatus() != healthpb.HealthCheckResponse_SERVING {
		t.Errorf("status = %v; want SERVING", got.GetStatus())
	}
}

// What the raw codec exists for: bytes a protobuf client would refuse to
// send, here a proto3 string that is not UTF-8, reach the server, whose
// codec refuses them with Internal.
func TestInvokeInvalidUTF8(t *testing.T) {
	srv := startHealth(t)
	req := protowire.AppendTag(nil, 1, protowire.BytesType)
	req = protowire.AppendString(req, "svc\xff")
	_, err := rawcodec.Invoke(t.Context(), srv.Conn, checkMethod, req)
	if status.Code(err) != codes.Internal || !strings.Contains(status.Convert(err).Message(), "invalid UTF-8") {
		t.Errorf("err = %v; want code Internal about invalid UTF-8", err)
	}
}

// A stream takes []byte to send and *[]byte to receive.
func TestStream(t *testing.T) {
	srv := startHealth(t)
	desc := &grpc.StreamDesc{StreamName: "Watch", ServerStreams: true}
	st, err := srv.Conn.NewStream(t.Context(), desc, "/grpc.health.v1.Health/Watch", rawcodec.CallOption())
	if err != nil {
		t.Fatal(err)
	}
	req := protowire.AppendTag(nil, 1, protowire.BytesType)
	req = protowire.AppendString(req, "svc")
	if err := st.SendMsg(req); err != nil {
		t.Fatal(err)
	}
	if err := st.CloseSend(); err != nil {
		t.Fatal(err)
	}
	var resp []byte
	if err := st.RecvMsg(&resp); err != nil {
		t.Fatal(err)
	}
	var got healthpb.HealthCheckResponse
	if err := proto.Unmarshal(resp, &got); err != nil || got.GetStatus() != healthpb.HealthCheckResponse_SERVING {
		t.Errorf("first Watch update = %v, %v; want SERVING", &got, err)
	}
	// Closing the server ends the Watch stream (it never ends by itself);
	// goleak checks nothing is left behind.
	srv.Close()
	if err := st.RecvMsg(&resp); err == nil || err == io.EOF {
		t.Errorf("RecvMsg after Close: err = %v; want a status error", err)
	}
}

// Other message types are refused with a clear error, not a panic.
func TestCodecRefusesOtherTypes(t *testing.T) {
	var c rawcodec.Codec
	if _, err := c.Marshal("text"); err == nil {
		t.Error("Marshal(string): err = nil; want an error")
	}
	if err := c.Unmarshal(nil, new(string)); err == nil {
		t.Error("Unmarshal into *string: err = nil; want an error")
	}
	b := []byte{1, 2}
	for _, v := range []any{b, &b} {
		out, err := c.Marshal(v)
		if err != nil || string(out.Materialize()) != "\x01\x02" {
			t.Errorf("Marshal(%T) = %x, %v; want 0102", v, out.Materialize(), err)
		}
	}
	if c.Name() != "proto" {
		t.Errorf("Name() = %q; want proto", c.Name())
	}
}

// HandlerCounter tells a call the service answered from one grpc-go's
// codec refused before any handler ran.
func TestHandlerCounter(t *testing.T) {
	var handlers rawcodec.HandlerCounter
	srv := bufconntest.Start(t, func(s grpc.ServiceRegistrar) {
		healthpb.RegisterHealthServer(s, health.NewServer())
	}, bufconntest.WithServerOptions(handlers.ServerOption()))

	good := protowire.AppendString(protowire.AppendTag(nil, 1, protowire.BytesType), "")
	if _, handled, err := handlers.Invoke(t.Context(), srv.Conn, checkMethod, good); err != nil || !handled {
		t.Errorf("a valid request: handled %v, err %v; want handled, no error", handled, err)
	}
	garbage := []byte{0xff, 0xff, 0xff}
	if _, handled, err := handlers.Invoke(t.Context(), srv.Conn, checkMethod, garbage); status.Code(err) != codes.Internal || handled {
		t.Errorf("garbage: handled %v, err %v; want not handled, Internal", handled, err)
	}
	if n := handlers.Handled(); n != 1 {
		t.Errorf("Handled() = %d; want 1", n)
	}
}
