"""Measure the two ways of answering "as of a date": a materialised snapshot, or a rewritten query.

For one store (built from the checkout, optionally with synthetic data added) and a few
dates, it times:

* ``snapshot``  — ksgraph.temporal.asof.snapshot(store, date): read the time facts, evaluate them,
  copy the valid part of the dataset into an in-memory store;
* ``plain``     — a question over the snapshot (the unchanged query);
* ``rewritten`` — the same question over the whole store with the validity conditions
  written into the query (what a rewriting would produce for this question);
* ``baseline``  — the unchanged question over the whole store, ignoring time.

The question is "who holds which post in which group on the date, in what role": the
query a rewriting must change most, since posts, memberships and groups all carry time.

    python bench/asof.py --synthetic /tmp/syn.ttl   # after bench/generate.py --output /tmp/syn.ttl
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from ksgraph.changes.build import build
from ksgraph.core.settings import Settings, project_root
from ksgraph.sparql.run import run
from ksgraph.store.versions import GraphStore
from ksgraph.temporal.asof import snapshot

XSD = "http://www.w3.org/2001/XMLSchema#"

PLAIN = """
SELECT ?group ?post ?person ?role WHERE {
  ?m a org:Membership ; org:organization ?group ; org:member ?person ; org:role ?role ; ks:inPost ?post .
}"""

# The same question, rewritten for one date: a membership counts when its interval covers the
# date (begin and end as xsd:date here; the generic rewriting would need the gYear/gYearMonth
# and ks:earliest/ks:latest cases too) and its group is not known to have ended by then.
REWRITTEN = """
SELECT ?date ?group ?post ?person ?role WHERE {
  ?m a org:Membership ; org:organization ?group ; org:member ?person ; org:role ?role ; ks:inPost ?post ;
     org:memberDuring ?i .
  ?i time:hasBeginning/time:inXSDDate ?begin .
  OPTIONAL { ?i time:hasEnd/time:inXSDDate ?end }
  FILTER (?begin <= ?date && (!BOUND(?end) || ?date <= ?end))
  FILTER NOT EXISTS {
    ?ending a ks:Ending ; org:originalOrganization ?group ; time:hasTime/time:inXSDDate ?ended .
    FILTER (?ended < ?date)
  }
}"""


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def count(result: object) -> int:
    assert isinstance(result, ox.QuerySolutions)
    return sum(1 for _ in result)


def founded(synthetic: Path) -> str:
    """ks:founded 2015 for every synthetic group.

    bench/generate.py dates memberships but not groups; without a founding every synthetic
    group is of unknown validity, and with it every membership, so the snapshot would keep
    none of them and the comparison would measure nothing. 2015 precedes every term it emits.
    """
    groups = {
        q.subject.value
        for q in ox.parse(path=str(synthetic), format=ox.RdfFormat.TURTLE)
        if q.predicate.value == "https://w3id.org/ksgraph/ontology#scope"
    }
    lines = [f'<{g}> <https://w3id.org/ksgraph/ontology#founded> "2015"^^<{XSD}gYear> .' for g in sorted(groups)]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--synthetic", type=Path, help="a Turtle file from bench/generate.py to add to the data")
    parser.add_argument("--reason", action="store_true", help="build with the OWL 2 RL closure (slow at 100k)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "root"
        root.mkdir()
        for part in ("ontology", "queries", "shapes"):
            (root / part).symlink_to(project_root() / part)
        shutil.copytree(project_root() / "data", root / "data")
        if args.synthetic:
            shutil.copy(args.synthetic, root / "data" / "synthetic.ttl")
            (root / "data" / "synthetic-founded.ttl").write_text(founded(args.synthetic), encoding="utf-8")
        settings = Settings(store_dir=Path(tmp) / "store", root=root)
        started = time.perf_counter()
        build(settings, reason=args.reason)
        store = GraphStore(settings.store_dir).open_read()
        print(f"store: {len(store)} quads, built in {time.perf_counter() - started:.1f} s")
        date = ox.Variable("date")
        for day in ("2019-06-30", "2024-12-31"):
            on = dt.date.fromisoformat(day)
            literal = ox.Literal(day, datatype=ox.NamedNode(XSD + "date"))
            t_snap, snap = timed(lambda on=on: snapshot(store, on), args.repeat)
            t_plain, plain = timed(lambda snap=snap: count(run(snap.store, PLAIN)), args.repeat)  # type: ignore[union-attr]
            t_rewr, rewr = timed(
                lambda literal=literal: count(run(store, REWRITTEN, substitutions={date: literal})), args.repeat
            )
            t_base, base = timed(lambda: count(run(store, PLAIN)), args.repeat)
            print(
                f"{day}: snapshot {t_snap:.2f} s ({len(snap.store)} quads kept, "  # type: ignore[union-attr]
                f"{len(snap.unknown)} unknown) + query {t_plain:.3f} s -> {plain} rows | "  # type: ignore[union-attr]
                f"rewritten {t_rewr:.3f} s -> {rewr} rows | whole graph {t_base:.3f} s -> {base} rows"
            )


if __name__ == "__main__":
    main()
