#!/usr/bin/env bash
# Python peer: Debian's python3-grpcio against examples/server, both ways.
#
#   bash interop/python/run.sh
#
# 1. Tutorial-style Python clients (stubs from pb/tutorial/*.proto) call our Go
#    server started with -tutorial-names: every tutorial method.
# 2. Python clients (stubs from pb/proto/grpcexamples/*/v1/*.proto) call every
#    v1 method with a deadline and metadata, check one error status per
#    method, and check the streaming service's echoed metadata in header and
#    trailer.
# 3. The server exits 0 on SIGTERM.
# 4. Over TLS (with bearer tokens, the example authz policy and gzip) and
#    mTLS: Python clients (tls_clients.py) call servers started with
#    certificates from make_certs.
# 5. Python tutorial servers (calculator, greeter, keywords) are called by our
#    Go typed clients with WithTutorialServer() (interop/goclient).
#
# Installs python3-grpcio, python3-protobuf, protobuf-compiler and
# protobuf-compiler-grpc with apt-get when missing. Generated Python goes to
# interop/python/gen/ (gitignored), rebuilt on every run.
PEER=python
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
HERE="$ROOT/interop/python"
PY=/usr/bin/python3 # Debian's python: the one python3-grpcio installs into

# Versions in Debian 12 (bookworm); other versions are reported, not refused.
WANT_GRPCIO=1.51.1
WANT_PROTOBUF=3.21.12

if ! [ -x "$PY" ] || ! "$PY" -c 'import grpc, google.protobuf' 2>/dev/null ||
  ! command -v protoc >/dev/null || ! [ -x /usr/bin/grpc_python_plugin ]; then
  apt_install python3 python3-grpcio python3-protobuf protobuf-compiler protobuf-compiler-grpc
fi
have_grpcio=$("$PY" -c 'import grpc; print(grpc.__version__)')
have_protoc=$(protoc --version | awk '{print $2}')
log "python $("$PY" -c 'import platform; print(platform.python_version())'), grpcio $have_grpcio, protoc $have_protoc, python3-protobuf $(deb_version python3-protobuf)"
[ "$have_grpcio" = "$WANT_GRPCIO" ] || log "note: grpcio $have_grpcio, tested with $WANT_GRPCIO"
[ "$have_protoc" = "$WANT_PROTOBUF" ] || log "note: protoc $have_protoc, tested with $WANT_PROTOBUF"

# Stubs: tutorial contracts as top-level modules (import calculator_pb2, as
# the tutorials do), v1 contracts from their proto root pb/proto, so each
# module's path is its file's (from grpcexamples.calculator.v1 import ...).
GEN="$HERE/gen"
rm -rf "$GEN"
mkdir -p "$GEN/tutorial" "$GEN/v1"
plugin=(--plugin=protoc-gen-grpc=/usr/bin/grpc_python_plugin)
(cd "$ROOT" &&
  protoc "${plugin[@]}" -I pb/tutorial --python_out="$GEN/tutorial" --grpc_out="$GEN/tutorial" pb/tutorial/*.proto &&
  protoc "${plugin[@]}" -I pb/proto --python_out="$GEN/v1" --grpc_out="$GEN/v1" pb/proto/grpcexamples/*/v1/*.proto)
export PYTHONDONTWRITEBYTECODE=1

log "building examples/server and interop/goclient"
build_server
(cd "$ROOT" && go build -o "$BIN/interop-goclient" ./interop/goclient)

# 1-3: Python clients, Go server.
start_server -tutorial-names
log "tutorial clients -> Go server"
check "python tutorial clients" env PYTHONPATH="$HERE:$GEN/tutorial" timeout 120 "$PY" "$HERE/tutorial_clients.py" "$ADDR"
log "v1 clients -> Go server"
check "python v1 clients" env PYTHONPATH="$HERE:$GEN/v1" timeout 120 "$PY" "$HERE/v1_clients.py" "$ADDR"
server_exit() { stop_server; }
check "Go server exits 0 on SIGTERM" server_exit

# 4: TLS and mTLS.
log "TLS and mTLS clients -> Go server"
CERTS="$WORK/certs"
make_certs "$CERTS"
tls_flags=(-tls-cert "$CERTS/server.pem" -tls-key "$CERTS/server.key")
auth_flags=(-auth-tokens "$ROOT/examples/server/auth/tokens.txt" -authz-policy "$ROOT/examples/server/auth/authz-policy.json")
start_server "${tls_flags[@]}" "${auth_flags[@]}"
check "python TLS clients (tokens, authz, gzip)" env PYTHONPATH="$HERE:$GEN/v1" timeout 120 "$PY" "$HERE/tls_clients.py" tls "$ADDR" "$CERTS"
check "Go TLS server exits 0 on SIGTERM" server_exit
start_server "${tls_flags[@]}" -tls-client-ca "$CERTS/ca.pem"
check "python mTLS clients" env PYTHONPATH="$HERE:$GEN/v1" timeout 120 "$PY" "$HERE/tls_clients.py" mtls "$ADDR" "$CERTS"
check "Go mTLS server exits 0 on SIGTERM" server_exit

# 5: Python servers, Go clients.
start_py_server() { # NAME: starts NAME_server.py on a free port; sets PY_ADDR
  local out="$WORK/$1.out" i
  : >"$out" # exists before the loop reads it, however late the job starts
  env PYTHONPATH="$GEN/tutorial" "$PY" "$HERE/$1_server.py" 0 >"$out" 2>&1 &
  track $!
  for i in $(seq 1 200); do
    PY_ADDR=$(sed -n 's/^listening on \(127\.0\.0\.1:[0-9]*\)$/\1/p' "$out")
    [ -n "$PY_ADDR" ] && return 0
    sleep 0.05
  done
  cat "$out" >&2
  fail "python $1 server did not start"
}
start_py_server calculator
calc_addr=$PY_ADDR
start_py_server greeter
greet_addr=$PY_ADDR
start_py_server keyword
kw_addr=$PY_ADDR
log "Go typed clients -> Python servers (calculator $calc_addr, greeter $greet_addr, keywords $kw_addr)"
check "Go clients -> Python tutorial servers" timeout 60 "$BIN/interop-goclient" \
  -calculator "$calc_addr" -greeter "$greet_addr" -keywords "$kw_addr"

finish
