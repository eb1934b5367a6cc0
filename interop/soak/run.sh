#!/usr/bin/env bash
# Soak: examples/server, as a host would run it, under load and abuse at
# once; run by .ci/run and bounded to about a minute and a half.
#
#   bash interop/soak/run.sh
#   SOAK_GHZ_N=5000 bash interop/soak/run.sh     # a lighter load
#
# Builds the server and ghz, starts the server on a free loopback port with
# its runtime profiles on another (-debug-addr), and runs the Go driver
# (interop/soak/main.go): ghz greeter load with adversarial keyword calls
# cancelled at once alongside, a burst of such calls after which the
# server's CPU must stop within a second, 100 server streams whose client
# never reads, a slow consumer, then a connection flood: 3,000 connections
# that never send the HTTP/2 preface and 20,000 unary calls opened with
# headers only on 200 more, during which a well-behaved client makes 200
# calls on 20 new connections, all of which must succeed, and the server's
# RSS may grow by at most 256 MiB (measured: about 135, some 40 KiB per
# connection; the calls are held to -max-calls). It checks that no call fails
# unexpectedly, that the server's peak RSS stays under SOAK_MAX_RSS_MIB
# (512: measured about 275, mostly a hundred stalled streams of about 2 MiB
# each, plus two extractions of 34 MB at a time and the queued 1 MiB
# requests; the rest is room for the GC and a busier machine),
# that its goroutines return to the baseline, and that it then shuts down
# cleanly. It prints its figures.
PEER=soak
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

log "building ghz, examples/server and the soak driver"
build_tool ghz
build_server
(cd "$ROOT" && go build -o "$BIN/soak" ./interop/soak)

start_server -debug-addr 127.0.0.1:0 -log-level error
debug=$(sed -n 's/.*msg="debug listening" addr=\(127\.0\.0\.1:[0-9]*\).*/\1/p' "$WORK/server.log" | head -n 1)
[ -n "$debug" ] || fail "no debug listening line in the server's log"

check "soak" timeout 180 "$BIN/soak" -addr "$ADDR" -debug "$debug" -pid "$SERVER_PID" \
  -ghz "$BIN/ghz" -ghz-n "${SOAK_GHZ_N:-20000}" -max-rss-mib "${SOAK_MAX_RSS_MIB:-512}"
check "graceful shutdown after the soak" stop_server
if [ -s "$WORK/server.log" ]; then
  log "server log (errors only):"
  head -c 4000 "$WORK/server.log" >&2
fi
finish
