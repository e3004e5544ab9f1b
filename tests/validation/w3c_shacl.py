"""The W3C SHACL test suite (``../shared/conformance/w3c-data-shapes/``): its manifests, and how reports are compared.

The suite is read where it is, never copied into the project. A test case is an ``sht:Validate``
entry of a manifest reached from ``tests/manifest.ttl`` through ``mf:include``; its expected result
is an ``sh:ValidationReport`` or ``sht:Failure`` (the processor must refuse the shapes).

Reports are compared as the suite's documentation says (data-shapes-test-suite, "Validate RDF data",
full compliance): of each result only ``rdf:type``, ``sh:focusNode``, ``sh:resultPath`` (with its path
structure, cloned per result), ``sh:resultSeverity``, ``sh:sourceConstraint``,
``sh:sourceConstraintComponent``, ``sh:sourceShape`` and ``sh:value`` are kept, with the report's
``sh:conforms``; the two graphs must then be isomorphic.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import rdflib
from rdflib.collection import Collection
from rdflib.compare import isomorphic
from rdflib.namespace import RDF
from rdflib.term import BNode, Node, URIRef

from tests.conftest import SHARED

SUITE = (SHARED / "conformance" / "w3c-data-shapes" / "tests").resolve()  # rdflib resolves the file IRIs
# The suite as published: test IRIs are given relative to it, so they do not depend on where it is stored.
PUBLISHED = "https://w3c.github.io/data-shapes/data-shapes-test-suite/tests/"
MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = rdflib.Namespace("http://www.w3.org/ns/shacl-test#")
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
COMPARED = (
    SH.focusNode,
    SH.resultPath,
    SH.resultSeverity,
    SH.sourceConstraint,
    SH.sourceConstraintComponent,
    SH.sourceShape,
    SH.value,
)


@dataclass(frozen=True)
class Case:
    """One ``sht:Validate`` test case."""

    iri: str  # as published (PUBLISHED + path of the test, without .ttl)
    label: str
    status: str  # approved, proposed, …
    data: Path
    shapes: Path
    manifest: Path

    @property
    def name(self) -> str:
        return self.iri.removeprefix(PUBLISHED)

    @property
    def suite(self) -> str:
        """``core`` or ``sparql``."""
        return self.name.split("/", 1)[0]

    def expected(self) -> rdflib.Graph | None:
        """The expected report, normalised (:func:`normalised`); None if the shapes must be refused."""
        graph = _parse(self.manifest)
        result = graph.value(_local(self), MF.result)
        if result == SHT.Failure:
            return None
        assert result is not None, f"{self.iri} has no mf:result"
        return normalised(graph, result)

    def expected_messages(self) -> set[tuple[Node, str]]:
        """(focus node, message) of each expected result that states its sh:resultMessage."""
        graph = _parse(self.manifest)
        report = graph.value(_local(self), MF.result)
        return {
            (graph.value(r, SH.focusNode), str(m))
            for r in graph.objects(report, SH.result)
            for m in graph.objects(r, SH.resultMessage)
        }


def cases() -> list[Case]:
    """Every ``sht:Validate`` case reachable from the suite's root manifest, in manifest order."""
    found: list[Case] = []
    _collect(SUITE / "manifest.ttl", found, set())
    return found


def _collect(manifest: Path, found: list[Case], seen: set[Path]) -> None:
    if manifest in seen:
        return
    seen.add(manifest)
    graph = _parse(manifest)
    here = URIRef(manifest.resolve().as_uri())
    for included in graph.objects(here, MF.include):
        _collect(_path(included), found, seen)
    for entries in graph.objects(here, MF.entries):
        for entry in Collection(graph, entries):
            if (entry, RDF.type, SHT.Validate) not in graph:
                continue
            action = graph.value(entry, MF.action)
            status = graph.value(entry, MF.status)
            found.append(
                Case(
                    iri=PUBLISHED + _path(entry).relative_to(SUITE).as_posix(),
                    label=str(graph.value(entry, rdflib.RDFS.label) or ""),
                    status=str(status).rsplit("#", 1)[-1] if status is not None else "",
                    data=_path(graph.value(action, SHT.dataGraph)),
                    shapes=_path(graph.value(action, SHT.shapesGraph)),
                    manifest=manifest,
                )
            )


def _parse(path: Path) -> rdflib.Graph:
    # As ksgraph reads files: relative IRIs against the file's own URI.
    return rdflib.Graph().parse(path, format="turtle", publicID=path.resolve().as_uri())


def _path(iri: Node | None) -> Path:
    assert isinstance(iri, URIRef), iri
    return Path(iri.removeprefix("file://"))


def _local(case: Case) -> URIRef:
    return URIRef((SUITE / case.name).resolve().as_uri())


def normalised(graph: rdflib.Graph, report: Node | None = None) -> rdflib.Graph:
    """The report in ``graph`` reduced to what the suite compares (see the module docstring)."""
    if report is None:
        reports = list(graph.subjects(RDF.type, SH.ValidationReport))
        assert len(reports) == 1, f"{len(reports)} sh:ValidationReport in the report graph"
        report = reports[0]
    out = rdflib.Graph()
    node = BNode()
    out.add((node, RDF.type, SH.ValidationReport))
    for conforms in graph.objects(report, SH.conforms):
        out.add((node, SH.conforms, rdflib.Literal(conforms.toPython())))
    for result in graph.objects(report, SH.result):
        copy = BNode()
        out.add((node, SH.result, copy))
        out.add((copy, RDF.type, SH.ValidationResult))
        for prop in COMPARED:
            for value in graph.objects(result, prop):
                if prop == SH.resultPath:
                    value = _clone_path(graph, value, out)
                out.add((copy, prop, value))
    return out


def _clone_path(graph: rdflib.Graph, path: Node, out: rdflib.Graph) -> Node:
    """A fresh copy of a path's blank node structure (paths must not be shared among results)."""
    if not isinstance(path, BNode):
        return path
    copy = BNode()
    for p, o in graph.predicate_objects(path):
        out.add((copy, p, _clone_path(graph, o, out) if p != RDF.type else o))
    return copy


def same_report(actual: rdflib.Graph, expected: rdflib.Graph) -> bool:
    return isomorphic(normalised(actual), expected)


def shown(graph: rdflib.Graph) -> str:
    return graph.serialize(format="turtle")
