"""One full validation by a peer, in its own process, on what ``ksgraph validate`` validates.

Run by bench/run.py after ksgraph's own validate stage, on the same store and shapes:
``validate_peer.py --peer pyshifty|pyshacl --store DIR`` (with ``KSGRAPH_HOME`` set as for the CLI).
The data is the store's asserted data graphs plus the ontology, without inference, as ksgraph
validates it (ksgraph.validation.validate.data_from_store, load_ontology, load_shapes). Prints one
JSON object: the peer's version, the seconds of its validate call alone and of reading the data,
and the results by severity, so the suite can check the peers found what ksgraph found.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from importlib.metadata import version
from pathlib import Path

import rdflib

from ksgraph.core.settings import load_settings
from ksgraph.store.versions import GraphStore
from ksgraph.validation.validate import data_from_store, load_ontology, load_shapes

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")


def severities(report: rdflib.Graph) -> dict[str, int]:
    counts = Counter(str(s).rsplit("#", 1)[-1] for s in report.objects(None, SH.resultSeverity))
    return {name: counts.get(name, 0) for name in ("Violation", "Warning", "Info")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peer", choices=("pyshifty", "pyshacl"), required=True)
    parser.add_argument("--store", type=Path, required=True)
    args = parser.parse_args(argv)
    settings = load_settings(args.store)
    started = time.perf_counter()
    graph = data_from_store(GraphStore(settings.store_dir).open_read())
    graph += load_ontology(settings)
    shapes = load_shapes(settings)
    read_s = time.perf_counter() - started
    started = time.perf_counter()
    if args.peer == "pyshifty":
        import shifty

        _, report, _ = shifty.validate(graph, shapes, infer=False)
    else:
        import pyshacl

        _, report, _ = pyshacl.validate(graph, shacl_graph=shapes, inference="none", advanced=True)
    validate_s = time.perf_counter() - started
    json.dump(
        {
            "peer": args.peer,
            "version": version(args.peer),
            "read_s": round(read_s, 3),
            "validate_s": round(validate_s, 3),
            "triples": len(graph),
            "results": severities(report),
        },
        sys.stdout,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
