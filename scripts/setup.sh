#!/usr/bin/env bash
# Set up what one of the two commands needs, and nothing more:
#   bash scripts/setup.sh run   the graph and its endpoint (scripts/run.sh): Python packages from
#                               requirements/run.txt into .venv, the query UI (YASGUI) from npm
#   bash scripts/setup.sh test  that plus the test tools (scripts/test.sh): Debian's chromium,
#                               virtuoso-opensource, wrk and curl; requirements/dev.txt; playwright-core
#   bash scripts/setup.sh bench the run setup plus what the benchmarks measure against (scripts/bench.sh):
#                               Debian's wrk; requirements/bench.txt (the dev lock and the peers:
#                               the oxigraph server, rdflib-endpoint, pyshifty, pyrudof, matplotlib)
# Idempotent, and quick when nothing changed: each step keeps a stamp of what it installed from
# (the lock file's hash) and is skipped while that matches. Every install says what and why, on one
# line. A step that fails stops the setup (set -e), the UI build included.
set -euo pipefail
cd "$(dirname "$0")/.."
KIND=${1:-test}
case "$KIND" in run | test | bench) ;; *) echo "setup: usage: bash scripts/setup.sh run|test|bench" >&2; exit 2 ;; esac
PY=${PYTHON:-python3}
say() { echo "setup: $*" >&2; }
die() { echo "setup: $*" >&2; exit 1; }
stamp_of() { sha256sum "$@" | sha256sum | cut -c1-16; }

# -- system programs (test only) ----------------------------------------------------------------
# What each is for; the tests that need one fail under CI=true when it is missing (tests/README.md).
apt_install() {  # apt_install WHY PACKAGE...
  local why=$1; shift
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    die "needs the Debian packages $* ($why); install them as root: apt-get install -y --no-install-recommends $*"
  fi
  say "installing $* from Debian: $why"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
if [ "$KIND" = test ]; then
  command -v chromium >/dev/null 2>&1 || apt_install "the browser tests render pages in headless Chromium" chromium
  command -v virtuoso-t >/dev/null 2>&1 ||
    apt_install "a second real triple store for ksgraph push and the remote backend" virtuoso-opensource
  command -v wrk >/dev/null 2>&1 || apt_install "the load test's client (C, so it leaves the cores to the server)" wrk
  command -v curl >/dev/null 2>&1 || apt_install "tests/http/test_publish_resources.py fetches a page with curl, as a user would" curl
  command -v soffice >/dev/null 2>&1 ||
    apt_install "a real spreadsheet program opens the exported templates (tests/security/test_hostile_import.py)" libreoffice-calc-nogui
fi
if [ "$KIND" = bench ]; then
  command -v wrk >/dev/null 2>&1 || apt_install "the HTTP benchmark's load generator (C, so it leaves the cores to the servers)" wrk
fi
# The query UI is built with npm for both commands (the endpoint serves it at /).
command -v npm >/dev/null 2>&1 || apt_install "npm builds the query UI (YASGUI) that / serves" nodejs npm

# -- Python packages, from the lock ---------------------------------------------------------------
"$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' ||
  die "needs Python >= 3.11 ($("$PY" --version 2>&1) found); set PYTHON=/path/to/python3.11"
LOCK=requirements/run.txt
[ "$KIND" = test ] && LOCK=requirements/dev.txt
[ "$KIND" = bench ] && LOCK=requirements/bench.txt
if [ ! -x .venv/bin/python ]; then
  say "creating .venv with $("$PY" --version)"
  "$PY" -m venv .venv
fi
# A test setup's packages include the run setup's (dev.txt is constrained by run.txt).
want=$(stamp_of "$LOCK" pyproject.toml)
have=$(cat ".venv/.ksgraph-$KIND" 2>/dev/null || true)
if [ "$want" != "$have" ]; then
  say "installing the Python packages pinned in $LOCK (hash-checked), then ksgraph itself (editable)"
  # The venv's own pip is used as it is: no unpinned upgrade.
  .venv/bin/python -m pip install --quiet --require-hashes --no-deps -r "$LOCK"
  .venv/bin/python -m pip install --quiet --no-deps --no-build-isolation -e .
  .venv/bin/python -m pip check >/dev/null || die "the installed packages conflict: .venv/bin/python -m pip check"
  rm -f .venv/.ksgraph-run .venv/.ksgraph-test .venv/.ksgraph-bench
  echo "$want" >".venv/.ksgraph-$KIND"
  # Installing dev.txt installed every run.txt pin too, and bench.txt every dev.txt pin.
  if [ "$KIND" != run ]; then stamp_of requirements/run.txt pyproject.toml >.venv/.ksgraph-run; fi
  if [ "$KIND" = bench ]; then stamp_of requirements/dev.txt pyproject.toml >.venv/.ksgraph-test; fi
fi

# -- the query UI --------------------------------------------------------------------------------
# The benchmarks serve the graph but drive no browser: the run build of the UI.
bash scripts/build-ui.sh "$([ "$KIND" = bench ] && echo run || echo "$KIND")"
