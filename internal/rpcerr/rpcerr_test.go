package rpcerr_test

import (
	"reflect"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/seed717b8fd8/grpcexamples/bufconntest"
	"github.com/seed717b8fd8/grpcexamples/internal/rpcerr"
)

// Each error reaches a client over a real connection with its code,
// message and details intact: grpc-go carries them in the
// grpc-status-details-bin trailer.
func TestDetailsCrossTheWire(t *testing.T) {
	tests := []struct {
		name string
		err  error
		msg  string
		want rpcerr.Summary
	}{
		{
			name: "InvalidArgument with one field",
			err:  rpcerr.InvalidArgument("name", "NAME_EMPTY", rpcerr.Meta("limitBytes", 256), "name is empty: give a name of 1 to %d bytes", 256),
			msg:  "name is empty: give a name of 1 to 256 bytes",
			want: rpcerr.Summary{
				Code: codes.InvalidArgument, Reason: "NAME_EMPTY", Domain: "grpcexamples",
				Metadata:     map[string]string{"limitBytes": "256"},
				Fields:       []string{"name"},
				FieldReasons: []string{"NAME_EMPTY"},
				Descriptions: []string{"name is empty: give a name of 1 to 256 bytes"},
			},
		},
		{
			name: "InvalidArgument with two fields and a description of its own",
			err: rpcerr.Error{
				Code: codes.InvalidArgument, Message: "request 2: too long", Reason: "TOO_LONG",
				Fields: []string{"controls.interval_ms", "controls.message_count"}, Description: "too long",
			}.Err(),
			msg: "request 2: too long",
			want: rpcerr.Summary{
				Code: codes.InvalidArgument, Reason: "TOO_LONG", Domain: "grpcexamples",
				Fields:       []string{"controls.interval_ms", "controls.message_count"},
				FieldReasons: []string{"TOO_LONG", "TOO_LONG"},
				Descriptions: []string{"too long", "too long"},
			},
		},
		{
			name: "OutOfRange: ErrorInfo only",
			err:  rpcerr.New(codes.OutOfRange, "INT32_OVERFLOW", rpcerr.Meta("operation", "add", "exactResult", int64(1)<<31), "add overflows"),
			msg:  "add overflows",
			want: rpcerr.Summary{
				Code: codes.OutOfRange, Reason: "INT32_OVERFLOW", Domain: "grpcexamples",
				Metadata: map[string]string{"operation": "add", "exactResult": "2147483648"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fail := func(any, grpc.ServerStream) error { return tt.err }
			srv := bufconntest.Start(t, nil, bufconntest.WithServerOptions(grpc.UnknownServiceHandler(fail)))
			err := srv.Conn.Invoke(t.Context(), "/any.Service/Method", &emptypb.Empty{}, &emptypb.Empty{})
			if st := status.Convert(err); st.Code() != tt.want.Code || st.Message() != tt.msg {
				t.Errorf("status = %v %q; want %v %q", st.Code(), st.Message(), tt.want.Code, tt.msg)
			}
			if got := rpcerr.Summarize(err); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("details:\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestOKIsNil(t *testing.T) {
	if err := (rpcerr.Error{Code: codes.OK, Message: "fine", Reason: "X"}).Err(); err != nil {
		t.Errorf("Error{Code: OK}.Err() = %v; want nil", err)
	}
}

func TestMeta(t *testing.T) {
	got := rpcerr.Meta("limitBytes", 256, "field", "name", "odd")
	want := map[string]string{"limitBytes": "256", "field": "name", "odd": ""}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Meta = %v; want %v", got, want)
	}
}

// A status without details summarizes to its code alone.
func TestSummarizeWithoutDetails(t *testing.T) {
	got := rpcerr.Summarize(status.Error(codes.NotFound, "gone"))
	if want := (rpcerr.Summary{Code: codes.NotFound}); !reflect.DeepEqual(got, want) {
		t.Errorf("Summarize = %+v; want %+v", got, want)
	}
}
