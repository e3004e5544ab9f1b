#!/usr/bin/env bash
# The benchmark suite in one command, on a fresh clone: set up .venv with the peers the suite
# measures (requirements/bench.txt, the locked `bench` extra: scripts/setup.sh bench), then run every stage at 10k, 100k and 1M triples (bench/run.py;
# arguments are passed on, e.g. --sizes 10k --quick). Results: bench/results/suite.{json,md,png}.
set -euo pipefail
cd "$(dirname "$0")/.."
# bench/run.py reports the whole wall time, setup included, against the 30-minute budget.
export KSGRAPH_BENCH_STARTED="$(date +%s)"
bash scripts/setup.sh bench
exec .venv/bin/python bench/run.py "$@"
