package greeter_test

import (
	"reflect"
	"strings"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/seed717b8fd8/grpcexamples/bufconntest"
	"github.com/seed717b8fd8/grpcexamples/greeter"
	"github.com/seed717b8fd8/grpcexamples/internal/rpcerr"
	greeterv1 "github.com/seed717b8fd8/grpcexamples/pb/greeter/v1"
)

// nameError is the details of a refused name: a BadRequest violation of
// field "name" and an ErrorInfo, with the same reason, whose description
// is the status message.
func nameError(reason, message string, meta map[string]string) rpcerr.Summary {
	return rpcerr.Summary{
		Code: codes.InvalidArgument, Reason: reason, Domain: "grpcexamples", Metadata: meta,
		Fields: []string{"name"}, FieldReasons: []string{reason}, Descriptions: []string{message},
	}
}

// One name for each reason, with the metadata a program reads.
var detailed = []struct {
	name string
	want rpcerr.Summary
}{
	{"", nameError("NAME_EMPTY", "name is empty: give a name of 1 to 256 bytes",
		map[string]string{"limitBytes": "256"})},
	{strings.Repeat("x", 300), nameError("NAME_TOO_LONG", tooLong(300),
		map[string]string{"lengthBytes": "300", "limitBytes": "256"})},
	{"Ada\nLovelace", nameError("NAME_REFUSED_CHARACTER", control(`"Ada\nLovelace"`, "U+000A", 3),
		map[string]string{"codePoint": "U+000A", "offsetBytes": "3", "category": "Cc"})},
	{"Ada\u2028", nameError("NAME_REFUSED_CHARACTER",
		hasChar(`"Ada\u2028"`, "U+2028", 3, "a line separator (Unicode category Zl)", oneLine),
		map[string]string{"codePoint": "U+2028", "offsetBytes": "3", "category": "Zl"})},
	{"Ada\u2029", nameError("NAME_REFUSED_CHARACTER",
		hasChar(`"Ada\u2029"`, "U+2029", 3, "a paragraph separator (Unicode category Zp)", oneLine),
		map[string]string{"codePoint": "U+2029", "offsetBytes": "3", "category": "Zp"})},
	{"Ada \u202eecalevol", nameError("NAME_REFUSED_CHARACTER", format(`"Ada \u202eecalevol"`, "U+202E", 4),
		map[string]string{"codePoint": "U+202E", "offsetBytes": "4", "category": "Cf"})},
	{"\u200dAda", nameError("NAME_REFUSED_CHARACTER", joiner(`"\u200dAda"`, "U+200D", 0),
		map[string]string{"codePoint": "U+200D", "offsetBytes": "0", "category": "Cf"})},
	{"Ada\ue000", nameError("NAME_REFUSED_CHARACTER", privateUse(`"Ada\ue000"`, "U+E000", 3),
		map[string]string{"codePoint": "U+E000", "offsetBytes": "3", "category": "Co"})},
	{"Ada\uffff", nameError("NAME_REFUSED_CHARACTER", unassigned(`"Ada\uffff"`, "U+FFFF", 3),
		map[string]string{"codePoint": "U+FFFF", "offsetBytes": "3", "category": "Cn"})},
	{"   ", nameError("NAME_NOT_VISIBLE", onlySpace(`"   "`), nil)},
	{"\u3164", nameError("NAME_NOT_VISIBLE", nothingVisible(`"\u3164"`), nil)},
}

// Every reason, with its metadata, reaches a client over the wire, from
// both methods and under the tutorials' names too.
func TestErrorDetails(t *testing.T) {
	srv := bufconntest.Start(t, func(s grpc.ServiceRegistrar) {
		greeter.Register(s, greeter.NewServer(), greeter.WithTutorialNames())
	})
	clients := map[string]*greeter.Client{
		"v1":         greeter.NewClient(srv.Conn),
		"greeter":    greeter.NewClient(srv.Conn, greeter.WithTutorialServer()),
		"helloworld": greeter.NewClient(srv.Conn, greeter.WithHelloWorldServer()),
	}
	for service, c := range clients {
		for _, tt := range detailed {
			for method, call := range map[string]func(string) error{
				"SayHello":      func(n string) error { _, err := c.SayHello(t.Context(), n); return err },
				"SayHelloAgain": func(n string) error { _, err := c.SayHelloAgain(t.Context(), n); return err },
			} {
				err := call(tt.name)
				if got := rpcerr.Summarize(err); !reflect.DeepEqual(got, tt.want) {
					t.Errorf("%s %s(%+.12q): details\n got %+v\nwant %+v", service, method, tt.name, got, tt.want)
				}
			}
		}
	}
}

// Every refusal of the abuse table carries a violation of "name" whose
// description is the message, and an ErrorInfo of one of the documented
// reasons.
func TestEveryRefusalHasDetails(t *testing.T) {
	reasons := map[string]bool{
		"NAME_EMPTY": true, "NAME_TOO_LONG": true, "NAME_REFUSED_CHARACTER": true, "NAME_NOT_VISIBLE": true,
	}
	c := start(t)
	for _, tt := range abuse {
		_, err := c.SayHello(t.Context(), tt.name)
		got := rpcerr.Summarize(err)
		ok := got.Domain == "grpcexamples" && reasons[got.Reason] &&
			reflect.DeepEqual(got.Fields, []string{"name"}) &&
			reflect.DeepEqual(got.FieldReasons, []string{got.Reason}) &&
			reflect.DeepEqual(got.Descriptions, []string{status.Convert(err).Message()})
		if !ok {
			t.Errorf("SayHello(%s): details %+v; want a documented reason for field name", tt.why, got)
		}
	}
}

// Invalid UTF-8 reaches the service only in a direct call (over gRPC the
// codec refuses it first); the error has its details there too.
func TestInvalidUTF8Details(t *testing.T) {
	_, err := greeter.NewServer().SayHello(t.Context(), &greeterv1.HelloRequest{Name: "Ada\xff"})
	want := nameError("NAME_INVALID_UTF8", `name "Ada\xff" is not valid UTF-8 (first bad byte: 0xFF at byte 3)`,
		map[string]string{"offsetBytes": "3"})
	if got := rpcerr.Summarize(err); !reflect.DeepEqual(got, want) {
		t.Errorf("SayHello(invalid UTF-8): details\n got %+v\nwant %+v", got, want)
	}
}
