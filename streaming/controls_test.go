package streaming_test

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/seed717b8fd8/grpcexamples/bufconntest"
	streamingv1 "github.com/seed717b8fd8/grpcexamples/pb/streaming/v1"
	"github.com/seed717b8fd8/grpcexamples/streaming"
)

// callEach makes one call of each kind with controls ctl and returns each
// call's error and how many responses came before it.
func callEach(t *testing.T, c *streaming.Client, ctl streaming.Controls) map[string]struct {
	err       error
	responses int
} {
	t.Helper()
	type result = struct {
		err       error
		responses int
	}
	out := map[string]result{}
	ctx := testContext(t)

	_, err := c.Unary(ctx, "m", ctl)
	out["unary"] = result{err: err}

	got, err := collect(t, c.ServerStream(ctx, "m", ctl))
	out["server stream"] = result{err, len(got)}

	if s, err := c.ClientStream(ctx, ctl); err != nil {
		out["client stream"] = result{err: err}
	} else {
		if err := s.Send("m", nil); err != nil && !errors.Is(err, io.EOF) {
			t.Fatal(err)
		}
		_, err = s.CloseAndReceive()
		out["client stream"] = result{err: err}
	}

	if b, err := c.BidiStream(ctx, ctl); err != nil {
		out["bidi stream"] = result{err: err}
	} else {
		defer b.Close()
		if err := b.Send("m", nil); err != nil && !errors.Is(err, io.EOF) {
			t.Fatal(err)
		}
		n := 0
		for {
			if _, err = b.Receive(); err != nil {
				break
			}
			n++
		}
		out["bidi stream"] = result{err, n}
	}
	return out
}

func TestInvalidControls(t *testing.T) {
	tests := []struct {
		name string
		ctl  streaming.Controls
		// want are parts of the error message: the field, the value, the limit.
		want []string
	}{
		{"negative count", streaming.Controls{MessageCount: -1}, []string{"message_count", "-1", "0 to 10000"}},
		{"count over max", streaming.Controls{MessageCount: streaming.MaxMessageCount + 1}, []string{"message_count", "10001", "0 to 10000"}},
		{"negative interval", streaming.Controls{Interval: -time.Millisecond}, []string{"interval_ms", "-1", "0 to 10000 ms"}},
		{"interval over max", streaming.Controls{Interval: streaming.MaxInterval + time.Millisecond}, []string{"interval_ms", "10001", "0 to 10000 ms"}},
		{"negative payload", streaming.Controls{PayloadSize: -1}, []string{"payload_size", "-1", "0 to 1048576 bytes"}},
		{"payload over max", streaming.Controls{PayloadSize: streaming.MaxPayloadSize + 1}, []string{"payload_size", "1048577", "0 to 1048576 bytes"}},
		{"status code over 16", streaming.Controls{StatusCode: 17}, []string{"status_code", "17", "0 to 16"}},
		{"negative status after", streaming.Controls{StatusCode: codes.Aborted, StatusAfter: -1}, []string{"status_after", "-1"}},
		{"too many echo keys", streaming.Controls{EchoMetadata: make([]string, streaming.MaxEchoKeys+1)}, []string{"echo_metadata", "65", "at most 64"}},
		// Checked on the client: these do not fit the proto's int32.
		{"interval beyond int32", streaming.Controls{Interval: (math.MaxInt32 + 1) * time.Millisecond}, []string{"interval_ms", "2147483648", "int32"}},
		{"status code beyond int32", streaming.Controls{StatusCode: math.MaxUint32}, []string{"status_code", "4294967295", "int32"}},
	}
	c := start(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for kind, r := range callEach(t, c, tt.ctl) {
				st := status.Convert(r.err)
				if st.Code() != codes.InvalidArgument {
					t.Errorf("%s: error = %v, want InvalidArgument", kind, r.err)
					continue
				}
				for _, w := range tt.want {
					if !strings.Contains(st.Message(), w) {
						t.Errorf("%s: message %q does not name %q", kind, st.Message(), w)
					}
				}
				if r.responses != 0 {
					t.Errorf("%s: %d responses before InvalidArgument, want 0", kind, r.responses)
				}
			}
		})
	}
}

// TestServerStreamStatusAfterBeyondCount checks the one control whose range
// depends on another: a server stream cannot fail after more responses than
// it sends.
func TestServerStreamStatusAfterBeyondCount(t *testing.T) {
	c := start(t)
	for _, tt := range []struct{ count, after, n int }{{0, 2, 1}, {3, 4, 3}} {
		ctl := streaming.Controls{MessageCount: tt.count, StatusCode: codes.Aborted, StatusAfter: tt.after}
		got, err := collect(t, c.ServerStream(testContext(t), "m", ctl))
		st := status.Convert(err)
		want := fmt.Sprintf("controls.status_after = %d is out of range: must be 0 to the number of responses (%d)", tt.after, tt.n)
		if st.Code() != codes.InvalidArgument || st.Message() != want || len(got) != 0 {
			t.Errorf("count %d, after %d: %d responses, %v; want none, InvalidArgument %q", tt.count, tt.after, len(got), err, want)
		}
	}
}

// TestLimitsAccepted checks that every limit itself is accepted.
func TestLimitsAccepted(t *testing.T) {
	c := start(t)
	keys := make([]string, streaming.MaxEchoKeys)
	for i := range keys {
		keys[i] = fmt.Sprintf("k%d", i)
	}
	ctl := streaming.Controls{PayloadSize: streaming.MaxPayloadSize, StatusCode: codes.Unauthenticated, StatusAfter: 1, EchoMetadata: keys}
	for kind, r := range callEach(t, c, ctl) {
		if status.Code(r.err) != codes.Unauthenticated {
			t.Errorf("%s: error = %v, want Unauthenticated", kind, r.err)
		}
	}
}

// TestServerChecksRawControls sends controls the Go client cannot express
// (codes.Code is unsigned) through the generated v1 client, as a client in
// another language would: the server checks them itself.
func TestServerChecksRawControls(t *testing.T) {
	srv := bufconntest.Start(t, func(s grpc.ServiceRegistrar) { streaming.Register(s, streaming.NewServer()) })
	pb := streamingv1.NewStreamingServiceClient(srv.Conn)
	_, err := pb.Unary(testContext(t), &streamingv1.UnaryRequest{Controls: &streamingv1.Controls{StatusCode: -1}})
	wantStatus(t, err, codes.InvalidArgument, "controls.status_code = -1 is out of range: must be 0 to 16")
}
