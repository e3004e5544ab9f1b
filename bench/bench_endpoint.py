"""Endpoint benchmark: ksgraph vs Oxigraph's server vs rdflib-endpoint, over HTTP, on the named queries.

All three serve the same quads in the same run: Oxigraph's server opens the very store version
ksgraph publishes (read-only), rdflib-endpoint loads its N-Quads export. Each named query is sent
as the same SPARQL text to each server (with the PREFIX lines the other servers need; required
parameters become a trailing VALUES clause), as a form POST asking for SPARQL JSON.

Per server and query: p50/p95 latency of sequential requests (after one warm-up request, which
also records the row count so a server answering differently is flagged), then throughput with
several concurrent clients cycling through all queries. Scales: the real graph, and a synthetic
graph of at least 1M triples from bench/generate.py (the real structure replicated under fresh
IRIs, seeded). Results: bench/results/endpoint.json and endpoint.md.

    .venv/bin/python bench/bench_endpoint.py                  # both scales
    .venv/bin/python bench/bench_endpoint.py --scales real --requests 10

Loopback only (127.0.0.1); every loop is bounded in count and in time.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx

from ksgraph.core.settings import Settings, load_settings, project_root
from ksgraph.core.vocab import PREFIXES
from ksgraph.http.launch import free_port, running_server
from ksgraph.sparql.catalogue import NamedQuery, named_queries
from ksgraph.sparql.params import to_term
from ksgraph.sparql.scan import tokens
from ksgraph.store.versions import GraphStore

ROOT = project_root()
BIN = Path(sys.executable).parent
RESULTS = ROOT / "bench" / "results"
PRELUDE = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


@dataclass
class QueryStats:
    query: str
    rows: int | None = None
    n: int = 0
    errors: int = 0
    p50_ms: float | None = None
    p95_ms: float | None = None
    mean_ms: float | None = None
    error: str | None = None


@dataclass
class ServerRun:
    server: str
    scale: str
    startup_s: float
    queries: list[QueryStats] = field(default_factory=list)
    throughput_rps: float | None = None
    throughput_requests: int = 0
    throughput_errors: int = 0


# -- queries -------------------------------------------------------------------


def bench_text(query: NamedQuery) -> str:
    """The named query as plain SPARQL any server accepts: prefixes declared, and each required
    parameter (set to the example its header gives) as a VALUES block opening the WHERE group,
    so the filters of that group see it bound. All servers get exactly this text."""
    bindings = []
    for param in query.params:
        if param.required:
            match = re.search(r"e\.g\. ([^\s)]+)", param.description)
            if not match:
                raise SystemExit(f"{query.name}: required parameter {param.name} has no example to bench with")
            bindings.append(f"VALUES ?{param.name} {{ {to_term(param, match.group(1))} }} ")
    text = query.text
    if bindings:
        where = next(t for t in tokens(text) if t.kind == "open" and t.text == "{" and t.depth == 0)
        text = text[: where.start + 1] + " " + "".join(bindings) + text[where.start + 1 :]
    return PRELUDE + text


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def ask(client: httpx.Client, url: str, text: str, timeout: float) -> tuple[float, int]:
    started = time.perf_counter()
    response = client.post(
        url, data={"query": text}, headers={"Accept": "application/sparql-results+json"}, timeout=timeout
    )
    elapsed = (time.perf_counter() - started) * 1000
    response.raise_for_status()
    doc = response.json()
    rows = len(doc["results"]["bindings"]) if "results" in doc else 1
    return elapsed, rows


def measure(url: str, queries: dict[str, str], requests: int, budget: float, timeout: float) -> list[QueryStats]:
    out = []
    with httpx.Client() as client:
        for name, text in queries.items():
            stats = QueryStats(name)
            try:
                _, stats.rows = ask(client, url, text, timeout)  # warm-up, and the answer's size
                times: list[float] = []
                deadline = time.monotonic() + budget
                while len(times) < requests and time.monotonic() < deadline:
                    elapsed, _ = ask(client, url, text, timeout)
                    times.append(elapsed)
                stats.n = len(times)
                stats.p50_ms = round(statistics.median(times), 2)
                stats.p95_ms = round(percentile(times, 0.95), 2)
                stats.mean_ms = round(statistics.fmean(times), 2)
            except (httpx.HTTPError, ValueError, KeyError) as exc:
                stats.errors += 1
                stats.error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}"
            out.append(stats)
    return out


def throughput(url: str, queries: list[str], clients: int, seconds: float, timeout: float) -> tuple[float, int, int]:
    """Requests per second with ``clients`` concurrent clients cycling through the queries for ``seconds``."""
    done = [0] * clients
    errors = [0] * clients
    deadline = time.monotonic() + seconds

    def loop(i: int) -> None:
        with httpx.Client() as client:
            k = i
            while time.monotonic() < deadline:
                try:
                    ask(client, url, queries[k % len(queries)], timeout)
                    done[i] += 1
                except (httpx.HTTPError, ValueError, KeyError):
                    errors[i] += 1
                k += 1

    started = time.monotonic()
    threads = [threading.Thread(target=loop, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    return round(sum(done) / elapsed, 2), sum(done), sum(errors)


# -- servers -------------------------------------------------------------------


def wait_ready(url: str, process: subprocess.Popen[bytes], timeout: float, log: Path) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: server exited\n{log.read_text(errors='replace')[-2000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.post(url, data={"query": "ASK {}"}, timeout=5).status_code == 200:
                return time.monotonic() - started
        time.sleep(0.2)
    raise RuntimeError(f"{url} not ready after {timeout} s\n{log.read_text(errors='replace')[-2000:]}")


@contextlib.contextmanager
def child(command: list[str], url: str, log: Path, timeout: float) -> Iterator[float]:
    with open(log, "wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    try:
        yield wait_ready(url, process, timeout, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def ksgraph_server(store: Path, work: Path, timeout: float) -> Iterator[tuple[str, float]]:
    started = time.monotonic()
    env = {"KSGRAPH_QUERY_TIMEOUT": str(timeout), "KSGRAPH_WORKERS": str(os.cpu_count() or 2)}
    with running_server(store, work / "ksgraph.log", env, startup_timeout=300) as running:
        yield running.sparql, time.monotonic() - started


@contextlib.contextmanager
def oxigraph_server(version: Path, work: Path, timeout: float) -> Iterator[tuple[str, float]]:
    port = free_port()
    url = f"http://127.0.0.1:{port}/query"
    command = [str(BIN / "oxigraph"), "serve-read-only", "--location", str(version)]
    # No --union-default-graph: the version's own default graph already holds ksgraph's dataset
    # (asserted + inferred, materialised by every write), so both servers read the same graph.
    command += ["--bind", f"127.0.0.1:{port}", "--timeout-s", str(int(timeout))]
    with child(command, url, work / "oxigraph.log", 300) as startup:
        yield url, startup


@contextlib.contextmanager
def rdflib_server(nquads: Path, work: Path, timeout: float) -> Iterator[tuple[str, float]]:
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    command = [str(BIN / "rdflib-endpoint"), "serve", str(nquads), "--host", "127.0.0.1", "--port", str(port)]
    with child(command, url, work / "rdflib.log", 1800) as startup:
        yield url, startup


def start(server: str, store: Path, version: Path, work: Path, timeout: float) -> contextlib.AbstractContextManager:
    """The named server over the same data: ksgraph's store, that store's version, or its N-Quads export."""
    if server == "ksgraph":
        return ksgraph_server(store, work, timeout)
    if server == "oxigraph":
        return oxigraph_server(version, work, timeout)
    if server == "rdflib":
        return rdflib_server(work / "all.nq", work, timeout)
    raise SystemExit(f"unknown server {server!r}")


# -- data ------------------------------------------------------------------------


def prepare(scale: str, work: Path, triples: int) -> tuple[Settings, int]:
    """A ksgraph store for the scale (built as `ksgraph build` does) and its number of quads."""
    home = work / "home"
    (home / "data").mkdir(parents=True)
    for name in ("ontology", "queries", "shapes"):
        if (ROOT / name).exists():
            (home / name).symlink_to(ROOT / name)
    for path in sorted((ROOT / "data").glob("*.ttl")):
        (home / "data" / path.name).symlink_to(path)
    if scale == "synthetic":
        print(f"  generating {triples} synthetic triples", flush=True)
        out = home / "data" / "synthetic.ttl"
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "generate.py"), "--triples", str(triples), "--output", str(out)],
            check=True,
        )
    store = work / "store"
    print(f"  building {store}", flush=True)
    subprocess.run(
        [str(BIN / "ksgraph"), "build", "--store", str(store)],
        check=True,
        env={**os.environ, "KSGRAPH_HOME": str(home)},
    )
    settings = load_settings(store)
    count = len(GraphStore(store).open_read())
    return settings, count


def export_nquads(store: Path, target: Path) -> None:
    subprocess.run(
        [str(BIN / "ksgraph"), "export", "--format", "nquads", "-o", str(target), "--store", str(store)], check=True
    )


# -- report ----------------------------------------------------------------------


def ratios(runs: list[ServerRun]) -> dict[str, dict[str, float | None]]:
    """Per scale and other server: the median over queries of (other p50 / ksgraph p50), and throughput ratio."""
    out: dict[str, dict[str, float | None]] = {}
    for scale in sorted({r.scale for r in runs}):
        mine = next((r for r in runs if r.scale == scale and r.server == "ksgraph"), None)
        if mine is None:
            continue
        base = {q.query: q.p50_ms for q in mine.queries}
        for other in (r for r in runs if r.scale == scale and r.server != "ksgraph"):
            quotients = [q.p50_ms / base[q.query] for q in other.queries if q.p50_ms and base.get(q.query)]
            out[f"{scale}: {other.server} / ksgraph"] = {
                "median_p50_ratio": round(statistics.median(quotients), 2) if quotients else None,
                # The median covers only the queries both servers answered; the others failed or timed out.
                "queries_compared": len(quotients),
                "queries_failed": sum(1 for q in other.queries if q.error),
                "throughput_ratio": round(other.throughput_rps / mine.throughput_rps, 2)
                if other.throughput_rps and mine.throughput_rps
                else None,
            }
    return out


def markdown(report: dict[str, object], runs: list[ServerRun]) -> str:
    lines = [
        "# Endpoint benchmark",
        "",
        f"Generated by `bench/bench_endpoint.py` on {report['date']} — {report['machine']}.",
        "Latency: sequential form POSTs of each named query (SPARQL JSON), after one warm-up; "
        f"up to {report['requests']} requests or {report['budget_s']} s per query. Throughput: "
        f"{report['clients']} concurrent clients cycling through all queries for {report['throughput_s']} s.",
        "",
        "ksgraph and Oxigraph's server read the same default graph: the store version's own, where every "
        "ksgraph write keeps the merge of the asserted and inferred graphs (provenance left out); "
        "rdflib-endpoint runs with `default_union=True` over the export's named graphs. "
        "Row counts are compared to catch a server answering differently. "
        "A request that times out is an error; rdflib-endpoint answers one request at a time, so after a "
        "timeout the next ones queue behind it.",
        "",
        "## Ratios (other server / ksgraph; above 1 means ksgraph is faster for latency, slower for throughput)",
        "",
        "| comparison | median p50 ratio | over queries | failed or timed out | throughput ratio |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for key, value in report["ratios"].items():  # type: ignore[attr-defined]
        lines.append(
            f"| {key} | {value['median_p50_ratio']} | {value['queries_compared']} | {value['queries_failed']} "
            f"| {value['throughput_ratio']} |"
        )
    for scale in report["scales"]:  # type: ignore[attr-defined]
        these = [r for r in runs if r.scale == scale]
        lines += ["", f"## {scale}: {report['triples'][scale]} quads", ""]
        lines.append(
            "| server | startup s | throughput req/s | "
            + " | ".join(f"{q.query} p50/p95 ms (rows)" for q in these[0].queries)
            + " |"
        )
        lines.append("| --- | ---: | ---: | " + " | ".join("---:" for _ in these[0].queries) + " |")
        for run in these:
            cells = []
            for q in run.queries:
                cells.append(f"error: {q.error}" if q.error else f"{q.p50_ms}/{q.p95_ms} ({q.rows})")
            lines.append(f"| {run.server} | {run.startup_s:.1f} | {run.throughput_rps} | " + " | ".join(cells) + " |")
        answers: dict[str, set[int | None]] = {}
        for run in these:
            for q in run.queries:
                if q.rows is not None:
                    answers.setdefault(q.query, set()).add(q.rows)
        mismatched = sorted(name for name, rows in answers.items() if len(rows) > 1)
        if mismatched:
            lines += ["", f"Row counts differ between servers for: {', '.join(mismatched)}."]
    return "\n".join(lines) + "\n"


def rewrite_report(path: Path) -> None:
    """Recompute the ratios and the Markdown of an existing endpoint.json (no servers are run)."""
    report = json.loads(path.read_text())
    runs = [ServerRun(**{**r, "queries": [QueryStats(**q) for q in r["queries"]]}) for r in report["runs"]]
    report["ratios"] = ratios(runs)
    path.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n")
    path.with_suffix(".md").write_text(markdown(report, runs))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="real,synthetic", help="comma-separated: real, synthetic")
    parser.add_argument("--triples", type=int, default=1_000_000, help="size of the synthetic graph")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per query and server")
    parser.add_argument("--budget", type=float, default=20, help="seconds per query and server, at most")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients for throughput")
    parser.add_argument("--throughput-seconds", type=float, default=10)
    parser.add_argument("--timeout", type=float, default=30, help="per-request timeout, seconds")
    parser.add_argument("--servers", default="ksgraph,oxigraph,rdflib")
    parser.add_argument(
        "--synthetic-store",
        type=Path,
        help="reuse a store already built from the real data plus bench/generate.py output "
        "(building one reasons over 1M triples, which takes minutes)",
    )
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--report-only", action="store_true", help="only rewrite endpoint.md from endpoint.json")
    args = parser.parse_args(argv)
    if args.report_only:
        rewrite_report(args.output / "endpoint.json")
        return 0
    scales = [s.strip() for s in args.scales.split(",") if s.strip()]
    servers = [s.strip() for s in args.servers.split(",") if s.strip()]
    catalogue = named_queries(ROOT / "queries")
    texts = {name: bench_text(q) for name, q in catalogue.items()}
    runs: list[ServerRun] = []
    sizes: dict[str, int] = {}
    for scale in scales:
        work = Path(tempfile.mkdtemp(prefix=f"ksgraph-bench-{scale}-"))
        try:
            print(f"[{scale}] preparing data in {work}", flush=True)
            if scale == "synthetic" and args.synthetic_store:
                settings = load_settings(args.synthetic_store)
                sizes[scale] = len(GraphStore(settings.store_dir).open_read())
            else:
                settings, sizes[scale] = prepare(scale, work, args.triples)
            version = GraphStore(settings.store_dir).current()
            assert version is not None
            if "rdflib" in servers:
                export_nquads(settings.store_dir, work / "all.nq")
            for server in servers:
                print(f"[{scale}] {server}: starting", flush=True)
                with start(server, settings.store_dir, version.path, work, args.timeout) as (url, startup):
                    run = ServerRun(server, scale, round(startup, 2))
                    run.queries = measure(url, texts, args.requests, args.budget, args.timeout)
                    run.throughput_rps, run.throughput_requests, run.throughput_errors = throughput(
                        url, list(texts.values()), args.clients, args.throughput_seconds, args.timeout
                    )
                    runs.append(run)
                    worst = max((q.p50_ms or 0 for q in run.queries), default=0)
                    print(f"[{scale}] {server}: {run.throughput_rps} req/s, slowest p50 {worst} ms", flush=True)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    report = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "versions": versions(),
        "scales": scales,
        "triples": sizes,
        "requests": args.requests,
        "budget_s": args.budget,
        "clients": args.clients,
        "throughput_s": args.throughput_seconds,
        "ratios": ratios(runs),
        "runs": [asdict(r) for r in runs],
    }
    args.output.mkdir(parents=True, exist_ok=True)
    (args.output / "endpoint.json").write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n")
    (args.output / "endpoint.md").write_text(markdown(report, runs))
    print((args.output / "endpoint.md").read_text())
    return 0


def versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for name in ("pyoxigraph", "oxigraph", "rdflib", "rdflib-endpoint", "fastapi", "uvicorn"):
        with contextlib.suppress(PackageNotFoundError):
            out[name] = version(name)
    return out


if __name__ == "__main__":
    raise SystemExit(main())
