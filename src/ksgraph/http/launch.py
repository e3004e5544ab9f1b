"""Run ``ksgraph serve`` in a child process on a free local port: for tests, benchmarks and scripts.

A real uvicorn server in its own process, so clients exercise exactly what a user runs
(HTTP parsing, lifespan, worker processes) and a crash in it cannot take the caller down.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx

from ksgraph.core.settings import child_environment


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Running:
    url: str  # http://127.0.0.1:PORT
    process: subprocess.Popen[bytes]
    log: Path
    backend: str | None = None  # the remote SPARQL endpoint it answers from (--backend), if any

    @property
    def sparql(self) -> str:
        return f"{self.url}/sparql"

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


@contextlib.contextmanager
def running_server(
    store: Path | None,
    log: Path,
    env: Mapping[str, str] | None = None,
    *,
    startup_timeout: float = 60,
    cwd: Path | None = None,
    backend: str | None = None,
) -> Iterator[Running]:
    """Start ``ksgraph serve --store STORE`` (or ``--backend URL``) on 127.0.0.1 with extra
    ``KSGRAPH_*`` settings in ``env``."""
    port = free_port()
    environment = child_environment(env)
    log.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "ksgraph.cli", "serve"]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [
                *command,
                *(["--store", str(store)] if store is not None else []),
                *(["--backend", backend] if backend else []),
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=environment,
            cwd=cwd,
        )
    running = Running(f"http://127.0.0.1:{port}", process, log, backend)
    try:
        deadline = time.monotonic() + startup_timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"ksgraph serve exited with {process.returncode}:\n{running.log_text()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{running.url}/sparql", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"ksgraph serve did not answer within {startup_timeout} s:\n{running.log_text()}")
            time.sleep(0.1)
        yield running
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
