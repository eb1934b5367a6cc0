#!/usr/bin/env bash
# What examples/server costs per call, against a bare grpc.NewServer() with
# the same four services (./bare), in instructions the server process
# executes (callgrind), which do not depend on the machine's load:
#
#   bash tools/servercost/run.sh                 # unary and server-streaming calls
#   N=4000 bash tools/servercost/run.sh          # more calls per run
#   bash tools/servercost/run.sh -- -log-level debug   # examples/server with other flags
#
# Each server runs under valgrind's callgrind, once with GOGC=off and once
# with Go's default GC, and with GOMAXPROCS=1: with more Ps, the Go
# scheduler spins idle threads while it waits for the network, and those
# instructions grow with the machine's load, not with the server's work
# (on a loaded 2-core machine they moved the ratio from 0.67 to 1.14). ./load warms it up with a first run of calls, then
# callgrind's counters are zeroed, ./load makes N calls (one after another,
# over loopback TCP) and the counters are dumped: instructions per call are
# that dump's total divided by N, with start-up and shutdown left out. The
# server is then killed (callgrind aborts on a Go program's signal
# handling, so the servers are not asked to shut down). It prints each
# figure and the ratio examples/server / bare. Needs valgrind (Debian's
# package is installed when missing).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
n=${N:-2000}
warm=200
server_args=()
if [ "${1:-}" = "--" ]; then
  shift
  server_args=("$@")
fi

if ! command -v valgrind >/dev/null; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq valgrind >/dev/null
fi

tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

(cd "$root" && go build -o "$tmp/server" ./examples/server)
(cd "$root/tools/servercost" && go build -o "$tmp/bare" ./bare && go build -o "$tmp/load" ./load)

# instructions SERVER GOGC KIND: the server's instructions per call of
# KIND, as the header says.
instructions() {
  local which=$1 gogc=$2 kind=$3 out="$tmp/cg.out" log="$tmp/server.log" addr="" pid
  rm -f "$out"*
  : >"$log"
  if [ "$which" = bare ]; then
    GOGC=$gogc GOMAXPROCS=1 GODEBUG=asyncpreemptoff=1 valgrind --tool=callgrind --log-file="$tmp/valgrind.log" --callgrind-out-file="$out" "$tmp/bare" >"$log" &
  else
    GOGC=$gogc GOMAXPROCS=1 GODEBUG=asyncpreemptoff=1 valgrind --tool=callgrind --log-file="$tmp/valgrind.log" --callgrind-out-file="$out" "$tmp/server" -addr 127.0.0.1:0 \
      "${server_args[@]}" 2>"$log" >/dev/null &
  fi
  pid=$!
  pids+=("$pid")
  for _ in $(seq 1 600); do
    addr=$(grep -o -m1 '127\.0\.0\.1:[0-9]*' "$log" || true)
    [ -n "$addr" ] && break
    kill -0 "$pid" 2>/dev/null || { cat "$log" "$tmp/valgrind.log" >&2; exit 1; }
    sleep 0.1
  done
  [ -n "$addr" ] || { echo "servercost: $which did not start" >&2; exit 1; }
  "$tmp/load" -addr "$addr" -n "$warm" -kind "$kind"
  callgrind_control -z "$pid" >/dev/null 2>&1
  "$tmp/load" -addr "$addr" -n "$n" -kind "$kind"
  callgrind_control -d "$pid" >/dev/null 2>&1
  kill -KILL "$pid"
  wait "$pid" 2>/dev/null || true
  awk -v n="$n" '/^summary:/ { printf "%d\n", $2 / n }' "$out".1
}

printf '%-14s %-8s %14s %14s %8s\n' kind GOGC bare server ratio
for kind in unary server-stream; do
  for gogc in off 100; do
    declare -A per=()
    for which in bare server; do
      per[$which]=$(instructions "$which" "$gogc" "$kind")
    done
    printf '%-14s %-8s %14d %14d %8s\n' "$kind" "$gogc" "${per[bare]}" "${per[server]}" \
      "$(awk -v s="${per[server]}" -v b="${per[bare]}" 'BEGIN { printf "%.2f", s / b }')"
  done
done
echo "instructions per call in the server process (callgrind; $n calls after $warm to warm up)"
