"""Shared fixtures: the real ontology and data, built once into a real on-disk store.

Also the suite's rules (tests/README.md): a missing test tool skips locally but fails under
``CI=true`` (:func:`require`); the only skips CI accepts are declared backend limits
(:func:`backend_limit`), and the run ends with their count; synchronisation polls for a condition
with a deadline (:func:`wait_until`), never sleeps; Hypothesis is derandomised under CI.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import TypeVar

import httpx
import pyoxigraph as ox
import pytest
from hypothesis import settings as hypothesis_settings

from ksgraph.changes.build import build
from ksgraph.core.settings import Settings, load_settings, project_root
from ksgraph.http.launch import running_server
from ksgraph.store.versions import GraphStore

ROOT = project_root()
SHARED = ROOT.parent / "shared"
CI = os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}
# The one kind of skip CI accepts: something a backend cannot do by design, said in the reason.
BACKEND_LIMIT = "backend limit: "
T = TypeVar("T")

# -- tools: skip locally, fail in CI ------------------------------------------------------------


def require(what: str, present: object, install: str) -> None:
    """Go on if ``present`` is truthy; else skip (locally) or fail (``CI=true``), naming ``what`` and its install."""
    if present:
        return
    message = f"{what} is missing; install: {install}"
    if CI:
        pytest.fail(f"{message} (CI=true: a missing test tool fails the run)", pytrace=False)
    pytest.skip(message)


def require_tool(name: str, install: str, *, also: tuple[str, ...] = ()) -> str:
    """The path of program ``name`` (or of the first of ``also`` found), as :func:`require` decides."""
    found = next((path for path in map(shutil.which, (name, *also)) if path), None)
    require(f"the program {name!r}", found, install)
    assert found is not None
    return found


def require_module(name: str, install: str) -> ModuleType:
    """The imported module ``name``, as :func:`require` decides when it is not installed."""
    try:
        return importlib.import_module(name)
    except ImportError:
        require(f"the Python module {name!r}", False, install)
        raise


def backend_limit(reason: str) -> None:
    """Skip what a backend cannot do by design (declared here, counted at the end, accepted by CI)."""
    pytest.skip(BACKEND_LIMIT + reason)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Under CI, a run with a skip that is not a declared backend limit fails (the summary says which)."""
    undeclared = [r for r in _skips(session.config) if not _skip_reason(r).startswith(BACKEND_LIMIT)]
    if CI and undeclared and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config) -> None:
    skips = _skips(config)
    declared = [r for r in skips if _skip_reason(r).startswith(BACKEND_LIMIT)]
    undeclared = [r for r in skips if r not in declared]
    terminalreporter.write_sep("-", "skips")
    terminalreporter.write_line(
        f"skips: {len(skips)} ({len(declared)} declared backend limits, {len(undeclared)} other)"
    )
    for report in undeclared:
        terminalreporter.write_line(f"  not a backend limit: {report.nodeid}: {_skip_reason(report)}")
    if CI and undeclared:
        terminalreporter.write_line("CI=true: the run fails, because only declared backend limits may skip", red=True)


def _skips(config: pytest.Config) -> list[pytest.TestReport]:
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    return [] if reporter is None else list(reporter.stats.get("skipped", []))


def _skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    return reason.removeprefix("Skipped: ")


# -- synchronisation: poll for a condition, with a deadline ------------------------------------


def wait_until(condition: Callable[[], T], what: str, timeout: float = 60, interval: float = 0.02) -> T:
    """Poll ``condition`` until it returns something truthy (returned); fail naming ``what`` after ``timeout`` s.

    The deadline only bounds a hang: no test asserts how fast anything happens (that is bench/'s job).
    """
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"gave up after {timeout:g} s waiting for {what}")
        time.sleep(interval)


def kill_when(process: subprocess.Popen[str] | subprocess.Popen[bytes], condition: Callable[[], bool]) -> bool:
    """SIGKILL ``process`` as soon as ``condition`` holds (or it has ended); True if it was still running then."""
    wait_until(lambda: process.poll() is not None or condition(), "the moment to kill the process", 300, 0.002)
    running = process.poll() is None
    process.send_signal(signal.SIGKILL)
    process.wait()
    return running and process.returncode == -signal.SIGKILL


# -- Hypothesis (and schemathesis, which runs on it) --------------------------------------------

