#!/usr/bin/env bash
# grpcurl peer, and health: examples/server driven through server reflection
# (no .proto given), then its health service through a graceful shutdown.
#
#   bash interop/grpcurl/run.sh
#
# Checks:
#  - `grpcurl list` shows every service (ours, the tutorial names, health,
#    reflection v1 and v1alpha); `list SERVICE` shows exactly the contract's
#    methods, and `describe` describes each of them;
#  - every unary method answers as the contract says, one failure answers
#    with its status code, and request metadata is echoed in the response
#    header and trailer (grpcurl -v);
#  - a failure of each service shows its AIP-193 details (grpcurl
#    -format-error prints the google.rpc.Status with its google.rpc.ErrorInfo
#    and google.rpc.BadRequest, resolved by reflection), and the status a
#    streaming control asks for shows none;
#  - reflection names each v1 file by its path in the proto root
#    (grpcexamples/<service>/v1/<service>.proto);
#  - with the .proto files instead of reflection, a v1 method answers
#    (-import-path pb/proto), and so do the tutorial names (-import-path
#    pb/tutorial);
#  - grpc.health.v1.Health/Check says SERVING for "" and every service, with
#    grpcurl and with grpc-go's health client (interop/healthcheck);
#  - Health/Watch (grpcurl and grpc-go) says SERVING, then NOT_SERVING once
#    SIGTERM starts the graceful shutdown; during the drain a new call is
#    still served and grpc-go's client-side health checking stops using the
#    server; the server then exits 0.
# Builds grpcurl from the version pinned in interop/tools/go.mod.
PEER=grpcurl
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

DRAIN=5s
log "building grpcurl, examples/server and interop/healthcheck"
build_tool grpcurl
build_server
(cd "$ROOT" && go build -o "$BIN/interop-healthcheck" ./interop/healthcheck)
start_server -tutorial-names -drain "$DRAIN"

G=("$BIN/grpcurl" -plaintext -max-time 20)
compact() { tr -d ' \n\t'; }

V1_SERVICES=(
  grpcexamples.calculator.v1.Calculator
  grpcexamples.greeter.v1.Greeter
  grpcexamples.keywords.v1.KeywordService
  grpcexamples.streaming.v1.StreamingService
)
TUTORIAL_SERVICES=(
  KeywordService bidirectional.Bidirectional calculator.Calculator greeter.Greeter
  grpctest.Grpctest helloworld.Greeter unary.Unary
)
declare -A METHODS=(
  [grpcexamples.calculator.v1.Calculator]="Add Divide Multiply Subtract"
  [grpcexamples.greeter.v1.Greeter]="SayHello SayHelloAgain"
  [grpcexamples.keywords.v1.KeywordService]="GetKeywords StreamKeywords"
  [grpcexamples.streaming.v1.StreamingService]="BidiStream ClientStream ServerStream Unary"
  [grpc.health.v1.Health]="Check List Watch"
  [grpc.reflection.v1.ServerReflection]="ServerReflectionInfo"
  [grpc.reflection.v1alpha.ServerReflection]="ServerReflectionInfo"
)

# --- reflection: list and describe ----------------------------------------
"${G[@]}" "$ADDR" list >"$WORK/list" 2>&1 || true
log "services: $(tr '\n' ' ' <"$WORK/list")"
for svc in "${V1_SERVICES[@]}" "${TUTORIAL_SERVICES[@]}" grpc.health.v1.Health \
  grpc.reflection.v1.ServerReflection grpc.reflection.v1alpha.ServerReflection; do
  check "list shows $svc" grep -qx -- "$svc" "$WORK/list"
done

methods_of() { # SERVICE: the method names reflection lists, sorted, one line
  "${G[@]}" "$ADDR" list "$1" 2>&1 | sed "s/^$1\.//" | sort | tr '\n' ' ' | sed 's/ $//'
}
describes() { # SERVICE METHOD
  "${G[@]}" "$ADDR" describe "$1.$2" 2>&1 | grep -q "rpc $2 ("
}
for svc in "${!METHODS[@]}"; do
  want=${METHODS[$svc]}
  got=$(methods_of "$svc") || true
  # Health gained List in newer grpc-go; accept it absent.
  if [ "$svc" = grpc.health.v1.Health ] && [ "$got" = "Check Watch" ]; then want="Check Watch"; fi
  check "list $svc = $want" test "$got" = "$want"
  for m in $want; do
    check "describe $svc.$m" describes "$svc" "$m"
  done
done
check "describe grpcexamples.streaming.v1.Controls" \
  bash -c '"$@" describe grpcexamples.streaming.v1.Controls | grep -q "repeated string echo_metadata = 7"' _ "${G[@]}" "$ADDR"
