#!/usr/bin/env bash
# Instructions per unary call on the gRPC port and through the HTTP port in
# each protocol, counted with callgrind (deterministic, unlike timings on a
# shared machine): examples/server's BenchmarkHTTPCall run twice per case,
# with N1 and N2 calls, client and server in one process; the difference
# divided by N2-N1 leaves out start-up. Prints each case and its ratio to
# the native port. GOMAXPROCS=1, as in tools/servercost: with more Ps the
# scheduler spins idle threads while calls wait on loopback, and those
# instructions follow the machine's load, not the call's work. Set GOGC=off
# to leave out the collector's share too.
#
#   bash tools/bench/http-cost.sh            # N1=200 N2=1200, a few minutes
#   GOGC=off bash tools/bench/http-cost.sh
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
command -v valgrind >/dev/null || { echo "http-cost: needs valgrind (apt-get install valgrind)" >&2; exit 1; }
N1=${N1:-200}
N2=${N2:-1200}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Without cgo: callgrind aborts on the signal masks of cgo's thread start.
CGO_ENABLED=0 go test -c -o "$work/server.test" ./examples/server

instructions() { # CASE N: the process's total instructions
  # Without asynchronous preemption: callgrind aborts on its signals.
  (cd examples/server && GOMAXPROCS=1 GODEBUG=asyncpreemptoff=1 valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" \
    "$work/server.test" -test.run '^$' -test.bench "^BenchmarkHTTPCall\$/^$1\$" -test.benchtime "${2}x" \
    >/dev/null 2>"$work/cg.err") || { cat "$work/cg.err" >&2; exit 1; }
  sed -n 's/^summary: //p' "$work/cg.out"
}

native=""
printf '%-32s %12s %8s\n' case instr/call ratio
for c in native_gRPC gRPC_via_HTTP_port,_HTTP/2 gRPC-Web,_HTTP/2 Connect_proto,_HTTP/2 Connect_JSON,_HTTP/2 \
  Connect_JSON,_HTTP/1.1 REST_GET,_HTTP/1.1; do
  a=$(instructions "$c" "$N1")
  b=$(instructions "$c" "$N2")
  per=$(((b - a) / (N2 - N1)))
  [ -n "$native" ] || native=$per
  printf '%-32s %12d %7.2fx\n' "$c" "$per" "$(awk -v p="$per" -v n="$native" 'BEGIN { print p / n }')"
done
