#!/usr/bin/env bash
# Set up and run the whole test suite, then the linter.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ruff check src tests bench
# CI runs the full load test (tests/test_load.py: 50 clients for 60 s, about 80 s in all);
# elsewhere it runs a 5-second version unless KSGRAPH_LOAD_TEST is set.
if [ -n "${CI:-}" ]; then
  export KSGRAPH_LOAD_TEST="${KSGRAPH_LOAD_TEST:-1}"
fi
.venv/bin/python -m pytest "$@"
