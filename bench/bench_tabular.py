"""Benchmark: importing 5,000 membership rows from a spreadsheet (issue 10: "seconds, not minutes").

    .venv/bin/python bench/bench_tabular.py [--rows 5000] [--xlsx]

Builds the checkout's graph into a temporary store, writes a deterministic
memberships file (people spread over Region Norrbotten's LPOs, half of them with an
end date), then times each stage: reading and mapping (``tabular.read``), and the
whole ``import_table`` — mapping, targeted SHACL validation with the store,
reasoning and the atomic commit. Prints one line per stage, wall-clock and CPU
seconds (CPU time is the fairer number on a shared, busy machine).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import tempfile
import time
from pathlib import Path

from ksgraph.changes.build import build
from ksgraph.core.settings import load_settings
from ksgraph.store.versions import GraphStore
from ksgraph.tabular import read
from ksgraph.tabular.importing import import_table
from ksgraph.tabular.sheets import SheetContent, write_xlsx

FIRST = ["Anna", "Bo", "Cecilia", "David", "Eva", "Filip", "Greta", "Hassan", "Ingrid", "Johan"]
LAST = ["Andersson", "Berg", "Carlsson", "Dahl", "Ek", "Forsberg", "Gustafsson", "Holm", "Isaksson", "Jonsson"]
HEADINGS = [["person", "grupp", "roll", "företräder", "från", "till", "källa"]]


def rows(n: int, groups: list[str]) -> list[list[str]]:
    """``n`` distinct people, each an ordinary member of one LPO: the same rows on every run."""
    out = []
    start = dt.date(2020, 1, 1)
    for i in range(n):
        person = f"{FIRST[i % 10]} {LAST[(i // 10) % 10]} {i // 100:03d}"
        begin = start + dt.timedelta(days=i % 1500)
        end = (begin + dt.timedelta(days=3 * 365)).isoformat() if i % 2 else ""
        out.append([person, groups[i % len(groups)], "ordinarie ledamot", "Region Norrbotten", begin.isoformat(), end,
                    "002/lokala-programomraden"])  # fmt: skip
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--xlsx", action="store_true", help="write a workbook instead of a CSV file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(Path(tmp) / "store")
        began = time.perf_counter()
        build(settings)
        print(f"build store: {time.perf_counter() - began:.1f} s")
        store = GraphStore(settings.store_dir).open_read()
        groups = sorted(
            s["g"].value.split("/id/", 1)[1]
            for s in store.query(
                "SELECT ?g WHERE { GRAPH ?x { ?g a <https://w3id.org/ksgraph/ontology#LocalProgrammeArea> } }"
            )
        )
        data = rows(args.rows, groups)
        path = Path(tmp) / ("members.xlsx" if args.xlsx else "members.csv")
        if args.xlsx:
            write_xlsx(path, [SheetContent("memberships", HEADINGS, data, {})])
        else:
            with open(path, "w", encoding="utf-8", newline="") as handle:
                csv.writer(handle).writerows(HEADINGS + data)
        began, cpu = time.perf_counter(), time.process_time()
        parsed = read(path, store=store)
        print(
            f"read + map {args.rows} rows ({path.suffix}): {time.perf_counter() - began:.1f} s "
            f"({time.process_time() - cpu:.1f} s CPU), "
            f"{len(parsed.quads)} triples"
        )
        del store
        runs = []
        for reason in (False, True):
            began, cpu = time.perf_counter(), time.process_time()
            outcome = import_table(settings, path, reason=reason)
            wall, cpu = time.perf_counter() - began, time.process_time() - cpu
            state = "committed" if outcome.committed else f"rejected ({len(outcome.violations)} results)"
            print(
                f"import_table (map, validate, {'reason, ' if reason else ''}commit): "
                f"{wall:.1f} s ({cpu:.1f} s CPU), {state}; "
                + ", ".join(f"{stage} {s:.1f} s" for stage, s in outcome.seconds.items())
            )
            runs.append(
                {
                    "reason": reason,
                    # The second run re-imports the same file: its graph is replaced, as a steward's re-import.
                    "replaces_earlier_import": reason,
                    "wall_s": round(wall, 2),
                    "cpu_s": round(cpu, 2),
                    "committed": outcome.committed,
                    "stages_s": {k: round(v, 2) for k, v in outcome.seconds.items()},
                }
            )
        write_results(args.rows, path.suffix, len(parsed.quads), runs)


def write_results(rows_count: int, suffix: str, triples: int, runs: list[dict[str, object]]) -> None:
    """bench/results/tabular.json and .md: the figures of this run, with the machine."""
    results = Path(__file__).parent / "results"
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    record = {"date": dt.date.today().isoformat(), "machine": machine, "rows": rows_count, "format": suffix,
              "triples": triples, "runs": runs}  # fmt: skip
    (results / "tabular.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    lines = [
        "# Spreadsheet import benchmark (bench/bench_tabular.py)",
        "",
        f"{record['date']}, {machine}. {rows_count} membership rows ({suffix}, {triples} triples) imported into the "
        "real graph's store; wall and CPU seconds of the whole `import_table`, and its stages.",
        "",
        "| run | wall s | CPU s | read | validate | reason | commit |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        stages = run["stages_s"]
        assert isinstance(stages, dict)
        name = "re-import, with reasoning" if run["reason"] else "first import, no reasoning"
        lines.append(
            f"| {name} | {run['wall_s']} | {run['cpu_s']} | "
            + " | ".join(str(stages.get(k, "–")) for k in ("read", "validate", "reason", "commit"))
            + " |"
        )
    (results / "tabular.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
