"""ksgraph's validation against pySHACL (the reference), pyshifty and pyrudof: same results? how fast?

Run: ``.venv/bin/python bench/bench_engines.py [--sizes 10000,100000] [--pyshacl-up-to 20000]``.
Writes bench/results/engines.json and bench/results/engines.md; asserts nothing about time.

Data sets, each with the ontology added as ksgraph validates it (inference none):
* the real data; the real data with each mutation of tests/mutations applied (one at a time);
* the real data with bench/generate.py's synthetic data of the given sizes.
Results are compared as sets of (focus node, severity, value): shape identities differ between
engines (blank nodes), and a rule's results are told apart by their focus nodes and values.
The W3C SHACL suites are also run through pyshifty and pyrudof, judged as tests/validation/test_shacl_w3c.py does.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import logging
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyshacl
import rdflib
from rdflib.term import BNode, Literal

from ksgraph.core.settings import Settings, project_root
from ksgraph.validation.validate import PreparedQueryGraph, data_from_files, load_ontology, load_shapes, validate

ROOT = project_root()
RESULTS = ROOT / "bench" / "results"
SETTINGS = Settings(store_dir=ROOT / ".unused", root=ROOT)
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
Key = tuple[str, str, str]


def _show(term: object) -> str:
    if isinstance(term, Literal):
        return term.n3()
    if isinstance(term, BNode):
        return "_:"  # blank node values cannot be matched across engines
    return str(term)


def _severity(term: object) -> str:
    return str(term).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def from_report(report: rdflib.Graph) -> set[Key]:
    return {
        (
            _show(report.value(r, SH.focusNode)),
            _severity(report.value(r, SH.resultSeverity)),
            _show(report.value(r, SH.value)),
        )
        for r in report.subjects(rdflib.RDF.type, SH.ValidationResult)
    }


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = fn()
    return round(time.perf_counter() - started, 3), value


def run_ksgraph(data: rdflib.Graph, shapes: rdflib.Graph, ontology: rdflib.Graph) -> tuple[float, set[Key]]:
    copy = PreparedQueryGraph()
    copy += data
    seconds, report = timed(lambda: validate(copy, SETTINGS, shapes=shapes, ontology=ontology))
    return seconds, from_report(report.graph)


def run_pyshacl(data: rdflib.Graph, shapes: rdflib.Graph, ontology: rdflib.Graph) -> tuple[float, set[Key]]:
    graph = PreparedQueryGraph()  # rdflib parses each query once, as ksgraph lets it
    graph += data
    graph += ontology
    seconds, (_, report, _) = timed(
        lambda: pyshacl.validate(
            graph, shacl_graph=shapes, inference="none", inplace=True, allow_warnings=True, allow_infos=True
        )
    )
    return seconds, from_report(report)


def run_shifty(data: rdflib.Graph, shapes: rdflib.Graph, ontology: rdflib.Graph) -> tuple[float, set[Key]]:
    import shifty

    graph = rdflib.Graph()
    graph += data
    graph += ontology
    seconds, (_, report, _) = timed(lambda: shifty.validate(graph, shapes, infer=False))
    return seconds, from_report(report)


def run_rudof(
    data: rdflib.Graph, shapes: rdflib.Graph, ontology: rdflib.Graph, workdir: Path
) -> tuple[float, set[Key]]:
    import pyrudof

    graph = rdflib.Graph()
    graph += data
    graph += ontology
    data_file, shapes_file = workdir / "data.nt", workdir / "shapes.ttl"
    graph.serialize(data_file, format="nt", encoding="utf-8")
    shapes.serialize(shapes_file, format="turtle", encoding="utf-8")

    def run() -> set[Key]:
        rudof = pyrudof.Rudof(pyrudof.RudofConfig())
        rudof.read_data(str(data_file), pyrudof.RDFFormat.NTriples)
        rudof.read_shacl(str(shapes_file), pyrudof.ShaclFormat.Turtle)
        return {_rudof_key(v) for v in rudof.validate_shacl().violations}

    return timed(run)


def _rudof_key(entry: Any) -> Key:
    """pyrudof's entries print terms in N-Triples-like text; make them what rdflib shows."""

    def term(text: object) -> str:
        value = str(text) if text is not None else "None"
        if value.startswith("<") and value.endswith(">"):
            return value[1:-1]
        if value.startswith("_:"):
            return "_:"
        if value.startswith('"'):
            return _literal(value)
        return value

    return term(entry.focus_node), _severity(entry.severity), term(entry.value)


