#!/usr/bin/env bash
# Builds deploy/container/Dockerfile with buildah (no daemon, no registry)
# and checks the image. Run by .ci/run; under a minute once Go's caches
# are warm.
#
#   bash deploy/container/build.sh
#   GO_IMAGE=golang:1.26-bookworm bash deploy/container/build.sh  # a build stage from a registry
#
# No registry is reachable here, so the build stage cannot start FROM
# golang:...: unless GO_IMAGE is set, the script first makes a local image,
# localhost/grpcexamples-go, holding this machine's Go (FROM scratch, its
# GOROOT and CA certificates). The Dockerfile itself is built unchanged,
# both stages, with GO_IMAGE pointing at that image; the host's module and
# build caches are mounted into its RUN steps so that nothing is fetched or
# compiled twice. buildah runs them with chroot isolation (no OCI runtime is
# needed) on its vfs storage driver, in a storage of its own under $WORK.
#
# Then it checks the image as a container runtime would run it:
#   - its configuration: user 65532:65532, entrypoint /server, -addr=:50051;
#   - its filesystem: the static binary and CA certificates, nothing else;
#   - run as PID 1 of a new PID namespace, as user 65532, chrooted in the
#     image's filesystem (with -addr on loopback: this machine has no
#     container network), it answers health checks and a call, and on
#     SIGTERM it drains and exits 0, as `docker stop` or the kubelet
#     would see it.
# It needs root (for chroot and the PID namespace), as CI has.
PEER=container
# shellcheck source-path=SCRIPTDIR source=../../interop/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../interop/lib.sh"

IMAGE=localhost/grpcexamples-server:test
[ "$(id -u)" -eq 0 ] || fail "needs root: buildah's chroot isolation and the PID namespace of the run check"
command -v buildah >/dev/null || apt_install buildah
if ! command -v unshare >/dev/null || ! command -v chroot >/dev/null; then
  apt_install util-linux coreutils
fi
log "$(buildah --version)"

# A storage of its own, removed with $WORK: the image is for the checks.
bah() { buildah --root "$WORK/storage" --runroot "$WORK/run" --storage-driver vfs "$@"; }

# The build stage's image, from the host's Go, unless GO_IMAGE names one.
goimage=${GO_IMAGE:-}
if [ -z "$goimage" ]; then
  goimage=localhost/grpcexamples-go:local
  goroot=$(go env GOROOT)
  ctx="$WORK/go-image"
  mkdir -p "$ctx/certs" "$ctx/tmp" # go build needs a /tmp
  # Hard links where the file system allows: GOROOT is 300 MB.
  cp -al "$goroot" "$ctx/go" 2>/dev/null || cp -a "$goroot" "$ctx/go"
  rm -rf "$ctx/go/test" "$ctx/go/api" "$ctx/go/doc"
  cp /etc/ssl/certs/ca-certificates.crt "$ctx/certs/"
  cat >"$ctx/Containerfile" <<EOF
FROM scratch
COPY go /usr/local/go
COPY certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY tmp /tmp
ENV PATH=/usr/local/go/bin HOME=/root GOPATH=/go GOMODCACHE=/go/pkg/mod GOCACHE=/root/.cache/go-build GOPROXY=$(go env GOPROXY)
EOF
  log "making $goimage from $(go version | awk '{ print $3 }') at $goroot"
  bah bud --isolation chroot --quiet -t "$goimage" "$ctx" >/dev/null
fi

log "building $IMAGE from deploy/container/Dockerfile (build stage: $goimage)"
start=$SECONDS
mkdir -p "$(go env GOMODCACHE)" "$(go env GOCACHE)"
bah bud --isolation chroot --network host --layers=false \
  --build-arg "GO_IMAGE=$goimage" \
  -v "$(go env GOMODCACHE):/go/pkg/mod" -v "$(go env GOCACHE):/root/.cache/go-build" \
  --ignorefile "$ROOT/deploy/container/Dockerfile.dockerignore" \
  -f "$ROOT/deploy/container/Dockerfile" -t "$IMAGE" "$ROOT" >"$WORK/build.log" 2>&1 || {
  cat "$WORK/build.log" >&2
  fail "buildah bud failed"
}
log "built in $((SECONDS - start)) s: $(bah images --format '{{.Name}}:{{.Tag}} {{.Size}}' "$IMAGE")"

