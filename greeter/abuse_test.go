package greeter_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"unicode"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"github.com/seed717b8fd8/grpcexamples/bufconntest"
	"github.com/seed717b8fd8/grpcexamples/greeter"
	"github.com/seed717b8fd8/grpcexamples/internal/rawcodec"
	greeterv1 "github.com/seed717b8fd8/grpcexamples/pb/greeter/v1"
)

// The expected status messages, by kind of problem. quoted is the name as
// the message quotes it.
func hasChar(quoted, cp string, at int, what, fix string) string {
	return fmt.Sprintf("name %s contains %s at byte %d, %s; %s", quoted, cp, at, what, fix)
}

const oneLine = "a name must be one line of visible text"

func control(quoted, cp string, at int) string {
	return hasChar(quoted, cp, at, "a control character (Unicode category Cc)", oneLine)
}

func format(quoted, cp string, at int) string {
	return hasChar(quoted, cp, at, "an invisible format character (Unicode category Cf)",
		"remove it: format characters can hide or reorder text")
}

func joiner(quoted, cp string, at int) string {
	kind := "zero-width joiner"
	if cp == "U+200C" {
		kind = "zero-width non-joiner"
	}
	return hasChar(quoted, cp, at, "a "+kind+" (Unicode category Cf) that joins no two visible characters",
		"U+200C and U+200D are accepted only between two letters, marks or symbols, or after a combining mark at the end of a word")
}

func privateUse(quoted, cp string, at int) string {
	return hasChar(quoted, cp, at, "a private-use character (Unicode category Co)",
		"its meaning is private to a font or program, so it shows differently everywhere")
}

func unassigned(quoted, cp string, at int) string {
	return hasChar(quoted, cp, at,
		"a code point unassigned in Unicode "+unicode.Version+", the version this server knows (category Cn)",
		"if it is a newer character, the server needs a Go release with newer Unicode tables")
}

func onlySpace(quoted string) string {
	return "name " + quoted + " is only white space; give a name with at least one visible character"
}

func nothingVisible(quoted string) string {
	return "name " + quoted + " has no visible character (white space, combining marks and blank fillers such as U+3164 or U+2800 show nothing); give a name with at least one visible character"
}

func tooLong(n int) string {
	return fmt.Sprintf("name is %d bytes long; this server's limit is 256 bytes (greeter.WithMaxNameBytes, default 256)", n)
}

