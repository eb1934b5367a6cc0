#!/usr/bin/env bash
# Rolling restart behind nginx: three examples/server replicas behind the
# configuration in grpc-proxy.conf.template, restarted one after another
# under load, must lose no call. Run by .ci/run; about a minute and a half
# once the tools are built, every step bounded in time.
#
#   bash deploy/nginx/rolling-restart.sh
#   ROLL_LOAD_SECONDS=60 bash deploy/nginx/rolling-restart.sh   # a longer load
#   ROLL_FRESH_SECONDS=60 bash deploy/nginx/rolling-restart.sh  # a longer phase 3
#   ROLL_TEMPLATE=my.conf.template bash deploy/nginx/rolling-restart.sh
#                                        # try another nginx configuration
#   ROLL_BUSY=2 bash deploy/nginx/rolling-restart.sh   # as CI runs it: two
#                                        # busy loops compete for the CPU
#   ROLL_KEEP=DIR ...                    # keep the logs (nginx's, the
#                                        # replicas', the clients') in DIR
#
# Everything listens on 127.0.0.1 only, on ports below the kernel's
# ephemeral range (so that a restarting replica finds its port free), and
# runs as the current user; nginx gets a directory of its own under $WORK
# for its pid, logs and temp files. Debian's nginx is installed when
# missing; ghz is built from interop/tools, callcheck from deploy/.
#
# 1. Rolling restart. ghz sends greeter SayHello calls through nginx
#    (ROLL_RPS a second, ROLL_C at a time, for ROLL_LOAD_SECONDS) while
#    callcheck makes server-streaming and bidirectional calls through it
#    too. Meanwhile each replica in turn gets SIGTERM, drains (health
#    NOT_SERVING, -drain, then it stops listening and stops gracefully with
#    GOAWAY), exits 0 and starts again on the same port, ROLL_SETTLE
#    seconds after the previous one is back. Every call must succeed, every
#    replica must serve calls both before and after its restart, and the
#    replicas' logs (-log-level debug logs every call) must account for
#    exactly the calls ghz saw succeed: none lost, none run twice. nginx
#    passes a call on to another replica only while it has sent the first
#    one nothing (a refused connection); the script checks that in nginx's
#    access log, so a call is never counted by two replicas.
# 2. A long server stream whose replica drains. A stream that ends within
#    -drain + -grace of the SIGTERM (here 6 s of responses) completes with
#    OK and every response: graceful stop waits for it. A longer one (20 s)
#    is cut when -grace runs out: the replica closes its connections, and
#    nginx resets the client's stream, which a gRPC client reports as
#    Internal ("stream terminated by RST_STREAM with error code:
#    INTERNAL_ERROR"), after the responses sent until then.
# 3. Fresh connections. Phase 1 again (unary calls only, for
#    ROLL_FRESH_SECONDS, every replica restarted twice, 1 s apart), behind the same
#    configuration without upstream keepalive: nginx opens a new connection
#    for every call, so every stop of a replica finds connections the
#    kernel has completed and nginx has written a call on, but the replica
#    has not accepted yet. That is the race that lost calls when a replica
#    closed its listener (deploy/nginx/README.md); examples/server takes
#    those connections and serves them before it stops listening, so none
#    may fail here either. The script prints how many it took.
#
# It prints the calls, errors, p99 latency, per-replica counts and the
# calls passed on, and ends with "nginx: N passed, N failed".
# shellcheck disable=SC2034 # PEER and SERVER_PID are read by lib.sh
PEER=nginx
# shellcheck source-path=SCRIPTDIR source=../../interop/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../interop/lib.sh"
# shellcheck source-path=SCRIPTDIR source=../replicas.sh
source "$ROOT/deploy/replicas.sh"
TEMPLATE=${ROLL_TEMPLATE:-$ROOT/deploy/nginx/grpc-proxy.conf.template}

LOAD_SECONDS=${ROLL_LOAD_SECONDS:-24}
FRESH_SECONDS=${ROLL_FRESH_SECONDS:-26}
CONCURRENCY=${ROLL_C:-50}
RATE=${ROLL_RPS:-2000} # calls per second, all replicas together
LONG_CUT_CODE=Internal # nginx resets the stream (RST_STREAM INTERNAL_ERROR)

