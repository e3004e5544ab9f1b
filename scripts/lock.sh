#!/usr/bin/env bash
# Refresh the lock files from pyproject.toml: bash scripts/lock.sh (then commit requirements/).
#   requirements/run.txt  what `ksgraph build` and `ksgraph serve` need (scripts/run.sh)
#   requirements/dev.txt  that plus the test tools, the `dev` extra (scripts/test.sh)
#   requirements/bench.txt  that plus the peers the benchmarks measure, the `bench` extra (scripts/bench.sh)
# Every pin carries its hashes, and both are resolved on PyPI itself (no local index or find-links
# of this machine), for CPython 3.11 on any platform, so they install the same on a fresh machine.
# hatchling (the build backend) is locked too: the editable install runs without build isolation.
set -euo pipefail
cd "$(dirname "$0")/.."
UV_VERSION=0.13.8  # the resolver; a newer one may write the same pins differently
TOOLS=build/lock-tools
if [ ! -x "$TOOLS/bin/uv" ] || [ "$("$TOOLS/bin/uv" --version | cut -d' ' -f2)" != "$UV_VERSION" ]; then
  echo "lock: installing uv $UV_VERSION into $TOOLS (only this script uses it)" >&2
  python3 -m venv "$TOOLS"
  "$TOOLS/bin/python" -m pip install --quiet "uv==$UV_VERSION"
fi
compile() {
  "$TOOLS/bin/uv" pip compile --quiet --universal --python-version 3.11 --generate-hashes \
    --index-url https://pypi.org/simple --no-config --custom-compile-command "bash scripts/lock.sh" "$@"
}
compile pyproject.toml requirements/build.in -o requirements/run.txt
# The run pins constrain the dev lock, so both commands install the same version of every shared package.
compile pyproject.toml requirements/build.in --extra dev -c requirements/run.txt -o requirements/dev.txt
compile pyproject.toml requirements/build.in --extra dev --extra bench -c requirements/dev.txt -o requirements/bench.txt
echo "lock: requirements/run.txt ($(grep -c '==' requirements/run.txt) pins), requirements/dev.txt ($(grep -c '==' requirements/dev.txt) pins), requirements/bench.txt ($(grep -c '==' requirements/bench.txt) pins)" >&2
