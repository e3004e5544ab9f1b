"""Validation reports as text (for people), JSON, Turtle (the sh:ValidationReport) and JUnit XML (for CI)."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from xml.etree import ElementTree as ET

import pyoxigraph as ox
import rdflib
from rdflib.namespace import DCTERMS, SKOS

from ksgraph.core.printable import printable
from ksgraph.core.terms import to_ox_triple
from ksgraph.validation.validate import Report, Result, Severity

FORMATS = ("text", "json", "turtle", "junit")


def source_titles(sources_file: Path) -> dict[str, str]:
    """Source section IRI → "001 Strategisk styrgrupp", from data/sources.ttl (empty if absent)."""
    if not sources_file.is_file():
        return {}
    graph = rdflib.Graph().parse(sources_file)
    titles = {}
    for section, label in graph.subject_objects(SKOS.prefLabel):
        document = graph.value(section, DCTERMS.isPartOf)
        number = graph.value(document, DCTERMS.identifier) if document is not None else None
        if isinstance(label, rdflib.Literal) and label.language in (None, "sv"):
            titles[str(section)] = f"{number} '{label}'" if number else str(label)
    return titles


def render(report: Report, fmt: str, titles: dict[str, str]) -> str:
    if fmt == "json":
        return to_json(report) + "\n"
    if fmt == "turtle":
        return to_turtle(report.graph)
    if fmt == "junit":
        return to_junit(report, titles)
    return to_text(report, titles)


def to_turtle(graph: rdflib.Graph) -> str:
    """The report as Turtle, written by pyoxigraph: rdflib's Turtle writer writes an RDF list shared by two
    results (an ``sh:in`` value list) inline at each, so the text reads back with a copy of it (HAZARDS)."""
    prefixes = {prefix: str(namespace) for prefix, namespace in graph.namespaces() if prefix}
    triples = (ox.Triple(*to_ox_triple(t)) for t in graph)
    return (ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b"").decode("utf-8")


def _cite(result: Result, titles: dict[str, str]) -> str:
    return "; ".join(f"{titles.get(s, s)} <{s}>" for s in result.sources)


def _by_rule(report: Report) -> dict[str, list[Result]]:
    grouped: dict[str, list[Result]] = defaultdict(list)
    for result in report.results:
        grouped[result.rule].append(result)
    return grouped


def to_text(report: Report, titles: dict[str, str]) -> str:
    lines = []
    for rule, results in _by_rule(report).items():
        counts = ", ".join(
            f"{n} {s.value.lower()}" for s in Severity if (n := sum(1 for r in results if r.severity is s))
        )
        label = report.rules.get(rule) or results[0].rule_label
        lines.append(f"{rule}: {label}  ({counts})" if label else f"{rule}  ({counts})")
        for result in results:
            who = f"{result.focus_label} <{result.focus}>" if result.focus_label else f"<{result.focus}>"
            lines.append(f"  {result.severity.value.upper():9} {who}")
            if result.rule_label:
                lines.append(f"            {result.rule_label}")
            value = result.value if result.value != result.focus else None
            detail = "   ".join(x for x in (result.path and f"path {result.path}", value and f"value {value}") if x)
            if detail:
                lines.append(f"            {detail}")
            if result.message_sv == result.message_en:
                # Shapes from elsewhere (validate --shapes) often have one message, or none.
                if result.message_en:
                    lines.append(f"            {result.message_en}")
            else:
                lines.append(f"            sv: {result.message_sv}")
                lines.append(f"            en: {result.message_en}")
            if result.sources:
                lines.append(f"            source: {_cite(result, titles)}")
        lines.append("")
    verdict = "conforms" if report.conforms else "does NOT conform"
    focus = f", {report.focus_nodes} focus nodes (targeted)" if report.focus_nodes is not None else ""
    lines.append(
        f"{verdict}: {report.count(Severity.VIOLATION)} violations, {report.count(Severity.WARNING)} warnings, "
        f"{report.count(Severity.INFO)} infos; {report.triples} triples{focus}, {report.seconds:.1f} s"
    )
    # Labels and values come from the data: no line break, control or bidi character of theirs is shown raw.
    return "\n".join(printable(line) for line in lines) + "\n"


def to_json(report: Report) -> str:
    return json.dumps(
        {
            "conforms": report.conforms,
            "violations": report.count(Severity.VIOLATION),
            "warnings": report.count(Severity.WARNING),
            "infos": report.count(Severity.INFO),
            "triples": report.triples,
            "focusNodes": report.focus_nodes,
            "seconds": round(report.seconds, 3),
            "results": [r.as_dict() for r in report.results],
        },
        ensure_ascii=False,
        indent=2,
    )


def to_junit(report: Report, titles: dict[str, str]) -> str:
    """One test case per rule: a failure lists its violations; warnings and infos go to system-out."""
    grouped = _by_rule(report)
    suite = ET.Element(
        "testsuite",
        name="ksgraph validate",
        tests=str(len(report.rules)),
        failures=str(sum(1 for rule in report.rules if any(r.severity is Severity.VIOLATION for r in grouped[rule]))),
        time=f"{report.seconds:.3f}",
    )
    for rule, label in report.rules.items():
        case = ET.SubElement(suite, "testcase", classname="ksgraph.shapes", name=f"{rule} {label}")
        violations = [r for r in grouped.get(rule, []) if r.severity is Severity.VIOLATION]
        others = [r for r in grouped.get(rule, []) if r.severity is not Severity.VIOLATION]
        if violations:
            failure = ET.SubElement(case, "failure", message=f"{len(violations)} violations of {rule}")
            failure.text = "\n".join(_line(r, titles) for r in violations)
        if others:
            ET.SubElement(case, "system-out").text = "\n".join(_line(r, titles) for r in others)
    return ET.tostring(suite, encoding="unicode", xml_declaration=True) + "\n"


def _line(result: Result, titles: dict[str, str]) -> str:
    who = f"{result.focus} ({result.focus_label or '-'})"
    # printable: also what XML cannot carry (a NUL in a label would make the report ill-formed).
    return printable(f"{result.severity.value}: {who}: {result.message_en} [{_cite(result, titles)}]")
