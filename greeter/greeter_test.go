package greeter_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/seed717b8fd8/grpcexamples/bufconntest"
	"github.com/seed717b8fd8/grpcexamples/greeter"
	greeterv1 "github.com/seed717b8fd8/grpcexamples/pb/greeter/v1"
)

// start serves a greeter in memory and returns a client of it.
func start(t testing.TB, opts ...greeter.RegisterOption) *greeter.Client {
	t.Helper()
	srv := bufconntest.Start(t, func(s grpc.ServiceRegistrar) {
		greeter.Register(s, greeter.NewServer(), opts...)
	})
	return greeter.NewClient(srv.Conn)
}

func TestGreetings(t *testing.T) {
	c := start(t)
	names := []string{
		"Happy Chappy", // the tutorial client's name
		"world",
		"A",
		" Ada ",        // greeted as given, not trimmed
		"Zoë Ångström", // non-ASCII letters
		"李小龙",          // three bytes a character
		"🙂",            // four bytes
		strings.Repeat("x", greeter.MaxNameBytes),   // exactly at the limit
		strings.Repeat("é", greeter.MaxNameBytes/2), // 2-byte runes up to the limit
	}
	for _, name := range names {
		got, err := c.SayHello(t.Context(), name)
		if want := "Hello, " + name + "!"; err != nil || got != want {
			t.Errorf("SayHello(%q) = %q, %v; want %q", name, got, err, want)
		}
		got, err = c.SayHelloAgain(t.Context(), name)
		if want := "Hello again, " + name + "!"; err != nil || got != want {
			t.Errorf("SayHelloAgain(%q) = %q, %v; want %q", name, got, err, want)
		}
	}
}

// badNames are names both methods refuse with InvalidArgument, with the
// whole status message.
var badNames = []struct {
	why, name, message string
}{
	{"empty", "", "name is empty: give a name of 1 to 256 bytes"},
	{"one byte too long", strings.Repeat("x", greeter.MaxNameBytes+1),
		"name is 257 bytes long; the limit is 256 bytes (greeter.MaxNameBytes)"},
	{"too long in runes that each fit", strings.Repeat("李", 86), // 258 bytes
		"name is 258 bytes long; the limit is 256 bytes (greeter.MaxNameBytes)"},
	// 1 MiB fits grpc's default 4 MiB message limit, so it reaches the
	// server, whose own limit refuses it.
	{"far too long", strings.Repeat("x", 1<<20),
		"name is 1048576 bytes long; the limit is 256 bytes (greeter.MaxNameBytes)"},
	{"newline", "Ada\nLovelace",
		`name "Ada\nLovelace" contains control character U+000A at byte 3; a name must be one line of printable text`},
	{"tab", "\tAda", `name "\tAda" contains control character U+0009 at byte 0; a name must be one line of printable text`},
	{"NUL", "Ada\x00", `name "Ada\x00" contains control character U+0000 at byte 3; a name must be one line of printable text`},
	{"escape sequence", "\x1b[31mred", `name "\x1b[31mred" contains control character U+001B at byte 0; a name must be one line of printable text`},
	{"DEL", "Ada\x7f", `name "Ada\x7f" contains control character U+007F at byte 3; a name must be one line of printable text`},
	{"C1 control (NEL)", "Ada\u0085", `name "Ada\u0085" contains control character U+0085 at byte 3; a name must be one line of printable text`},
	{"only spaces", "   ", `name "   " is only white space; give a name with at least one visible character`},
	{"only ideographic space", "\u3000", `name "\u3000" is only white space; give a name with at least one visible character`},
	{"only no-break space", "\u00a0\u00a0", `name "\u00a0\u00a0" is only white space; give a name with at least one visible character`},
}

func TestBadNamesAreInvalidArgument(t *testing.T) {
	c := start(t)
	for _, tt := range badNames {
		for method, call := range map[string]func(context.Context, string, ...grpc.CallOption) (string, error){
			"SayHello":      c.SayHello,
			"SayHelloAgain": c.SayHelloAgain,
		} {
			got, err := call(t.Context(), tt.name)
			if status.Code(err) != codes.InvalidArgument || status.Convert(err).Message() != tt.message {
				t.Errorf("%s(%s) = %q, %v; want code InvalidArgument, message %q", method, tt.why, got, err, tt.message)
			}
			if got != "" {
				t.Errorf("%s(%s) returned %q with an error; want \"\"", method, tt.why, got)
			}
		}
	}
}

// proto3 strings must be UTF-8: grpc-go's client refuses to marshal a name
// that is not, so the call fails with Internal before reaching the server.
func TestInvalidUTF8IsRefusedByTheClient(t *testing.T) {
	c := start(t)
	if got, err := c.SayHello(t.Context(), "Ada\xff"); status.Code(err) != codes.Internal {
		t.Errorf("SayHello(invalid UTF-8) = %q, %v; want code Internal", got, err)
	}
}

