"""The rdflib peers, run as one child process: rdflib in memory, and rdflib-endpoint over HTTP.

    python bench/suite/rdflib_peer.py --nquads all.nq --queries queries.json --output peer.json

Loads the N-Quads into an rdflib ``Dataset(default_union=True)`` exactly as ``rdflib-endpoint
serve`` does, once. Then:

- in memory: each query runs once in a fork of the loaded process, killed at ``--cap`` seconds, so a
  query that runs away is a clean "> cap" and cannot slow the next one;
- over HTTP: rdflib-endpoint's own app (``SparqlEndpoint``, the one ``rdflib-endpoint serve`` runs)
  served by uvicorn from a fork. Its handler evaluates a query on the event loop, so after a client
  timeout the server stays busy with that query and every later request queues behind it; a fork
  replaces it in a second, where a fresh ``rdflib-endpoint serve`` would spend minutes reloading.

Queries the in-memory run did not finish within its cap are not sent over HTTP: the endpoint runs
the same engine on the same dataset, plus HTTP, so the in-memory cap is a lower bound for it too.
Writes one JSON document; progress goes to stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import resource
import select
import signal
import statistics
import sys
import time
from pathlib import Path
from typing import Any

# bench/ (for bench_endpoint), not this script's own directory, whose modules are the suite's, not top-level ones.
sys.path[0] = str(Path(__file__).resolve().parents[1])

import httpx  # noqa: E402
from bench_endpoint import ask, percentile  # noqa: E402
from rdflib import Dataset  # noqa: E402

from ksgraph.http.launch import free_port  # noqa: E402


def say(message: str) -> None:
    print(f"  rdflib: {message}", file=sys.stderr, flush=True)


def self_peak_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def in_memory(dataset: Dataset, name: str, text: str, cap: float) -> dict[str, Any]:
    """One query in a fork: its seconds and rows, or "> cap"."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the fork: answer and leave without running any of the parent's cleanup
        os.close(read)
        try:
            started = time.perf_counter()
            result = dataset.query(text)
            rows = 1 if result.type == "ASK" else len(list(result))
            answer = {"seconds": round(time.perf_counter() - started, 4), "rows": rows}
        except Exception as exc:
            answer = {"error": f"{type(exc).__name__}: {str(exc).splitlines()[0][:160] if str(exc) else ''}"}
        os.write(write, json.dumps(answer).encode())
        os._exit(0)
    os.close(write)
    ready, _, _ = select.select([read], [], [], cap)
    if ready:
        chunks = []
        while chunk := os.read(read, 65536):
            chunks.append(chunk)
        answer = json.loads(b"".join(chunks) or b'{"error": "the fork died"}')
    else:
        os.kill(pid, signal.SIGKILL)
        answer = {"error": f"> {cap:g} s", "capped": True}
    os.close(read)
    _, _, usage = os.wait4(pid, 0)
    answer["peak_mib"] = round(usage.ru_maxrss / 1024, 1)
    return {"query": name, **answer}


class Endpoint:
    """rdflib-endpoint's app in a fork of this process, on a free loopback port."""

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self.pid = 0
        self.url = ""
        self.peak = 0.0  # the largest VmHWM of any fork so far

    def start(self, timeout: float = 60) -> float:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}/"
        started = time.monotonic()
        pid = os.fork()
        if pid == 0:
            try:
                import uvicorn
                from rdflib_endpoint import SparqlEndpoint

                uvicorn.run(SparqlEndpoint(graph=self.dataset), host="127.0.0.1", port=port, log_level="warning")
            finally:
                os._exit(0)
        self.pid = pid
        while time.monotonic() - started < timeout:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.post(self.url, data={"query": "ASK {}"}, timeout=5).status_code == 200:
                    return time.monotonic() - started
            time.sleep(0.1)
        raise RuntimeError(f"rdflib-endpoint fork did not answer within {timeout} s")

    def peak_mib(self) -> float:
        with contextlib.suppress(OSError), open(f"/proc/{self.pid}/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
        return 0.0

    def stop(self) -> None:
        if self.pid:
            self.peak = max(self.peak, self.peak_mib())
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self.pid, 0)
            self.pid = 0


