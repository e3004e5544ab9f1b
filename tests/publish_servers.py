"""Real servers for the publishing tests, on 127.0.0.1 and free ports, stopped by pid.

Oxigraph server comes from the ``oxigraph`` wheel (dev dependency); Virtuoso and Chromium
from Debian (``scripts/test.sh`` installs both). A missing program skips its tests locally and
fails them under ``CI=true``, naming it and its install step (conftest.require).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import uvicorn
from fastapi import FastAPI

from tests.conftest import require, require_tool


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen[bytes] | None, timeout: float, log: Path | None = None) -> None:
    """Poll ``url`` until it answers (any status below 500), the process dies, or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:] if log and log.exists() else ""
            raise RuntimeError(f"server exited with {process.returncode} before answering {url}\n{tail}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=2).status_code < 500:
                return
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    """End the server this test started (its own process group), by pid."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


def oxigraph_binary() -> str:
    found = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    require("the program 'oxigraph'", Path(found).is_file(), "bash scripts/test.sh (PyPI oxigraph, in the dev lock)")
    return found


@contextlib.contextmanager
def oxigraph_server(tmp: Path, timeout_s: int | None = None) -> Iterator[str]:
    """An Oxigraph server on a fresh on-disk store; yields its base URL (``/query``, ``/update``, ``/store``).

    ``timeout_s`` stops its queries after that many seconds (a client that gave up leaves none running)."""
    port = free_port()
    log = tmp / "oxigraph.log"
    command = [oxigraph_binary(), "serve", "--location", str(tmp / "oxigraph"), "--bind", f"127.0.0.1:{port}"]
    if timeout_s is not None:
        command += ["--timeout-s", str(timeout_s)]
    with open(log, "wb") as handle:
        process = subprocess.Popen(
            command,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/query?query=ASK%7B%7D", process, 30, log)
        yield base
    finally:
        stop(process)


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
FileExtend = 200
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
Striping = 0
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
MaxClientConnections = 4
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = {dir}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
MaxClientConnections = 4
ServerThreads = 4
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
"""


@contextlib.contextmanager
def virtuoso_server(tmp: Path) -> Iterator[str]:
    """A fresh OpenLink Virtuoso (Debian's virtuoso-opensource); yields its base URL.

    Anonymous ``/sparql`` may query but not update; ``/sparql-auth`` (SPARQL Update) and
    ``/sparql-graph-crud-auth`` (Graph Store Protocol) take HTTP digest auth as dba/dba,
    the password a new database starts with.
    """
    binary = require_tool("virtuoso-t", "bash scripts/test.sh (Debian package virtuoso-opensource)")
    directory = tmp / "virtuoso"
    directory.mkdir()
    http_port, sql_port = free_port(), free_port()
    ini = directory / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(dir=directory, sql_port=sql_port, http_port=http_port), encoding="utf-8")
    log = directory / "virtuoso.log"
    process = subprocess.Popen(
        [binary, "+configfile", str(ini), "+foreground", "+wait"],
        cwd=directory,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{http_port}"
    try:
        wait_for(f"{base}/sparql?query=ASK%7B%7D", process, 90, log)
        yield base
    finally:
        stop(process)


@contextlib.contextmanager
def uvicorn_server(app: FastAPI, *, lifespan: str = "off") -> Iterator[str]:
    """``app`` on a real uvicorn server in a thread of this process; yields its base URL.

    ``lifespan="on"`` starts what the app's lifespan starts (the query workers), as ``ksgraph serve`` does."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan=lifespan))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/ontology?format=turtle", None, 30)
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=10)
