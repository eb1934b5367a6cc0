# Replicas of examples/server for the rolling-restart scripts
# (nginx/rolling-restart.sh, roundrobin/rolling-restart.sh); sourced after
# interop/lib.sh, not run. It gives:
#   REPLICAS, DRAIN, GRACE, SETTLE   how many replicas, their -drain and
#                      -grace, and the seconds of load between two restarts
#   PIDS[i], PORTS[i]  replica i's process and port (i from 1)
#   start_replicas     starts them all, each on a free port below the
#                      kernel's ephemeral range; replica i logs every call
#                      (-log-level debug) to $WORK/replica$i.log, across restarts
#   start_replica I PORT, stop_replica I   one replica; stop_replica sends
#                      SIGTERM and fails unless it exits 0
#   restart_all PID [SETTLE [ROUNDS]]  restarts each replica in turn,
#                      SETTLE s apart (ROUNDS times over), and fails if the
#                      load (process PID) ended first
#   line_marks         each replica's log length now, "N1 N2 N3", for:
#   count_served [MARKS]  SERVED[i] and AFTER[i]: SayHello calls replica i's
#                      log shows finished OK (after MARKS, if given), in all
#                      and since its last restart; served_total, their sum
#   queued_since MARKS the connections the replicas took from the kernel's
#                      queue when they stopped listening, after MARKS
#   every_replica      true if every replica served calls both before and
#                      after its restart
#   start_streams ADDR, stop_streams  callcheck's streaming calls on ADDR in
#                      the background for the load (LOAD_SECONDS), output in
#                      $WORK/streams.txt; stop_streams ends them with SIGINT
#                      and sets streams_rc, callcheck's exit code
#   busy_loops N       N shell loops that spin on the CPU until the script
#                      ends, as on a loaded CI machine (stopped by PID)
#   keep_logs          copies $WORK to $ROLL_KEEP, if set, for a look later

REPLICAS=3
# Seconds of load between two restarts: less than nginx's fail_timeout
# (10 s), so that its default max_fails=1 would fail calls there.
SETTLE=${ROLL_SETTLE:-2}
DRAIN=2s # examples/server's defaults, set here for the record
GRACE=10s
declare -a PIDS PORTS SERVED AFTER

# pick_port: a random port below the ephemeral range. A port in that range
# may be taken, between a replica's exit and its restart, as the source
# port of a client's connection.
_low=$(awk '{ print $1 }' /proc/sys/net/ipv4/ip_local_port_range)
[ "$_low" -ge 13024 ] || _low=32768 # an unusual range: take the risk
pick_port() { echo $((_low - 12000 + RANDOM % 12000)); }

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

start_replicas() {
  local i
  for i in $(seq 1 "$REPLICAS"); do
    for _ in $(seq 1 10); do
      start_replica "$i" "$(pick_port)" && break
    done
    [ -n "${PORTS[i]:-}" ] || fail "replica $i found no free port"
    log "replica $i: pid ${PIDS[i]}, 127.0.0.1:${PORTS[i]}"
  done
}

# replica_addrs: "127.0.0.1:P1,127.0.0.1:P2,..."
replica_addrs() {
  local i out=""
  for i in $(seq 1 "$REPLICAS"); do out+="${out:+,}127.0.0.1:${PORTS[i]}"; done
  echo "$out"
}

restart_all() {
  local load=$1 settle=${2:-$SETTLE} rounds=${3:-1} i t
  sleep "$settle"
  for i in $(for _ in $(seq 1 "$rounds"); do seq 1 "$REPLICAS"; done); do
    t=$SECONDS
    stop_replica "$i"
    start_replica "$i" "${PORTS[i]}" || fail "replica $i could not listen on its port ${PORTS[i]} again"
    log "replica $i restarted in $((SECONDS - t)) s (new pid ${PIDS[i]})"
    sleep "$settle"
  done
  # The load must outlast the restarts, or they were not under load.
  kill -0 "$load" 2>/dev/null || fail "the load ended before the restarts did: make it longer (ROLL_LOAD_SECONDS, or ROLL_FRESH_SECONDS for nginx's phase 3)"
}

line_marks() {
  local i
  for i in $(seq 1 "$REPLICAS"); do wc -l <"$WORK/replica$i.log"; done | tr '\n' ' '
}

count_served() {
  local i marks
  read -r -a marks <<<"${1:-}"
  served_total=0
  for i in $(seq 1 "$REPLICAS"); do
    read -r "SERVED[i]" "AFTER[i]" < <(awk -v from="${marks[i - 1]:-0}" '
      NR <= from { next }
      /msg=listening/ { after = 0 }
      /msg="finished call"/ && /grpc\.method=SayHello / && /grpc\.code=OK / { all++; after++ }
      END { print all + 0, after + 0 }' "$WORK/replica$i.log")
    served_total=$((served_total + SERVED[i]))
    log "replica $i (127.0.0.1:${PORTS[i]}): ${SERVED[i]} calls, ${AFTER[i]} of them after its restart"
  done
}

queued_since() {
  local i marks n=0 q
  read -r -a marks <<<"$1"
  for i in $(seq 1 "$REPLICAS"); do
    q=$(awk -v from="${marks[i - 1]}" 'NR > from && /msg="drain over: stopped listening"/ {
      sub(/.*queued_connections=/, ""); n += $1 } END { print n + 0 }' "$WORK/replica$i.log")
    n=$((n + q))
  done
  echo "$n"
}

every_replica() {
  local i
  for i in $(seq 1 "$REPLICAS"); do
    [ "${AFTER[i]}" -gt 0 ] && [ "$((SERVED[i] - AFTER[i]))" -gt 0 ] || return 1
  done
}

start_streams() {
  timeout $((LOAD_SECONDS + 60)) "$BIN/callcheck" -addr "$1" load -max $((LOAD_SECONDS + 30))s \
    >"$WORK/streams.txt" 2>&1 &
  STREAMS_PID=$!
  track "$STREAMS_PID"
}

stop_streams() {
  kill -INT "$STREAMS_PID" 2>/dev/null || true
  streams_rc=0
  wait "$STREAMS_PID" || streams_rc=$?
}

busy_loops() {
  local k
  for k in $(seq 1 "$1"); do
    sh -c 'while :; do :; done' &
    track $!
  done
  [ "$1" -eq 0 ] || log "$1 busy loops compete for the CPU ($(nproc) cores)"
}

keep_logs() {
  if [ -n "${ROLL_KEEP:-}" ]; then
    mkdir -p "$ROLL_KEEP"
    cp -r "$WORK"/. "$ROLL_KEEP"/
  fi
}