# CI: the same examples on every run (derandomize), no example database carried between runs,
# and the reproduction blob printed with a failure. Locally: random, so runs explore more, and a
# failure prints the seed (--hypothesis-seed) or the blob. The health checks stay on (tests that
# exempt one say why next to it).
hypothesis_settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
hypothesis_settings.register_profile("dev", print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if CI else "dev"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """A failed Hypothesis test says how to get the same examples again."""
    outcome = yield
    report = outcome.get_result()
    test = getattr(item, "obj", None)
    if report.when == "call" and report.failed and getattr(test, "is_hypothesis_test", False):
        seed = getattr(test, "_hypothesis_internal_use_generated_seed", None)
        how = (
            f"pytest --hypothesis-seed={seed} {item.nodeid}"
            if seed is not None
            else f"the profile {hypothesis_settings.get_current_profile_name()!r} derandomises: "
            f"CI=true pytest {item.nodeid} draws the same examples"
        )
        report.sections.append(("hypothesis seed", how))


def pytest_report_header(config: pytest.Config) -> list[str]:
    profile = hypothesis_settings.get_current_profile_name()
    today = os.environ.get("KSGRAPH_TODAY") or "unset (the system date)"
    return [f"ksgraph: CI={'true' if CI else 'false'}; hypothesis profile {profile!r}; KSGRAPH_TODAY {today}"]


@pytest.fixture(scope="session")
def built_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings of a store built from the checkout's ontology and data (with reasoning). Read-only for tests."""
    settings = load_settings(tmp_path_factory.mktemp("store") / ".ksgraph")
    build(settings)
    return settings


@pytest.fixture()
def scratch_settings(tmp_path: Path, built_settings: Settings) -> Settings:
    """A private copy of the built store that a test may change."""
    target = tmp_path / ".ksgraph"
    shutil.copytree(built_settings.store_dir, target)
    return Settings(store_dir=target, root=built_settings.root)


@pytest.fixture(scope="session")
def store(built_settings: Settings) -> ox.Store:
    """The built store's published version, opened read-only in-process: one handle for the session.

    Read-only by construction (``ox.Store.read_only``): a test that changes a store makes its own
    copy (``scratch_settings``) instead.
    """
    return GraphStore(built_settings.store_dir).open_read()


def run_cli(
    *args: str,
    store: Path | None = None,
    input: str | None = None,
    timeout: float = 300,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run the real ``ksgraph`` command in a subprocess, as a user would (``env`` adds variables)."""
    env = {**os.environ, **(env or {})}
    if store is not None:
        env["KSGRAPH_STORE"] = str(store)
    return subprocess.run(
        [sys.executable, "-m", "ksgraph.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        input=input,
        timeout=timeout,
        cwd=ROOT,
    )


@contextlib.contextmanager
def serving(
    store: Path | None, log: Path, env: dict[str, str] | None = None, *, backend: str | None = None
) -> Iterator[httpx.Client]:
    """A real ``ksgraph serve`` (as a user starts it) and an HTTP client with its address as base URL."""
    with (
        running_server(store, log, {"KSGRAPH_WORKERS": "1", **(env or {})}, backend=backend) as running,
        httpx.Client(base_url=running.url, timeout=60, follow_redirects=True) as client,
    ):
        yield client


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory, built_settings: Settings) -> Iterator[httpx.Client]:
    """``ksgraph serve`` on the built store, for tests that only read: one server for the session."""
    with serving(built_settings.store_dir, tmp_path_factory.mktemp("site") / "server.log") as client:
        yield client


# -- a listener that must not be reached ---------------------------------------------------------


class Listener:
    """A TCP listener on 127.0.0.1 that counts the connections it receives.

    :meth:`close` also counts what waits in the backlog: the kernel completes a handshake
    before anyone accepts it, so once a request has been answered, any connection it caused is
    counted by close() without waiting for the accept thread.
    """

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> int:
        """Stop listening and return every connection received, the backlog included (idempotent)."""
        if not self._stop.is_set():
            self._stop.set()
            self._thread.join()
            self.sock.setblocking(False)
            while True:
                try:
                    conn, _ = self.sock.accept()
                except OSError:
                    break
                self.connections += 1
                conn.close()
            self.sock.close()
        return self.connections


@pytest.fixture()
def listener() -> Iterator[Listener]:
    """A fresh :class:`Listener` for one test, closed after it."""
    lst = Listener()
    yield lst
    lst.close()
