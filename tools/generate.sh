#!/usr/bin/env bash
# Regenerates every *.pb.go from the .proto files under pb/.
#
#   bash tools/generate.sh        (or: go generate ./... from the repo root)
#
# protoc-gen-go and protoc-gen-go-grpc come from the pinned tools module
# (tools/go.mod); protoc comes from Debian's protobuf-compiler, installed here
# when missing. Output is deterministic, so CI regenerates and fails on a diff.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

want_protoc="3.21.12"
if ! command -v protoc >/dev/null 2>&1; then
  echo "generate: protoc not found; installing Debian's protobuf-compiler" >&2
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq protobuf-compiler >/dev/null
fi
have=$(protoc --version | awk '{print $2}')
if [ "$have" != "$want_protoc" ]; then
  echo "generate: warning: protoc $have, checked-in code was made with $want_protoc; headers will differ" >&2
fi

bin="$root/bin"
mkdir -p "$bin"
(cd tools && GOBIN="$bin" go install google.golang.org/protobuf/cmd/protoc-gen-go google.golang.org/grpc/cmd/protoc-gen-go-grpc)

plugins=(--plugin=protoc-gen-go="$bin/protoc-gen-go" --plugin=protoc-gen-go-grpc="$bin/protoc-gen-go-grpc")

# Our own services: generated Go lives beside each .proto.
for dir in pb/calculator/v1 pb/greeter/v1 pb/keywords/v1 pb/streaming/v1; do
  protoc "${plugins[@]}" -I . \
    --go_out=. --go_opt=paths=source_relative \
    --go-grpc_out=. --go-grpc_opt=paths=source_relative \
    "$dir"/*.proto
done

# The tutorials' contracts stay exactly as the tutorials wrote them (no
# go_package), so their Go import paths are given here. This Go code is for
# tests and examples only: the library packages never import it (see
# DESIGN.md, "Wire contracts").
mod="github.com/seed717b8fd8/grpcexamples/internal/tutorialpb"
maps=()
for f in pb/tutorial/*.proto; do
  name=$(basename "$f" .proto)
  maps+=("M${f#pb/tutorial/}=$mod/$name")
done
joined=$(IFS=,; echo "${maps[*]}")
protoc "${plugins[@]}" -I pb/tutorial \
  --go_out=internal/tutorialpb --go_opt=paths=import,module="$mod","$joined" \
  --go-grpc_out=internal/tutorialpb --go-grpc_opt=paths=import,module="$mod","$joined" \
  pb/tutorial/*.proto
