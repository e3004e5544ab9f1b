"""Validation time: real graph, synthetic graphs up to >=100k triples, pySHACL modes, Rust peers, targeted imports.

Run: ``.venv/bin/python bench/bench_validate.py [--max-copies N] [--modes none,rdfs,owlrl]``.
Writes bench/results/validate.json and bench/results/validate.md. No timing is asserted anywhere.

The synthetic graph replicates the real data under fresh IRIs: copy k renames every
instance IRI under https://w3id.org/ksgraph/id/ (except the shared vocabulary:
healthcare regions, regions, organisations, fields, sources) with a ``-k`` suffix,
so each copy has the real structure and conforms exactly as the real data does.
Deterministic: no randomness is involved.
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import tempfile
import time
from pathlib import Path

import pyshacl
import rdflib
from rdflib.term import URIRef
from suite.validate_peer import severities

from ksgraph.core.settings import Settings, project_root
from ksgraph.validation.focus import touched_nodes
from ksgraph.validation.validate import (
    PreparedQueryGraph,
    Severity,
    data_from_files,
    load_ontology,
    load_shapes,
    validate,
)

ROOT = project_root()
RESULTS = ROOT / "bench" / "results"
SETTINGS = Settings(store_dir=ROOT / ".unused", root=ROOT)
ID = "https://w3id.org/ksgraph/id/"
# Shared by every copy: the actors, people, fields and sources, and SKS with its posts (there is
# one SKS; the NPOs and NSGs of every copy report to it and its chair confirms theirs).
SHARED = tuple(
    ID + p
    for p in (
        "healthcare-region/",
        "region/",
        "org/",
        "field/",
        "source/",
        "authority/",
        "group/",
        "post/group/",
        "person/",
    )
)


def replicate(real: rdflib.Graph, copies: int) -> rdflib.Graph:
    def rename(term: rdflib.term.Node, k: int) -> rdflib.term.Node:
        if k and isinstance(term, URIRef) and str(term).startswith(ID) and not str(term).startswith(SHARED):
            return URIRef(f"{term}-{k}")
        if k and isinstance(term, rdflib.BNode):
            return rdflib.BNode(f"{term}k{k}")
        return term

    out = rdflib.Graph()
    for k in range(copies):
        for s, p, o in real:
            out.add((rename(s, k), p, rename(o, k)))
    return out


CPU: dict[str, float] = {}


def timed(fn):  # type: ignore[no-untyped-def]
    """Wall-clock seconds and the result; the process's CPU seconds go to CPU["last"].

    Both are recorded because the bench machine is shared: CPU time is what the
    validation costs, wall time what a user waits on this machine at that moment.
    """
    started, cpu = time.perf_counter(), time.process_time()
    value = fn()
    CPU["last"] = round(time.process_time() - cpu, 3)
    return time.perf_counter() - started, value


def pyshacl_mode(
    data: rdflib.Graph, shapes: rdflib.Graph, ontology: rdflib.Graph, mode: str, cached: bool = True
) -> dict[str, object]:
    """pySHACL with one inference mode; ``cached`` uses ksgraph's parsed-query cache."""
    graph = PreparedQueryGraph() if cached else rdflib.Graph()
    graph += data
    graph += ontology
    seconds, (_, report, _) = timed(
        lambda: pyshacl.validate(
            graph, shacl_graph=shapes, inference=mode, inplace=True, allow_warnings=True, allow_infos=True
        )
    )
    return {"triples": len(data), "seconds": round(seconds, 3), "cpu": CPU["last"], "results": severities(report)}


