#!/usr/bin/env bash
# Vendor the query UI (YASGUI) into the package, so the endpoint serves it itself:
# no CDN, no request leaves the machine. Also installs playwright-core, which the
# end-to-end UI test uses to drive Debian's chromium.
#
# The npm tree lives in build/ui (gitignored); the files the server needs are copied to
# src/ksgraph/http/static/vendor/ (gitignored: generated). Idempotent; needs node and npm.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=build/ui
VENDOR=src/ksgraph/http/static/vendor
if ! command -v npm >/dev/null 2>&1; then
  echo "build-ui: npm is not installed (apt-get install -y nodejs npm); the query UI at / will say so" >&2
  exit 1
fi
mkdir -p "$BUILD" "$VENDOR"
cp ui/package.json ui/package-lock.json "$BUILD"/
# npm ci installs exactly the locked versions; --ignore-scripts: YASGUI needs no install scripts.
(cd "$BUILD" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
for f in yasgui.min.js yasgui.min.css; do
  cp "$BUILD/node_modules/@zazuko/yasgui/build/$f" "$VENDOR/$f"
done
cp "$BUILD/node_modules/@zazuko/yasgui/LICENSE"* "$VENDOR/" 2>/dev/null || true
echo "build-ui: YASGUI $(node -p "require('./$BUILD/node_modules/@zazuko/yasgui/package.json').version") → $VENDOR"
