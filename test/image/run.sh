#!/usr/bin/env bash
# shellcheck disable=SC2317 # cleanup and stop_pid only run from the EXIT trap
# npm run test:image: builds the real Dockerfile on a local stand-in of its base image and checks the
# result (test/image/image.test.ts). Needs root on Debian; installs docker.io, debootstrap and
# docker-registry when missing, starts dockerd and a registry on 127.0.0.1 if none is there, and stops
# exactly what it started (by PID) on exit. See test/image/README.md.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$repo_root"

IMAGE=fastify-deploy:test
BASE_TAG=fastify-deploy-base:24-local
export IMAGE_CACHE_DIR=${IMAGE_CACHE_DIR:-/var/cache/fastify-deploy}
RESULTS_DIR=${RESULTS_DIR:-$repo_root/results}
RUN_ID="$$-$(date +%s)"

log() { echo "test:image: $*" >&2; }
die() {
  log "$*"
  exit 1
}
t_start=$(date +%s)
elapsed() { echo "$(($(date +%s) - t_start))s"; }

[[ $(id -u) == 0 ]] || die "must run as root (installs packages, starts dockerd)"

# One run at a time on a machine: the image tag, the stand-in base and a dockerd we start are shared.
mkdir -p /run/lock
exec 9>/run/lock/fastify-deploy-image-test.lock
flock -w 900 9 || die "another test:image run holds /run/lock/fastify-deploy-image-test.lock"

tmp=$(mktemp -d /tmp/fastify-deploy-image-test.XXXXXX)
dockerd_pid=""
registry_pid=""
registry=""
docker=docker

