package web_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	"github.com/seed717b8fd8/grpcexamples/calculator"
	"github.com/seed717b8fd8/grpcexamples/examples/server/web"
	"github.com/seed717b8fd8/grpcexamples/greeter"
	"github.com/seed717b8fd8/grpcexamples/keywords"
	"github.com/seed717b8fd8/grpcexamples/streaming"
)

// TestRoutesNameRealMethods: every route names a method of our v1
// services, and no two share a path.
func TestRoutesNameRealMethods(t *testing.T) {
	for _, r := range web.Routes() {
		if _, err := protoregistry.GlobalFiles.FindDescriptorByName(protoreflect.FullName(r.Method)); err != nil {
			t.Errorf("route %v: %v", r.Rule, err)
		}
	}
	s := grpc.NewServer()
	calculator.Register(s, calculator.NewServer(), calculator.WithTutorialNames())
	greeter.Register(s, greeter.NewServer())
	keywords.Register(s, keywords.NewServer())
	streaming.Register(s, streaming.NewServer())
	if _, skipped, err := web.NewHandler(s); err != nil || len(skipped) != 1 || skipped[0] != "calculator.Calculator" {
		t.Errorf("NewHandler = skipped %v, %v; want only the tutorial name skipped", skipped, err)
	}
}

func TestNewHandlerErrors(t *testing.T) {
	s := grpc.NewServer()
	calculator.Register(s, calculator.NewServer())
	bad := web.Routes()[:1]
	bad[0].Method = "grpcexamples.calculator.v1.Calculator.Power"
	for name, opts := range map[string][]web.Option{
		"no such method":       {web.WithRoutes(bad)},
		"zero buffer":          {web.WithMaxMessageBytes(0)},
		"two routes, one path": {web.WithRoutes(append(web.Routes()[:1:1], web.Route{Method: "grpcexamples.calculator.v1.Calculator.Subtract", Rule: web.Routes()[0].Rule}))},
	} {
		if _, _, err := web.NewHandler(s, opts...); err == nil {
			t.Errorf("%s: NewHandler succeeded", name)
		}
	}
	// Routes of services the server does not serve are left out.
	if _, _, err := web.NewHandler(s); err != nil {
		t.Errorf("calculator alone: %v", err)
	}
}

func TestPage(t *testing.T) {
	h := web.Page()
	for _, c := range []struct {
		method, path string
		status       int
		body         string
	}{
		{"GET", "/", 200, "<title>grpcexamples in the browser</title>"},
		{"GET", "/connect.js", 200, "export async function unary"},
		{"GET", "/app.js", 200, `from "./connect.js"`},
		{"GET", "/style.css", 200, ":root"},
		{"GET", "/static/index.html", 404, ""},
		{"GET", "/../go.mod", 404, ""},
		{"POST", "/", 405, ""},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(c.method, c.path, nil))
		if rec.Code != c.status || !strings.Contains(rec.Body.String(), c.body) {
			t.Errorf("%s %s: %d %.80q; want %d with %q", c.method, c.path, rec.Code, rec.Body.String(), c.status, c.body)
		}
		if c.status == http.StatusOK && !strings.Contains(rec.Header().Get("Content-Security-Policy"), "default-src 'self'") {
			t.Errorf("%s: no Content-Security-Policy", c.path)
		}
	}
}
