"""Reasoning time: owlrl against reasonable (+ prp-spo2), on the real graph and on synthetic graphs.

Each measurement runs :func:`ksgraph.reasoning.reason.infer` — the whole closure, the noise filter
and the consistency checks, as ``ksgraph reason`` does — in a child process, so a
run that exceeds ``--cap`` seconds is killed and reported as "> cap" instead of
hanging the benchmark. Synthetic graphs are the real ontology and data plus
bench/generate.py's seeded national-scale structure (fresh IRIs under
id:synthetic/…), so every size is reproducible. Where both engines finish, their
inferred graphs are compared.

    .venv/bin/python bench/bench_reason.py                      # real, 100k, 1M
    .venv/bin/python bench/bench_reason.py --sizes real 100000 --cap 300

Writes bench/results/reason.json and bench/results/reason.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing as mp
import os
import platform
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

from ksgraph.changes.build import source_files  # noqa: E402
from ksgraph.core.settings import load_settings  # noqa: E402
from ksgraph.core.terms import Triple, to_rdflib  # noqa: E402
from ksgraph.reasoning.engines import Engine  # noqa: E402
from ksgraph.reasoning.reason import infer  # noqa: E402


@dataclass
class Measurement:
    size: str
    asserted: int
    engine: str
    seconds: float | None  # None: did not finish within the cap
    inferred: int | None
    inconsistencies: int | None
    digest: str | None  # SHA-256 of the sorted inferred graph, to compare engines
    status: str  # "ok", "> cap", or an error


def real_triples() -> set[Triple]:
    """The checkout's ontology and data, as ``ksgraph build`` loads them."""
    files = source_files(load_settings())
    return {(to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)) for f in files for q in f.quads}


def dataset_for(size: str) -> set[Triple]:
    real = real_triples()
    if size == "real":
        return real
    extra = max(0, int(size) - len(real))
    return real | {(to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)) for q in generate(extra)}


def _child(size: str, engine: str, queue: mp.Queue) -> None:
    try:
        asserted = dataset_for(size)
        queue.put(len(asserted))  # first, so a run killed at the cap still reports its size
        started = time.perf_counter()
        result = infer(asserted, Engine(engine))
        seconds = time.perf_counter() - started
        digest = hashlib.sha256("\n".join(sorted(" ".join(t.n3() for t in x) for x in result.inferred)).encode())
        queue.put((seconds, len(result.inferred), len(result.inconsistencies), digest.hexdigest(), "ok"))
    except Exception as exc:  # reported in the results, not raised: one engine failing is a finding
        queue.put((None, None, None, None, f"error: {exc!r}"))


