#!/usr/bin/env bash
# Vendor the query UI (YASGUI) into the package, so the endpoint serves it itself: no CDN, no
# request leaves the machine. `bash scripts/build-ui.sh test` also installs playwright-core (an npm
# dev dependency), which the end-to-end UI test uses to drive Debian's chromium.
#
# The npm tree lives in build/ui (gitignored); the files the server needs are copied to
# src/ksgraph/http/static/vendor/ (gitignored: generated). Idempotent: skipped while
# ui/package-lock.json is unchanged and the vendored files are there. Needs node and npm; any
# failure exits non-zero (the setup stops with it).
set -euo pipefail
cd "$(dirname "$0")/.."
KIND=${1:-run}
BUILD=build/ui
VENDOR=src/ksgraph/http/static/vendor
STAMP=$BUILD/.ksgraph-stamp
if ! command -v npm >/dev/null 2>&1; then
  echo "build-ui: npm is not installed (as root: apt-get install -y nodejs npm)" >&2
  exit 1
fi
want=$(sha256sum ui/package.json ui/package-lock.json | sha256sum | cut -c1-16)
have=$(cat "$STAMP" 2>/dev/null || true)
vendored=true
for f in yasgui.min.js yasgui.min.css; do [ -s "$VENDOR/$f" ] || vendored=false; done
# A test build (with the dev dependencies) serves a run as well; not the other way round.
if $vendored && { [ "$have" = "$want test" ] || [ "$have" = "$want $KIND" ]; }; then
  exit 0
fi
mkdir -p "$BUILD" "$VENDOR"
cp ui/package.json ui/package-lock.json "$BUILD"/
rm -f "$STAMP"
# npm ci installs exactly the locked versions; --ignore-scripts: YASGUI needs no install scripts.
if [ "$KIND" = test ]; then
  echo "build-ui: installing YASGUI (the query UI at /) and playwright-core (drives chromium in tests/http/test_ui.py) from npm" >&2
  (cd "$BUILD" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
else
  echo "build-ui: installing YASGUI from npm: the query UI that / serves" >&2
  (cd "$BUILD" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error)
fi
for f in yasgui.min.js yasgui.min.css; do
  cp "$BUILD/node_modules/@zazuko/yasgui/build/$f" "$VENDOR/$f"
done
cp "$BUILD/node_modules/@zazuko/yasgui/LICENSE"* "$VENDOR/" 2>/dev/null || true
echo "$want $KIND" >"$STAMP"
echo "build-ui: YASGUI $(node -p "require('./$BUILD/node_modules/@zazuko/yasgui/package.json').version") → $VENDOR" >&2
