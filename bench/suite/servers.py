"""Named queries over HTTP: ksgraph serve and Oxigraph's server on the same store version.

The query texts, the request loop and the readiness check are bench/bench_endpoint.py's, so the
suite and that benchmark measure the same thing; only the launching differs (here each server
runs in its own process group, started from the real command, and its memory is read from /proc).
"""

from __future__ import annotations

import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from bench_endpoint import bench_text, measure

from ksgraph.http.launch import free_port
from ksgraph.sparql.catalogue import named_queries
from ksgraph.store.versions import GraphStore

from .procs import log, serving


def query_texts(queries_dir: Path) -> dict[str, str]:
    """Each named query as the plain SPARQL every server gets (prefixes, required parameters as VALUES)."""
    return {name: bench_text(q) for name, q in named_queries(queries_dir).items()}


def has_default_graph(version: Path) -> bool:
    """Whether the store version holds quads in its default graph.

    A store whose writes keep ksgraph's dataset (asserted + inferred) in the default graph is
    served as it is; one that holds named graphs only needs ``--union-default-graph``, or
    Oxigraph's default graph would be empty. Either way both servers read the same triples.
    """
    store = ox.Store.read_only(str(version))
    found = next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is not None
    del store
    return found


def _measured(server_run: Any, texts: dict[str, str], requests: int, budget: float, timeout: float) -> dict[str, Any]:
    stats = measure(server_run.url, texts, requests, budget, timeout)
    return {
        "startup_s": server_run.startup_s,
        # Read before stopping: VmHWM of the server and every worker it started.
        "peak_mib": server_run.peak_mib(),
        "processes": server_run.processes(),
        "queries": [asdict(s) for s in stats],
    }


def ksgraph_http(
    cli: Path,
    store: Path,
    env: dict[str, str],
    work: Path,
    texts: dict[str, str],
    requests: int,
    budget: float,
    timeout: float,
) -> dict[str, Any]:
    port = free_port()
    command = [str(cli), "serve", "--host", "127.0.0.1", "--port", str(port), "--store", str(store)]
    server_env = {**env, "KSGRAPH_QUERY_TIMEOUT": str(timeout), "KSGRAPH_WORKERS": str(os.cpu_count() or 2)}
    url = f"http://127.0.0.1:{port}/sparql"
    with serving("ksgraph", command, url, work / "ksgraph-serve.log", env=server_env, ready_timeout=300) as server:
        log(f"  ksgraph serve ready in {server.startup_s} s")
        return _measured(server, texts, requests, budget, timeout)


def oxigraph_http(
    binary: Path, store: Path, work: Path, texts: dict[str, str], requests: int, budget: float, timeout: float
) -> dict[str, Any]:
    version = GraphStore(store).current()
    if version is None:
        raise RuntimeError(f"no published version in {store}")
    port = free_port()
    command = [str(binary), "serve-read-only", "--location", str(version.path), "--bind", f"127.0.0.1:{port}"]
    if not has_default_graph(version.path):
        command.append("--union-default-graph")
    command += ["--timeout-s", str(int(timeout))]
    url = f"http://127.0.0.1:{port}/query"
    with serving("oxigraph", command, url, work / "oxigraph.log", ready_timeout=300) as server:
        log(f"  oxigraph server ready in {server.startup_s} s")
        return {**_measured(server, texts, requests, budget, timeout), "command": command[1:]}
