#!/usr/bin/env bash
# HTTP peer: clients nobody here wrote, against examples/server's HTTP port
# (-http-addr): curl with the Connect protocol's JSON and with the REST
# routes, grpcurl over cleartext HTTP/2 with reflection, and Node's
# @connectrpc/connect-node (Connect JSON and binary, gRPC-Web; HTTP/1.1 and
# HTTP/2) for unary calls, server streams, errors and cancellation. Then
# over TLS with bearer tokens: curl and grpcurl.
# (connect-go's client is TestHTTPProtocolMatrix in examples/server; the
# page in Chromium is TestBrowserPage.)
#
#   bash interop/http/run.sh
#
# Installs the npm packages pinned in package.json into
# interop/http/node_modules (gitignored; no lock file) when they are missing.
PEER=http
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
HERE="$ROOT/interop/http"

npm_pinned "$HERE"
installed() { npm_version "$HERE" "$1"; }
command -v curl >/dev/null || apt_install curl

log "building grpcurl and examples/server"
build_tool grpcurl
build_server

# http_addr: the HTTP port's address, from the server's log.
http_addr() {
  sed -n 's/.*msg="http listening" addr=\(127\.0\.0\.1:[0-9]*\).*/\1/p' "$WORK/server.log" | head -n 1
}

start_server -http-addr 127.0.0.1:0
H=$(http_addr)
[ -n "$H" ] || fail "no http listening line in the server's log"
log "HTTP port $H"
B="http://$H"

