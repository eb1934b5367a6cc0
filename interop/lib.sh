# Shared helpers for the interop scripts; sourced, not run.
#
# Every script that sources this file gets:
#   ROOT, BIN          the repository root and its gitignored bin/ directory
#   WORK               a fresh temporary directory, removed on exit
#   log, fail          messages prefixed with the script's PEER name
#   check NAME CMD...  runs CMD; counts a pass or records a failure (never exits)
#   finish             prints the tally and exits non-zero if any check failed
#   apt_install PKG... installs Debian packages (apt-get update first, once)
#   build_server       builds examples/server into bin/server
#   start_server FLAG...  starts bin/server on a free loopback port (127.0.0.1:0)
#                      and sets SERVER_PID and ADDR from its "listening" log line
#   stop_server, wait_server  SIGTERM and/or a bounded wait; return its exit code
#   build_tool NAME    builds grpcurl or ghz, as pinned in interop/tools/go.mod
#   wait_for FILE PATTERN SECONDS  polls until FILE matches PATTERN
#   deb_version PKG    the installed Debian package's upstream version
#   track PID          kills PID on exit (everything a script starts is tracked)
#   npm_pinned DIR     installs Node and npm when missing, and DIR's
#                      package.json dependencies into DIR/node_modules (no
#                      lock file) unless those versions are there
#   npm_version DIR PKG  the version of PKG installed in DIR/node_modules
#   make_certs DIR     writes a throwaway CA, server and client certificates
#                      into DIR (internal/testcerts/mkcerts) for TLS and mTLS
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN="$ROOT/bin"
PEER=${PEER:-interop}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/grpcexamples-$PEER.XXXXXX")
PASSED=0
FAILED=()
TRACKED=()

log() { printf '[%s] %s\n' "$PEER" "$*" >&2; }
fail() {
  log "FAIL: $*"
  exit 1
}

check() {
  local name=$1
  shift
  if "$@"; then
    PASSED=$((PASSED + 1))
  else
    FAILED+=("$name")
    log "FAIL: $name"
  fi
}

finish() {
  local n=${#FAILED[@]}
  printf '%s: %d passed, %d failed\n' "$PEER" "$PASSED" "$n"
  if [ "$n" -gt 0 ]; then
    printf '  failed: %s\n' "${FAILED[@]}"
    exit 1
  fi
}

track() { TRACKED+=("$1"); }

_cleanup() {
  local pid live
  # Only our own background jobs still running: a PID already waited for
  # may belong to someone else by now.
  live=" $(jobs -p | tr '\n' ' ') "
  for pid in "${TRACKED[@]}"; do
    if [[ $live == *" $pid "* ]]; then
      kill "$pid" 2>/dev/null || true
    fi
  done
  for pid in "${TRACKED[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap _cleanup EXIT

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  else
    sudo "$@"
  fi
}

_apt_updated=""
apt_install() {
  if [ -z "$_apt_updated" ]; then
    log "apt-get update"
    as_root apt-get update -qq
    _apt_updated=1
  fi
  log "apt-get install $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# Debian package version (upstream part), or empty when not installed.
deb_version() {
  { dpkg-query -W -f='${db:Status-Abbrev} ${Version}\n' "$1" 2>/dev/null || true; } |
    awk '$1 == "ii" { v = $2; sub(/^[0-9]+:/, "", v); sub(/-[^-]*$/, "", v); print v }'
}

build_server() {
  mkdir -p "$BIN"
  (cd "$ROOT" && go build -o "$BIN/server" ./examples/server)
}

# start_server FLAG...: the server logs to $WORK/server.log.
SERVER_PID=""
ADDR=""
start_server() {
  local logf="$WORK/server.log" i
  : >"$logf"
  "$BIN/server" -addr 127.0.0.1:0 "$@" 2>"$logf" &
  SERVER_PID=$!
  track "$SERVER_PID"
  for i in $(seq 1 200); do
    ADDR=$(sed -n 's/.*msg=listening addr=\(127\.0\.0\.1:[0-9]*\).*/\1/p' "$logf" | head -n 1)
    if [ -n "$ADDR" ]; then
      log "server $SERVER_PID listening on $ADDR${*:+ ($*)}"
      return 0
    fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      cat "$logf" >&2
      fail "server exited before listening"
    fi
    sleep 0.05
  done
  cat "$logf" >&2
  fail "server did not log its listening address within 10s"
}

# stop_server: SIGTERM, then wait_server.
stop_server() {
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  wait_server
}

# wait_server: waits (at most 30s, then SIGKILL) for the server to exit and
# returns its exit code.
wait_server() {
  local i
  for i in $(seq 1 300); do
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$SERVER_PID" 2>/dev/null; then
    log "server did not exit within 30s of SIGTERM; killing it"
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  local rc=0
  wait "$SERVER_PID" || rc=$?
  return "$rc"
}

# build_tool grpcurl|ghz: builds the version pinned in interop/tools/go.mod
# into bin/ (a separate module, so the codegen pins in tools/go.mod stay as
# they are). Go's build cache makes later runs quick.
build_tool() {
  local name=$1 pkg mod version
  case $name in
  grpcurl) mod=github.com/fullstorydev/grpcurl pkg=$mod/cmd/grpcurl ;;
  ghz) mod=github.com/bojand/ghz pkg=$mod/cmd/ghz ;;
  *) fail "build_tool: unknown tool $name" ;;
  esac
  mkdir -p "$BIN"
  version=$(cd "$ROOT/interop/tools" && go list -m -f '{{.Version}}' "$mod")
  (cd "$ROOT/interop/tools" && go build -ldflags "-X main.version=$version" -o "$BIN/$name" "$pkg")
  log "$name $version"
}

# make_certs DIR: a CA (ca.pem), a server certificate for localhost,
# 127.0.0.1 and ::1 (server.pem, server.key), a client certificate it issued
# (client.pem, client.key: CN=interop-client) and one from another CA
# (stranger.pem, stranger.key), all valid for a day. Made with Go's
# crypto/x509 by the same code as the Go tests', so no openssl is needed.
make_certs() {
  mkdir -p "$1"
  (cd "$ROOT" && go run ./internal/testcerts/mkcerts -dir "$1")
}

# wait_for FILE PATTERN SECONDS: waits until grep -q PATTERN FILE succeeds.
wait_for() {
  local file=$1 pattern=$2 n=$(($3 * 20))
  for _ in $(seq 1 "$n"); do
    grep -q -- "$pattern" "$file" 2>/dev/null && return 0
    sleep 0.05
  done
  return 1
}

# npm_version DIR PKG: the version of PKG in DIR/node_modules, or empty.
npm_version() {
  node -e 'try { console.log(require(process.argv[1] + "/package.json").version) } catch (e) {}' \
    "$1/node_modules/$2" 2>/dev/null
}

# npm_pinned DIR: DIR/package.json's dependencies, at their pinned
# versions, in DIR/node_modules.
npm_pinned() {
  local dir=$1 pkg want stale=""
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    apt_install nodejs npm
  fi
  for pkg in $(node -e 'console.log(Object.keys(require(process.argv[1]).dependencies).join(" "))' "$dir/package.json"); do
    want=$(node -e 'console.log(require(process.argv[1]).dependencies[process.argv[2]])' "$dir/package.json" "$pkg")
    [ "$(npm_version "$dir" "$pkg")" = "$want" ] || stale=1
  done
  if [ -n "$stale" ]; then
    log "npm install (pinned in $(basename "$dir")/package.json)"
    (cd "$dir" && npm install --no-package-lock --no-audit --no-fund --loglevel=error >/dev/null)
  fi
}
