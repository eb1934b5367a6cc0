#!/usr/bin/env bash
# Compares the keyword engine's speed and memory between a base revision and
# the work tree, side by side on this machine, and prints benchstat's table:
# time/op, docs/s, B/op and allocs/op for both, with the change in percent.
#
#   bash tools/bench/compare.sh            # base: HEAD (the last commit)
#   bash tools/bench/compare.sh main~3     # any git revision
#   COUNT=10 BENCH='ExtractAbstract' bash tools/bench/compare.sh
#
# Both sides run on one core (-cpu 1, the unit of issue 3's targets),
# alternating base and new COUNT times (default 6) so that a change in the
# machine's load hits both alike. The benchmarks read the benchmark data in
# ../shared/data/keywords; they are skipped when it is absent.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
base=${1:-HEAD}
count=${COUNT:-6}
bench=${BENCH:-Extract|StreamAbstracts}
pkg=./keywords

tmp=$(mktemp -d)
cleanup() {
  git -C "$root" worktree remove --force "$tmp/repo" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT

# The base checkout sits beside a link to ../shared, as the repo does.
git -C "$root" worktree add --detach --quiet "$tmp/repo" "$base"
ln -s "$(cd "$root/.." && pwd)/shared" "$tmp/shared"

# Build each side's test binary once, so that the runs compare code only.
(cd "$tmp/repo" && go test -c -o "$tmp/base.test" "$pkg")
(cd "$root" && go test -c -o "$tmp/new.test" "$pkg")

run() { # run SIDE DIR
  (cd "$2/keywords" && "$tmp/$1.test" -test.run '^$' -test.bench "$bench" \
    -test.benchmem -test.cpu 1 -test.count 1) >>"$tmp/$1.txt"
}
for i in $(seq "$count"); do
  printf 'run %d/%d\r' "$i" "$count" >&2
  run base "$tmp/repo"
  run new "$root"
done
printf '\n' >&2

echo "base: $(git -C "$root" rev-parse --short "$base") ($base); new: work tree"
(cd "$root/tools/bench" && go tool benchstat "base=$tmp/base.txt" "new=$tmp/new.txt")
