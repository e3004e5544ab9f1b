"""The benchmark suite: every stage of ksgraph at several sizes, with peers, in one command.

    bash scripts/bench.sh                          # sets up, then: 10k, 100k and 1M triples
    .venv/bin/python bench/run.py --sizes 10k --quick

For each size N, bench/generate.py writes N synthetic triples (seeded) into a temporary copy of
the checkout's ontology/, shapes/, queries/ and data/, and the real `ksgraph` command runs every
stage against it (KSGRAPH_HOME=that copy, --store in the same temporary directory), each as a
child process whose wall seconds and peak memory are measured:

  load (build --no-reason --no-validate), reason, validate (full), named queries through the CLI, export,
  named queries over HTTP (ksgraph serve, with Oxigraph's server and rdflib-endpoint as peers),
  rdflib in memory as a peer, and a ~1k-triple import into the large store (targeted validation,
  incremental reasoning), its seconds split into parse, validate, reason and commit.

Writes suite.json (every raw number), suite.md (tables per stage, the goals) and suite-time.png /
suite-memory.png into --output. Progress goes to stderr. Everything runs on 127.0.0.1, every
child has a time limit, and every server's process group is killed at the end, also on error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from suite.procs import Child, kill_all, log, run  # noqa: E402
from suite.report import write_outputs  # noqa: E402
from suite.servers import query_texts  # noqa: E402

from ksgraph.sparql.catalogue import named_queries  # noqa: E402

BIN = Path(sys.executable).parent
CLI = BIN / "ksgraph"
DEFAULT_SIZES = "10k,100k,1M"


def parse_size(text: str) -> int:
    text = text.strip()
    factor = {"k": 1_000, "K": 1_000, "m": 1_000_000, "M": 1_000_000}.get(text[-1:], 1)
    number = text[:-1] if factor > 1 else text
    return int(float(number) * factor)


def limits(triples: int, quick: bool, whole_import: bool = True) -> dict[str, Any]:
    """Requests, caps and timeouts for one size: what keeps the default run within 30 minutes on 2 cores.

    rdflib takes seconds to minutes on the heavier queries and one to three minutes to load 1M
    triples, so its caps shrink as the graph grows; a capped figure is reported as a lower bound.
    """
    big = triples >= 500_000
    mid = triples >= 50_000
    return {
        "http_requests": 3 if quick else (8 if big else 20),
        "http_budget_s": 2.0 if quick else (8.0 if big else 10.0),
        "http_timeout_s": 60.0,
        "rdflib_query_cap_s": 10.0 if big else (15.0 if mid else 30.0),
        "rdflib_http_cap_s": 20.0 if big else (30.0 if mid else 60.0),
        # For the queries rdflib answers in under a second in memory; a slower one gets one cold request.
        "rdflib_http_requests": 3 if quick else 8,
        "rdflib_http_budget_s": 2.0 if quick else 5.0,
        "rdflib_load_cap_s": 600.0,
        "step_timeout_s": 1800.0,
        # pySHACL takes minutes from 100k and far longer at 1M (issue 18): past this it is a lower bound.
        "pyshacl_cap_s": 120.0 if quick else 240.0,
        "query_timeout_s": 300.0,
        # The import re-reasons the whole graph after validating (about a minute at 1M with the
        # rules engine); --import-until-validated stops it there instead, see small_import.
        "import_whole": whole_import,
    }


def machine() -> dict[str, Any]:
    from importlib.metadata import PackageNotFoundError, version

    versions = {}
    for name in ("ksgraph", "pyoxigraph", "oxigraph", "rdflib", "rdflib-endpoint", "pyshacl", "reasonable"):
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = None
    with open("/proc/meminfo") as handle:
        memory = next((int(line.split()[1]) // 1024 for line in handle if line.startswith("MemTotal:")), None)
    return {
        "git": git_state(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cores": os.cpu_count(),
        "memory_mib": memory,
        "python": platform.python_version(),
        "versions": versions,
    }


def git_state() -> dict[str, Any]:
    """The commit measured, and any uncommitted changes to what it runs (another engineer may be mid-change)."""
    import subprocess

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=30)
        return done.stdout.strip() if done.returncode == 0 else ""

    changed = [
        line[3:] for line in git("status", "--porcelain", "--", "src", "bench", "queries", "shapes").splitlines()
    ]
    return {"commit": git("rev-parse", "HEAD"), "uncommitted": changed}


def stage(record: dict[str, Any], name: str, child: Child, size: str) -> dict[str, Any]:
    entry = {"seconds": child.seconds, "peak_mib": child.peak_mib, "returncode": child.returncode}
    if child.timed_out:
        entry["error"] = f"killed after {child.seconds:.0f} s (time limit)"
    elif child.returncode not in (0,) and name not in ("validate",):
        entry["error"] = f"exit {child.returncode}: {child.stderr_text(15)}"
    record[name] = entry
    log(f"{size} {name}: {child.seconds:.2f} s, {child.peak_mib:.0f} MiB, exit {child.returncode}")
    return entry


def validate_peers(store: Path, env: dict[str, str], work: Path, lim: dict[str, Any], size: str) -> dict[str, Any]:
    """pyshifty and pySHACL validating what ``ksgraph validate`` validated, each in its own process (issue 18).

    Wall seconds and peak memory of the whole process, as for ksgraph's stage, and the peer's own
    split (reading the data, the validate call) with its results by severity."""
    peers: dict[str, Any] = {}
    for peer in ("pyshifty", "pyshacl"):
        out = work / f"validate-{peer}.json"
        cap = lim["pyshacl_cap_s"] if peer == "pyshacl" else lim["step_timeout_s"]
        child = run(
            [sys.executable, str(HERE / "suite" / "validate_peer.py"), "--peer", peer, "--store", str(store)],
            env=env,
            timeout=cap,
            stdout=out,
        )
        entry = stage(peers, peer, child, size)
        if child.timed_out:
            entry["capped_s"] = cap
        elif child.returncode == 0:
            entry.update(json.loads(out.read_text(encoding="utf-8")))
    return peers


def prepare_home(work: Path) -> Path:
    """A project home like the checkout's: its ontology, shapes, queries and data, copied."""
    home = work / "home"
    home.mkdir()
    for name in ("ontology", "shapes", "queries", "data"):
        shutil.copytree(ROOT / name, home / name)
    return home


