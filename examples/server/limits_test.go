package main

import (
	"context"
	"io"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/http2"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/seed717b8fd8/grpcexamples/calculator"
	"github.com/seed717b8fd8/grpcexamples/keywords"
	keywordsv1 "github.com/seed717b8fd8/grpcexamples/pb/keywords/v1"
	streamingv1 "github.com/seed717b8fd8/grpcexamples/pb/streaming/v1"
	"github.com/seed717b8fd8/grpcexamples/streaming"
)

func TestDefaults(t *testing.T) {
	cfg, err := parseFlags(nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := config{
		addr: "127.0.0.1:50051", drain: 2 * time.Second, grace: 10 * time.Second,
		logLevel: 0, slow: time.Second, maxCallDuration: 5 * time.Minute,
		maxConcurrentStreams: 100, maxRecvBytes: 1<<20 + 16<<10, maxSendBytes: 4 << 20, maxHeaderBytes: 16 << 10,
		keepaliveMinTime: 5 * time.Second, keepalivePermitWithoutStream: true,
		maxConnectionIdle: 5 * time.Minute, maxConnectionAge: 30 * time.Minute, maxConnectionAgeGrace: 5 * time.Minute,
		keepaliveTime: time.Minute, keepaliveTimeout: 20 * time.Second,
		authzRefresh: time.Minute,
		logRate:      100, maxConnections: 4096, maxHTTPConnections: 4096, connectionTimeout: 10 * time.Second,
		firstMessageTimeout: 10 * time.Second, maxCalls: 1000, streamWorkers: runtime.GOMAXPROCS(0),
	}
	if cfg != want {
		t.Errorf("defaults:\n got %+v\nwant %+v", cfg, want)
	}

	// The receive limit admits the largest keywords request the service
	// accepts, with a generous id, and nothing much larger.
	largest := proto.Size(&keywordsv1.GetKeywordsRequest{
		Text: strings.Repeat("a", keywords.MaxTextBytes), MaxResults: -1, // a negative int32 takes 10 bytes
		Language: "english", Id: strings.Repeat("i", 4096),
	})
	if largest > cfg.maxRecvBytes || cfg.maxRecvBytes > keywords.MaxTextBytes*102/100 {
		t.Errorf("-max-recv-bytes %d: want between the largest valid request (%d bytes) and 2%% above keywords.MaxTextBytes",
			cfg.maxRecvBytes, largest)
	}
}

func TestMaxConcurrentStreams(t *testing.T) {
	p := new(probe)
	cc, _, _, _ := startServerWith(t, p, "-max-concurrent-streams", "2")
	for range 2 {
		ctx, cancel := context.WithCancel(t.Context())
		t.Cleanup(cancel)
		if _, err := openProbeStream(ctx, cc, "Block"); err != nil {
			t.Fatalf("stream within the limit: %v", err)
		}
	}

	// A third stream on the connection waits for a slot; it ends at its
	// deadline without its handler ever running.
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	if _, err := openProbeStream(ctx, cc, "Block"); status.Code(err) != codes.DeadlineExceeded {
		t.Errorf("third stream: %v, want DeadlineExceeded while it waits", err)
	}
	if n := p.entered.Load(); n != 2 {
		t.Errorf("%d handlers ran with -max-concurrent-streams 2", n)
	}
}

func TestMaxConcurrentStreamsFreesSlots(t *testing.T) {
	p := new(probe)
	cc, _, _, _ := startServerWith(t, p, "-max-concurrent-streams", "1")
	ctx, cancel := context.WithCancel(t.Context())
	if _, err := openProbeStream(ctx, cc, "Block"); err != nil {
		t.Fatal(err)
	}
	waiting := make(chan error, 1)
	go func() {
		_, err := openProbeStream(t.Context(), cc, "Block")
		waiting <- err
	}()
	cancel() // the first stream ends; the waiting one gets its slot
	if err := <-waiting; err != nil {
		t.Errorf("stream waiting for a slot: %v", err)
	}
	if n := p.entered.Load(); n != 2 {
		t.Errorf("%d handlers ran, want 2", n)
	}
}

func TestMessageSizeLimits(t *testing.T) {
	cc, _, _, _ := startServer(t)
	c := streaming.NewClient(cc)
	ctx := t.Context()

	// A message as large as keywords.MaxTextBytes passes; one past the
	// receive limit is refused before any handler sees it.
	big := strings.Repeat("m", keywords.MaxTextBytes)
	if resp, err := c.Unary(ctx, big, streaming.Controls{}); err != nil || len(resp.Message) != len(big) {
		t.Errorf("Unary with a %d-byte message: %v", len(big), err)
	}
	_, err := c.Unary(ctx, strings.Repeat("m", defaultMaxRecvBytes), streaming.Controls{})
	if status.Code(err) != codes.ResourceExhausted {
		t.Errorf("Unary over -max-recv-bytes: %v, want ResourceExhausted", err)
	}

	// The keywords service keeps its own limit, just under the server's.
	_, err = keywords.NewClient(cc).GetKeywords(ctx, keywords.Request{Text: strings.Repeat("word ", keywords.MaxTextBytes/5+1)})
	if status.Code(err) != codes.InvalidArgument {
		t.Errorf("GetKeywords over MaxTextBytes: %v, want the service's InvalidArgument", err)
	}
}

func TestMaxSendBytes(t *testing.T) {
	cc, _, _, _ := startServer(t, "-max-send-bytes", "1024")
	c := streaming.NewClient(cc)
	if _, err := c.Unary(t.Context(), "small", streaming.Controls{PayloadSize: 512}); err != nil {
		t.Errorf("response under -max-send-bytes: %v", err)
	}
	_, err := c.Unary(t.Context(), "large", streaming.Controls{PayloadSize: 2048})
	if status.Code(err) != codes.ResourceExhausted {
		t.Errorf("response over -max-send-bytes: %v, want ResourceExhausted", err)
	}
}

func TestMaxHeaderBytes(t *testing.T) {
	cc, _, _, _ := startServer(t)
	add := func(mdBytes int) error {
		ctx := metadata.AppendToOutgoingContext(t.Context(), "x-filler", strings.Repeat("f", mdBytes))
		_, err := calculator.NewClient(cc).Add(ctx, 1, 2)
		return err
	}
	if err := add(1 << 10); err != nil {
		t.Errorf("call with 1 KiB of metadata: %v", err)
	}
	if err := add(defaultMaxHeaderBytes); status.Code(err) == codes.OK {
		t.Errorf("call with metadata over -max-header-bytes succeeded")
	}
}

func TestMaxCallDuration(t *testing.T) {
	p := new(probe)
	cc, shutdown, done, logs := startServerWith(t, p, "-max-call-duration", "300ms")
	ctx := t.Context()

	// A health Watch is exempt: opened first, it outlives the calls below.
	watch, err := healthpb.NewHealthClient(cc).Watch(ctx, &healthpb.HealthCheckRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := watch.Recv(); err != nil {
		t.Fatal(err)
	}

	// A server stream the caller made days long ends at the server's limit.
	var streamErr error
	for _, err := range streaming.NewClient(cc).ServerStream(ctx, "tick",
		streaming.Controls{MessageCount: 2, Interval: streaming.MaxInterval}) {
		streamErr = err
	}
	if status.Code(streamErr) != codes.DeadlineExceeded {
		t.Errorf("long server stream: %v, want DeadlineExceeded", streamErr)
	}
	if line := logLine(logs, "grpc.method=ServerStream"); !strings.Contains(line, "grpc.code=DeadlineExceeded") {
		t.Errorf("log of the cut stream: %q", line)
	}

	// So does a client stream whose client never sends: the handler waits
	// in Recv, where only the stream's own context reaches it. (The
	// client's deadline only bounds the test if the server's limit fails.)
	idle, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	cs, err := cc.NewStream(idle, &grpc.StreamDesc{ClientStreams: true}, "/grpcexamples.streaming.v1.StreamingService/ClientStream")
	if err != nil {
		t.Fatal(err)
	}
	if err := cs.RecvMsg(new(streamingv1.ClientStreamResponse)); status.Code(err) != codes.DeadlineExceeded {
		t.Errorf("idle client stream: %v, want DeadlineExceeded", err)
	}

	// A handler that returns its context's error gets a message naming
	// the limit.
	cs, err = openProbeStream(idle, cc, "Block")
	if err == nil {
		err = cs.RecvMsg(new(wrapperspb.StringValue))
	}
	if status.Code(err) != codes.DeadlineExceeded || !strings.Contains(status.Convert(err).Message(), "-max-call-duration") {
		t.Errorf("Block past the limit: %v, want DeadlineExceeded naming -max-call-duration", err)
	}

	// Each call's deadline is the server's limit or the client's, whichever
	// is sooner.
	left, err := callProbe[wrapperspb.Int64Value](ctx, cc, "Deadline", &wrapperspb.Int64Value{})
	if err != nil || left.GetValue() <= 0 || time.Duration(left.GetValue()) > 300*time.Millisecond {
		t.Errorf("deadline without a client deadline: %v left, %v; want at most 300ms", time.Duration(left.GetValue()), err)
	}
	short, cancelShort := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancelShort()
	left, err = callProbe[wrapperspb.Int64Value](short, cc, "Deadline", &wrapperspb.Int64Value{})
	if err != nil || time.Duration(left.GetValue()) > 100*time.Millisecond {
		t.Errorf("deadline with a 100ms client deadline: %v left, %v; want at most 100ms", time.Duration(left.GetValue()), err)
	}

	shutdown()
	if resp, err := watch.Recv(); resp.GetStatus() != healthpb.HealthCheckResponse_NOT_SERVING {
		t.Errorf("health Watch after the limit passed: %v, %v; want it still open, then NOT_SERVING", resp.GetStatus(), err)
	}
	if err := <-done; err != nil {
		t.Errorf("run: %v", err)
	}
}

func TestNoMaxCallDuration(t *testing.T) {
	p := new(probe)
	cc, _, _, _ := startServerWith(t, p, "-max-call-duration", "0")
	left, err := callProbe[wrapperspb.Int64Value](t.Context(), cc, "Deadline", &wrapperspb.Int64Value{})
	if err != nil || left.GetValue() != -1 {
		t.Errorf("Deadline with -max-call-duration 0 = %v, %v; want no deadline (-1)", left.GetValue(), err)
	}
}

// rawConn is an HTTP/2 connection to the server without a gRPC client, so
// a test can send frames, such as pings, that grpc-go's client would not.
func rawConn(t *testing.T, addr string) *http2.Framer {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	// Each awaited frame comes within about a second; the deadline only
	// keeps a broken server from hanging the test.
	if err := conn.SetDeadline(time.Now().Add(20 * time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(conn, http2.ClientPreface); err != nil {
		t.Fatal(err)
	}
	fr := http2.NewFramer(conn, conn)
	if err := fr.WriteSettings(); err != nil {
		t.Fatal(err)
	}
	return fr
}

// readUntil reads frames until stop returns true for one, acknowledging the
// server's settings on the way, and returns that frame.
func readUntil(t *testing.T, fr *http2.Framer, stop func(http2.Frame) bool) http2.Frame {
	t.Helper()
	for {
		f, err := fr.ReadFrame()
		if err != nil {
			t.Fatalf("reading frames: %v", err)
		}
		if s, ok := f.(*http2.SettingsFrame); ok && !s.IsAck() {
			if err := fr.WriteSettingsAck(); err != nil {
				t.Fatal(err)
			}
		}
		if stop(f) {
			return f
		}
	}
}

func isGoAway(f http2.Frame) bool { _, ok := f.(*http2.GoAwayFrame); return ok }

func TestKeepaliveEnforcement(t *testing.T) {
	ping := func(fr *http2.Framer, n byte) {
		if err := fr.WritePing(false, [8]byte{n}); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("too many pings", func(t *testing.T) {
		cc, _, _, _ := startServer(t, "-keepalive-min-time", "1h")
		fr := rawConn(t, cc.Target())
		// The first ping is free; each one sooner than -keepalive-min-time
		// after the last is a strike, and the third strike closes.
		for n := range byte(4) {
			ping(fr, n)
		}
		g := readUntil(t, fr, isGoAway).(*http2.GoAwayFrame)
		if g.ErrCode != http2.ErrCodeEnhanceYourCalm || string(g.DebugData()) != "too_many_pings" {
			t.Errorf("GOAWAY %v %q, want ENHANCE_YOUR_CALM too_many_pings", g.ErrCode, g.DebugData())
		}
	})
	t.Run("pings within the policy, without a stream", func(t *testing.T) {
		// grpc-go's own policy (5 minutes, no pings without a stream) would
		// answer these pings with GOAWAY.
		cc, _, _, _ := startServer(t, "-keepalive-min-time", "1ns")
		fr := rawConn(t, cc.Target())
		for n := range byte(5) {
			ping(fr, n)
			f := readUntil(t, fr, func(f http2.Frame) bool {
				p, ok := f.(*http2.PingFrame)
				return isGoAway(f) || ok && p.IsAck() && p.Data[0] == n
			})
			if isGoAway(f) {
				t.Fatalf("GOAWAY after ping %d: %v", n, f)
			}
		}
	})
}

func TestConnectionLifetimes(t *testing.T) {
	for _, tc := range []struct {
		name  string
		args  []string
		debug string
	}{
		{"idle", []string{"-max-connection-idle", "100ms"}, "max_idle"},
		{"age", []string{"-max-connection-age", "100ms", "-max-connection-age-grace", "100ms"}, "max_age"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cc, _, _, _ := startServer(t, tc.args...)
			g := readUntil(t, rawConn(t, cc.Target()), isGoAway).(*http2.GoAwayFrame)
			if g.ErrCode != http2.ErrCodeNo || string(g.DebugData()) != tc.debug {
				t.Errorf("GOAWAY %v %q, want NO_ERROR %q", g.ErrCode, g.DebugData(), tc.debug)
			}
		})
	}
}

func TestServerKeepalivePing(t *testing.T) {
	cc, _, _, _ := startServer(t, "-keepalive-time", "1s", "-keepalive-timeout", "100ms")
	fr := rawConn(t, cc.Target())
	readUntil(t, fr, func(f http2.Frame) bool { p, ok := f.(*http2.PingFrame); return ok && !p.IsAck() })
	// Not acknowledging the ping: the server closes the connection.
	for {
		f, err := fr.ReadFrame()
		if err != nil {
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				t.Fatal("the connection stayed open without a ping acknowledgement")
			}
			return
		}
		if p, ok := f.(*http2.PingFrame); ok && !p.IsAck() {
			continue
		}
	}
}
