#!/usr/bin/env bash
# buf lint and buf breaking on pb/proto (configuration and the rules it
# leaves out, with reasons: pb/proto/buf.yaml).
#
#   bash tools/buf/check.sh [REF]
#
# `buf breaking` compares the work tree's pb/proto with REF's: by default
# the last commit of main, or the commit before it when the work tree is at
# main's last commit (as in CI, on a clone of main), so that every commit
# that lands on main is checked against the one before. buf comes from the
# version pinned in tools/buf/go.mod, built into bin/.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
mkdir -p bin
(cd tools/buf && go build -o "$root/bin/buf" github.com/bufbuild/buf/cmd/buf)
echo "buf $(bin/buf --version)"

bin/buf lint pb/proto
echo "buf lint: ok"

ref=${1:-}
if [ -z "$ref" ]; then
  main=$(git rev-parse --verify -q main || git rev-parse --verify -q origin/main || true)
  if [ -z "$main" ] || [ "$(git rev-parse HEAD)" = "$main" ]; then
    ref=HEAD~1
  else
    ref=$main
  fi
fi
against=$(mktemp -d)
trap 'rm -rf "$against"' EXIT
if git cat-file -e "$ref:pb/proto" 2>/dev/null; then
  git archive "$ref" pb/proto | tar -x -C "$against"
else
  echo "buf breaking: $ref has no pb/proto; nothing to compare" >&2
  exit 0
fi
# An older revision may predate buf.yaml: compare with today's rules.
cp pb/proto/buf.yaml "$against/pb/proto/buf.yaml"
bin/buf breaking pb/proto --against "$against/pb/proto"
echo "buf breaking against $(git rev-parse --short "$ref"): ok"
