#!/usr/bin/env bash
# Rolling restart behind nginx: three examples/server replicas behind the
# configuration in grpc-proxy.conf.template, restarted one after another
# under load, must lose no call. Run by .ci/run; about a minute once the
# tools are built, every step bounded in time.
#
#   bash deploy/nginx/rolling-restart.sh
#   ROLL_LOAD_SECONDS=60 bash deploy/nginx/rolling-restart.sh   # a longer load
#   ROLL_TEMPLATE=my.conf.template bash deploy/nginx/rolling-restart.sh
#                                        # try another nginx configuration
#
# Everything listens on 127.0.0.1 only, on ports below the kernel's
# ephemeral range (so that a restarting replica finds its port free), and
# runs as the current user; nginx gets a directory of its own under $WORK
# for its pid, logs and temp files. Debian's nginx is installed when
# missing; ghz is built from interop/tools, streamcheck from deploy/.
#
# 1. Rolling restart. ghz sends greeter SayHello calls through nginx
#    (ROLL_RPS a second, ROLL_C at a time, for ROLL_LOAD_SECONDS) while
#    streamcheck makes server-streaming and bidirectional calls through it
#    too. Meanwhile each replica in turn gets SIGTERM, drains (health
#    NOT_SERVING, -drain, GOAWAY, graceful stop), exits 0 and starts again
#    on the same port, ROLL_SETTLE seconds after the previous one is back.
#    Every call must succeed, every replica must serve calls both before
#    and after its restart, and the replicas' logs (-log-level debug logs
#    every call) must account for exactly the calls ghz saw succeed: none
#    lost, none run twice.
# 2. A long server stream whose replica drains. A stream that ends within
#    -drain + -grace of the SIGTERM (here 6 s of responses) completes with
#    OK and every response: graceful stop waits for it. A longer one (20 s)
#    is cut when -grace runs out: the replica closes its connections, and
#    nginx resets the client's stream, which a gRPC client reports as
#    Internal ("stream terminated by RST_STREAM with error code:
#    INTERNAL_ERROR"), after the responses sent until then.
#
# It prints the calls, errors, p99 latency and per-replica counts, and ends
# with "nginx: N passed, N failed".
# shellcheck disable=SC2034 # PEER and SERVER_PID are read by lib.sh
PEER=nginx
# shellcheck source-path=SCRIPTDIR source=../../interop/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../interop/lib.sh"
TEMPLATE=${ROLL_TEMPLATE:-$ROOT/deploy/nginx/grpc-proxy.conf.template}

REPLICAS=3
LOAD_SECONDS=${ROLL_LOAD_SECONDS:-24}
CONCURRENCY=${ROLL_C:-50}
RATE=${ROLL_RPS:-2000}   # calls per second, all replicas together
# Seconds of load between two restarts: less than nginx's fail_timeout
# (10 s), so that its default max_fails=1 would fail calls here.
SETTLE=${ROLL_SETTLE:-2}
DRAIN=2s # examples/server's defaults, set here for the record
GRACE=10s
LONG_CUT_CODE=Internal # nginx resets the stream (RST_STREAM INTERNAL_ERROR)

command -v nginx >/dev/null || apt_install nginx
log "$(nginx -v 2>&1)"
log "building ghz, examples/server and streamcheck"
build_tool ghz
build_server
(cd "$ROOT/deploy" && go build -o "$BIN/streamcheck" ./nginx/streamcheck)

# pick_port: a random port below the ephemeral range. A port in that range
# may be taken, between a replica's exit and its restart, as the source
# port of one of nginx's connections.
low=$(awk '{ print $1 }' /proc/sys/net/ipv4/ip_local_port_range)
[ "$low" -ge 13024 ] || low=32768 # an unusual range: take the risk
pick_port() { echo $((low - 12000 + RANDOM % 12000)); }

# Replica i logs to $WORK/replica$i.log, across restarts.
declare -a PIDS PORTS

# start_replica I PORT: starts replica I on PORT and waits for its
# "listening" line; returns 1 if it exits first (its port was taken).
start_replica() {
  local i=$1 port=$2 logf="$WORK/replica$1.log" before
  before=$(grep -c 'msg=listening' "$logf" 2>/dev/null || true)
  "$BIN/server" -addr "127.0.0.1:$port" -log-level debug -drain "$DRAIN" -grace "$GRACE" 2>>"$logf" &
  PIDS[i]=$!
  track "${PIDS[i]}"
  for _ in $(seq 1 200); do
    if [ "$(grep -c 'msg=listening' "$logf")" -gt "${before:-0}" ]; then
      PORTS[i]=$port
      return 0
    fi
    if ! kill -0 "${PIDS[i]}" 2>/dev/null; then
      wait "${PIDS[i]}" || true
      return 1
    fi
    sleep 0.05
  done
  fail "replica $i did not log its listening line within 10s"
}