def required_params(queries_dir: Path) -> dict[str, list[str]]:
    """``-p NAME=VALUE`` for each required parameter, from the example its header gives (as bench_endpoint does)."""
    import re

    out: dict[str, list[str]] = {}
    for name, query in named_queries(queries_dir).items():
        args: list[str] = []
        for param in query.params:
            if param.required:
                match = re.search(r"e\.g\. ([^\s)]+)", param.description)
                if not match:
                    raise SystemExit(f"{name}: required parameter {param.name} has no example to bench with")
                args += ["-p", f"{param.name}={match.group(1)}"]
        out[name] = args
    return out


def cli_queries(
    store: Path, env: dict[str, str], home: Path, work: Path, lim: dict[str, Any], size: str
) -> dict[str, Any]:
    rows = []
    for name, params in required_params(home / "queries").items():
        output = work / f"query-{name}.csv"
        command = [str(CLI), "query", name, *params, "--as-of", "all", "--format", "csv", "--store", str(store)]
        child = run(command, env=env, timeout=lim["query_timeout_s"], stdout=output)
        entry: dict[str, Any] = {"query": name, "seconds": child.seconds, "peak_mib": child.peak_mib}
        if child.returncode == 0:
            with open(output, encoding="utf-8") as handle:
                entry["rows"] = max(0, sum(1 for _ in handle) - 1)
        else:
            entry["error"] = "time limit" if child.timed_out else f"exit {child.returncode}: {child.stderr_text(5)}"
        rows.append(entry)
        log(f"{size} cli query {name}: {child.seconds:.2f} s")
    return {
        "seconds": round(sum(r["seconds"] for r in rows), 3),
        "peak_mib": max((r["peak_mib"] for r in rows), default=0.0),
        "errors": sum(1 for r in rows if "error" in r),
        "queries": rows,
    }


