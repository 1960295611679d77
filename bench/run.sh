#!/usr/bin/env bash
# npm run bench: build the app, make sure the Flask baseline can run, then hand over to
# bench/bench.mts, which starts every server, drives the load and prints the report.
# Exit code: 0 when the report was produced (even if a target is missed), non-zero when
# something crashed or could not be measured.
set -euo pipefail
cd "$(dirname "$0")/.."

mkdir -p results/logs
PIDS_FILE=results/.bench-pids
rm -f "$PIDS_FILE"

cleanup() {
  # Second line of defence: bench.mts kills its children itself, but if it was killed hard the
  # process groups it recorded are still reachable from here.
  if [[ -f $PIDS_FILE ]]; then
    while read -r pid; do
      if [[ -n $pid ]]; then kill -KILL -- "-$pid" 2>/dev/null || true; fi
    done <"$PIDS_FILE"
    rm -f "$PIDS_FILE"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- the app, built exactly as the image builds it
if [[ -f app/src/server.ts ]]; then
  echo "bench: npm run build"
  npm run build --silent
else
  echo "bench: WARNING app/src/server.ts does not exist yet; app figures will be unavailable" >&2
fi

# ---- Flask + gunicorn from Debian packages (the seed-style baseline)
find_flask_python() {
  local py
  for py in /usr/bin/python3 python3; do
    if command -v "$py" >/dev/null 2>&1 && "$py" -c 'import flask, gunicorn' >/dev/null 2>&1; then
      command -v "$py"
      return 0
    fi
  done
  return 1
}

FLASK_UNAVAILABLE=""
if ! FLASK_PYTHON=$(find_flask_python); then
  FLASK_PYTHON=""
  if command -v apt-get >/dev/null 2>&1 && [[ $(id -u) -eq 0 ]]; then
    echo "bench: Flask/gunicorn missing; apt-get install python3-flask gunicorn (log: results/logs/apt.log)"
    if ! {
      timeout 300 apt-get update &&
        DEBIAN_FRONTEND=noninteractive timeout 300 apt-get install -y --no-install-recommends \
          python3-flask gunicorn
    } >results/logs/apt.log 2>&1; then
      echo "bench: apt-get failed (see results/logs/apt.log)" >&2
    fi
    FLASK_PYTHON=$(find_flask_python) || FLASK_PYTHON=""
  fi
  if [[ -z $FLASK_PYTHON ]]; then
    FLASK_UNAVAILABLE="python3-flask/gunicorn not installed and could not be installed with apt-get"
    echo "bench: WARNING $FLASK_UNAVAILABLE; Flask figures will be reported as unavailable" >&2
  fi
fi
export FLASK_PYTHON FLASK_UNAVAILABLE

# ---- the driver; it pins servers and the load generator to separate cores itself. The driver
# only polls during start-up timing, so it sits on the load generator's core, away from servers.
driver=(node --import tsx bench/bench.mts)
if [[ $(nproc) -ge 2 ]] && command -v taskset >/dev/null 2>&1; then
  driver=(taskset -c 1 "${driver[@]}")
fi
status=0
"${driver[@]}" || status=$?
exit "$status"
