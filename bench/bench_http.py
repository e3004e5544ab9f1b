"""The endpoint against Oxigraph's server and rdflib-endpoint: cold, warm and throughput, at several sizes.

    .venv/bin/python bench/bench_http.py                          # seed, 100k and 1M
    .venv/bin/python bench/bench_http.py --sizes seed --requests 5

For each size a store is built as `ksgraph build --no-validate` builds it (validation does not
change what the servers answer): "seed" is the real data only, "100k" and "1M" add that many
synthetic triples from bench/generate.py. The HTTP stage (bench/suite/endpoint_stage.py, one
child process per size) then measures the three servers on the same quads. Writes
bench/results/http.json (every number) and http.md (the ratios per size, then per query).
``--work DIR`` keeps the stores there and reuses them on the next run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from run import machine, parse_size, prepare_home  # noqa: E402
from suite.procs import log  # noqa: E402
from suite.servers import query_texts  # noqa: E402

BIN = Path(sys.executable).parent


def build(size: str, work: Path) -> tuple[Path, Path, Path]:
    """(home, store, N-Quads export) for ``size``, built unless ``work`` already holds them."""
    home, store, nquads = work / "home", work / "store", work / "all.nq"
    if (store / "CURRENT").exists() and nquads.exists():
        log(f"{size}: reusing {store}")
        return home, store, nquads
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    prepare_home(work)
    env = {k: v for k, v in os.environ.items() if k != "KSGRAPH_STORE"} | {"KSGRAPH_HOME": str(home)}
    if size != "seed":
        triples = parse_size(size)
        log(f"{size}: generating {triples} triples")
        subprocess.run(
            [
                sys.executable,
                str(HERE / "generate.py"),
                "--triples",
                str(triples),
                "--output",
                str(home / "data" / "synthetic.ttl"),
            ],
            check=True,
            timeout=1800,
        )
    log(f"{size}: building {store}")
    started = time.monotonic()
    subprocess.run(
        [str(BIN / "ksgraph"), "build", "--no-validate", "--store", str(store)],
        check=True,
        env=env,
        timeout=3600,
        stdout=subprocess.DEVNULL,
    )
    subprocess.run(
        [str(BIN / "ksgraph"), "export", "--format", "nquads", "--output", str(nquads), "--store", str(store)],
        check=True,
        env=env,
        timeout=3600,
        stdout=subprocess.DEVNULL,
    )
    log(f"{size}: built and exported in {time.monotonic() - started:.0f} s")
    return home, store, nquads


def limits(size: str) -> dict[str, Any]:
    """Requests and caps per size: what keeps a run at 1M within about half an hour on two busy cores."""
    big = size.upper().endswith("M")
    return {
        "requests": 6 if big else 12,
        "rdflib_requests": 2 if big else 3,
        "budget": 20.0 if big else 10.0,
        "cap": 15.0 if big else 10.0,
        "seconds": 10.0,
    }


def stage(size: str, home: Path, store: Path, nquads: Path, work: Path, lim: dict[str, Any], rdflib: bool) -> Any:
    texts = work / "queries.json"
    texts.write_text(json.dumps(query_texts(home / "queries")), encoding="utf-8")
    output = work / "http-stage.json"
    command = [
        sys.executable,
        str(HERE / "suite" / "endpoint_stage.py"),
        "--store",
        str(store),
        "--home",
        str(home),
        "--queries",
        str(texts),
        "--output",
        str(output),
        "--requests",
        str(lim["requests"]),
        "--rdflib-requests",
        str(lim["rdflib_requests"]),
        "--budget",
        str(lim["budget"]),
        "--cap",
        str(lim["cap"]),
        "--seconds",
        str(lim["seconds"]),
        "--clients",
        "32",
    ]
    if rdflib:
        command += ["--nquads", str(nquads)]
    started = time.monotonic()
    subprocess.run(command, check=True, timeout=7200)
    result = json.loads(output.read_text(encoding="utf-8"))
    result["seconds"] = round(time.monotonic() - started, 1)
    with open(nquads, "rb") as handle:
        result["quads"] = sum(1 for _ in handle)
    return result


def _f(value: Any, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def markdown(report: dict[str, Any]) -> str:
    m = report["machine"]
    lines = [
        "# The endpoint against Oxigraph's server and rdflib-endpoint",
        "",
        f"`bench/bench_http.py`, {report['date']}, commit {m['git']['commit'][:10]}"
        + (" (with uncommitted changes)" if m["git"]["uncommitted"] else "")
        + f"; {m['machine']}, {m['cores']} cores shared with other work, {m['memory_mib']} MiB, Python {m['python']}; "
        f"pyoxigraph and the oxigraph server {m['versions'].get('pyoxigraph')}, rdflib-endpoint "
        f"{m['versions'].get('rdflib-endpoint')}. Load average before each size is given: the machine was not idle, "
        "so read the ratios (servers measured interleaved, in the same minutes) rather than the milliseconds.",
        "",
        "- **cold**: each of the named queries as the same text to every server, each request a distinct text "
        "(a counter in a comment), so no cache answers; geometric mean over the queries of ksgraph's median / "
        "the other's median. Below 1: ksgraph is faster.",
        "- **warm**: the same text repeated; ksgraph's result cache (on by default) answers, the others evaluate.",
        "- **throughput**: wrk, 32 connections, single-entity lookups (`SELECT ?p ?o WHERE { <s> ?p ?o }`, up to "
        "500 subjects), distinct texts and repeated ones: requests per second, and server CPU per request "
        "(its processes, from /proc), the steadier figure on a shared machine. Above 1: ksgraph does more.",
        "",
        "| size | quads | load before | cold vs Oxigraph | cold vs rdflib | warm vs Oxigraph | warm vs rdflib "
        "| req/s vs Oxigraph (distinct / repeated) | CPU per request vs Oxigraph (distinct / repeated) "
        "| req/s vs rdflib (distinct / repeated) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for size, r in report["sizes"].items():
        q = r.get("ratios", {})

        def g(key: str, q: dict[str, Any] = q) -> str:
            entry = q.get(key, {})
            value = entry.get("ksgraph_over_other")
            mark = f" (≥: {entry['other_capped']} capped)" if entry.get("other_capped") else ""
            return f"{_f(value, 3)}×{mark}" if value else "–"

        def t(other: str, field: str, q: dict[str, Any] = q) -> str:
            d = q.get(f"throughput distinct ksgraph/{other}", {}).get(field)
            p = q.get(f"throughput repeated ksgraph/{other}", {}).get(field)
            return f"{_f(d)} / {_f(p)}"

        load = r.get("load_average_before", [None])[0]
        lines.append(
            f"| {size} | {r.get('quads')} | {_f(load, 1)} | {g('cold ksgraph/oxigraph')} | {g('cold ksgraph/rdflib')} "
            f"| {g('warm ksgraph/oxigraph')} | {g('warm ksgraph/rdflib')} | {t('oxigraph', 'rps')} "
            f"| {t('oxigraph', 'cpu_per_request')} | {t('rdflib', 'rps')} |"
        )
    fresh = report.get("throughput_fresh", {})
    if fresh:
        lines += [
            "",
            "Throughput again on freshly started servers (`endpoint_stage.py --throughput-only`, no rdflib, right "
            "after the runs above): in those runs Oxigraph's server had died during its first 32-client run at "
            "every size (see below), so these are the figures the throughput ratios to Oxigraph rest on.",
            "",
            "| size | load before | ksgraph req/s distinct (µs CPU) | Oxigraph req/s distinct (µs CPU) "
            "| ksgraph req/s repeated (µs CPU) | Oxigraph req/s repeated (µs CPU) | ratio distinct / repeated |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for size, run in fresh.items():
            t = run.get("throughput", {})

            def cell(mode: str, server: str, t: dict[str, Any] = t) -> str:
                entry = t.get(mode, {}).get(server, {})
                died = " (died)" if entry.get("died") else ""
                return f"{_f(entry.get('rps'), 0)} ({_f(entry.get('cpu_us_per_request'), 0)}){died}"

            q = run.get("ratios", {})
            ratio = (
                f"{_f(q.get('throughput distinct ksgraph/oxigraph', {}).get('rps'))} / "
                f"{_f(q.get('throughput repeated ksgraph/oxigraph', {}).get('rps'))}"
            )
            lines.append(
                f"| {size} | {_f(run.get('load_average_before', [None])[0], 1)} | {cell('distinct', 'ksgraph')} "
                f"| {cell('distinct', 'oxigraph')} | {cell('repeated', 'ksgraph')} | {cell('repeated', 'oxigraph')} "
                f"| {ratio} |"
            )
    for size, r in report["sizes"].items():
        servers = [s for s in ("ksgraph", "oxigraph", "rdflib") if s in r.get("cold", {})]
        lines += ["", f"## {size}", "", "Median ms per query (cold / warm); `>cap` did not answer within the cap.", ""]
        lines.append("| query | " + " | ".join(servers) + " |")
        lines.append("| --- |" + " ---: |" * len(servers))
        for name in r["cold"]["ksgraph"]:
            cells = []
            for s in servers:
                c, w = r["cold"][s].get(name, {}), r["warm"][s].get(name, {})
                cells.append(
                    f"{c.get('p50_ms', '>cap' if c.get('capped') else 'err')} / "
                    f"{w.get('p50_ms', '>cap' if w.get('capped') else 'err')}"
                )
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        lines += ["", "| throughput | " + " | ".join(servers) + " |", "| --- |" + " ---: |" * len(servers)]
        for mode in ("distinct", "repeated"):
            runs = r.get("throughput", {}).get(mode, {})
            lines.append(
                f"| {mode}: req/s (µs CPU per request) | "
                + " | ".join(
                    f"{_f(runs.get(s, {}).get('rps'), 0)} ({_f(runs.get(s, {}).get('cpu_us_per_request'), 0)})"
                    for s in servers
                )
                + " |"
            )
        dead = [
            s
            for s in servers
            for m in ("distinct", "repeated")
            if r.get("throughput", {}).get(m, {}).get(s, {}).get("died")
        ]
        if dead:
            lines += [
                "",
                f"Died during a throughput run: {', '.join(sorted(set(dead)))} (the end of its log is in http.json).",
            ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="seed,100k,1M")
    parser.add_argument("--work", type=Path, help="keep (and reuse) the stores in this directory")
    parser.add_argument("--output", type=Path, default=HERE / "results")
    parser.add_argument("--no-rdflib", action="store_true")
    parser.add_argument("--requests", type=int, help="timed requests per query and server (default: per size)")
    args = parser.parse_args(argv)
    report: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": machine(),
        "platform": platform.platform(),
        "sizes": {},
    }
    scratch = None if args.work else Path(tempfile.mkdtemp(prefix="ksgraph-bench-http-"))
    try:
        for size in [s.strip() for s in args.sizes.split(",") if s.strip()]:
            work = (args.work or scratch) / size  # type: ignore[operator]
            home, store, nquads = build(size, work)
            lim = limits(size)
            if args.requests:
                lim["requests"] = args.requests
            log(f"{size}: HTTP stage ({lim})")
            report["sizes"][size] = stage(size, home, store, nquads, work, lim, not args.no_rdflib)
            args.output.mkdir(parents=True, exist_ok=True)
            (args.output / "http.json").write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n")
            (args.output / "http.md").write_text(markdown(report))
    finally:
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)
    print((args.output / "http.md").read_text())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