def rdflib_peers(nquads: Path, texts: dict[str, str], work: Path, lim: dict[str, Any]) -> dict[str, Any]:
    queries = work / "queries.json"
    queries.write_text(json.dumps(texts), encoding="utf-8")
    output = work / "rdflib-peer.json"
    command = [sys.executable, str(HERE / "suite" / "rdflib_peer.py"), "--nquads", str(nquads)]
    command += ["--queries", str(queries), "--output", str(output), "--cap", str(lim["rdflib_query_cap_s"])]
    command += ["--http-cap", str(lim["rdflib_http_cap_s"]), "--requests", str(lim["rdflib_http_requests"])]
    command += ["--budget", str(lim["rdflib_http_budget_s"])]
    per_query = lim["rdflib_query_cap_s"] + 2 * lim["rdflib_http_cap_s"] + lim["rdflib_http_budget_s"] + 10
    child = run(command, timeout=lim["rdflib_load_cap_s"] + len(texts) * per_query, echo=True)
    result: dict[str, Any] = {"seconds": child.seconds, "peak_mib": child.peak_mib, "returncode": child.returncode}
    if child.returncode == 0 and output.exists():
        result.update(json.loads(output.read_text(encoding="utf-8")))
    else:
        result["error"] = (
            "time limit (load)" if child.timed_out else f"exit {child.returncode}: {child.stderr_text(10)}"
        )
    return result


def http_stage(
    stages: dict[str, Any],
    store: Path,
    home: Path,
    nquads: Path,
    texts: dict[str, str],
    work: Path,
    lim: dict[str, Any],
    env: dict[str, str],
) -> None:
    """The three servers cold, warm and under 32 clients (bench/suite/endpoint_stage.py), one child process.

    Also fills the older stage records the report reads: ``http`` (the cold figures of ksgraph and
    Oxigraph) and ``rdflib`` (rdflib in memory and rdflib-endpoint cold)."""
    queries = work / "queries.json"
    queries.write_text(json.dumps(texts), encoding="utf-8")
    output = work / "endpoint-stage.json"
    command = [sys.executable, str(HERE / "suite" / "endpoint_stage.py"), "--store", str(store), "--home", str(home)]
    command += ["--nquads", str(nquads), "--queries", str(queries), "--output", str(output)]
    command += ["--requests", str(lim["http_requests"]), "--rdflib-requests", str(lim["rdflib_http_requests"])]
    command += ["--budget", str(lim["http_budget_s"]), "--cap", str(lim["rdflib_http_cap_s"])]
    command += ["--memory-cap", str(lim["rdflib_query_cap_s"]), "--seconds", "5" if lim["http_requests"] <= 3 else "10"]
    per_query = 2 * (lim["http_budget_s"] + 3 * lim["rdflib_http_cap_s"]) + lim["rdflib_query_cap_s"]
    child = run(command, env=env, timeout=lim["rdflib_load_cap_s"] + len(texts) * per_query + 600, echo=True)
    if child.returncode != 0 or not output.exists():
        error = "time limit" if child.timed_out else f"exit {child.returncode}: {child.stderr_text(10)}"
        stages["endpoint"] = {"error": error, "seconds": child.seconds}
        stages["http"] = {"ksgraph": {"error": error}, "oxigraph": {"error": error}}
        stages["rdflib"] = {"error": error, "seconds": child.seconds, "peak_mib": child.peak_mib}
        return
    result = json.loads(output.read_text(encoding="utf-8"))
    result["seconds"] = child.seconds
    stages["endpoint"] = result
    servers = result.get("servers", {})
    stages["http"] = {
        name: {**servers.get(name, {}), "queries": list(result["cold"][name].values())}
        for name in ("ksgraph", "oxigraph")
        if name in result.get("cold", {})
    }
    rdflib = result.get("rdflib", {})
    stages["rdflib"] = {
        **rdflib,
        "http": list(result.get("cold", {}).get("rdflib", {}).values()),
        "http_startup_s": servers.get("rdflib", {}).get("startup_s"),
        "http_peak_mib": servers.get("rdflib", {}).get("peak_mib"),
        "cap_s": lim["rdflib_query_cap_s"],
        "http_cap_s": lim["rdflib_http_cap_s"],
        "seconds": child.seconds,
        "peak_mib": child.peak_mib,
    }


