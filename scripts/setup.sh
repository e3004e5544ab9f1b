#!/usr/bin/env bash
# Set everything up on a fresh machine. Idempotent; quick when nothing changed.
#  - system programs the tests drive (as root, from Debian): chromium for the browser tests,
#    Virtuoso as a second real triple store for `ksgraph push`, curl, wrk for the load test
#    (a C load generator: it leaves the 2 cores to the server under test);
#  - .venv with ksgraph and its test tools (PyPI);
#  - the query UI (YASGUI from npm), vendored into the package so no page loads a CDN.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  missing=()
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v virtuoso-t >/dev/null 2>&1 || missing+=(virtuoso-opensource)
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  command -v wrk >/dev/null 2>&1 || missing+=(wrk)
  command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]} from Debian" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[dev]'

# Rebuilt when ui/package-lock.json changed since the last build (a new package for the tests).
if [ ! -f src/ksgraph/http/static/vendor/yasgui.min.js ] || ! cmp -s ui/package-lock.json build/ui/package-lock.json; then
  bash scripts/build-ui.sh || echo "setup: the query UI could not be built; / will say so" >&2
fi
