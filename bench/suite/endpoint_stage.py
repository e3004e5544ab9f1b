"""The HTTP stage: ksgraph serve, Oxigraph's server and rdflib-endpoint on the same data, in one process run.

    python bench/suite/endpoint_stage.py --store STORE --nquads all.nq --queries queries.json --output out.json

Three servers answer the same quads: ``ksgraph serve`` on the store, Oxigraph's server on the very
store version it publishes (read-only), and rdflib-endpoint's app over the N-Quads export, loaded
once into this process and served from a fork (bench/suite/rdflib_peer.py), so a request that
outruns the cap costs a second to replace, not minutes of reloading. Measured:

- **cold**: each named query (the same text to every server, prefixes declared) sent as a form POST,
  every request a distinct text (a comment with a counter appended), so no cache can answer;
- **warm**: the same text repeated, ksgraph's result cache on (its default), after one request
  that fills it; the other servers have no such cache and evaluate every time;
- **throughput**: wrk with 32 connections for a fixed time on single-entity lookups
  (``SELECT ?p ?o WHERE { <s> ?p ?o }`` over up to 500 subjects of the store), distinct texts and
  repeated ones; also the server's CPU time per request (its process tree, from /proc), which a
  busy machine disturbs far less than requests per second.

Latency requests are interleaved across the servers (one each, in turn), so a change in the machine's
load falls on all three alike. Ratios are geometric means over the queries of the per-query
medians. A query rdflib does not answer within the cap counts at the cap: its ratio is a lower bound.
Writes one JSON document; progress goes to stderr. Loopback only, every wait bounded.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

# bench/ for bench_endpoint and the suite package.
sys.path[0] = str(Path(__file__).resolve().parents[1])

import httpx  # noqa: E402
import pyoxigraph as ox  # noqa: E402
from bench_endpoint import percentile  # noqa: E402

from ksgraph.http.launch import free_port  # noqa: E402
from ksgraph.store.versions import GraphStore  # noqa: E402
from suite.procs import Server, serving, tree  # noqa: E402
from suite.rdflib_peer import Endpoint as RdflibEndpoint  # noqa: E402
from suite.rdflib_peer import in_memory  # noqa: E402

ACCEPT = {"Accept": "application/sparql-results+json"}
SERVERS = ("ksgraph", "oxigraph", "rdflib")


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}]   http: {message}", file=sys.stderr, flush=True)


def lookups(version: Path, most: int = 500) -> list[str]:
    """Single-entity lookups over up to ``most`` subjects of the store, spread evenly, the same every run."""
    store = ox.Store.read_only(str(version))
    result = store.query("SELECT DISTINCT ?s WHERE { ?s a ?type FILTER(isIRI(?s)) } ORDER BY ?s")
    assert isinstance(result, ox.QuerySolutions)
    subjects = [s["s"].value for s in result]
    del store
    step = max(1, len(subjects) // most)
    return [f"SELECT ?p ?o WHERE {{ <{s}> ?p ?o }}" for s in subjects[::step][:most]]


# -- latency -------------------------------------------------------------------------


def ask(client: httpx.Client, url: str, text: str, timeout: float) -> tuple[float, int]:
    started = time.perf_counter()
    response = client.post(url, data={"query": text}, headers=ACCEPT, timeout=timeout)
    elapsed = (time.perf_counter() - started) * 1000
    response.raise_for_status()
    doc = response.json()
    return elapsed, len(doc["results"]["bindings"]) if "results" in doc else 1


def latency(
    urls: dict[str, str],
    texts: dict[str, str],
    mode: str,
    requests: dict[str, int],
    budget: float,
    cap: float,
    capped: dict[str, set[str]],
    restart: dict[str, Any],
) -> dict[str, dict[str, dict[str, Any]]]:
    """Per server and query: p50/p95 of interleaved requests; ``mode`` cold (distinct texts) or warm (repeated)."""
    out: dict[str, dict[str, dict[str, Any]]] = {s: {} for s in urls}
    clients = {s: httpx.Client() for s in urls}
    counter = 0
    try:
        for name, text in texts.items():
            times: dict[str, list[float]] = {s: [] for s in urls}
            stats: dict[str, dict[str, Any]] = {s: {"query": name} for s in urls}

            def one(
                server: str,
                body: str,
                timed: bool,
                name: str = name,
                stats: dict[str, dict[str, Any]] = stats,
                times: dict[str, list[float]] = times,
            ) -> None:
                try:
                    elapsed, stats[server]["rows"] = ask(clients[server], urls[server], body, cap)
                    if timed:
                        times[server].append(elapsed)
                except httpx.TimeoutException:
                    stats[server]["error"] = f"> {cap:g} s"
                    stats[server]["capped"] = True
                    capped[server].add(name)
                    if server in restart:
                        restart[server]()
                except (httpx.HTTPError, ValueError, KeyError) as exc:
                    stats[server]["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}"

            for server in urls:  # an untimed first request: the query compiled, the cache filled (warm)
                if name not in capped[server]:
                    one(server, text if mode == "warm" else f"{text}\n# {mode} warm-up", timed=False)
                else:
                    stats[server].update(error=f"> {cap:g} s", capped=True)
            deadline = time.monotonic() + budget
            for round_ in range(max(requests.values())):
                if round_ and time.monotonic() > deadline:
                    break
                for server in urls:
                    if name in capped[server] or round_ >= requests[server] or "error" in stats[server]:
                        continue
                    counter += 1
                    one(server, text if mode == "warm" else f"{text}\n# {mode} {counter}", timed=True)
            for server in urls:
                if times[server]:
                    values = times[server]
                    stats[server].update(
                        n=len(values),
                        p50_ms=round(statistics.median(values), 3),
                        p95_ms=round(percentile(values, 0.95), 3),
                    )
                out[server][name] = stats[server]
            say(f"{mode} {name}: " + ", ".join(f"{s} {stats[s].get('p50_ms', stats[s].get('error'))}" for s in urls))
    finally:
        for client in clients.values():
            client.close()
    return out


# -- throughput ----------------------------------------------------------------------

_LUA = """
local paths = {%s}
local distinct = %s
local n = 0
local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
request = function()
  n = n + 1
  local path = paths[(n %% #paths) + 1]
  if distinct then
    path = path .. "%%0A%%23" .. tid .. "-" .. n
  end
  return wrk.format("GET", path, {["Accept"] = "application/sparql-results+json"})
end
"""


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process and all its descendants (as /proc shows them now)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for p in tree(pid):
        with contextlib.suppress(OSError), open(f"/proc/{p}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def wrk(
    base: str,
    path: str,
    texts: list[str],
    distinct: bool,
    clients: int,
    seconds: float,
    cap: float,
    pid: int,
    work: Path,
) -> dict[str, Any]:
    script = work / f"wrk-{'distinct' if distinct else 'repeated'}.lua"
    paths = ",\n".join(json.dumps(f"{path}?query={quote(t, safe='')}") for t in texts)
    script.write_text(_LUA % (paths, "true" if distinct else "false"), encoding="utf-8")
    threads = min(2, clients)
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{clients}",
        f"-d{seconds:g}s",
        f"--timeout={cap:g}s",
        "--latency",
        "-s",
        str(script),
        base,
    ]
    before = cpu_seconds(pid)
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + cap + 60)
    used = cpu_seconds(pid) - before
    text = done.stdout
    result: dict[str, Any] = {"command": " ".join([*command[:-3], script.name, base])}
    if m := re.search(r"(\d+) requests in ([\d.]+)(\w+)", text):
        result["requests"] = int(m[1])
    if m := re.search(r"Requests/sec:\s*([\d.]+)", text):
        result["wrk_rps"] = float(m[1])
    if m := re.search(r"Non-2xx or 3xx responses: (\d+)", text):
        result["non_2xx"] = int(m[1])
    if m := re.search(r"requests in ([\d.]+)(ms|s|m)\b", text):
        seconds_taken = float(m[1]) * {"ms": 0.001, "s": 1.0, "m": 60.0}[m[2]]
        # Requests per second counts answers only: wrk counts a refusal or a reset as a request too.
        answered = result.get("requests", 0) - result.get("non_2xx", 0)
        result["rps"] = round(answered / seconds_taken, 2) if seconds_taken else None
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text):
        result["socket_errors"] = sum(int(x) for x in m.groups())
    if m := re.search(r"\s50%\s+([\d.]+)(us|ms|s)", text):
        result["p50_ms"] = float(m[1]) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m[2]]
    if result.get("requests"):
        result["cpu_us_per_request"] = round(used / result["requests"] * 1e6, 1)
    if done.returncode != 0 or "wrk_rps" not in result:
        result["error"] = (done.stderr or text)[-400:]
    elif result.get("non_2xx", 0) > 0.01 * result.get("requests", 0):
        result["error"] = f"{result['non_2xx']} of {result['requests']} answers were not 2xx"
    return result


# -- ratios --------------------------------------------------------------------------


def geomean(values: list[float]) -> float | None:
    return round(math.exp(statistics.fmean(math.log(v) for v in values)), 3) if values else None


def ratio(mine: dict[str, dict[str, Any]], theirs: dict[str, dict[str, Any]], cap_ms: float) -> dict[str, Any]:
    """Geometric mean over the queries both answered (or the other capped) of ksgraph p50 / other p50."""
    quotients, lower_bound = [], 0
    for name, entry in mine.items():
        ours = entry.get("p50_ms")
        other = theirs.get(name, {})
        value = other.get("p50_ms") or (cap_ms if other.get("capped") else None)
        if ours and value:
            quotients.append(ours / value)
            lower_bound += bool(other.get("capped"))
    return {"ksgraph_over_other": geomean(quotients), "queries": len(quotients), "other_capped": lower_bound}


def ratios(report: dict[str, Any], cap: float) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for mode in ("cold", "warm"):
        data = report.get(mode, {})
        for other in ("oxigraph", "rdflib"):
            if "ksgraph" in data and other in data:
                out[f"{mode} ksgraph/{other}"] = ratio(data["ksgraph"], data[other], cap * 1000)
    for mode, runs in report.get("throughput", {}).items():
        mine = runs.get("ksgraph", {})
        for other in ("oxigraph", "rdflib"):
            theirs = runs.get(other, {})
            if mine.get("rps") and theirs.get("rps"):
                out[f"throughput {mode} ksgraph/{other}"] = {
                    "rps": round(mine["rps"] / theirs["rps"], 3),
                    "cpu_per_request": round(mine["cpu_us_per_request"] / theirs["cpu_us_per_request"], 3)
                    if mine.get("cpu_us_per_request") and theirs.get("cpu_us_per_request")
                    else None,
                }
    return out


# -- the run -------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, required=True, help="the ksgraph store directory")
    parser.add_argument("--home", type=Path, help="KSGRAPH_HOME of the ksgraph server (its queries/)")
    parser.add_argument("--nquads", type=Path, help="the store's N-Quads export, for rdflib (omit: no rdflib)")
    parser.add_argument("--queries", type=Path, required=True, help="JSON object: name → SPARQL text")
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--requests", type=int, default=10, help="timed requests per query and server")
    parser.add_argument("--rdflib-requests", type=int, default=3, help="timed requests per query for rdflib")
    parser.add_argument("--budget", type=float, default=20, help="seconds of timed requests per query, at most")
    parser.add_argument("--cap", type=float, default=20, help="seconds a request may take")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=10, help="seconds of each throughput run")
    parser.add_argument("--memory-cap", type=float, default=0, help="also time rdflib in memory, each query capped")
    parser.add_argument("--throughput-only", action="store_true", help="fresh servers, throughput runs only")
    args = parser.parse_args(argv)
    texts: dict[str, str] = json.loads(args.queries.read_text(encoding="utf-8"))
    version = GraphStore(args.store).current()
    assert version is not None, f"no published version in {args.store}"
    work = Path(tempfile.mkdtemp(prefix="ksgraph-http-stage-"))
    report: dict[str, Any] = {
        "cap_s": args.cap,
        "clients": args.clients,
        "seconds": args.seconds,
        "load_average_before": list(os.getloadavg()),
        "servers": {},
    }
    bin_dir = Path(sys.executable).parent
    with contextlib.ExitStack() as stack:
        rdflib: RdflibEndpoint | None = None
        if args.nquads:
            from rdflib import Dataset

            started = time.perf_counter()
            dataset = Dataset(default_union=True)
            dataset.parse(str(args.nquads), format="nquads")
            report["rdflib"] = {"load_s": round(time.perf_counter() - started, 2), "quads": len(dataset)}
            say(f"rdflib loaded {report['rdflib']['quads']} quads in {report['rdflib']['load_s']} s")
            gc.collect()
            gc.freeze()  # the forks share the loaded graph instead of copying it as their collector walks it
            if args.memory_cap:
                report["rdflib"]["memory"] = [in_memory(dataset, n, t, args.memory_cap) for n, t in texts.items()]
            rdflib = RdflibEndpoint(dataset)
            # A fork of a 1M-quad graph takes minutes to answer on a busy machine (its pages are copied as touched).
            report["servers"]["rdflib"] = {"startup_s": round(rdflib.start(timeout=600), 2)}
            stack.callback(rdflib.stop)
        env = {**os.environ, "KSGRAPH_QUERY_TIMEOUT": str(args.cap), "KSGRAPH_WORKERS": str(os.cpu_count() or 2)}
        if args.home:
            env["KSGRAPH_HOME"] = str(args.home)
        port = free_port()
        command = [
            str(bin_dir / "ksgraph"),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--store",
            str(args.store),
        ]
        ksgraph: Server = stack.enter_context(
            serving(
                "ksgraph", command, f"http://127.0.0.1:{port}/sparql", work / "ksgraph.log", env=env, ready_timeout=300
            )
        )
        port = free_port()
        command = [
            str(bin_dir / "oxigraph"),
            "serve-read-only",
            "--location",
            str(version.path),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout-s",
            str(int(args.cap)),
        ]
        oxigraph: Server = stack.enter_context(
            serving("oxigraph", command, f"http://127.0.0.1:{port}/query", work / "oxigraph.log", ready_timeout=300)
        )
        for server in (ksgraph, oxigraph):
            report["servers"][server.name] = {"startup_s": server.startup_s}
        urls = {"ksgraph": ksgraph.url, "oxigraph": oxigraph.url}
        if rdflib is not None:
            urls["rdflib"] = rdflib.url
        requests = {s: args.requests for s in urls} | ({"rdflib": args.rdflib_requests} if rdflib else {})
        capped: dict[str, set[str]] = {s: set() for s in urls}
        if rdflib is not None:
            for entry in report["rdflib"].get("memory", []):
                if entry.get("capped"):
                    capped["rdflib"].add(entry["query"])

        def restart_rdflib() -> None:
            assert rdflib is not None
            rdflib.stop()
            rdflib.start(timeout=600)
            urls["rdflib"] = rdflib.url

        restart = {"rdflib": restart_rdflib} if rdflib else {}
        for mode in () if args.throughput_only else ("cold", "warm"):
            report[mode] = latency(urls, texts, mode, requests, args.budget, args.cap, capped, restart)
        entities = lookups(version.path)
        report["lookups"] = len(entities)
        pids = {"ksgraph": ksgraph.process.pid, "oxigraph": oxigraph.process.pid}
        logs = {"ksgraph": ksgraph.log, "oxigraph": oxigraph.log}
        if rdflib is not None:
            pids["rdflib"] = rdflib.pid
        report["throughput"] = {}
        for mode in ("distinct", "repeated"):
            runs: dict[str, Any] = {}
            for server, url in urls.items():
                base, _, path = url.partition("://")[2].partition("/")
                if server == "ksgraph" and mode == "repeated":
                    with httpx.Client() as client:  # every lookup once: then the runs measure the cache
                        for text in entities:
                            client.get(url, params={"query": text}, headers=ACCEPT, timeout=args.cap)
                runs[server] = wrk(
                    f"http://{base}",
                    "/" + path,
                    entities,
                    mode == "distinct",
                    args.clients,
                    args.seconds,
                    args.cap,
                    pids[server],
                    work,
                )
                if server in logs and not alive(pids[server]):
                    runs[server]["died"] = logs[server].read_text(errors="replace")[-1500:]
                say(
                    f"throughput {mode} {server}: {runs[server].get('rps')} req/s, "
                    f"{runs[server].get('cpu_us_per_request')} µs CPU per request"
                )
            report["throughput"][mode] = runs
        for name, server in (("ksgraph", ksgraph), ("oxigraph", oxigraph)):
            report["servers"][name]["peak_mib"] = server.peak_mib()
        if rdflib is not None:
            report["servers"]["rdflib"]["peak_mib"] = rdflib.peak_mib()
    for log in work.glob("*.log"):  # the servers' logs, kept beside the report
        shutil.copy(log, args.output.with_name(f"{args.output.stem}-{log.name}"))
    shutil.rmtree(work, ignore_errors=True)
    report["ratios"] = ratios(report, args.cap)
    report["load_average_after"] = list(os.getloadavg())
    args.output.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
