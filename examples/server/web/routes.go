package web

import (
	"google.golang.org/genproto/googleapis/api/annotations"
)

// Route is one REST route: an HTTP method and path template (in the
// syntax of google.api.HttpRule) mapped to an RPC.
type Route struct {
	// Method is the RPC's full name, e.g. "grpcexamples.calculator.v1.Calculator.Add".
	Method string
	// Rule is the HTTP method, path template and body mapping.
	Rule *annotations.HttpRule
}

func get(method, path string) Route {
	return Route{Method: method, Rule: &annotations.HttpRule{Pattern: &annotations.HttpRule_Get{Get: path}}}
}

func post(method, path string) Route {
	return Route{Method: method, Rule: &annotations.HttpRule{Pattern: &annotations.HttpRule_Post{Post: path}, Body: "*"}}
}

// Routes are the REST routes NewHandler serves, the ones a person would
// guess. Fields not in the path come from the query string (GET) or from
// the JSON body (POST, body "*"):
//
//	GET  /v1/calculator/add?a=2&b=3             Calculator.Add        {"result": 5}
//	GET  /v1/calculator/subtract?a=2&b=3        Calculator.Subtract
//	GET  /v1/calculator/multiply?a=2&b=3        Calculator.Multiply
//	GET  /v1/calculator/divide?a=17&b=5         Calculator.Divide     {"quotient": 3, "remainder": 2}
//	GET  /v1/greeter/hello/{name}               Greeter.SayHello      {"message": "Hello, NAME!"}
//	GET  /v1/greeter/hello-again/{name}         Greeter.SayHelloAgain
//	POST /v1/keywords:extract                   KeywordService.GetKeywords, body {"text": ..., "maxResults": 5}
//	POST /v1/streaming:unary                    StreamingService.Unary, body {"message": ..., "controls": {...}}
//
// The streaming methods have no REST route: REST has no framing for a
// stream of messages; use Connect or gRPC-Web.
func Routes() []Route {
	const (
		calc  = "grpcexamples.calculator.v1.Calculator."
		greet = "grpcexamples.greeter.v1.Greeter."
	)
	return []Route{
		get(calc+"Add", "/v1/calculator/add"),
		get(calc+"Subtract", "/v1/calculator/subtract"),
		get(calc+"Multiply", "/v1/calculator/multiply"),
		get(calc+"Divide", "/v1/calculator/divide"),
		get(greet+"SayHello", "/v1/greeter/hello/{name}"),
		get(greet+"SayHelloAgain", "/v1/greeter/hello-again/{name}"),
		post("grpcexamples.keywords.v1.KeywordService.GetKeywords", "/v1/keywords:extract"),
		post("grpcexamples.streaming.v1.StreamingService.Unary", "/v1/streaming:unary"),
	}
}