def _literal(text: str) -> str:
    parsed = rdflib.Graph().parse(data=f"<urn:s> <urn:p> {text} .", format="nt")
    (obj,) = parsed.objects()
    return _show(obj)


def generated(size: int) -> rdflib.Graph:
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "synthetic.ttl"
        module.main(["--triples", str(size), "--output", str(path)])
        return data_from_files([path])


def compare(name: str, data: rdflib.Graph, shapes: rdflib.Graph, ontology: rdflib.Graph, pyshacl_too: bool) -> dict:
    row: dict[str, Any] = {"data": name, "triples": len(data)}
    with tempfile.TemporaryDirectory() as tmp:
        runs: dict[str, Callable[[], tuple[float, set[Key]]]] = {
            "ksgraph": lambda: run_ksgraph(data, shapes, ontology),
            "pyshifty": lambda: run_shifty(data, shapes, ontology),
            "pyrudof": lambda: run_rudof(data, shapes, ontology, Path(tmp)),
        }
        if pyshacl_too:
            runs["pySHACL"] = lambda: run_pyshacl(data, shapes, ontology)
        found: dict[str, set[Key]] = {}
        for engine, run in runs.items():
            try:
                seconds, keys = run()
            except Exception as exc:  # a peer that fails is reported, not fatal
                row[engine] = {"error": f"{type(exc).__name__}: {str(exc)[:200]}"}
                continue
            found[engine] = keys
            counts = {s: sum(1 for k in keys if k[1] == s) for s in ("Violation", "Warning", "Info")}
            row[engine] = {"seconds": seconds, **counts}
    reference = "pySHACL" if "pySHACL" in found else "ksgraph"
    for engine, keys in found.items():
        if engine != reference:
            row[engine]["same_as_" + reference] = keys == found[reference]
            if keys != found[reference]:
                row[engine]["only_here"] = sorted(keys - found[reference])[:3]
                row[engine]["missing"] = sorted(found[reference] - keys)[:3]
    return row


def w3c_conformance() -> dict[str, dict[str, str]]:
    """Each case: "full" (the suite's report comparison), "partial" (same sh:conforms and focus nodes), or "fail"."""
    sys.path.insert(0, str(ROOT))
    from tests import w3c_shacl as w3c

    if not w3c.SUITE.is_dir():
        return {}
    import pyrudof
    import shifty

    out: dict[str, dict[str, str]] = {"pyshifty": {}, "pyrudof": {}}
    logging.disable(logging.ERROR)
    for case in w3c.cases():
        expected = case.expected()
        data, shapes = rdflib.Graph().parse(case.data), rdflib.Graph().parse(case.shapes)
        try:
            _, report, _ = shifty.validate(data, shapes, infer=False)
            if expected is None:
                verdict = "fail"
            elif w3c.same_report(report, expected):
                verdict = "full"
            else:
                verdict = _partial(expected, _conforms(report), _focus(report))
        except Exception:
            verdict = "full" if expected is None else "fail"
        out["pyshifty"][case.name] = verdict
        try:
            rudof = pyrudof.Rudof(pyrudof.RudofConfig())
            rudof.read_data(str(case.data), pyrudof.RDFFormat.Turtle)
            rudof.read_shacl(str(case.shapes), pyrudof.ShaclFormat.Turtle)
            result = rudof.validate_shacl()
            # pyrudof returns entries, not a report graph: judged on sh:conforms and focus nodes.
            focus = {_rudof_key(v)[0] for v in result.violations}
            verdict = "fail" if expected is None else _partial(expected, bool(result.conforms), focus)
        except Exception:
            verdict = "full" if expected is None else "fail"
        out["pyrudof"][case.name] = verdict
    logging.disable(logging.NOTSET)
    return out


