#!/usr/bin/env bash
# Set up the tests (scripts/setup.sh test: the run setup plus chromium, Virtuoso, wrk, curl and the
# test tools pinned in requirements/dev.txt), then run the linters, the type checker and the whole suite (arguments go
# to pytest). Under CI=true a missing tool fails its tests, the only skips accepted are declared
# backend limits, and the run ends with the count of skips (tests/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
.venv/bin/ruff check src tests bench
# The layers point down (import-linter contracts in pyproject.toml, docs/ARCHITECTURE.md).
.venv/bin/lint-imports
# The types check (mypy strict, [tool.mypy] in pyproject.toml): a type error fails the run.
.venv/bin/mypy src
# CI runs the full load test (tests/http/test_load.py: 50 clients for 60 s, about 80 s in all);
# elsewhere it runs a 5-second version unless KSGRAPH_LOAD_TEST is set.
if [ -n "${CI:-}" ]; then
  export KSGRAPH_LOAD_TEST="${KSGRAPH_LOAD_TEST:-1}"
fi
.venv/bin/python -m pytest "$@"
