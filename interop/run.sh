#!/usr/bin/env bash
# Cross-language interop suite: runs every peer's script against
# examples/server and fails if any of them fails.
#
#   bash interop/run.sh                 # all peers
#   bash interop/run.sh python node     # some of them
#
# Peers: python (both directions, tutorial and v1 contracts), node (v1),
# grpcurl (reflection, health, graceful shutdown), ghz (bounded load),
# http (curl, grpcurl and @connectrpc/connect-node on the HTTP port).
# Each script installs what it needs when it is missing, starts its own
# server on a free 127.0.0.1 port and stops everything it started.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

peers=("$@")
[ ${#peers[@]} -gt 0 ] || peers=(python node grpcurl ghz http)

results=()
status=0
for peer in "${peers[@]}"; do
  printf '\n-- interop: %s\n' "$peer"
  start=$SECONDS
  if bash "$here/$peer/run.sh"; then
    results+=("$(printf '%-8s ok      %3ds' "$peer" $((SECONDS - start)))")
  else
    results+=("$(printf '%-8s FAILED  %3ds' "$peer" $((SECONDS - start)))")
    status=1
  fi
done

printf '\n-- interop summary\n'
printf '  %s\n' "${results[@]}"
exit "$status"
