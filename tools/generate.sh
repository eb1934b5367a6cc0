#!/usr/bin/env bash
# Regenerates every *.pb.go from the .proto files under pb/ (pb/proto and
# pb/tutorial).
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

# Every file is compiled from a proto root in which its path starts with
# grpcexamples/, because that path is the name protobuf-go registers in its
# process-global registry: a generic name (pb/greeter/v1/greeter.proto,
# helloworld.proto) would panic at init in any program that also links
# another file registered under it (see DESIGN.md, "Generated code").

# Start from nothing, so a .proto file removed or renamed leaves no stale Go
# behind (CI then sees it deleted).
find pb internal/tutorialpb -name '*.pb.go' -delete

# Our own services: the .proto files sit in the proto root pb/proto; the Go
# packages stay at pb/<service>/v1, where their go_package puts them
# (paths=import, minus the module prefix).
module="github.com/seed717b8fd8/grpcexamples"
mapfile -t ours < <(find pb/proto -name '*.proto' | LC_ALL=C sort)
protoc "${plugins[@]}" -I pb/proto \
  --go_out=. --go_opt=paths=import,module="$module" \
  --go-grpc_out=. --go-grpc_opt=paths=import,module="$module" \
  "${ours[@]}"

# The tutorials' contracts stay exactly as the tutorials wrote them, at
# pb/tutorial/NAME.proto (no go_package, compiled by Python and Node users as
# they are), so their Go import paths are given here. protoc's virtual include
# mapping registers them as grpcexamples/tutorial/NAME.proto without moving
# them. This Go code is for tests and examples only: the library packages
# never import it (see DESIGN.md, "Wire contracts").
mod="$module/internal/tutorialpb"
maps=()
for f in pb/tutorial/*.proto; do
  name=$(basename "$f" .proto)
  maps+=("Mgrpcexamples/tutorial/$name.proto=$mod/$name")
done
joined=$(IFS=,; echo "${maps[*]}")
protoc "${plugins[@]}" -Igrpcexamples/tutorial=pb/tutorial \
  --go_out=internal/tutorialpb --go_opt=paths=import,module="$mod","$joined" \
  --go-grpc_out=internal/tutorialpb --go-grpc_opt=paths=import,module="$mod","$joined" \
  pb/tutorial/*.proto