def over_http(endpoint: Endpoint, name: str, text: str, requests: int, budget: float, cap: float) -> dict[str, Any]:
    """Up to ``requests`` timed requests within ``budget`` s, after a warm-up unless only one is asked for
    (then that one, cold, is the figure); a timeout replaces the server, which would stay busy with it."""
    stats: dict[str, Any] = {"query": name, "warm_up": requests > 1}
    times: list[float] = []
    try:
        with httpx.Client() as client:
            if requests > 1:
                _, stats["rows"] = ask(client, endpoint.url, text, cap)
            deadline = time.monotonic() + budget
            while len(times) < requests and (not times or time.monotonic() < deadline):
                elapsed, stats["rows"] = ask(client, endpoint.url, text, cap)
                times.append(elapsed)
    except httpx.TimeoutException:
        stats["error"] = f"> {cap:g} s"
        stats["capped"] = True
        endpoint.stop()
        endpoint.start()
    except (httpx.HTTPError, ValueError, KeyError) as exc:
        stats["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}"
    if times:
        stats["n"] = len(times)
        stats["p50_ms"] = round(statistics.median(times), 2)
        stats["p95_ms"] = round(percentile(times, 0.95), 2)
    return stats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nquads", type=Path, required=True)
    parser.add_argument("--queries", type=Path, required=True, help="JSON object: name → SPARQL text")
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--cap", type=float, default=60, help="seconds per in-memory query")
    parser.add_argument("--http-cap", type=float, default=60, help="seconds per HTTP request")
    parser.add_argument("--requests", type=int, default=5, help="timed HTTP requests per fast query")
    parser.add_argument("--fast", type=float, default=1.0, help="in-memory seconds below which a query is fast")
    parser.add_argument("--budget", type=float, default=10, help="seconds of timed HTTP requests per query")
    parser.add_argument("--no-http", action="store_true")
    args = parser.parse_args(argv)
    queries: dict[str, str] = json.loads(args.queries.read_text(encoding="utf-8"))
    report: dict[str, Any] = {"cap_s": args.cap, "http_cap_s": args.http_cap}

    started = time.perf_counter()
    dataset = Dataset(default_union=True)
    dataset.parse(str(args.nquads), format="nquads")
    report["load_s"] = round(time.perf_counter() - started, 2)
    report["quads"] = len(dataset)
    report["load_peak_mib"] = self_peak_mib()
    say(f"loaded {report['quads']} quads in {report['load_s']} s, {report['load_peak_mib']} MiB")
    # The loaded graph is shared with the forks; frozen, the forks' collector leaves it alone
    # instead of touching (and so copying) every page of it.
    gc.collect()
    gc.freeze()
    report["memory"] = []
    for name, text in queries.items():
        report["memory"].append(in_memory(dataset, name, text, args.cap))
        shown = report["memory"][-1].get("seconds", report["memory"][-1].get("error"))
        say(f"in memory {name}: {shown}")

    report["http"] = []
    if not args.no_http:
        endpoint = Endpoint(dataset)
        try:
            report["http_startup_s"] = round(endpoint.start(), 2)
            for entry in report["memory"]:
                name = entry["query"]
                if entry.get("capped"):
                    report["http"].append(
                        {"query": name, "error": f"> {args.cap:g} s", "capped": True, "skipped": "in-memory cap"}
                    )
                    continue
                # A query rdflib answers in well under a second gets a warm-up and several requests,
                # as the stores do; a slow one a single cold request, which is what the budget allows.
                fast = entry.get("seconds") is not None and entry["seconds"] < args.fast
                requests = args.requests if fast else 1
                report["http"].append(over_http(endpoint, name, queries[name], requests, args.budget, args.http_cap))
                last = report["http"][-1]
                say(f"http {name}: {last.get('p50_ms', last.get('error'))} ms")
        finally:
            endpoint.stop()
            report["http_peak_mib"] = endpoint.peak
    report["peak_mib"] = self_peak_mib()
    args.output.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