// abuse lists names a remote caller can send that both methods must refuse
// with InvalidArgument, with the whole status message.
var abuse = []struct {
	why, name, message string
}{
	// Length, checked first.
	{"empty", "", "name is empty: give a name of 1 to 256 bytes"},
	{"one byte over the limit", strings.Repeat("x", 257), tooLong(257)},
	{"a 2-byte rune crossing the limit", strings.Repeat("x", 255) + "é", tooLong(257)},
	{"3-byte runes crossing the limit", strings.Repeat("李", 86), tooLong(258)},
	{"a 4-byte rune crossing the limit", strings.Repeat("x", 253) + "🙂", tooLong(257)},
	// 1 MiB fits grpc's default 4 MiB message limit, so it reaches the
	// server, whose own limit refuses it before reading it (the control
	// characters in it are never reported).
	{"1 MiB", strings.Repeat("\n", 1<<20), tooLong(1 << 20)},

	// Control characters (Cc) and line breaks (Zl, Zp).
	{"newline", "Ada\nLovelace", control(`"Ada\nLovelace"`, "U+000A", 3)},
	{"tab", "\tAda", control(`"\tAda"`, "U+0009", 0)},
	{"NUL", "Ada\x00", control(`"Ada\x00"`, "U+0000", 3)},
	{"escape sequence", "\x1b[31mred", control(`"\x1b[31mred"`, "U+001B", 0)},
	{"DEL", "Ada\x7f", control(`"Ada\x7f"`, "U+007F", 3)},
	{"C1 control (NEL)", "Ada\u0085", control(`"Ada\u0085"`, "U+0085", 3)},
	{"line separator (Zl)", "Ada\u2028Lovelace",
		hasChar(`"Ada\u2028Lovelace"`, "U+2028", 3, "a line separator (Unicode category Zl)", oneLine)},
	{"paragraph separator (Zp)", "Ada\u2029",
		hasChar(`"Ada\u2029"`, "U+2029", 3, "a paragraph separator (Unicode category Zp)", oneLine)},

	// Format characters (Cf).
	{"zero width space", "Ada\u200bLovelace", format(`"Ada\u200bLovelace"`, "U+200B", 3)},
	{"right-to-left override", "Ada \u202eecalevol", format(`"Ada \u202eecalevol"`, "U+202E", 4)},
	{"byte order mark", "\ufeffAda", format(`"\ufeffAda"`, "U+FEFF", 0)},
	{"soft hyphen", "Ada\u00adLovelace", format(`"Ada\u00adLovelace"`, "U+00AD", 3)},
	{"word joiner", "Ada\u2060", format(`"Ada\u2060"`, "U+2060", 3)},
	{"left-to-right mark", "\u200eAda", format(`"\u200eAda"`, "U+200E", 0)},
	{"left-to-right isolate", "Ada\u2066x\u2069", format(`"Ada\u2066x\u2069"`, "U+2066", 3)},
	{"Arabic letter mark", "\u061cمحمد", format(`"\u061cمحمد"`, "U+061C", 0)},
	{"Mongolian vowel separator", "Ada\u180e", format(`"Ada\u180e"`, "U+180E", 3)},
	{"interlinear annotation anchor", "\ufff9Ada", format(`"\ufff9Ada"`, "U+FFF9", 0)},
	{"tag characters (hidden ASCII)", "Ada\U000E0041\U000E0042",
		format(`"Ada\U000e0041\U000e0042"`, "U+E0041", 3)},
	{"emoji tag sequence (flag of Scotland)", "\U0001F3F4\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F",
		format(`"🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"`, "U+E0067", 4)},

	// Zero-width joiners that join nothing visible.
	{"ZWJ first", "\u200dAda", joiner(`"\u200dAda"`, "U+200D", 0)},
	{"ZWJ last, after a letter", "Ada\u200d", joiner(`"Ada\u200d"`, "U+200D", 3)},
	{"ZWNJ last, after a letter", "Ada\u200c", joiner(`"Ada\u200c"`, "U+200C", 3)},
	{"two ZWJs", "A\u200d\u200dB", joiner(`"A\u200d\u200dB"`, "U+200D", 1)},
	{"ZWJ after a space", "Ada \u200dLovelace", joiner(`"Ada \u200dLovelace"`, "U+200D", 4)},
	{"ZWJ before a space, after a letter", "Ada\u200d Lovelace", joiner(`"Ada\u200d Lovelace"`, "U+200D", 3)},
	{"ZWJ alone", "\u200d", joiner(`"\u200d"`, "U+200D", 0)},

	// Private use (Co).
	{"private use, BMP", "Ada\ue000", privateUse(`"Ada\ue000"`, "U+E000", 3)},
	{"private use, last of the BMP area", "\uf8ff", privateUse(`"\uf8ff"`, "U+F8FF", 0)},
	{"private use, plane 15", "Ada\U000F0000", privateUse(`"Ada\U000f0000"`, "U+F0000", 3)},
	{"private use, plane 16", "\U0010FFFD", privateUse(`"\U0010fffd"`, "U+10FFFD", 0)},

	// Unassigned (Cn), noncharacters included.
	{"unassigned in the Greek block", "Ada\u0378", unassigned(`"Ada\u0378"`, "U+0378", 3)},
	{"noncharacter U+FFFF", "Ada\uffff", unassigned(`"Ada\uffff"`, "U+FFFF", 3)},
	{"noncharacter U+FDD0", "\ufdd0", unassigned(`"\ufdd0"`, "U+FDD0", 0)},
	{"noncharacter U+2FFFE", "Ada\U0002FFFE", unassigned(`"Ada\U0002fffe"`, "U+2FFFE", 3)},
	{"unassigned plane 4", "\U00040000", unassigned(`"\U00040000"`, "U+40000", 0)},

	// Nothing visible.
	{"only spaces", "   ", onlySpace(`"   "`)},
	{"only ideographic space", "\u3000", onlySpace(`"\u3000"`)},
	{"only no-break spaces", "\u00a0\u00a0", onlySpace(`"\u00a0\u00a0"`)},
	{"only an em space", "\u2003", onlySpace(`"\u2003"`)},
	{"Hangul filler", "\u3164", nothingVisible(`"\u3164"`)},
	{"Hangul fillers", "\u3164\u3164", nothingVisible(`"\u3164\u3164"`)},
	{"halfwidth Hangul filler", "\uffa0", nothingVisible(`"\uffa0"`)},
	{"Hangul choseong and jungseong fillers", "\u115f\u1160", nothingVisible(`"\u115f\u1160"`)},
	{"braille pattern blank", "\u2800", nothingVisible(`"\u2800"`)},
	{"fillers and spaces", "\u3164 \u2800", nothingVisible(`"\u3164 \u2800"`)},
	{"a combining mark alone", "\u0301", nothingVisible(`"\u0301"`)},
	{"combining marks between spaces", " \u0301\u0301 ", nothingVisible(`" \u0301\u0301 "`)},
	{"a variation selector alone", "\ufe0f", nothingVisible(`"\ufe0f"`)},
}