# Reflection hands out each file under the name protobuf-go registered it
# with: its path in the proto root pb/proto, not the old pb/<service>/v1/ one.
file_name_ok() { # SERVICE BASE: SERVICE's FileDescriptorSet names the file by its new path only
  local set="$WORK/$1.protoset"
  "${G[@]}" -protoset-out "$set" "$ADDR" describe "$1" >/dev/null 2>&1 &&
    grep -aqF "grpcexamples/$2/v1/$2.proto" "$set" && ! grep -aqF "pb/$2/v1/$2.proto" "$set" || {
    log "describe $1: its file is not named grpcexamples/$2/v1/$2.proto"
    return 1
  }
}
for svc in "${V1_SERVICES[@]}"; do
  base=${svc#grpcexamples.}
  base=${base%%.*} # calculator, greeter, ...
  check "reflection names $svc's file grpcexamples/$base/v1/$base.proto" file_name_ok "$svc" "$base"
done

# --- unary calls by reflection ---------------------------------------------
calls() { # METHOD JSON WANT_JSON: the answer, compacted, equals WANT_JSON compacted
  local out
  out=$("${G[@]}" -H 'x-interop-peer: grpcurl' -d "$2" "$ADDR" "$1" 2>&1) || {
    log "$1: $out"
    return 1
  }
  [ "$(printf '%s' "$out" | compact)" = "$(printf '%s' "$3" | compact)" ] || {
    log "$1: got $out, want $3"
    return 1
  }
}
fails_with() { # METHOD JSON CODE_NAME EXIT: grpcurl exits 64+code and names the code
  local out rc=0
  out=$("${G[@]}" -d "$2" "$ADDR" "$1" 2>&1) || rc=$?
  [ "$rc" = "$4" ] && printf '%s' "$out" | grep -q "Code: $3" || {
    log "$1: exit $rc, output $out; want exit $4 and $3"
    return 1
  }
}
C=grpcexamples.calculator.v1.Calculator
check "Add" calls $C/Add '{"a": 2, "b": 3}' '{"result": 5}'
check "Subtract" calls $C/Subtract '{"a": 2, "b": 3}' '{"result": -1}'
check "Multiply" calls $C/Multiply '{"a": -4, "b": 5}' '{"result": -20}'
check "Divide" calls $C/Divide '{"a": 17, "b": 5}' '{"quotient": 3, "remainder": 2}'
check "Divide by zero -> InvalidArgument (exit 67)" fails_with $C/Divide '{"a": 1, "b": 0}' InvalidArgument 67
check "Add overflow -> OutOfRange (exit 75)" fails_with $C/Add '{"a": 2147483647, "b": 1}' OutOfRange 75

# --- error details ------------------------------------------------------------
details() { # METHOD JSON PART...: -format-error prints the status, compacted, with each PART
  local out part
  out=$("${G[@]}" -format-error -d "$2" "$ADDR" "$1" 2>&1 | compact) || true
  for part in "${@:3}"; do
    printf '%s' "$out" | grep -qF -- "$part" || {
      log "$1: details $out lack $part"
      return 1
    }
  done
}
no_details() { # METHOD JSON: the status has no details
  local out
  out=$("${G[@]}" -format-error -d "$2" "$ADDR" "$1" 2>&1 | compact) || true
  printf '%s' "$out" | grep -q '"code":' && ! printf '%s' "$out" | grep -q '"details"' || {
    log "$1: $out"
    return 1
  }
}
DOMAIN='"domain":"grpcexamples"'
check "Divide by zero shows ErrorInfo and BadRequest" details $C/Divide '{"a": 1, "b": 0}' \
  '"@type":"type.googleapis.com/google.rpc.ErrorInfo"' "$DOMAIN" '"reason":"DIVISION_BY_ZERO"' \
  '"@type":"type.googleapis.com/google.rpc.BadRequest"' '"field":"b"'
check "Add overflow shows ErrorInfo with the exact result" details $C/Add '{"a": 2147483647, "b": 1}' \
  '"code":11' "$DOMAIN" '"reason":"INT32_OVERFLOW"' '"exactResult":"2147483648"' '"operation":"add"'
check "SayHello 300-byte name shows NAME_TOO_LONG for field name" \
  details grpcexamples.greeter.v1.Greeter/SayHello "{\"name\": \"$(printf 'x%.0s' $(seq 300))\"}" \
  "$DOMAIN" '"reason":"NAME_TOO_LONG"' '"field":"name"' '"limitBytes":"256"' '"lengthBytes":"300"'
check "GetKeywords language xx shows LANGUAGE_UNSUPPORTED for field language" \
  details grpcexamples.keywords.v1.KeywordService/GetKeywords '{"text": "x", "language": "xx"}' \
  "$DOMAIN" '"reason":"LANGUAGE_UNSUPPORTED"' '"field":"language"' '"supportedLanguages":"'
check "StreamingService/Unary payload_size over 1 MiB shows CONTROL_OUT_OF_RANGE" \
  details grpcexamples.streaming.v1.StreamingService/Unary '{"controls": {"payload_size": 2000000}}' \
  "$DOMAIN" '"reason":"CONTROL_OUT_OF_RANGE"' '"field":"controls.payload_size"' '"max":"1048576"'
check "StreamingService/Unary status asked for shows no details" \
  no_details grpcexamples.streaming.v1.StreamingService/Unary '{"controls": {"status_code": 5, "status_message": "gone"}}'
GR=grpcexamples.greeter.v1.Greeter
check "SayHello" calls $GR/SayHello '{"name": "grpcurl"}' '{"message": "Hello, grpcurl!"}'
check "SayHelloAgain" calls $GR/SayHelloAgain '{"name": "grpcurl"}' '{"message": "Hello again, grpcurl!"}'
check "SayHello empty name -> InvalidArgument" fails_with $GR/SayHello '{}' InvalidArgument 67

keywords_ok() {
  local out
  out=$("${G[@]}" -d '{"text": "Server reflection lets grpcurl call a gRPC server without its proto files; grpcurl reads the service descriptors from the server.", "max_results": 3, "id": "g1"}' \
    "$ADDR" grpcexamples.keywords.v1.KeywordService/GetKeywords 2>&1) || {
    log "GetKeywords: $out"
    return 1
  }
  log "GetKeywords: $(printf '%s' "$out" | tr -s ' \n' ' ')"
  printf '%s' "$out" | compact | grep -q '"keywords":\["[^"]' &&
    printf '%s' "$out" | compact | grep -q '"id":"g1"'
}
check "GetKeywords" keywords_ok
check "GetKeywords max_results 101 -> InvalidArgument" \
  fails_with grpcexamples.keywords.v1.KeywordService/GetKeywords '{"text": "x", "max_results": 101}' InvalidArgument 67

S=grpcexamples.streaming.v1.StreamingService
check "StreamingService/Unary" calls $S/Unary '{"message": "hi"}' '{"message": "hi", "received": true}'
check "StreamingService/Unary status_code 5 -> NotFound (exit 69)" \
  fails_with $S/Unary '{"controls": {"status_code": 5, "status_message": "gone"}}' NotFound 69
echo_ok() { # the echoed key shows in both "Response headers" and "Response trailers"
  local out
  out=$("${G[@]}" -v -H 'x-interop-a: alpha' -H 'x-interop-hidden: no' \
    -d '{"message": "md", "controls": {"echo_metadata": ["x-interop-a"]}}' "$ADDR" $S/Unary 2>&1) || return 1
  printf '%s\n' "$out" | awk '/^[A-Z]/ { h = t = 0 }
    /^Response headers received:/ { h = 1 } /^Response trailers received:/ { t = 1 }
    /^x-interop-a: alpha$/ { if (h) hs = 1; if (t) ts = 1 }
    /^x-interop-hidden/ { if (h || t) bad = 1 }
    END { exit !(hs && ts && !bad) }' || {
    log "echo: $out"
    return 1
  }
}
check "StreamingService/Unary echoes metadata in header and trailer" echo_ok
server_stream_ok() {
  local out
  out=$("${G[@]}" -d '{"message": "s", "controls": {"message_count": 3}}' "$ADDR" $S/ServerStream 2>&1) &&
    [ "$(printf '%s' "$out" | compact)" = '{"message":"s","sequence":1}{"message":"s","sequence":2}{"message":"s","sequence":3}' ] || {
    log "ServerStream: $out"
    return 1
  }
}
check "StreamingService/ServerStream 3 messages" server_stream_ok