# stop_replica I: SIGTERM, then a bounded wait; fails unless it exits 0.
stop_replica() {
  # shellcheck disable=SC2034 # read by stop_server (lib.sh)
  SERVER_PID=${PIDS[$1]}
  stop_server || fail "replica $1 exited with status $? after SIGTERM"
}

for i in $(seq 1 "$REPLICAS"); do
  for _ in $(seq 1 10); do
    start_replica "$i" "$(pick_port)" && break
  done
  [ -n "${PORTS[i]:-}" ] || fail "replica $i found no free port"
  log "replica $i: pid ${PIDS[i]}, 127.0.0.1:${PORTS[i]}"
done

# nginx, from the template: the {{REPLICA}} line once per replica.
NGX="$WORK/nginx"
mkdir -p "$NGX/tmp"
user=""
if [ "$(id -u)" -eq 0 ]; then
  user="user $(id -un) $(id -gn);" # else the worker would run as nobody
fi
start_nginx() {
  local port=$1 replicas="" i
  for i in $(seq 1 "$REPLICAS"); do replicas+="127.0.0.1:${PORTS[i]} "; done
  awk -v prefix="$NGX" -v listen="127.0.0.1:$port" -v user="$user" -v replicas="$replicas" '
    /^[[:space:]]*#/ { print; next }
    { gsub(/\{\{PREFIX\}\}/, prefix); gsub(/\{\{LISTEN\}\}/, listen); gsub(/\{\{USER\}\}/, user) }
    /\{\{REPLICA\}\}/ {
      n = split(replicas, r, " ")
      for (k = 1; k <= n; k++) { line = $0; gsub(/\{\{REPLICA\}\}/, r[k], line); print line }
      next
    }
    { print }' "$TEMPLATE" >"$NGX/nginx.conf"
  : >"$NGX/error.log"
  nginx -p "$NGX" -c "$NGX/nginx.conf" -e "$NGX/error.log" &
  NGINX_PID=$!
  track "$NGINX_PID"
  for _ in $(seq 1 100); do
    if ! kill -0 "$NGINX_PID" 2>/dev/null; then
      wait "$NGINX_PID" || true
      return 1
    fi
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      PROXY=127.0.0.1:$port
      return 0
    fi
    sleep 0.05
  done
  fail "nginx did not accept connections within 5s"
}
PROXY=""
for _ in $(seq 1 10); do
  start_nginx "$(pick_port)" && break
done
[ -n "$PROXY" ] || { cat "$NGX/error.log" >&2; fail "nginx did not start"; }
log "nginx: pid $NGINX_PID, $PROXY"

# Phase 1: the rolling restart under load.
log "phase 1: $LOAD_SECONDS s of load through nginx; each replica restarted in turn, $SETTLE s apart"
timeout $((LOAD_SECONDS + 60)) "$BIN/ghz" --insecure --call grpcexamples.greeter.v1.Greeter.SayHello \
  -d '{"name": "rolling"}' -z "${LOAD_SECONDS}s" --duration-stop wait -c "$CONCURRENCY" -r "$RATE" -t 10s \
  -O summary "$PROXY" >"$WORK/ghz.txt" 2>&1 &
GHZ_PID=$!
track "$GHZ_PID"
timeout $((LOAD_SECONDS + 60)) "$BIN/streamcheck" -addr "$PROXY" load -max $((LOAD_SECONDS + 30))s \
  >"$WORK/streams.txt" 2>&1 &
STREAMS_PID=$!
track "$STREAMS_PID"

restart_all() {
  local i t
  sleep "$SETTLE"
  for i in $(seq 1 "$REPLICAS"); do
    t=$SECONDS
    stop_replica "$i"
    start_replica "$i" "${PORTS[i]}" || fail "replica $i could not listen on its port ${PORTS[i]} again"
    log "replica $i restarted in $((SECONDS - t)) s (new pid ${PIDS[i]})"
    sleep "$SETTLE"
  done
  # The load must outlast the restarts, or they were not under load.
  kill -0 "$GHZ_PID" 2>/dev/null || fail "the load ended before the restarts did: raise ROLL_LOAD_SECONDS"
}
restart_all

ghz_rc=0
wait "$GHZ_PID" || ghz_rc=$?
kill -INT "$STREAMS_PID" 2>/dev/null || true
streams_rc=0
wait "$STREAMS_PID" || streams_rc=$?

# ghz's summary: "Count: N", "[OK] N responses", "99 % in X ms".
field() { awk -v re="$1" '$0 ~ re { print $'"$2"'; exit }' "$WORK/ghz.txt"; }
calls=$(field '^ *Count:' 2)
ok=$(field '^ *\\[OK\\]' 2)
p99=$(field '^ *99 % in' 4)
p99unit=$(field '^ *99 % in' 5)
rps=$(field '^ *Requests/sec:' 2)
errors=$((${calls:-0} - ${ok:-0}))
log "ghz: ${calls:-?} calls, ${ok:-0} OK, $errors failed, p99 ${p99:-?} ${p99unit:-}, ${rps:-?} calls/s"
log "$(cat "$WORK/streams.txt")"