stop_pid() { # pid name seconds: SIGTERM, a bounded wait, then SIGKILL
  local pid=$1 name=$2 wait_s=$3
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < wait_s * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || {
      wait "$pid" 2>/dev/null || true
      return 0
    }
    sleep 0.1
  done
  log "$name (pid $pid) did not stop in ${wait_s}s: SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local rc=$?
  set +e
  trap - EXIT INT TERM
  if [[ -n $dockerd_pid || -S /var/run/docker.sock ]] && timeout 10 "$docker" info >/dev/null 2>&1; then
    # Containers of this run (the test file labels them), then this run's image tags. The stand-in base
    # and the build cache stay, so the next run is fast.
    mapfile -t ids < <(timeout 20 "$docker" ps -aq --filter "label=org.fastify-deploy.test=$RUN_ID")
    ((${#ids[@]} == 0)) || timeout 60 "$docker" rm -f "${ids[@]}" >/dev/null
    refs=$(timeout 20 "$docker" images --format '{{.Repository}}:{{.Tag}}' "$IMAGE")
    if [[ -n $registry ]]; then
      refs+=" $(timeout 20 "$docker" images --digests --format '{{.Repository}}@{{.Digest}}' "$registry/fastify-deploy" | grep -v '<none>$')"
      refs+=" $(timeout 20 "$docker" images --format '{{.Repository}}:{{.Tag}}' "$registry/fastify-deploy" | grep -v ':<none>$')"
    fi
    for ref in $refs; do timeout 60 "$docker" rmi -f "$ref" >/dev/null 2>&1; done
  fi
  [[ -z $registry_pid ]] || stop_pid "$registry_pid" docker-registry 10
  [[ -z $dockerd_pid ]] || stop_pid "$dockerd_pid" dockerd 30
  rm -rf "$tmp"
  log "done in $(elapsed) (exit $rc)"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
  node -e 'const s = require("node:net").createServer().listen(0, "127.0.0.1", () => {
    console.log(s.address().port); s.close(); });'
}

# 1. Tools ------------------------------------------------------------------------------------------
missing=()
command -v dockerd >/dev/null || missing+=(docker.io)
command -v debootstrap >/dev/null || missing+=(debootstrap)
command -v docker-registry >/dev/null || missing+=(docker-registry)
command -v curl >/dev/null || missing+=(curl)
if ((${#missing[@]})); then
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  timeout 300 apt-get update -qq >"$tmp/apt.log" 2>&1 || { cat "$tmp/apt.log" >&2 && die "apt-get update failed"; }
  timeout 600 apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$tmp/apt.log" 2>&1 ||
    { tail -30 "$tmp/apt.log" >&2 && die "apt-get install failed"; }
fi
[[ -x node_modules/.bin/tsx ]] || die "node_modules/.bin/tsx missing: install the project's dev dependencies first"

# 2. Engine -----------------------------------------------------------------------------------------
if ! timeout 10 docker info >/dev/null 2>&1; then
  if [[ -S /var/run/docker.sock ]] && pgrep -x dockerd >/dev/null 2>&1; then
    die "a dockerd is running but does not answer; not starting a second one"
  fi
  log "starting dockerd (log: $tmp/dockerd.log)"
  dockerd --bridge=none --iptables=false --ip-masq=false >"$tmp/dockerd.log" 2>&1 &
  dockerd_pid=$!
  for ((i = 0; i < 60; i++)); do
    timeout 5 docker info >/dev/null 2>&1 && break
    kill -0 "$dockerd_pid" 2>/dev/null || { tail -20 "$tmp/dockerd.log" >&2 && die "dockerd exited"; }
    sleep 1
  done
  timeout 5 docker info >/dev/null 2>&1 || { tail -20 "$tmp/dockerd.log" >&2 && die "dockerd did not answer in 60s"; }
fi

# 3. Registry ---------------------------------------------------------------------------------------
registry_port=$(free_port)
registry=127.0.0.1:$registry_port
mkdir -p "$tmp/registry"
cat >"$tmp/registry.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $tmp/registry
  delete:
    enabled: true
http:
  addr: $registry
EOF
docker-registry serve "$tmp/registry.yml" >"$tmp/registry.log" 2>&1 &
registry_pid=$!
for ((i = 0; i < 100; i++)); do
  curl -fsS --max-time 2 "http://$registry/v2/" >/dev/null 2>&1 && break
  kill -0 "$registry_pid" 2>/dev/null || { cat "$tmp/registry.log" >&2 && die "docker-registry exited"; }
  sleep 0.1
done
curl -fsS --max-time 2 "http://$registry/v2/" >/dev/null || die "registry did not answer on $registry"
log "registry on $registry, engine up ($(elapsed))"

# 4. Stand-in base, of the same Node major and Debian release as the Dockerfile's production default --
default_base=$(sed -n 's/^ARG RUNTIME_IMAGE=//p' Dockerfile | head -1)
[[ $default_base =~ ^node:([0-9]+)-([a-z]+)-slim ]] ||
  die "cannot read the Node major and Debian suite from RUNTIME_IMAGE=$default_base"
node_major=${BASH_REMATCH[1]}
suite=${BASH_REMATCH[2]}
log "stand-in for $default_base: Debian $suite minbase + Node $node_major"
timeout 1200 bash test/image/make-base.sh "$BASE_TAG" "$node_major" "$suite" >/dev/null
log "base ready ($(elapsed))"

# 5. Build --------------------------------------------------------------------------------------------
# BuildKit (for the Dockerfile's npm cache mounts) comes from buildx with a recent CLI, or is built into
# a 20.10 CLI such as Debian's /usr/bin/docker. Probe each client on this host; fall back to the classic
# builder with the cache mounts stripped.
build_args=(--network host --build-arg "BUILD_IMAGE=$BASE_TAG" --build-arg "RUNTIME_IMAGE=$BASE_TAG")
for v in HTTP_PROXY HTTPS_PROXY NO_PROXY http_proxy https_proxy no_proxy; do
  [[ -z ${!v:-} ]] || build_args+=(--build-arg "$v=${!v}")
done
builder=classic
mkdir -p "$tmp/probe"
printf 'FROM %s\nRUN --mount=type=cache,target=/tmp/probe true\n' "$BASE_TAG" >"$tmp/probe/Dockerfile"
clients=$(type -ap docker | xargs -n1 readlink -f | awk '!seen[$0]++')
[[ ${IMAGE_BUILDER:-auto} != classic ]] || clients="" # to exercise the fallback
for cli in $clients; do
  if probe=$(DOCKER_BUILDKIT=1 timeout 120 "$cli" build -q --network host "$tmp/probe" 2>/dev/null); then
    docker=$cli
    builder=buildkit
    timeout 30 "$docker" rmi "$probe" >/dev/null 2>&1 || true
    break
  fi
done
log "building $IMAGE with $builder ($docker)"
if [[ $builder == buildkit ]]; then
  DOCKER_BUILDKIT=1 timeout 1200 "$docker" build --progress=plain "${build_args[@]}" -t "$IMAGE" . \
    >"$tmp/build.log" 2>&1 || { tail -60 "$tmp/build.log" >&2 && die "docker build failed"; }
else
  # The classic builder knows neither cache mounts nor the automatic BUILDPLATFORM argument.
  # shellcheck disable=SC2016 # a literal $BUILDPLATFORM
  sed -E -e 's/--mount=type=cache[^ ]* //g' -e 's/^FROM --platform=\$BUILDPLATFORM /FROM /' Dockerfile \
    >"$tmp/Dockerfile.classic"
  DOCKER_BUILDKIT=0 timeout 1200 "$docker" build -f "$tmp/Dockerfile.classic" "${build_args[@]}" -t "$IMAGE" . \
    >"$tmp/build.log" 2>&1 || { tail -60 "$tmp/build.log" >&2 && die "docker build failed"; }
fi
log "built $IMAGE ($(elapsed))"

# 6. Checks -------------------------------------------------------------------------------------------
set +e
IMAGE_UNDER_TEST=$IMAGE BASE_IMAGE=$BASE_TAG REGISTRY=$registry RESULTS_DIR=$RESULTS_DIR TEST_RUN_ID=$RUN_ID \
  DOCKER=$docker SIZE_GOAL_MB=${SIZE_GOAL_MB:-40} \
  timeout 900 node_modules/.bin/tsx --test --test-reporter=tap test/image/image.test.ts
status=$?
set -e
if [[ -s $RESULTS_DIR/image-size.json ]]; then
  log "size added on top of the base: $(node -p "require('$RESULTS_DIR/image-size.json').addedMB") MB"
fi
exit "$status"