func TestAbuseIsInvalidArgument(t *testing.T) {
	c := start(t)
	for _, tt := range abuse {
		for method, call := range map[string]func(context.Context, string, ...grpc.CallOption) (string, error){
			"SayHello":      c.SayHello,
			"SayHelloAgain": c.SayHelloAgain,
		} {
			got, err := call(t.Context(), tt.name)
			if status.Code(err) != codes.InvalidArgument || status.Convert(err).Message() != tt.message {
				t.Errorf("%s(%s) = %q, %v;\nwant code InvalidArgument, message %q", method, tt.why, got, err, tt.message)
			}
			if got != "" {
				t.Errorf("%s(%s) returned %q with an error; want \"\"", method, tt.why, got)
			}
		}
	}
}

// A name over the limit is refused on its length alone: the service never
// reads it, so a name full of what the later checks refuse still gets the
// length message. (Over gRPC, grpc-go's codec has already read it to check
// UTF-8; see the package documentation.)
func TestLongNameIsRefusedBeforeItIsRead(t *testing.T) {
	s := greeter.NewServer()
	name := strings.Repeat("\xff\n\u200b", 1<<18) // 1.25 MiB of invalid UTF-8, newlines, ZWSPs
	_, err := s.SayHello(t.Context(), &greeterv1.HelloRequest{Name: name})
	if want := tooLong(len(name)); status.Code(err) != codes.InvalidArgument || status.Convert(err).Message() != want {
		t.Errorf("SayHello(1.25 MiB) err = %v; want InvalidArgument %q", err, want)
	}
}

// Status messages quote at most 64 bytes of the name, whatever the limit.
func TestStatusMessagesAreShort(t *testing.T) {
	s := greeter.NewServer(greeter.WithMaxNameBytes(greeter.MaxNameBytesCeiling))
	for _, name := range []string{
		strings.Repeat("\U000E0041", greeter.MaxNameBytesCeiling/4), // escapes 10 bytes long
		strings.Repeat("\x01", greeter.MaxNameBytesCeiling),         // escapes 4 bytes long
		strings.Repeat("x", greeter.MaxNameBytesCeiling-1) + "\n",
		strings.Repeat("\u3164", greeter.MaxNameBytesCeiling/3),
	} {
		_, err := s.SayHello(t.Context(), &greeterv1.HelloRequest{Name: name})
		msg := status.Convert(err).Message()
		if status.Code(err) != codes.InvalidArgument || len(msg) > 600 || !strings.Contains(msg, `"...`) {
			t.Errorf("SayHello(%d bytes starting %+.8q): %d-byte message %q; want InvalidArgument, a quote cut at 64 bytes, at most 600 bytes",
				len(name), name, len(msg), msg)
		}
	}
}

// nameField is a HelloRequest with field 1 (name) holding b, built by hand
// so that it can hold what a protobuf library would refuse to encode.
func nameField(b string) []byte {
	m := protowire.AppendTag(nil, 1, protowire.BytesType)
	return protowire.AppendString(m, b)
}