def rust_peers(data: rdflib.Graph, shapes: rdflib.Graph, ontology: rdflib.Graph, workdir: Path) -> dict[str, object]:
    """pyshifty and pyrudof on the same data (with the ontology) and shapes, without inference."""
    peers: dict[str, object] = {}
    graph = rdflib.Graph()
    graph += data
    graph += ontology
    data_file, shapes_file = workdir / "bench-data.nt", workdir / "bench-shapes.ttl"
    graph.serialize(data_file, format="nt", encoding="utf-8")
    shapes.serialize(shapes_file, format="turtle", encoding="utf-8")
    try:
        import shifty  # pyshifty

        seconds, (_, report, _) = timed(lambda: shifty.validate(graph, shapes, infer=False))
        peers["pyshifty 0.5.1"] = {"seconds": round(seconds, 3), "cpu": CPU["last"], "results": severities(report)}
    except Exception as exc:  # a peer that fails is reported, not fatal
        peers["pyshifty 0.5.1"] = {"error": f"{type(exc).__name__}: {str(exc)[:200]}"}
    try:
        import pyrudof

        def run() -> list[object]:
            rudof = pyrudof.Rudof(pyrudof.RudofConfig())
            rudof.read_data(str(data_file), pyrudof.RDFFormat.NTriples)
            rudof.read_shacl(str(shapes_file), pyrudof.ShaclFormat.Turtle)
            return list(rudof.validate_shacl().violations)

        seconds, found = timed(run)
        counts = {s.value: 0 for s in Severity}
        for result in found:
            name = re.split(r"[#:./]", str(result.severity))[-1]
            counts[name] = counts.get(name, 0) + 1
        peers["pyrudof 0.3.35"] = {"seconds": round(seconds, 3), "cpu": CPU["last"], "results": counts}
    except Exception as exc:
        peers["pyrudof 0.3.35"] = {"error": f"{type(exc).__name__}: {str(exc)[:200]}"}
    return peers


def small_import(large: rdflib.Graph, shapes: rdflib.Graph, ontology: rdflib.Graph) -> dict[str, object]:
    """A new LPO with its counterpart, into the large graph: full vs targeted validation."""
    lpo = URIRef(ID + "lpo/vasterbotten/akut-vard")
    ks = rdflib.Namespace("https://w3id.org/ksgraph/ontology#")
    new = [
        (lpo, rdflib.RDF.type, ks.LocalProgrammeArea),
        (lpo, ks.scope, URIRef(ID + "region/vasterbotten")),
        (lpo, ks.counterpartOf, URIRef(ID + "rpo/norra/akutvard")),
        (lpo, ks.field, URIRef(ID + "field/akut-vard")),
        (lpo, ks.status, ks.startingUp),
        (lpo, rdflib.URIRef("http://purl.org/dc/terms/source"), URIRef(ID + "source/004/samarbete-npo-rpo-lpo")),
    ]
    merged = rdflib.Graph()
    merged += large
    for t in new:
        merged.add(t)
    focus = touched_nodes(merged, new)
    full_s, full = timed(lambda: validate(_copy(merged), SETTINGS, shapes=shapes, ontology=ontology))
    full_cpu = CPU["last"]
    targeted_s, targeted = timed(
        lambda: validate(_copy(merged), SETTINGS, focus=focus, shapes=shapes, ontology=ontology)
    )
    targeted_cpu = CPU["last"]
    return {
        "triples": len(merged),
        "full_seconds": round(full_s, 3),
        "full_cpu": full_cpu,
        "targeted_seconds": round(targeted_s, 3),
        "targeted_cpu": targeted_cpu,
        "focus_nodes": targeted.focus_nodes,
        "full_conforms": full.conforms,
        "targeted_conforms": targeted.conforms,
    }