// The client hands its call options to grpc: a 1-byte receive limit must
// reject the server's reply.
func TestClientPassesCallOptions(t *testing.T) {
	c := start(t)
	limit := grpc.MaxCallRecvMsgSize(1)
	if _, err := c.SayHello(t.Context(), "Ada", limit); status.Code(err) != codes.ResourceExhausted {
		t.Errorf("SayHello with MaxCallRecvMsgSize(1): err = %v; want code ResourceExhausted", err)
	}
	if _, err := c.SayHelloAgain(t.Context(), "Ada", limit); status.Code(err) != codes.ResourceExhausted {
		t.Errorf("SayHelloAgain with MaxCallRecvMsgSize(1): err = %v; want code ResourceExhausted", err)
	}
}

// A canceled context ends the call with the transport's Canceled status,
// returned unchanged.
func TestClientCanceledContext(t *testing.T) {
	c := start(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := c.SayHello(ctx, "Ada"); status.Code(err) != codes.Canceled {
		t.Errorf("SayHello with a canceled context: err = %v; want code Canceled", err)
	}
}

// The client fails with Unimplemented against a server without the
// service, rather than returning an empty greeting.
func TestClientWithoutService(t *testing.T) {
	srv := bufconntest.Start(t, nil)
	if got, err := greeter.NewClient(srv.Conn).SayHello(t.Context(), "Ada"); status.Code(err) != codes.Unimplemented {
		t.Errorf("SayHello on a server without the greeter = %q, %v; want code Unimplemented", got, err)
	}
}

// One Server serves many concurrent callers (run with -race).
func TestConcurrentCalls(t *testing.T) {
	c := start(t)
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Go(func() {
			name := fmt.Sprint("caller ", i)
			if got, err := c.SayHello(t.Context(), name); err != nil || got != "Hello, "+name+"!" {
				t.Errorf("SayHello(%q) = %q, %v", name, got, err)
			}
			if _, err := c.SayHelloAgain(t.Context(), ""); status.Code(err) != codes.InvalidArgument {
				t.Errorf("SayHelloAgain(\"\"): err = %v; want InvalidArgument", err)
			}
		})
	}
	wg.Wait()
}

// The Server's methods can be called directly, without gRPC, with the same
// checks; there a name that is not UTF-8 reaches the server, which refuses
// it. A nil request reads as an empty name.
func TestServerDirect(t *testing.T) {
	s := greeter.NewServer()
	if r, err := s.SayHello(t.Context(), &greeterv1.HelloRequest{Name: "Ada"}); err != nil || r.GetMessage() != "Hello, Ada!" {
		t.Errorf("SayHello(Ada) = %v, %v; want Hello, Ada!", r, err)
	}
	_, err := s.SayHelloAgain(t.Context(), &greeterv1.HelloRequest{Name: "Ada\xff"})
	if want := `name "Ada\xff" is not valid UTF-8`; status.Code(err) != codes.InvalidArgument || status.Convert(err).Message() != want {
		t.Errorf("SayHelloAgain(invalid UTF-8): err = %v; want InvalidArgument %q", err, want)
	}
	if _, err := s.SayHello(t.Context(), nil); status.Code(err) != codes.InvalidArgument {
		t.Errorf("SayHello(nil): err = %v; want InvalidArgument (empty name)", err)
	}
}

// FuzzSayHello checks that any name is either greeted exactly, or refused
// with InvalidArgument for one of the documented reasons; never a panic or
// another code.
func FuzzSayHello(f *testing.F) {
	for _, seed := range []string{"Ada", "", " ", "a\nb", "\xff", "李小龙", strings.Repeat("x", 257)} {
		f.Add(seed)
	}
	s := greeter.NewServer()
	f.Fuzz(func(t *testing.T, name string) {
		r, err := s.SayHello(t.Context(), &greeterv1.HelloRequest{Name: name})
		if err != nil {
			if status.Code(err) != codes.InvalidArgument {
				t.Fatalf("SayHello(%q): err = %v; want nil or InvalidArgument", name, err)
			}
			return
		}
		if r.GetMessage() != "Hello, "+name+"!" {
			t.Fatalf("SayHello(%q) = %q", name, r.GetMessage())
		}
		if name == "" || len(name) > greeter.MaxNameBytes || !utf8.ValidString(name) || strings.TrimSpace(name) == "" ||
			strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			t.Fatalf("SayHello(%q) greeted a name it must refuse", name)
		}
	})
}

// A nil server registers NewServer(), as in the other service packages,
// and a nil option is ignored.
func TestRegisterNilServer(t *testing.T) {
	srv := bufconntest.Start(t, func(s grpc.ServiceRegistrar) {
		greeter.Register(s, nil, nil, greeter.WithTutorialNames())
	})
	got, err := greeter.NewClient(srv.Conn).SayHello(context.Background(), "gopher")
	if err != nil || got != "Hello, gopher!" {
		t.Fatalf("SayHello(gopher) = %q, %v; want %q, nil", got, err, "Hello, gopher!")
	}
}
