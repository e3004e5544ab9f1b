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
import tempfile
import time
from pathlib import Path

from ksgraph.build import build
from ksgraph.config import load_settings
from ksgraph.store import GraphStore
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
        for reason in (False, True):
            began, cpu = time.perf_counter(), time.process_time()
            outcome = import_table(settings, path, reason=reason)
            state = "committed" if outcome.committed else f"rejected ({len(outcome.violations)} results)"
            print(
                f"import_table (map, validate, {'reason, ' if reason else ''}commit): "
                f"{time.perf_counter() - began:.1f} s ({time.process_time() - cpu:.1f} s CPU), {state}; "
                + ", ".join(f"{stage} {s:.1f} s" for stage, s in outcome.seconds.items())
            )


if __name__ == "__main__":
    main()