def small_import(store: Path, env: dict[str, str], work: Path, lim: dict[str, Any], size: str) -> dict[str, Any]:
    """~1k new triples (a separate generator batch with IRIs of its own) imported into the large store.

    Where ``lim["import_whole"]`` is false the import is killed once its validation is over: what is
    left is the full OWL 2 RL closure of the whole graph again (the reason stage's figure) and the commit,
    and a killed import leaves the store as it was.
    """
    change = work / "change" / "import-1k.ttl"
    change.parent.mkdir()
    generate = [sys.executable, str(HERE / "generate.py"), "--triples", "1000", "--seed", "2018"]
    made = run([*generate, "--first-replica", "1000000", "--output", str(change)], timeout=300)
    if made.returncode != 0:
        return {"error": f"generating the change: exit {made.returncode}: {made.stderr_text(10)}"}
    triples = int(made.stderr_text(1).split()[1]) if made.stderr_text(1).startswith("wrote ") else None
    command = [str(CLI), "import", str(change), "--agent", "bench/run.py", "--store", str(store)]
    stop_at = None if lim["import_whole"] else "reasoning"
    child = run(command, env=env, timeout=lim["step_timeout_s"], stdout=work / "import.out", stop_at=stop_at)
    entry: dict[str, Any] = {
        "triples": triples,
        "seconds": child.seconds,
        "cpu_s": child.cpu_s,
        "peak_mib": child.peak_mib,
        "returncode": child.returncode,
        "stopped_after_validation": child.stopped,
    }
    # The import says when it starts validating and when it starts reasoning (stderr): the span
    # between the two is the targeted validation, against the whole store's data.
    validating, reasoning = child.mark("validating"), child.mark("reasoning")
    if validating is not None and reasoning is not None:
        entry["before_validation_s"] = round(validating, 3)
        entry["validation_s"] = round(reasoning - validating, 3)
        if not child.stopped:
            entry["after_validation_s"] = round(child.seconds - reasoning, 3)
    # The import's own split (ImportResult.seconds, from the commit's stages), and how it reasoned.
    split = next((line.strip() for _, line in child.stderr if line.strip().startswith("seconds: ")), None)
    if split:
        entry["stages"] = {k: float(v) for k, v in (part.split() for part in split[len("seconds: ") :].split(", "))}
    said = [line.strip() for _, line in child.stderr]
    entry["reasoning"] = next((line for line in said if line.startswith(("incremental:", "whole closure:"))), None)
    if child.returncode != 0 and not child.stopped:
        entry["error"] = "time limit" if child.timed_out else f"exit {child.returncode}: {child.stderr_text(15)}"
        out = work / "import.out"
        if out.exists():
            entry["report"] = out.read_text(encoding="utf-8", errors="replace")[:4000]
    ending = "stopped after validation" if child.stopped else f"exit {child.returncode}"
    log(f"{size} import: {child.seconds:.2f} s (validation {entry.get('validation_s')} s), {ending}")
    return entry


