package main

import (
	"log/slog"
	"net/http"
	"net/http/pprof"
)

// serveDebug serves Go's runtime profiles (net/http/pprof: goroutines,
// heap, CPU, ...) over HTTP on addr, a listener of its own, so that they
// are never reachable on the gRPC port. It is off unless -debug-addr is
// given; keep it on a loopback address, as profiles show the server's
// internals. It returns the function that stops it.
func serveDebug(addr string, log *slog.Logger) (stop func(), err error) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return serveHTTP("debug", addr, mux, log)
}
