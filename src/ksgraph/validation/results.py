"""What a validation report says: its results, each with the rule, node, messages and sources a person acts on.

:func:`read_results` reads the ``sh:ValidationReport`` graph (pySHACL's, with the SPARQL constraints'
results added) together with the shapes and the data: each shape carries its rule id (``ksh:rule``),
Swedish and English messages and ``dcterms:source``, and the focus node's label comes from the data.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SKOS
from rdflib.term import BNode, Literal, Node, URIRef

from ksgraph.core.vocab import DCTERMS, SH

KSH = rdflib.Namespace("https://w3id.org/ksgraph/shapes#")
SHACL = rdflib.Namespace(SH)
DCT = rdflib.Namespace(DCTERMS)


class Severity(StrEnum):
    VIOLATION = "Violation"
    WARNING = "Warning"
    INFO = "Info"


@dataclass(frozen=True)
class Result:
    """One validation result, with everything a person needs to act on it."""

    rule: str
    severity: Severity
    focus: str
    focus_label: str | None
    path: str | None
    value: str | None
    message_sv: str
    message_en: str
    sources: tuple[str, ...]
    shape: str
    rule_label: str

    def as_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "ruleLabel": self.rule_label,
            "severity": self.severity.value,
            "focusNode": self.focus,
            "focusLabel": self.focus_label,
            "path": self.path,
            "value": self.value,
            "message": {"sv": self.message_sv, "en": self.message_en},
            "sources": list(self.sources),
            "shape": self.shape,
        }


@dataclass
class Report:
    results: list[Result]
    graph: rdflib.Graph
    triples: int
    seconds: float
    focus_nodes: int | None = None
    rules: dict[str, str] = field(default_factory=dict)

    @property
    def conforms(self) -> bool:
        """Conforms unless there is a violation; warnings and infos are allowed."""
        return not self.violations

    @property
    def violations(self) -> list[Result]:
        return [r for r in self.results if r.severity is Severity.VIOLATION]

    def count(self, severity: Severity) -> int:
        return sum(1 for r in self.results if r.severity is severity)


def rules(shapes: rdflib.Graph) -> dict[str, str]:
    """Rule id → its name: from the rule catalogue (shapes/00-rules.ttl), else its first shape's label."""
    found: dict[str, str] = {}
    for shape, rule in sorted(shapes.subject_objects(KSH.rule), key=lambda t: str(t[0]), reverse=True):
        found[str(rule)] = _text(shapes, shape, RDFS.label, "en").removeprefix(str(rule)).strip()
    for entry, rule in shapes.subject_objects(KSH.ruleId):
        found[str(rule)] = _text(shapes, entry, RDFS.label, "en")
    return dict(sorted(found.items(), key=lambda kv: _rule_order(kv[0])))


def _rule_order(rule: str) -> tuple[str, int, str]:
    """R2 before R10: the family letters, then the number."""
    letters = "".join(ch for ch in rule if not ch.isdigit())
    digits = "".join(ch for ch in rule if ch.isdigit())
    return (letters, int(digits) if digits else 0, rule)


def read_results(report: rdflib.Graph, shapes: rdflib.Graph, data: rdflib.Graph) -> list[Result]:
    out = []
    for node in report.subjects(RDF.type, SHACL.ValidationResult):
        shape = report.value(node, SHACL.sourceShape)
        owner = _rule_shape(shapes, shape)
        severity = _severity(report.value(node, SHACL.resultSeverity))
        focus = report.value(node, SHACL.focusNode)
        messages = list(report.objects(node, SHACL.resultMessage))
        sv = _pick(messages, "sv") or _text(shapes, owner, SHACL.message, "sv") or _pick(messages, "")
        en = _pick(messages, "en") or _text(shapes, owner, SHACL.message, "en") or _pick(messages, "")
        path = report.value(node, SHACL.resultPath)
        value = report.value(node, SHACL.value)
        out.append(
            Result(
                # Shapes from elsewhere (validate --shapes) have no rule id: each shape is its own rule.
                rule=str(shapes.value(owner, KSH.rule) or _show(owner)),
                severity=severity,
                focus=_show(focus),
                focus_label=_label(data, focus),
                path=_show_path(report, path) if path is not None else None,
                value=_show(value) if value is not None else None,
                message_sv=sv,
                message_en=en,
                sources=tuple(sorted(str(s) for s in shapes.objects(owner, DCT.source))),
                shape=_show(owner),
                rule_label=_text(shapes, owner, RDFS.label, "en"),
            )
        )
    out.sort(key=lambda r: (_rule_order(r.rule), list(Severity).index(r.severity), r.focus, r.shape, r.value or ""))
    return out