# --- with .proto files instead of reflection --------------------------------
pcall() { # IMPORT_PATH PROTO METHOD JSON WANT
  local out
  out=$("${G[@]}" -import-path "$1" -proto "$2" -d "$4" "$ADDR" "$3" 2>&1) &&
    [ "$(printf '%s' "$out" | compact)" = "$(printf '%s' "$5" | compact)" ] || {
    log "$3: got $out, want $5"
    return 1
  }
}
# Our contracts, from their proto root.
check "v1 Calculator/Divide with -import-path pb/proto" \
  pcall "$ROOT/pb/proto" grpcexamples/calculator/v1/calculator.proto $C/Divide '{"a": 17, "b": 5}' '{"quotient": 3, "remainder": 2}'
# The tutorial names: reflection does not describe them.
tcall() { pcall "$ROOT/pb/tutorial" "$@"; } # PROTO METHOD JSON WANT
check "tutorial helloworld.Greeter/SayHello" tcall helloworld.proto helloworld.Greeter/SayHello '{"name": "x"}' '{"message": "Hello, x!"}'
check "tutorial calculator.Calculator/Add" tcall calculator.proto calculator.Calculator/Add '{"a": 1, "b": 2}' '{"result": 3}'
check "tutorial unary.Unary/GetServerResponse" tcall unary.proto unary.Unary/GetServerResponse '{"message": "m"}' \
  '{"message": "Hello I am up and running received \"m\" message from you", "received": true}'

