"""Shared fixtures: the real ontology and data, built once into a real on-disk store."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ksgraph.changes.build import build
from ksgraph.core.settings import Settings, load_settings, project_root
from ksgraph.http.launch import running_server

ROOT = project_root()
SHARED = ROOT.parent / "shared"


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