command -v nginx >/dev/null || apt_install nginx
log "$(nginx -v 2>&1)"
log "building ghz, examples/server and callcheck"
build_tool ghz
build_server
(cd "$ROOT/deploy" && go build -o "$BIN/callcheck" ./callcheck)


start_replicas

# nginx, from the template: the {{REPLICA}} line once per replica.
NGX="$WORK/nginx"
mkdir -p "$NGX/tmp"
user=""
if [ "$(id -u)" -eq 0 ]; then
  user="user $(id -un) $(id -gn);" # else the worker would run as nobody
fi
# start_nginx PORT [nokeepalive]: nokeepalive drops the upstream keepalive
# line, so that nginx opens a connection per call (phase 3).
start_nginx() {
  local port=$1 drop=${2:-} replicas="" i
  for i in $(seq 1 "$REPLICAS"); do replicas+="127.0.0.1:${PORTS[i]} "; done
  awk -v prefix="$NGX" -v listen="127.0.0.1:$port" -v user="$user" -v replicas="$replicas" -v drop="$drop" '
    /^[[:space:]]*#/ { print; next }
    drop == "nokeepalive" && /^[[:space:]]*keepalive[[:space:]]+[0-9]+;/ { next }
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
# run_nginx [nokeepalive]: starts nginx on a free port; sets PROXY.
run_nginx() {
  PROXY=""
  for _ in $(seq 1 10); do
    start_nginx "$(pick_port)" "${1:-}" && break
  done
  [ -n "$PROXY" ] || { cat "$NGX/error.log" >&2; fail "nginx did not start"; }
  log "nginx${1:+ ($1)}: pid $NGINX_PID, $PROXY"
}
# stop_nginx: a graceful stop (SIGQUIT).
stop_nginx() { kill -QUIT "$NGINX_PID" && wait "$NGINX_PID"; }
run_nginx

busy_loops "${ROLL_BUSY:-0}"

# start_ghz SECONDS: SayHello calls through nginx, in the background;
# GHZ_PID, its output in $WORK/ghz.txt.
start_ghz() {
  timeout $(($1 + 60)) "$BIN/ghz" --insecure --call grpcexamples.greeter.v1.Greeter.SayHello \
    -d '{"name": "rolling"}' -z "${1}s" --duration-stop wait -c "$CONCURRENCY" -r "$RATE" -t 10s \
    -O summary "$PROXY" >"$WORK/ghz.txt" 2>&1 &
  GHZ_PID=$!
  track "$GHZ_PID"
}

# ghz_result: waits for ghz and reads its summary ("Count: N", "[OK] N
# responses", "99 % in X ms") into ghz_rc, calls, ok, errors, p99,
# p99unit, rps.
ghz_result() {
  ghz_rc=0
  wait "$GHZ_PID" || ghz_rc=$?
  field() { awk -v re="$1" '$0 ~ re { print $'"$2"'; exit }' "$WORK/ghz.txt"; }
  calls=$(field '^ *Count:' 2)
  ok=$(field '^ *\\[OK\\]' 2)
  p99=$(field '^ *99 % in' 4)
  p99unit=$(field '^ *99 % in' 5)
  rps=$(field '^ *Requests/sec:' 2)
  errors=$((${calls:-0} - ${ok:-0}))
  log "ghz: ${calls:-?} calls, ${ok:-0} OK, $errors failed, p99 ${p99:-?} ${p99unit:-}, ${rps:-?} calls/s"
}
ghz_ok() {
  if [ "$ghz_rc" -ne 0 ] || [ "${calls:-0}" -eq 0 ] || [ "$errors" -ne 0 ]; then
    cat "$WORK/ghz.txt" >&2
    return 1
  fi
}

# passed_on_since LINE: SayHello calls in nginx's access log after LINE
# that nginx passed on to another replica (passed_on), and how many of them
# nginx had sent some of to the replica that failed first
# (passed_after_sent, from $upstream_bytes_sent: "0, 186" for a call whose
# first attempt was refused). grpc_pass never passes on a call it has
# sent, so none may have been: the replicas' logs then count each call
# once. Then the reasons in nginx's error log, each once with its count.
passed_on_since() {
  grep -q ' sent=\[' "$NGX/access.log" ||
    log "the access log has no sent=[\$upstream_bytes_sent]: cannot tell whether a call was passed on after nginx sent it"
  read -r passed_on passed_after_sent < <(awk -v from="$1" '
    NR <= from { next }
    / sent=\[/ { seen = 1 }
    /SayHello / && /upstream=\[[^]]*, / {
      n++
      sent = $0; sub(/.* sent=\[/, "", sent); sub(/\].*/, "", sent)
      k = split(sent, b, ", ")
      for (j = 1; j < k; j++) if (b[j] + 0 > 0) { after++; break }
    }
    END { if (seen) print n + 0, after + 0; else print n + 0, "unknown" }' "$NGX/access.log")
  log "nginx: $passed_on calls went on to another replica, $passed_after_sent of them after nginx had sent them; its error log says why:"
  sed -n 's/^[^]]*\] [0-9#]*: \*[0-9]* \([^,]*\),.*/\1/p' "$NGX/error.log" | sort | uniq -c | sort -rn | head -n 5 >&2
}

# Phase 1: the rolling restart under load.
log "phase 1: $LOAD_SECONDS s of load through nginx; each replica restarted in turn, $SETTLE s apart"
start_ghz "$LOAD_SECONDS"
start_streams "$PROXY"
restart_all "$GHZ_PID"
ghz_result
stop_streams
log "$(cat "$WORK/streams.txt")"
count_served
passed_on_since 0
p1_summary="${calls:-0} calls, $errors failed, p99 ${p99:-?} ${p99unit:-}, ${rps:-?} calls/s; per replica: ${SERVED[*]}; passed on: $passed_on (after sending: $passed_after_sent); $(head -n 1 "$WORK/streams.txt")"

check "rolling restart: zero failed unary calls" ghz_ok
check "rolling restart: zero failed streaming calls" test "$streams_rc" -eq 0
check "every replica served calls before and after its restart" every_replica
check "nginx passed no call on after sending it" test "$passed_after_sent" = 0
check "replicas' logs account for every OK call once ($served_total of ${ok:-0})" test "$served_total" -eq "${ok:-0}"

# Phase 2: a long server stream whose replica drains.
# serving_replica MARKS: the replica whose log gained a ServerStream call
# since the line counts in MARKS (one per replica).
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
  "$BIN/callcheck" -addr "$PROXY" long -count "$count" -interval "$interval" -expect "$expect" >"$out" 2>&1 &
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

# Phase 3: fresh connections, behind nginx without upstream keepalive.
stop_nginx || fail "nginx did not stop gracefully"
run_nginx nokeepalive
marks=$(line_marks)
access_from=$(wc -l <"$NGX/access.log")
log "phase 3: $FRESH_SECONDS s of load through nginx, a new connection per call; each replica restarted twice, in turn, 1 s apart"
start_ghz "$FRESH_SECONDS"
restart_all "$GHZ_PID" 1 2
ghz_result
count_served "$marks"
passed_on_since "$access_from"
queued=$(queued_since "$marks")
log "the replicas, stopping, took $queued connections from the kernel's queue and served them"
p3_summary="${calls:-0} calls, $errors failed, p99 ${p99:-?} ${p99unit:-}, ${rps:-?} calls/s; passed on: $passed_on (after sending: $passed_after_sent); taken from the queue at stop: $queued"
check "fresh connections: zero failed calls" ghz_ok
check "fresh connections: nginx passed no call on after sending it" test "$passed_after_sent" = 0
check "fresh connections: replicas' logs account for every OK call once ($served_total of ${ok:-0})" test "$served_total" -eq "${ok:-0}"

# Shutdown: every replica exits 0, nginx stops gracefully (SIGQUIT).
stop_all() {
  local i
  for i in $(seq 1 "$REPLICAS"); do stop_replica "$i"; done
  stop_nginx
}
check "replicas and nginx shut down cleanly" stop_all
if grep -q '\[emerg\]\|\[alert\]' "$NGX/error.log"; then
  head -c 4000 "$NGX/error.log" >&2
fi

keep_logs
printf 'nginx rolling restart: %s\n' "$p1_summary"
printf 'nginx rolling restart, a new connection per call: %s\n' "$p3_summary"
finish
