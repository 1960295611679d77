#!/usr/bin/env bash
# npm run test:proxy: the app behind a real reverse proxy (app/test/proxy/rolling-replace.test.ts, and
# weighted-canary.test.ts: a weighted canary stepped 0 → 10 → 100 % with reloads, then the old version drained).
# Installs Debian's nginx-light when no nginx is on the PATH (without letting the package start its
# system service), then runs the test, which starts its own nginx (own prefix, config and loopback
# ports, in the foreground) and stops exactly the processes it started.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
cd "$repo_root"

log() { echo "test:proxy: $*" >&2; }

if ! command -v nginx >/dev/null 2>&1 && [[ ! -x /usr/sbin/nginx ]]; then
  [[ $(id -u) == 0 ]] || {
    log "nginx is missing and only root can install it: apt-get install nginx-light"
    exit 1
  }
  log "installing nginx-light"
  # The package's postinst would start nginx as a system service on port 80: policy-rc.d (exit 101)
  # tells invoke-rc.d not to. Only a file this script created is removed again.
  created_policy=""
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    created_policy=1
  fi
  trap '[[ -z $created_policy ]] || rm -f /usr/sbin/policy-rc.d' EXIT
  export DEBIAN_FRONTEND=noninteractive
  timeout 300 apt-get update -qq
  timeout 300 apt-get install -y -qq --no-install-recommends nginx-light >/dev/null
fi

NGINX=$(command -v nginx || echo /usr/sbin/nginx)
export NGINX
log "$("$NGINX" -v 2>&1)"
timeout 600 node_modules/.bin/tsx --test app/test/proxy/rolling-replace.test.ts app/test/proxy/weighted-canary.test.ts
# Issue 31: trace continuity through nginx (same trace id in nginx's log, the app's span and its log).
timeout 300 node_modules/.bin/tsx --test app/test/proxy/trace-continuity.test.ts
