"""How fast ``ksgraph query`` starts and answers: process CPU time against ``python -c pass``.

    .venv/bin/python bench/bench_cli.py                 # builds the real data's store first
    .venv/bin/python bench/bench_cli.py --store DIR --runs 7

Each named query runs ``--runs`` times as its own process, ``--format csv``, both over the whole
graph (``--as-of all``, what the suite's CLI stage runs) and as of today (the default, which
computes the day's snapshot first). A process's CPU time (user + system, from wait4) is what a
busy machine disturbs least; the minimum over the runs is the figure, the median is given too.
Issue 21's goal: a named query at seed scale in at most 0.3 s of process time. Writes
bench/results/cli.json and cli.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import ROOT, machine, required_params  # noqa: E402
from suite.procs import run  # noqa: E402

BIN = Path(sys.executable).parent
GOAL_S = 0.3


def timed(command: list[str], runs: int, env: dict[str, str]) -> dict[str, Any]:
    cpu, wall, codes = [], [], set()
    for _ in range(runs):
        child = run(command, env=env, timeout=300, stdout=Path(os.devnull))
        cpu.append(child.cpu_s)
        wall.append(child.seconds)
        codes.add(child.returncode)
    return {
        "cpu_min_s": min(cpu),
        "cpu_median_s": round(statistics.median(cpu), 3),
        "wall_median_s": round(statistics.median(wall), 3),
        "exit": sorted(c for c in codes if c is not None),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, help="a built store (default: build the real data into a temp dir)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--output", type=Path, default=HERE / "results")
    args = parser.parse_args(argv)
    env = {k: v for k, v in os.environ.items() if k != "KSGRAPH_STORE"}
    store = args.store
    if store is None:
        store = Path(tempfile.mkdtemp(prefix="ksgraph-bench-cli-")) / "store"
        subprocess.run(
            [str(BIN / "ksgraph"), "build", "--store", str(store)],
            check=True,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    report: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": machine(),
        "load_average_before": list(os.getloadavg()),
        "runs": args.runs,
        "goal_s": GOAL_S,
        "baseline": {
            "python -c pass": timed([sys.executable, "-c", "pass"], args.runs, env),
            "ksgraph --version": timed([str(BIN / "ksgraph"), "--version"], args.runs, env),
        },
        "queries": {},
    }
    for name, params in required_params(ROOT / "queries").items():
        base = [str(BIN / "ksgraph"), "query", name, *params, "--format", "csv", "--store", str(store)]
        report["queries"][name] = {
            "all": timed([*base, "--as-of", "all"], args.runs, env),
            "today": timed(base, args.runs, env),
        }
        print(f"{name}: {report['queries'][name]}", file=sys.stderr, flush=True)
    report["load_average_after"] = list(os.getloadavg())
    args.output.mkdir(parents=True, exist_ok=True)
    (args.output / "cli.json").write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    (args.output / "cli.md").write_text(markdown(report), encoding="utf-8")
    print(markdown(report))
    return 0


def markdown(report: dict[str, Any]) -> str:
    m = report["machine"]
    queries = report["queries"]
    over = sorted(n for n, q in queries.items() if q["all"]["cpu_min_s"] > GOAL_S)
    lines = [
        "# `ksgraph query`: process time at seed scale",
        "",
        f"`bench/bench_cli.py`, {report['date']}, commit {m['git']['commit'][:10]}; {m['machine']}, {m['cores']} "
        f"cores shared with other work (load average {report['load_average_before'][0]:.1f} before, "
        f"{report['load_average_after'][0]:.1f} after). {report['runs']} runs each; CPU = user + system seconds "
        "of the process, the least of the runs (the median in brackets).",
        "",
        f"Goal (issue 21): at most {GOAL_S} s per named query. Over the whole graph (`--as-of all`): "
        + ("met by every query." if not over else f"missed by {', '.join(over)}."),
        "",
        "| command | CPU s | wall s (median) |",
        "| --- | ---: | ---: |",
    ]
    for label, entry in report["baseline"].items():
        lines.append(
            f"| `{label}` | {entry['cpu_min_s']:.3f} ({entry['cpu_median_s']:.3f}) | {entry['wall_median_s']:.3f} |"
        )
    lines += [
        "",
        "| named query | CPU s, `--as-of all` | CPU s, as of today | wall s, `--as-of all` |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, q in queries.items():
        lines.append(
            f"| {name} | {q['all']['cpu_min_s']:.3f} ({q['all']['cpu_median_s']:.3f}) "
            f"| {q['today']['cpu_min_s']:.3f} ({q['today']['cpu_median_s']:.3f}) | {q['all']['wall_median_s']:.3f} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