def _conforms(report: rdflib.Graph) -> bool:
    return bool(next(report.objects(None, SH.conforms)).toPython())


def _focus(report: rdflib.Graph) -> set[str]:
    return {_show(o) for o in report.objects(None, SH.focusNode)}


def _partial(expected: rdflib.Graph, conforms: bool, focus: set[str]) -> str:
    same = _conforms(expected) == conforms and _focus(expected) == focus
    return "partial" if same else "fail"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="synthetic triples added to the real data")
    parser.add_argument("--pyshacl-up-to", type=int, default=20_000, help="run pySHACL on data up to this size")
    args = parser.parse_args(argv)
    shapes, ontology = load_shapes(SETTINGS), load_ontology(SETTINGS)
    real = data_from_files([SETTINGS.data_dir])
    rows = [compare("real data", real, shapes, ontology, True)]
    for path in sorted((ROOT / "tests" / "mutations").glob("*.ru")):
        mutated = rdflib.Graph()
        mutated += real
        mutated.update(path.read_text(encoding="utf-8"))
        rows.append(compare(f"mutation {path.stem}", mutated, shapes, ontology, True))
    for size in (int(s) for s in args.sizes.split(",") if s):
        data = rdflib.Graph()
        data += real
        data += generated(size)
        rows.append(compare(f"real + generated {size}", data, shapes, ontology, len(data) <= args.pyshacl_up_to))
    suites = w3c_conformance()
    record = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {len(os.sched_getaffinity(0))} cores, Python {platform.python_version()}",
        "rows": rows,
        "w3c": {
            engine: {
                suite: {
                    level: sum(1 for k, v in verdicts.items() if k.startswith(suite) and v in accepted)
                    for level, accepted in (("full", {"full"}), ("partial", {"full", "partial"}), ("cases", None))
                    if accepted
                }
                | {"cases": sum(1 for k in verdicts if k.startswith(suite))}
                for suite in ("core", "sparql")
            }
            for engine, verdicts in suites.items()
        },
        "w3c_failures": {e: sorted(k for k, v in verdicts.items() if v == "fail") for e, verdicts in suites.items()},
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "engines.json").write_text(json.dumps(record, indent=2, default=str) + "\n", encoding="utf-8")
    (RESULTS / "engines.md").write_text(_markdown(record), encoding="utf-8")
    print(_markdown(record))
    return 0


def _markdown(record: dict) -> str:
    lines = [f"# Validation engines, {record['date']} ({record['machine']})", ""]
    engines = ["ksgraph", "pySHACL", "pyshifty", "pyrudof"]
    lines.append("| data | triples | " + " | ".join(engines) + " |")
    lines.append("|---|---|" + "---|" * len(engines))
    for row in record["rows"]:
        cells = []
        for engine in engines:
            cell = row.get(engine)
            if cell is None:
                cells.append("–")
            elif "error" in cell:
                cells.append("error: " + cell["error"][:60])
            else:
                same = next((v for k, v in cell.items() if k.startswith("same_as_")), None)
                mark = "" if same is None else (" same" if same else " DIFFERENT")
                cells.append(f"{cell['seconds']} s, {cell['Violation']}/{cell['Warning']}/{cell['Info']}{mark}")
        lines.append(f"| {row['data']} | {row['triples']} | " + " | ".join(cells) + " |")
    lines += ["", "Cells: wall seconds, violations/warnings/infos, and whether the (focus, severity, value) set"]
    lines += ["equals pySHACL's (or ksgraph's where pySHACL was not run). Wall time on a shared machine:"]
    lines += ["compare within a row, not across runs.", ""]
    lines += ["W3C suites: cases passed in full (the suite's report comparison) / with the same sh:conforms and"]
    lines += ["focus nodes (partial; pyrudof gives no report graph) / cases.", ""]
    for engine, suites in record["w3c"].items():
        shown = "; ".join(f"{k} {v['full']}/{v['partial']}/{v['cases']}" for k, v in suites.items())
        failing = ", ".join(record["w3c_failures"][engine]) or "none"
        lines.append(f"- {engine}: {shown}; failing even partially: {failing}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