def one_size(
    label: str, triples: int, quick: bool, keep: bool, whole_import: bool, import_only: bool = False
) -> dict[str, Any]:
    lim = limits(triples, quick, whole_import)
    record: dict[str, Any] = {"requested": triples, "limits": lim, "load_average_before": list(os.getloadavg())}
    stages: dict[str, Any] = {}
    record["stages"] = stages
    work = Path(tempfile.mkdtemp(prefix=f"ksgraph-suite-{label}-"))
    started = time.monotonic()
    try:
        home = prepare_home(work)
        store = work / "store"
        env = {k: v for k, v in os.environ.items() if k != "KSGRAPH_STORE"} | {"KSGRAPH_HOME": str(home)}
        synthetic = home / "data" / "synthetic.ttl"
        gen = run(
            [sys.executable, str(HERE / "generate.py"), "--triples", str(triples), "--output", str(synthetic)],
            timeout=lim["step_timeout_s"],
        )
        stage(stages, "generate", gen, label)
        if gen.returncode != 0:
            return record
        words = gen.stderr_text(1).split()
        record["generated"] = int(words[1]) if words[:1] == ["wrote"] else None

        def cli(name: str, *args: str, stdout: Path | None = None) -> dict[str, Any]:
            child = run([str(CLI), *args, "--store", str(store)], env=env, timeout=lim["step_timeout_s"], stdout=stdout)
            return stage(stages, name, child, label)

        if "error" in cli("load", "build", "--no-reason", "--no-validate"):
            return record
        if "error" in cli("reason", "reason"):
            return record
        report_file = work / "validate.json"
        validation = cli("validate", "validate", "--format", "json", stdout=report_file)
        if validation["returncode"] in (0, 1):
            report = json.loads(report_file.read_text(encoding="utf-8"))
            for key in ("conforms", "violations", "warnings", "infos", "triples", "focusNodes", "seconds"):
                validation[key if key != "seconds" else "validation_s"] = report.get(key)
            if report.get("violations"):
                rules = sorted(
                    {r.get("rule", "?") for r in report.get("results", []) if r.get("severity") == "Violation"}
                )
                validation["violated_rules"] = rules
                log(f"!!! {label}: the generated data does NOT conform: {report['violations']} violations ({rules})")
        else:
            validation["error"] = f"exit {validation['returncode']}"
        stages["validate_peers"] = validate_peers(store, env, work, lim, label)
        stages["build"] = {
            "seconds": round(sum(stages[s]["seconds"] for s in ("load", "reason", "validate")), 3),
            "peak_mib": max(stages[s]["peak_mib"] for s in ("load", "reason", "validate")),
        }
        log(f"{label} build (load + reason + validate): {stages['build']['seconds']:.1f} s")
        if import_only:
            stages["import"] = small_import(store, env, work, lim, label)
            return record

        stages["cli_queries"] = cli_queries(store, env, home, work, lim, label)
        log(f"{label} cli queries: {stages['cli_queries']['seconds']:.1f} s in all")

        nquads = work / "all.nq"
        if "error" in cli("export", "export", "--format", "nquads", "--output", str(nquads)):
            return record
        with open(nquads, "rb") as handle:
            record["quads"] = sum(1 for _ in handle)

        texts = query_texts(home / "queries")
        log(f"{label} http: ksgraph serve, Oxigraph server and rdflib-endpoint ({record['quads']} quads)")
        http_stage(stages, store, home, nquads, texts, work, lim, env)
        log(f"{label} http: {stages['endpoint'].get('seconds')} s")

        stages["import"] = small_import(store, env, work, lim, label)
        return record
    finally:
        record["wall_s"] = round(time.monotonic() - started, 1)
        record["load_average_after"] = list(os.getloadavg())
        if keep:
            log(f"{label}: kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", default=DEFAULT_SIZES, help=f"comma-separated triple counts (default {DEFAULT_SIZES})"
    )
    parser.add_argument("--output", type=Path, default=HERE / "results", help="directory for suite.json, .md, .png")
    parser.add_argument("--quick", action="store_true", help="few requests per query: a smoke run")
    parser.add_argument("--keep", action="store_true", help="keep each size's temporary directory (stores, logs)")
    parser.add_argument(
        "--import-until-validated",
        action="store_true",
        help="stop the 1k import once its validation is over (skips its re-reasoning of the whole graph and commit)",
    )
    parser.add_argument(
        "--import-only",
        action="store_true",
        help="build each size (load, reason, validate) and import the 1k batch; no queries, servers or peers",
    )
    args = parser.parse_args(argv)
    labels = [s.strip() for s in args.sizes.split(",") if s.strip()]

    # A SIGTERM (or the budget's `timeout`) must still run the finally blocks that stop servers.
    def stop(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    suite: dict[str, Any] = {
        "command": ["bench/run.py", *(argv if argv is not None else sys.argv[1:])],
        "quick": args.quick,
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "load_average_before": list(os.getloadavg()),
        "sizes": {},
    }
    # Set by scripts/bench.sh before it sets up, so the setup counts against the budget too.
    outer = os.environ.get("KSGRAPH_BENCH_STARTED")
    if outer:
        suite["setup_s"] = round(time.time() - float(outer), 1)
    started = time.monotonic()
    try:
        for label in labels:
            log(f"=== {label} ({parse_size(label)} triples)")
            whole = not args.import_until_validated
            suite["sizes"][label] = one_size(label, parse_size(label), args.quick, args.keep, whole, args.import_only)
            suite["wall_s"] = round(time.monotonic() - started, 1)
            write_outputs(suite, args.output)
    finally:
        kill_all()
        suite["wall_s"] = round(time.monotonic() - started, 1)
        if outer:
            suite["wall_with_setup_s"] = round(time.time() - float(outer), 1)
        suite["load_average_after"] = list(os.getloadavg())
        write_outputs(suite, args.output)
    log(f"suite done in {suite['wall_s']:.0f} s; wrote {args.output}/suite.json, suite.md, suite-*.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