# Per replica, from its log: SayHello calls that finished OK, in all and
# since its restart (after its last "listening" line).
served_total=0
declare -a SERVED AFTER
for i in $(seq 1 "$REPLICAS"); do
  read -r "SERVED[i]" "AFTER[i]" < <(awk '
    /msg=listening/ { after = 0 }
    /msg="finished call"/ && /grpc\.method=SayHello / && /grpc\.code=OK / { all++; after++ }
    END { print all + 0, after + 0 }' "$WORK/replica$i.log")
  served_total=$((served_total + SERVED[i]))
  log "replica $i (127.0.0.1:${PORTS[i]}): ${SERVED[i]} calls, ${AFTER[i]} of them after its restart"
done
retried=$(grep -c 'SayHello .*upstream=\[[^]]*, ' "$NGX/access.log" || true)
log "nginx: $retried calls went on to another replica; its error log says why:"
# Each reason once, with its count, without the parts that vary.
sed -n 's/^[^]]*\] [0-9#]*: \*[0-9]* \([^,]*\),.*/\1/p' "$NGX/error.log" | sort | uniq -c | sort -rn | head -n 5 >&2

phase1_ghz() {
  if [ "$ghz_rc" -ne 0 ] || [ "${calls:-0}" -eq 0 ] || [ "$errors" -ne 0 ]; then
    cat "$WORK/ghz.txt" >&2
    return 1
  fi
}
every_replica() {
  local i
  for i in $(seq 1 "$REPLICAS"); do
    [ "${AFTER[i]}" -gt 0 ] && [ "$((SERVED[i] - AFTER[i]))" -gt 0 ] || return 1
  done
}
check "rolling restart: zero failed unary calls" phase1_ghz
check "rolling restart: zero failed streaming calls" test "$streams_rc" -eq 0
check "every replica served calls before and after its restart" every_replica
check "replicas' logs account for every OK call once ($served_total of ${ok:-0})" test "$served_total" -eq "${ok:-0}"

# Phase 2: a long server stream whose replica drains.
# serving_replica MARKS: the replica whose log gained a ServerStream call
# since the line counts in MARKS (one per replica).
line_marks() {
  local i
  for i in $(seq 1 "$REPLICAS"); do wc -l <"$WORK/replica$i.log"; done | tr '\n' ' '
}
serving_replica() {
  local marks i
  read -r -a marks <<<"$1"
  for i in $(seq 1 "$REPLICAS"); do
    if tail -n +"$((marks[i - 1] + 1))" "$WORK/replica$i.log" | grep -q 'msg="started call".*grpc\.method=ServerStream '; then
      echo "$i"
      return 0
    fi
  done
  return 1
}

# long_stream NAME COUNT INTERVAL EXPECT: starts the stream, SIGTERMs its
# replica once the first response is in, checks the outcome, restarts the
# replica.
long_stream() {
  local name=$1 count=$2 interval=$3 expect=$4 out="$WORK/long-$1.txt" marks pid i rc=0 t
  marks=$(line_marks)
  "$BIN/streamcheck" -addr "$PROXY" long -count "$count" -interval "$interval" -expect "$expect" >"$out" 2>&1 &
  pid=$!
  track "$pid"
  wait_for "$out" "first response" 10 || {
    cat "$out" >&2
    return 1
  }
  i=$(serving_replica "$marks") || {
    log "$name: no replica logged the stream"
    return 1
  }
  t=$SECONDS
  log "$name: $count responses $interval apart, served by replica $i; SIGTERM to it"
  stop_replica "$i"
  log "$name: replica $i exited 0 after $((SECONDS - t)) s"
  wait "$pid" || rc=$?
  log "$name: $(grep 'long stream:' "$out" || cat "$out")"
  start_replica "$i" "${PORTS[i]}" || fail "replica $i could not listen on its port again"
  return "$rc"
}
check "a server stream open while its replica drains ends with OK and all its responses" \
  long_stream survives 30 200ms OK
check "a server stream longer than -drain + -grace ends with $LONG_CUT_CODE" \
  long_stream cut 100 200ms "$LONG_CUT_CODE"

# Shutdown: every replica exits 0, nginx stops gracefully (SIGQUIT).
stop_all() {
  local i
  for i in $(seq 1 "$REPLICAS"); do stop_replica "$i"; done
  kill -QUIT "$NGINX_PID" && wait "$NGINX_PID"
}
check "replicas and nginx shut down cleanly" stop_all
if grep -q '\[emerg\]\|\[alert\]' "$NGX/error.log"; then
  head -c 4000 "$NGX/error.log" >&2
fi

printf 'nginx rolling restart: %s calls, %d failed, p99 %s %s; per replica:' "${calls:-0}" "$errors" "${p99:-?}" "${p99unit:-}"
for i in $(seq 1 "$REPLICAS"); do printf ' %s' "${SERVED[i]}"; done
printf '; %s\n' "$(head -n 1 "$WORK/streams.txt")"
finish
