#!/usr/bin/env bash
# Rolling restart with client-side load balancing: three examples/server
# replicas, one client balancing over them with grpc-go's round_robin and
# client-side health checking (internal/replicas, as examples/client
# -addr a,b,c does), restarted one after another under load, must lose no
# call. Run by .ci/run; about half a minute once the tools are built, every
# step bounded in time.
#
#   bash deploy/roundrobin/rolling-restart.sh
#   ROLL_BUSY=2 bash deploy/roundrobin/rolling-restart.sh   # as CI runs it:
#                                        # two busy loops compete for the CPU
#   ROLL_LOAD_SECONDS=60 bash deploy/roundrobin/rolling-restart.sh   # a longer load
#   ROLL_KEEP=DIR ...                    # keep the replicas' and clients' logs in DIR
#
# Everything listens on 127.0.0.1 only, on ports below the kernel's
# ephemeral range (so that a restarting replica finds its port free);
# callcheck, the client, is built from deploy/.
#
# callcheck sends greeter SayHello calls (ROLL_RPS a second, ROLL_C at a
# time, for ROLL_LOAD_SECONDS) and, on a second connection of its own,
# server-streaming and bidirectional calls, each balanced over the three
# replicas. Meanwhile each replica in turn gets SIGTERM: its health turns
# NOT_SERVING and the client stops picking it, it keeps serving for
# -drain, stops listening, sends GOAWAY and stops gracefully, exits 0 and
# starts again on the same port, ROLL_SETTLE seconds after the previous one
# is back, and the client reconnects to it and picks it once its health
# says SERVING. Every call must succeed, every replica must serve calls
# both before and after its restart, and the replicas' logs (-log-level
# debug logs every call) must account for exactly the calls that
# succeeded. grpc-go retries a call by itself only when the replica did
# not take it (a stream refused by GOAWAY), so no call runs twice.
#
# It prints the calls, errors, p99 latency, the calls grpc-go retried by
# itself (each counted once: the first attempt never reached a handler)
# and per-replica counts, and ends with "round_robin: N passed, N failed".
# shellcheck disable=SC2034 # PEER and SERVER_PID are read by lib.sh
PEER=round_robin
# shellcheck source-path=SCRIPTDIR source=../../interop/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../interop/lib.sh"
# shellcheck source-path=SCRIPTDIR source=../replicas.sh
source "$ROOT/deploy/replicas.sh"

LOAD_SECONDS=${ROLL_LOAD_SECONDS:-24}
CONCURRENCY=${ROLL_C:-50}
RATE=${ROLL_RPS:-2000} # calls per second, all replicas together

log "building examples/server and callcheck"
build_server
(cd "$ROOT/deploy" && go build -o "$BIN/callcheck" ./callcheck)

start_replicas
ADDRS=$(replica_addrs)
busy_loops "${ROLL_BUSY:-0}"

log "$LOAD_SECONDS s of load balanced over $ADDRS; each replica restarted in turn, $SETTLE s apart"
timeout $((LOAD_SECONDS + 60)) "$BIN/callcheck" -addr "$ADDRS" unary \
  -rate "$RATE" -c "$CONCURRENCY" -duration "${LOAD_SECONDS}s" >"$WORK/unary.txt" 2>&1 &
UNARY_PID=$!
track "$UNARY_PID"
start_streams "$ADDRS"

restart_all "$UNARY_PID"

unary_rc=0
wait "$UNARY_PID" || unary_rc=$?
stop_streams

# callcheck's line: "unary: N calls, N OK, N failed, p99 X ms, R calls/s,
# N retried by grpc-go".
read -r calls ok failed p99 rps retried < <(sed -n \
  's/^unary: \([0-9]*\) calls, \([0-9]*\) OK, \([0-9]*\) failed, p99 \([0-9.]*\) ms, \([0-9.]*\) calls\/s, \([0-9]*\) retried by grpc-go$/\1 \2 \3 \4 \5 \6/p' \
  "$WORK/unary.txt")
log "$(cat "$WORK/unary.txt")"
log "$(cat "$WORK/streams.txt")"
count_served

unary_ok() {
  if [ "$unary_rc" -ne 0 ] || [ "${calls:-0}" -eq 0 ] || [ "${failed:-1}" -ne 0 ]; then
    cat "$WORK/unary.txt" >&2
    return 1
  fi
}
check "rolling restart: zero failed unary calls" unary_ok
check "rolling restart: zero failed streaming calls" test "$streams_rc" -eq 0
check "every replica served calls before and after its restart" every_replica
check "replicas' logs account for every OK call once ($served_total of ${ok:-0})" test "$served_total" -eq "${ok:-0}"

stop_all() {
  local i
  for i in $(seq 1 "$REPLICAS"); do stop_replica "$i"; done
}
check "replicas shut down cleanly" stop_all

keep_logs
printf 'round_robin rolling restart: %s calls, %s failed, p99 %s ms, %s calls/s, %s retried by grpc-go; per replica:' \
  "${calls:-0}" "${failed:-?}" "${p99:-?}" "${rps:-?}" "${retried:-?}"
for i in $(seq 1 "$REPLICAS"); do printf ' %s' "${SERVED[i]}"; done
printf '; %s\n' "$(head -n 1 "$WORK/streams.txt")"
finish