def _copy(graph: rdflib.Graph) -> rdflib.Graph:
    copy = rdflib.Graph()
    copy += graph
    return copy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--max-copies", type=int, default=14, help="largest synthetic graph, in copies of the real data"
    )
    parser.add_argument("--modes", default="none,rdfs", help="pySHACL inference modes to compare (owlrl is slow)")
    parser.add_argument("--mode-copies", type=int, default=1, help="graph size (copies) for the mode comparison")
    args = parser.parse_args()
    shapes, ontology = load_shapes(SETTINGS), load_ontology(SETTINGS)
    real = data_from_files([SETTINGS.data_dir])
    rows: dict[str, object] = {
        "machine": platform.platform(),
        "pyshacl": pyshacl.__version__,
        "real_triples": len(real),
    }
    seconds, report = timed(lambda: validate(_copy(real), SETTINGS, shapes=shapes, ontology=ontology))
    rows["real"] = {"seconds": round(seconds, 3), "cpu": CPU["last"], "conforms": report.conforms}
    base = replicate(real, args.mode_copies)
    rows["modes"] = {mode: pyshacl_mode(base, shapes, ontology, mode) for mode in args.modes.split(",")}
    rows["modes"]["none, without the parse cache"] = pyshacl_mode(base, shapes, ontology, "none", cached=False)
    with tempfile.TemporaryDirectory() as workdir:
        rows["rust_peers"] = rust_peers(base, shapes, ontology, Path(workdir))
    rows["growth"] = []
    for copies in sorted({1, 2, 4, 8, args.max_copies}):
        graph = replicate(real, copies)
        seconds, report = timed(lambda g=graph: validate(_copy(g), SETTINGS, shapes=shapes, ontology=ontology))
        rows["growth"].append(
            {
                "copies": copies,
                "triples": len(graph),
                "seconds": round(seconds, 3),
                "cpu": CPU["last"],
                "violations": len(report.violations),
            }
        )
        print(rows["growth"][-1], flush=True)
    rows["small_import"] = small_import(replicate(real, args.max_copies), shapes, ontology)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "validate.json").write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    (RESULTS / "validate.md").write_text(markdown(rows), encoding="utf-8")
    print(markdown(rows))


def markdown(rows: dict) -> str:  # type: ignore[type-arg]
    out = [
        "# Validation benchmark (bench/bench_validate.py)",
        "",
        f"Machine: {rows['machine']}; pySHACL {rows['pyshacl']}. Real data: {rows['real_triples']} triples, "
        f"{rows['real']['seconds']} s wall, {rows['real']['cpu']} s CPU (ksgraph.validation.validate, inference none, "
        f"conforms: {rows['real']['conforms']}). The machine is shared (2 cores); CPU seconds are the cost, "
        "wall seconds what a user waited at that moment.",
        "",
        "## pySHACL inference modes",
        "",
        "| mode | triples | wall s | CPU s | results (violation/warning/info) |",
        "|---|---:|---:|---:|---|",
    ]
    out += [
        f"| {m} | {r['triples']} | {r['seconds']} | {r['cpu']} | {_counts(r['results'])} |"
        for m, r in rows["modes"].items()
    ]
    out += [
        "",
        "## Rust validators (same data, ontology and shapes, no inference)",
        "",
        "| validator | wall s | CPU s | results (violation/warning/info) |",
        "|---|---:|---:|---|",
    ]
    out += [
        f"| {name} | {r.get('seconds', '-')} | {r.get('cpu', '-')} | {_counts(r['results']) if 'results' in r else r} |"
        for name, r in rows["rust_peers"].items()
    ]
    out += [
        "",
        "## Growth with size (ksgraph.validation.validate, full)",
        "",
        "| copies | triples | wall s | CPU s |",
        "|---:|---:|---:|---:|",
    ]
    out += [f"| {r['copies']} | {r['triples']} | {r['seconds']} | {r['cpu']} |" for r in rows["growth"]]
    s = rows["small_import"]
    out += [
        "",
        "## A small import into the large graph",
        "",
        f"{s['triples']} triples; full validation {s['full_seconds']} s wall / {s['full_cpu']} s CPU, targeted "
        f"{s['targeted_seconds']} s wall / {s['targeted_cpu']} s CPU ({s['focus_nodes']} focus nodes); "
        f"conforms full {s['full_conforms']}, targeted {s['targeted_conforms']}.",
        "",
    ]
    return "\n".join(out)


def _counts(results: dict[str, int]) -> str:
    return "/".join(str(results.get(s.value, 0)) for s in Severity)


if __name__ == "__main__":
    main()
