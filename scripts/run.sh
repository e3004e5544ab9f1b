#!/usr/bin/env bash
# The main job: set up what it needs (scripts/setup.sh run: Python packages from requirements/run.txt,
# the query UI from npm; no test tools), build the graph from ontology/ and data/, print its
# statistics and serve it on 127.0.0.1:8000 (arguments go to `ksgraph serve`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh run
.venv/bin/ksgraph build
.venv/bin/ksgraph stats
exec .venv/bin/ksgraph serve "$@"