# want NAME EXPECTED_STATUS BODY_PATTERN curl-args...: the status and a
# fixed string of the body.
want() {
  local name=$1 status=$2 pattern=$3 out code
  shift 3
  out=$(curl -sS --max-time 20 -w '\n%{http_code}' "$@" 2>&1) || {
    log "$name: curl failed: $out"
    return 1
  }
  code=${out##*$'\n'}
  out=${out%$'\n'*}
  out=$(printf '%s' "$out" | tr -d ' \n')
  if [ "$code" != "$status" ] || [[ $out != *"$pattern"* ]]; then
    log "$name: got $code $out; want $status and $pattern"
    return 1
  fi
}
CJ=(-H 'Content-Type: application/json' -H 'Connect-Protocol-Version: 1')
check "curl REST GET /v1/calculator/add" want add 200 '{"result":5}' "$B/v1/calculator/add?a=2&b=3"
check "curl REST GET /v1/greeter/hello/{name}" want hello 200 '{"message":"Hello,curl!"}' "$B/v1/greeter/hello/curl"
check "curl REST POST /v1/keywords:extract" want keywords 200 '"keyphrases":[{"text":"' \
  -H 'Content-Type: application/json' -d '{"text": "gRPC-Web lets browsers call gRPC services. gRPC uses HTTP/2.", "maxResults": 3}' \
  "$B/v1/keywords:extract"
check "curl REST error is a google.rpc.Status with details" want divide0 400 \
  '"reason":"DIVISION_BY_ZERO","domain":"grpcexamples"' "$B/v1/calculator/divide?a=1&b=0"
check "curl REST 300-byte name names the field" want longname 400 '"field":"name"' \
  "$B/v1/greeter/hello/$(printf 'x%.0s' $(seq 300))"
check "curl Connect JSON Divide" want cdivide 200 '{"quotient":3,"remainder":2}' "${CJ[@]}" \
  -d '{"a": 17, "b": 5}' "$B/grpcexamples.calculator.v1.Calculator/Divide"
check "curl Connect JSON error with debug details" want cerr 400 '"code":"invalid_argument"' "${CJ[@]}" \
  -d '{"a": 1, "b": 0}' "$B/grpcexamples.calculator.v1.Calculator/Divide"
check "curl Connect JSON health Check" want health 200 '{"status":"SERVING"}' "${CJ[@]}" \
  -d '{}' "$B/grpc.health.v1.Health/Check"
check "curl the page" want page 200 '<title>grpcexamplesinthebrowser</title>' "$B/"

G=("$BIN/grpcurl" -plaintext -max-time 20)
grpcurl_ok() { # METHOD JSON WANT (compacted)
  local out
  out=$("${G[@]}" -d "$2" "$H" "$1" 2>&1) && [ "$(printf '%s' "$out" | tr -d ' \n\t')" = "$3" ] || {
    log "grpcurl $1: $out"
    return 1
  }
}
check "grpcurl -plaintext (HTTP/2) list through the HTTP port" \
  bash -c '"$@" list | grep -qx grpcexamples.greeter.v1.Greeter' _ "${G[@]}" "$H"
check "grpcurl -plaintext SayHello through the HTTP port" \
  grpcurl_ok grpcexamples.greeter.v1.Greeter/SayHello '{"name": "h2c"}' '{"message":"Hello,h2c!"}'
check "grpcurl -plaintext ServerStream through the HTTP port" \
  grpcurl_ok grpcexamples.streaming.v1.StreamingService/ServerStream '{"message": "s", "controls": {"message_count": 2}}' \
  '{"message":"s","sequence":1}{"message":"s","sequence":2}'

# The services' schemas for Node, from reflection on the gRPC port: one
# FileDescriptorSet per service, concatenated (protobuf's encoding merges
# the repeated field of files).
: >"$WORK/services.protoset"
for svc in grpcexamples.calculator.v1.Calculator grpcexamples.greeter.v1.Greeter grpcexamples.streaming.v1.StreamingService; do
  "${G[@]}" -protoset-out "$WORK/one.protoset" "$ADDR" describe "$svc" >/dev/null
  cat "$WORK/one.protoset" >>"$WORK/services.protoset"
done
log "node $(node --version), @connectrpc/connect-node $(installed @connectrpc/connect-node)"
check "node @connectrpc/connect-node: Connect and gRPC-Web, HTTP/1.1 and HTTP/2" \
  timeout 120 node "$HERE/clients.mjs" "$B" "$WORK/services.protoset"
server_exit() { stop_server; }
check "server exits 0 on SIGTERM" server_exit

# TLS and bearer tokens on the HTTP port.
CERTS="$WORK/certs"
make_certs "$CERTS"
start_server -tls-cert "$CERTS/server.pem" -tls-key "$CERTS/server.key" -http-addr 127.0.0.1:0 \
  -auth-tokens "$ROOT/examples/server/auth/tokens.txt"
H=$(http_addr)
B="https://$H"
TLS=(--cacert "$CERTS/ca.pem")
check "curl over TLS without a token: 401" want notoken 401 '"code":16' "${TLS[@]}" "$B/v1/greeter/hello/x"
check "curl over TLS with a token" want token 200 '{"message":"Hello,x!"}' "${TLS[@]}" \
  -H 'Authorization: Bearer fake-demo-token-bob-11111111' "$B/v1/greeter/hello/x"
check "curl over TLS, HTTP/2, Connect JSON with a token" want h2 200 '{"result":3}' "${TLS[@]}" --http2 \
  "${CJ[@]}" -H 'Authorization: Bearer fake-demo-token-alice-00000000' -d '{"a": 1, "b": 2}' \
  "$B/grpcexamples.calculator.v1.Calculator/Add"
check "grpcurl over TLS through the HTTP port with a token" \
  bash -c '"$@" | tr -d " \n" | grep -qx "{\"message\":\"Hello,tls!\"}"' _ "$BIN/grpcurl" -max-time 20 \
  -cacert "$CERTS/ca.pem" -H 'authorization: Bearer fake-demo-token-bob-11111111' -d '{"name": "tls"}' \
  "$H" grpcexamples.greeter.v1.Greeter/SayHello
check "TLS server exits 0 on SIGTERM" server_exit

finish
