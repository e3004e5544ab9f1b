#!/usr/bin/env bash
# Set up, build the graph from ontology/ and data/, print its statistics and serve it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ksgraph build
.venv/bin/ksgraph stats
if .venv/bin/ksgraph serve --help >/dev/null 2>&1; then
  exec .venv/bin/ksgraph serve "$@"
fi