# The configuration a runtime reads.
config() {
  local got
  got=$(bah inspect --type image --format '{{.OCIv1.Config.User}} {{.OCIv1.Config.Entrypoint}} {{.OCIv1.Config.Cmd}}' "$IMAGE")
  log "config: $got"
  [ "$got" = '65532:65532 [/server] [-addr=:50051]' ]
}
check "image config: user 65532:65532, entrypoint /server, -addr=:50051" config

# Its filesystem.
ctr=$(bah from --quiet "$IMAGE")
rootfs=$(bah mount "$ctr")
files() {
  local got
  got=$(cd "$rootfs" && find . -mindepth 1 | sort | tr '\n' ' ')
  log "files: $got"
  # go version -m reads the build settings Go records in the binary.
  [ "$got" = "./etc ./etc/ssl ./etc/ssl/certs ./etc/ssl/certs/ca-certificates.crt ./server " ] &&
    go version -m "$rootfs/server" | grep -q 'CGO_ENABLED=0'

}
check "image filesystem: a static /server and the CA certificates, nothing else" files

# Run it as a runtime would: PID 1, user 65532, the image's root.
run_log="$WORK/run.log"
mkdir -p "$rootfs/proc"
unshare --pid --fork --mount --mount-proc="$rootfs/proc" \
  chroot --userspec=65532:65532 "$rootfs" /server -addr=127.0.0.1:0 2>"$run_log" &
SERVER_PID=$!
track "$SERVER_PID"
wait_for "$run_log" "msg=listening" 10 || {
  cat "$run_log" >&2
  fail "the server in the image did not start"
}
ADDR=$(sed -n 's/.*msg=listening addr=\(127\.0\.0\.1:[0-9]*\).*/\1/p' "$run_log" | head -n 1)
inner=$(awk '{ print $1 }' "/proc/$SERVER_PID/task/$SERVER_PID/children") # unshare's child
log "running: host pid $inner, $(awk '/^NSpid/ { print "pid " $3 " in its namespace" }' "/proc/$inner/status"), uid $(awk '/^Uid/ { print $2 }' "/proc/$inner/status"), $ADDR"
# shellcheck disable=SC2016 # an awk program, not shell
check "the server is PID 1 of its namespace, as user 65532" \
  awk '/^NSpid/ { ns = ($3 == 1) } /^Uid/ { uid = ($2 == 65532) } END { exit !(ns && uid) }' "/proc/$inner/status"

(cd "$ROOT" && go build -o "$BIN/interop-healthcheck" ./interop/healthcheck)
build_tool grpcurl
check "health: SERVING for the server and each service" \
  "$BIN/interop-healthcheck" -addr "$ADDR" -want SERVING "" grpcexamples.greeter.v1.Greeter \
  grpcexamples.calculator.v1.Calculator grpcexamples.keywords.v1.KeywordService grpcexamples.streaming.v1.StreamingService

greet() {
  local out
  out=$("$BIN/grpcurl" -plaintext -d '{"name": "image"}' "$ADDR" grpcexamples.greeter.v1.Greeter/SayHello) || return 1
  log "SayHello: $(tr -s '\n ' ' ' <<<"$out")"
  grep -q '"Hello, image!"' <<<"$out"
}
check "a call: greeter SayHello through reflection" greet

# SIGTERM to PID 1 (what `docker stop` and the kubelet send): it must
# drain and exit 0 by itself, which PID 1 does only if it handles the
# signal (the kernel ignores signals PID 1 has no handler for).
sigterm() {
  local rc=0 t=$SECONDS
  kill -TERM "$inner"
  wait_server || rc=$?
  log "exited $rc after $((SECONDS - t)) s: $(grep -o 'msg=stopped' "$run_log" || echo 'no "stopped" line')"
  [ "$rc" -eq 0 ] && grep -q 'msg=stopped' "$run_log"
}
check "SIGTERM to PID 1: drain, graceful stop, exit 0" sigterm
bah umount "$ctr" >/dev/null
bah rm "$ctr" >/dev/null
finish