# --- health: Check -----------------------------------------------------------
HEALTH_SERVICES=("" "${V1_SERVICES[@]}" "${TUTORIAL_SERVICES[@]}")
for svc in "${HEALTH_SERVICES[@]}"; do
  check "grpcurl Health/Check \"$svc\" SERVING" \
    calls grpc.health.v1.Health/Check "{\"service\": \"$svc\"}" '{"status": "SERVING"}'
done
check "grpcurl Health/Check unknown service -> NotFound" \
  fails_with grpc.health.v1.Health/Check '{"service": "no.such.Service"}' NotFound 69
check "grpc-go health client: Check SERVING for all" \
  timeout 30 "$BIN/interop-healthcheck" -addr "$ADDR" -want SERVING "${HEALTH_SERVICES[@]}"

# --- health: Watch through a graceful shutdown -------------------------------
WATCHED=("" "${V1_SERVICES[@]}")
watchers=()
for i in "${!WATCHED[@]}"; do
  "$BIN/grpcurl" -plaintext -max-time 60 -d "{\"service\": \"${WATCHED[$i]}\"}" "$ADDR" grpc.health.v1.Health/Watch \
    >"$WORK/watch.$i" 2>&1 &
  watchers+=($!)
  track $!
done
timeout 60 "$BIN/interop-healthcheck" -addr "$ADDR" -watch -timeout 50s "${HEALTH_SERVICES[@]}" >"$WORK/gowatch" 2>&1 &
gowatch=$!
track $gowatch
ready=1
wait_for "$WORK/gowatch" '^ready$' 20 || ready=0
for i in "${!WATCHED[@]}"; do
  wait_for "$WORK/watch.$i" '"SERVING"' 20 || ready=0
done
if [ "$ready" != 1 ]; then
  cat "$WORK"/watch.* "$WORK/gowatch" >&2
  fail "health watchers did not all report SERVING"
fi
check "grpcurl Health/Watch SERVING for every service" true

log "SIGTERM to the server (drain $DRAIN)"
t0=$(date +%s.%N)
kill -TERM "$SERVER_PID"
not_serving_soon() {
  local i
  for i in $(seq 1 40); do
    "${G[@]}" -d '{"service": ""}' "$ADDR" grpc.health.v1.Health/Check 2>/dev/null | grep -q NOT_SERVING && return 0
    sleep 0.05
  done
  return 1
}
check "grpcurl Health/Check NOT_SERVING once shutdown begins" not_serving_soon
check "a new call is still served during the drain" \
  calls $GR/SayHello '{"name": "drain"}' '{"message": "Hello, drain!"}'
for i in "${!WATCHED[@]}"; do
  check "grpcurl Health/Watch \"${WATCHED[$i]}\" SERVING -> NOT_SERVING" wait_for "$WORK/watch.$i" '"NOT_SERVING"' 10
done
gowatch_ok() {
  local rc=0
  wait "$gowatch" || rc=$?
  sed 's/^/    /' "$WORK/gowatch"
  return "$rc"
}
check "grpc-go health client: Watch and client-side health checking" gowatch_ok
# Open Watch streams would hold GracefulStop until -grace: end ours now.
for pid in "${watchers[@]}"; do kill "$pid" 2>/dev/null || true; done
server_exit() {
  local rc=0 took
  wait_server || rc=$?
  took=$(awk -v t0="$t0" -v t1="$(date +%s.%N)" 'BEGIN { printf "%.1f", t1 - t0 }')
  log "server exited $rc, ${took}s after SIGTERM"
  grep -q 'msg=stopped' "$WORK/server.log" && [ "$rc" = 0 ] &&
    # drain, then a graceful stop with no call left open: well within -grace.
    awk -v took="$took" -v limit="$((${DRAIN%s} + 3))" 'BEGIN { exit !(took < limit) }'
}
check "server stops gracefully within drain+3s and exits 0" server_exit

finish
