#!/usr/bin/env bash
# ghz peer: bounded load on examples/server through server reflection.
#
#   bash interop/ghz/run.sh
#   GHZ_N=2000 bash interop/ghz/run.sh      # fewer requests per run
#
# Runs, one after the other, with 50 concurrent workers:
#   greeter SayHello        GHZ_N requests (default 20000)
#   calculator Add          GHZ_N requests
#   keywords GetKeywords    GHZ_KW_N requests (default 20000) of a ~600-byte text
# Each must finish with every request answered OK (no error of any kind), and
# each is bounded: ghz's own per-request timeout, and `timeout` on the whole run.
# Builds ghz from the version pinned in interop/tools/go.mod.
PEER=ghz
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

N=${GHZ_N:-20000}
KW_N=${GHZ_KW_N:-20000}
CONCURRENCY=${GHZ_C:-50}
RUN_LIMIT=${GHZ_RUN_LIMIT:-120} # seconds per run

log "building ghz and examples/server"
build_tool ghz
build_server
start_server

TEXT="The central bank raised interest rates for the third time this year, \
saying inflation remained well above its target. Mortgage lenders followed \
within days, and economists expect house prices to fall as borrowing costs \
rise. The bank's governor said further interest rate rises were possible if \
energy prices kept pushing inflation up, while unions warned that higher \
rates would hurt workers already facing a cost of living crisis."

load() { # NAME METHOD JSON COUNT
  local name=$1 method=$2 data=$3 n=$4 out="$WORK/$1.txt" rc=0
  timeout "$RUN_LIMIT" "$BIN/ghz" --insecure --call "$method" -d "$data" \
    -n "$n" -c "$CONCURRENCY" -t 10s -O summary "$ADDR" >"$out" 2>&1 || rc=$?
  # Count, Total, Requests/sec, Average, Slowest on one line.
  log "$name: $(awk '/^ *(Count|Total|Slowest|Average|Requests\/sec):/ { sub(/^ */, ""); gsub(/\t/, " "); printf "%s  ", $0 }' "$out")"
  if [ "$rc" != 0 ]; then
    cat "$out" >&2
    log "$name: ghz exited $rc"
    return 1
  fi
  grep -Eq "^ *Count:[[:space:]]+$n\$" "$out" &&
    grep -Eq "^ *\[OK\][[:space:]]+$n responses" "$out" &&
    ! grep -q "Error distribution" "$out" || {
    cat "$out" >&2
    return 1
  }
}

check "greeter SayHello x$N: all OK" load greeter grpcexamples.greeter.v1.Greeter.SayHello '{"name": "ghz"}' "$N"
check "calculator Add x$N: all OK" load calculator grpcexamples.calculator.v1.Calculator.Add '{"a": 40, "b": 2}' "$N"
check "keywords GetKeywords x$KW_N: all OK" load keywords grpcexamples.keywords.v1.KeywordService.GetKeywords \
  "{\"text\": \"$TEXT\", \"max_results\": 10}" "$KW_N"
server_exit() { stop_server; }
check "server exits 0 on SIGTERM" server_exit

finish