// wireAbuse lists request bytes that a client in another language, or one
// built by hand, can send, and what grpc-go and the service make of them.
var wireAbuse = []struct {
	why     string
	req     []byte
	code    codes.Code
	message string // a part of the status message
	handled bool   // whether the service's handler ran
	reply   string // the greeting, when code is OK
}{
	{"name not UTF-8", nameField("Ada\xff"), codes.Internal, "invalid UTF-8", false, ""},
	{"UTF-16 surrogate encoded in UTF-8 (category Cs)", nameField("\xed\xa0\x80"), codes.Internal, "invalid UTF-8", false, ""},
	{"overlong encoding of '/'", nameField("\xc0\xaf"), codes.Internal, "invalid UTF-8", false, ""},
	{"garbage", []byte("\xff\xff\xff\xff"), codes.Internal, "grpc: failed to unmarshal the received message", false, ""},
	{"length past the end", append(protowire.AppendTag(nil, 1, protowire.BytesType), 10, 'A'), codes.Internal,
		"grpc: failed to unmarshal the received message", false, ""},
	{"empty message: empty name", nil, codes.InvalidArgument, "name is empty", true, ""},
	{"name sent as a number (wrong wire type): read as an unknown field", protowire.AppendVarint(protowire.AppendTag(nil, 1, protowire.VarintType), 7),
		codes.InvalidArgument, "name is empty", true, ""},
	{"unknown fields are ignored", protowire.AppendVarint(protowire.AppendTag(
		protowire.AppendString(protowire.AppendTag(nameField("Ada"), 2, protowire.BytesType), "extra"), 1000, protowire.VarintType), 1),
		codes.OK, "", true, "Hello, Ada!"},
	{"name twice: the last wins", append(nameField("Ada"), nameField("Grace")...), codes.OK, "", true, "Hello, Grace!"},
	{"two names, one over the limit after the first", append(nameField("Ada"), nameField(strings.Repeat("x", 300))...),
		codes.InvalidArgument, "name is 300 bytes long", true, ""},
	// Over the server's default grpc.MaxRecvMsgSize (4 MiB): grpc-go
	// refuses the message before decoding it.
	{"5 MiB request", nameField(strings.Repeat("x", 5<<20)), codes.ResourceExhausted, "larger than max", false, ""},
}

// What happens to bytes no Go client would send: grpc-go's codec refuses
// what is not protobuf, or not UTF-8, with Internal, and the handler never
// runs; anything it decodes reaches the name checks.
func TestAbuseOnTheWire(t *testing.T) {
	var handlers rawcodec.HandlerCounter
	srv := bufconntest.Start(t, func(s grpc.ServiceRegistrar) {
		greeter.Register(s, greeter.NewServer(), greeter.WithTutorialNames())
	}, bufconntest.WithServerOptions(handlers.ServerOption()))

	for _, method := range []string{greeterv1.Greeter_SayHello_FullMethodName, "/helloworld.Greeter/SayHello"} {
		for _, tt := range wireAbuse {
			resp, ran, err := handlers.Invoke(t.Context(), srv.Conn, method, tt.req)
			if status.Code(err) != tt.code || !strings.Contains(status.Convert(err).Message(), tt.message) {
				t.Errorf("%s (%s): err = %v; want code %v, message containing %q", method, tt.why, err, tt.code, tt.message)
			}
			if ran != tt.handled {
				t.Errorf("%s (%s): handler ran = %v; want %v", method, tt.why, ran, tt.handled)
			}
			if tt.code == codes.OK {
				var reply greeterv1.HelloReply
				if err := proto.Unmarshal(resp, &reply); err != nil || reply.GetMessage() != tt.reply {
					t.Errorf("%s (%s): reply %q, %v; want %q", method, tt.why, reply.GetMessage(), err, tt.reply)
				}
			}
		}
	}
}

// Go's own client cannot send a name that is not UTF-8: grpc-go's codec
// refuses to marshal it, so the call fails with Internal before reaching
// the server.
func TestInvalidUTF8IsRefusedByTheClient(t *testing.T) {
	var handlers rawcodec.HandlerCounter
	srv := bufconntest.Start(t, func(s grpc.ServiceRegistrar) {
		greeter.Register(s, greeter.NewServer())
	}, bufconntest.WithServerOptions(handlers.ServerOption()))
	c := greeter.NewClient(srv.Conn)
	for _, name := range []string{"Ada\xff", "\xed\xa0\x80"} {
		if got, err := c.SayHello(t.Context(), name); status.Code(err) != codes.Internal || !strings.Contains(err.Error(), "invalid UTF-8") {
			t.Errorf("SayHello(%+q) = %q, %v; want code Internal about invalid UTF-8", name, got, err)
		}
	}
	if n := handlers.Handled(); n != 0 {
		t.Errorf("the server handled %d calls; want 0", n)
	}
}