def _wait(queue: mp.Queue, child: mp.process.BaseProcess, seconds: float) -> object:
    """The child's next message, or None if it died or ``seconds`` passed first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            return queue.get(timeout=1)
        except Exception:  # queue.Empty
            if not child.is_alive():
                return None
    return None


def measure(size: str, engine: str, cap: float) -> Measurement:
    """One closure in a child process, killed after ``cap`` seconds (loading time is not counted)."""
    context = mp.get_context("fork")
    queue: mp.Queue = context.Queue()
    child = context.Process(target=_child, args=(size, engine, queue))
    child.start()
    asserted = _wait(queue, child, 1800)  # generating and converting 1M triples takes a while
    if asserted is None:
        child.kill()
        child.join()
        return Measurement(size, 0, engine, None, None, None, None, f"loading failed (exit {child.exitcode})")
    outcome = _wait(queue, child, cap)
    if outcome is None:
        alive = child.is_alive()
        child.kill()
        child.join()
        status = f"> {cap:.0f} s" if alive else f"died (exit {child.exitcode})"
        return Measurement(size, int(asserted), engine, None, None, None, None, status)  # type: ignore[call-overload]
    child.join()
    seconds, inferred, bad, digest, status = outcome  # type: ignore[misc]
    return Measurement(size, int(asserted), engine, seconds, inferred, bad, digest, status)  # type: ignore[call-overload]


def report_markdown(results: list[Measurement], cap: float, load: list[float] | None = None) -> str:
    shared = f" Load average when the run started: {', '.join(f'{x:.1f}' for x in load)}." if load else ""
    lines = [
        "# Reasoning benchmark",
        "",
        f"`bench/bench_reason.py`, {platform.python_implementation()} {platform.python_version()} on "
        f"{platform.machine()} with {mp.cpu_count()} cores; cap {cap:.0f} s per closure. Time is the whole of "
        "`ksgraph.reasoning.reason.infer` (closure, noise filter, consistency checks), without loading." + shared,
        "Timings on a shared machine vary by up to 2x between runs; the ratios between engines are what to read.",
        "",
        "| graph | asserted triples | engine | seconds | inferred triples | same inferred graph as the other engine |",
        "|---|---:|---|---:|---:|---|",
    ]
    by_size: dict[str, dict[str, Measurement]] = {}
    for m in results:
        by_size.setdefault(m.size, {})[m.engine] = m
    for size, engines in by_size.items():
        digests = {m.digest for m in engines.values() if m.digest}
        complete = len(engines) > 1 and all(m.digest for m in engines.values())
        same = ("yes" if len(digests) == 1 else "NO") if complete else "n/a"
        for m in engines.values():
            seconds = f"{m.seconds:.2f}" if m.seconds is not None else m.status
            inferred = str(m.inferred) if m.inferred is not None else "–"
            lines.append(f"| {size} | {m.asserted} | {m.engine} | {seconds} | {inferred} | {same} |")
    speedups = [
        f"{size}: {e['owlrl'].seconds / e['reasonable'].seconds:.0f}x"
        for size, e in by_size.items()
        if {"owlrl", "reasonable"} <= e.keys() and e["owlrl"].seconds and e["reasonable"].seconds
    ]
    if speedups:
        lines += ["", f"reasonable (+ prp-spo2) is faster than owlrl by {', '.join(speedups)}."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="+", default=["real", "100000", "1000000"], help="'real' or triple counts")
    parser.add_argument("--engines", nargs="+", default=[e.value for e in Engine], choices=[e.value for e in Engine])
    parser.add_argument("--cap", type=float, default=600.0, help="seconds one closure may take before it is killed")
    parser.add_argument("--output", type=Path, default=HERE / "results")
    parser.add_argument("--render-only", action="store_true", help="rewrite reason.md from reason.json and exit")
    args = parser.parse_args(argv)
    if args.render_only:
        payload = json.loads((args.output / "reason.json").read_text(encoding="utf-8"))
        stored = [Measurement(**m) for m in payload["results"]]
        markdown = report_markdown(stored, payload["cap_seconds"], payload.get("load_average"))
        if payload.get("note"):
            markdown += f"\n{payload['note']}\n"
        (args.output / "reason.md").write_text(markdown, encoding="utf-8")
        return 0
    load = list(os.getloadavg())
    results: list[Measurement] = []
    for size in args.sizes:
        for engine in args.engines:
            print(f"{size}: {engine} …", file=sys.stderr, flush=True)
            m = measure(size, engine, args.cap)
            shown = f"{m.seconds:.2f} s, {m.inferred} inferred" if m.seconds is not None else m.status
            print(f"{size}: {engine}: {m.asserted} asserted, {shown}", file=sys.stderr, flush=True)
            results.append(m)
    args.output.mkdir(parents=True, exist_ok=True)
    payload = {
        "cap_seconds": args.cap,
        "cores": mp.cpu_count(),
        "load_average": load,
        "results": [asdict(m) for m in results],
    }
    (args.output / "reason.json").write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    (args.output / "reason.md").write_text(report_markdown(results, args.cap, load), encoding="utf-8")
    print(f"wrote {args.output / 'reason.json'} and {args.output / 'reason.md'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
