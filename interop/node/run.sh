#!/usr/bin/env bash
# Node peer: @grpc/grpc-js with the .proto files loaded at run time by
# @grpc/proto-loader, against examples/server.
#
#   bash interop/node/run.sh
#
# Calls every v1 method (all four streaming kinds) with a deadline and
# metadata, checks one error status per method and the echoed metadata in
# header and trailer, and calls the quick start's helloworld.Greeter.
# Then, over TLS (with bearer tokens, the example authz policy and gzip) and
# mTLS, tls_clients.js calls servers started with certificates from
# make_certs.
# Installs the versions pinned in package.json into interop/node/node_modules
# (gitignored; no lock file) when they are missing, and Debian's nodejs and
# npm when there is no node at all.
PEER=node
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
HERE="$ROOT/interop/node"

npm_pinned "$HERE"
installed() { npm_version "$HERE" "$1"; }
log "node $(node --version), @grpc/grpc-js $(installed @grpc/grpc-js), @grpc/proto-loader $(installed @grpc/proto-loader)"

log "building examples/server"
build_server
start_server -tutorial-names
check "node v1 clients" timeout 120 node "$HERE/v1_clients.js" "$ADDR"
server_exit() { stop_server; }
check "Go server exits 0 on SIGTERM" server_exit

CERTS="$WORK/certs"
make_certs "$CERTS"
tls_flags=(-tls-cert "$CERTS/server.pem" -tls-key "$CERTS/server.key")
start_server "${tls_flags[@]}" -auth-tokens "$ROOT/examples/server/auth/tokens.txt" \
  -authz-policy "$ROOT/examples/server/auth/authz-policy.json"
check "node TLS clients (tokens, authz, gzip)" timeout 120 node "$HERE/tls_clients.js" tls "$ADDR" "$CERTS"
check "Go TLS server exits 0 on SIGTERM" server_exit
start_server "${tls_flags[@]}" -tls-client-ca "$CERTS/ca.pem"
check "node mTLS clients" timeout 120 node "$HERE/tls_clients.js" mtls "$ADDR" "$CERTS"
check "Go mTLS server exits 0 on SIGTERM" server_exit

finish
