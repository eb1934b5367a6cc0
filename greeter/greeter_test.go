package greeter_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"unicode"
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

// goodNames are greeted exactly as given. Invisible characters are
// written as escapes so that the reader sees them.
var goodNames = []struct{ why, name string }{
	{"the tutorial client's name", "Happy Chappy"},
	{"one letter", "A"},
	{"spaces around, not trimmed", " Ada "},
	{"Latin with diacritics", "Zoë Ångström"},
	{"decomposed diacritics (Vietnamese)", "Nguye\u0302\u0303n"},
	{"Chinese, three bytes a character", "李小龙"},
	{"Japanese kanji", "山田太郎"},
	{"Japanese kana with a space", "やまだ たろう"},
	{"Japanese kanji with an ideographic variation selector", "葛\U000E0100城"},
	{"Korean", "김민준"},
	{"Arabic", "محمد"},
	{"Hebrew with maqaf", "דוד בן־גוריון"},
	{"Persian with ZWNJ between letters", "علی\u200Cرضا"},
	{"Devanagari with combining marks", "अर्जुन"},
	{"Devanagari conjunct", "श्रीनिवास"},
	{"Devanagari half form: virama, ZWJ", "क्\u200Dष"},
	{"Devanagari explicit virama: virama, ZWNJ", "क्\u200Cष"},
	{"Sinhala with ZWJ after al-lakuna", "ශ්\u200Dරී ලංකා"},
	{"Malayalam chillus written with a word-final ZWJ", "പ്രിയന്\u200D കുമാര്\u200D"},
	{"Malayalam chillu before punctuation", "അവന്\u200D."},
	{"Tamil", "தமிழ்செல்வி"},
	{"Thai with combining vowels", "สมชาย"},
	{"Greek", "Αλέξανδρος"},
	{"Cyrillic", "Пётр"},
	{"Ge'ez", "አበበ ቢቂላ"},
	{"Georgian", "ნინო"},
	{"emoji, four bytes", "🙂"},
	{"emoji ZWJ sequence", "\U0001F469\u200D\U0001F4BB Ada"},
	{"emoji ZWJ sequence after a variation selector", "\U0001F3F3\uFE0F\u200D\U0001F308"},
	{"emoji ZWJ sequence after a skin tone modifier", "\U0001F469\U0001F3FD\u200D\U0001F4BB"},
	{"emoji family", "\U0001F468\u200D\U0001F469\u200D\U0001F467"},
	{"a Hangul filler next to a visible character", "Ada\u3164"},
	{"exactly at the limit", strings.Repeat("x", greeter.MaxNameBytes)},
	{"2-byte runes up to the limit", strings.Repeat("é", greeter.MaxNameBytes/2)},
	{"a 2-byte rune ending at the limit", strings.Repeat("x", greeter.MaxNameBytes-2) + "é"},
	{"3-byte runes then one byte to the limit", strings.Repeat("李", 85) + "x"},
}

func TestGreetings(t *testing.T) {
	c := start(t)
	for _, tt := range goodNames {
		got, err := c.SayHello(t.Context(), tt.name)
		if want := "Hello, " + tt.name + "!"; err != nil || got != want {
			t.Errorf("SayHello(%s %+q) = %q, %v; want %q", tt.why, tt.name, got, err, want)
		}
		got, err = c.SayHelloAgain(t.Context(), tt.name)
		if want := "Hello again, " + tt.name + "!"; err != nil || got != want {
			t.Errorf("SayHelloAgain(%s %+q) = %q, %v; want %q", tt.why, tt.name, got, err, want)
		}
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
	if want := `name "Ada\xff" is not valid UTF-8 (first bad byte: 0xFF at byte 3)`; status.Code(err) != codes.InvalidArgument || status.Convert(err).Message() != want {
		t.Errorf("SayHelloAgain(invalid UTF-8): err = %v; want InvalidArgument %q", err, want)
	}
	if _, err := s.SayHello(t.Context(), nil); status.Code(err) != codes.InvalidArgument {
		t.Errorf("SayHello(nil): err = %v; want InvalidArgument (empty name)", err)
	}
}

// A zero Server, and a nil *Server, behave as NewServer(): the default
// limit applies.
func TestZeroServer(t *testing.T) {
	for what, s := range map[string]*greeter.Server{"zero Server": new(greeter.Server), "nil *Server": nil} {
		at := strings.Repeat("x", greeter.MaxNameBytes)
		if r, err := s.SayHello(t.Context(), &greeterv1.HelloRequest{Name: at}); err != nil || r.GetMessage() != "Hello, "+at+"!" {
			t.Errorf("%s: SayHello(256 bytes) = %v, %v; want a greeting", what, r, err)
		}
		if _, err := s.SayHelloAgain(t.Context(), &greeterv1.HelloRequest{Name: at + "x"}); status.Code(err) != codes.InvalidArgument {
			t.Errorf("%s: SayHelloAgain(257 bytes): err = %v; want InvalidArgument", what, err)
		}
	}
}

// FuzzSayHello checks that any name is either greeted exactly, or refused
// with InvalidArgument; never a panic or another code. A greeted name must
// obey the documented rule, checked here category by category.
func FuzzSayHello(f *testing.F) {
	for _, seed := range []string{
		"Ada", "", " ", "a\nb", "\xff", "李小龙", strings.Repeat("x", 257),
		"a\u200db", "\u200d", "क्\u200d", "\u3164", "\u0301", "\ue000", "\u0378", "\u2028",
	} {
		f.Add(seed)
	}
	s := greeter.NewServer()
	f.Fuzz(func(t *testing.T, name string) {
		r, err := s.SayHello(t.Context(), &greeterv1.HelloRequest{Name: name})
		if err != nil {
			if status.Code(err) != codes.InvalidArgument {
				t.Fatalf("SayHello(%+q): err = %v; want nil or InvalidArgument", name, err)
			}
			return
		}
		if r.GetMessage() != "Hello, "+name+"!" {
			t.Fatalf("SayHello(%+q) = %q", name, r.GetMessage())
		}
		if name == "" || len(name) > greeter.MaxNameBytes || !utf8.ValidString(name) {
			t.Fatalf("SayHello(%+q) greeted a name that is empty, too long or not UTF-8", name)
		}
		visible := false
		for _, r := range name {
			switch {
			case unicode.In(r, unicode.Cc, unicode.Co, unicode.Zl, unicode.Zp),
				unicode.Is(unicode.Cf, r) && r != '\u200c' && r != '\u200d':
				t.Fatalf("SayHello(%+q) greeted a name with %U", name, r)
			case !unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S, unicode.Z, unicode.C):
				t.Fatalf("SayHello(%+q) greeted a name with unassigned %U", name, r)
			}
			blank := r == '\u115f' || r == '\u1160' || r == '\u2800' || r == '\u3164' || r == '\uffa0'
			visible = visible || unicode.In(r, unicode.L, unicode.N, unicode.P, unicode.S) && !blank
		}
		if !visible {
			t.Fatalf("SayHello(%+q) greeted a name with nothing visible", name)
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