def _severity(term: Node | None) -> Severity:
    """sh:Violation, sh:Warning or sh:Info; any other severity (SHACL allows custom ones) counts as a violation."""
    if isinstance(term, URIRef) and term.startswith(SH):
        try:
            return Severity(term.removeprefix(SH))
        except ValueError:
            pass
    return Severity.VIOLATION


def _rule_shape(shapes: rdflib.Graph, shape: Node | None) -> Node | None:
    """The shape that carries the rule metadata: the source shape or the shape that contains it.

    Shapes without rule metadata (from elsewhere) give the outermost shape that contains the source shape.
    """
    seen = set()
    outermost = shape
    while shape is not None and shape not in seen:
        seen.add(shape)
        outermost = shape
        if (shape, KSH.rule, None) in shapes:
            return shape
        shape = next(
            (
                parent
                for prop in (SHACL.property, SHACL.node, SHACL["not"], SHACL.qualifiedValueShape)
                for parent in shapes.subjects(prop, shape)
            ),
            None,
        ) or _list_owner(shapes, shape)
    return outermost


def _list_owner(shapes: rdflib.Graph, member: Node) -> Node | None:
    """The shape whose sh:or/sh:and/sh:xone list holds ``member``."""
    for cell in shapes.subjects(RDF.first, member):
        head = cell
        while True:
            prev = shapes.value(predicate=RDF.rest, object=head)
            if prev is None:
                break
            head = prev
        for prop in (SHACL["or"], SHACL["and"], SHACL.xone):
            owner = shapes.value(predicate=prop, object=head)
            if owner is not None:
                return owner
    return None


def _pick(literals: Iterable[Node], lang: str) -> str:
    """The first literal in language ``lang`` ("": without a language)."""
    return next((str(x) for x in literals if isinstance(x, Literal) and (x.language or "") == lang), "")


def _text(graph: rdflib.Graph, node: Node | None, prop: URIRef, lang: str) -> str:
    if node is None:
        return ""
    return _pick(graph.objects(node, prop), lang) or next((str(x) for x in graph.objects(node, prop)), "")


def _label(data: rdflib.Graph, node: Node | None) -> str | None:
    if node is None:
        return None
    return _pick(data.objects(node, SKOS.prefLabel), "sv") or _pick(data.objects(node, RDFS.label), "sv") or None


def _show(term: Node | None) -> str:
    if isinstance(term, URIRef):
        return str(term)
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        return term.n3()
    return str(term)


def _show_path(graph: rdflib.Graph, path: Node) -> str:
    """A SHACL property path as SPARQL-like text (``^org:postIn``, ``ks:a/ks:b``)."""
    if isinstance(path, URIRef):
        return _short(path)
    inverse = graph.value(path, SHACL.inversePath)
    if inverse is not None:
        return "^" + _show_path(graph, inverse)
    if (path, RDF.first, None) in graph:
        return "/".join(_show_path(graph, p) for p in Collection(graph, path))
    return _show(path)


_PREFIXES = {
    "https://w3id.org/ksgraph/ontology#": "ks:",
    "http://www.w3.org/ns/org#": "org:",
    "http://www.w3.org/2004/02/skos/core#": "skos:",
    "http://purl.org/dc/terms/": "dcterms:",
    "http://www.w3.org/2006/time#": "time:",
}


def _short(iri: URIRef) -> str:
    for ns, prefix in _PREFIXES.items():
        if str(iri).startswith(ns):
            return prefix + str(iri)[len(ns) :]
    return f"<{iri}>"
