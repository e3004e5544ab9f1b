"""SHACL-SPARQL constraints evaluated once per constraint with pyoxigraph, not once per focus node.

pySHACL runs a SPARQL-based constraint through rdflib once for every focus node
(shared/HAZARDS.md: ~5 ms to ~80 ms each), which made a 200-row spreadsheet import
spend 145 s validating. Here each constraint of a node shape runs once, with its
focus nodes pre-bound by a ``VALUES ?this {…}`` block at the start of the query's
outer group (SHACL 1.0 §5.3.1: ``$this`` and ``?this`` are one variable, and
pre-binding is the same as such a join for the queries of shapes/, which use no
MINUS or sub-select over ``$this``). Each solution becomes an ``sh:ValidationResult``
in the report graph, as pySHACL would write it, so reports read the same.

Constraints this module cannot evaluate exactly — on property shapes (``$PATH``),
or with a blank node among the focus nodes (VALUES cannot name one) — stay with pySHACL.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

import pyoxigraph as ox
import rdflib
from rdflib.term import BNode, Literal, Node, URIRef

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_TEMPLATE = re.compile(r"\{[?$]([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class Constraint:
    shape: Node
    node: Node
    select: str
    prefixes: str
    messages: tuple[Literal, ...]
    severity: Node


class Queryable(Protocol):
    """Where constraints are evaluated: a store, or graphs of one (:class:`~ksgraph.validation.view.GraphUnion`)."""

    def query(self, query: str) -> Iterable[ox.QuerySolution]: ...


def _prefixes(shapes: rdflib.Graph, constraint: Node) -> str:
    lines = []
    for holder in shapes.objects(constraint, SH.prefixes):
        for declaration in shapes.objects(holder, SH.declare):
            prefix = shapes.value(declaration, SH.prefix)
            namespace = shapes.value(declaration, SH.namespace)
            if prefix is not None and namespace is not None:
                lines.append(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join(sorted(set(lines)))


def bulk_constraints(shapes: rdflib.Graph) -> list[Constraint]:
    """The SPARQL constraints of node shapes that this module evaluates (see the module docstring)."""
    found = []
    for shape, node in shapes.subject_objects(SH.sparql):
        select = shapes.value(node, SH.select)
        if (
            select is None
            or (shape, rdflib.RDF.type, SH.NodeShape) not in shapes
            or (node, SH.deactivated, Literal(True)) in shapes
            or "$PATH" in str(select)
            or not _WHERE.search(str(select))
        ):
            continue
        found.append(
            Constraint(
                shape=shape,
                node=node,
                select=str(select),
                prefixes=_prefixes(shapes, node),
                messages=tuple(m for m in shapes.objects(node, SH.message) if isinstance(m, Literal)),
                severity=shapes.value(shape, SH.severity) or SH.Violation,
            )
        )
    return found


def to_store(data: rdflib.Graph) -> ox.Store:
    """An in-memory pyoxigraph copy of an rdflib graph."""
    from ksgraph.core.terms import to_ox

    store = ox.Store()
    store.extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in data)
    return store


def prebound(select: str, focus: Iterable[URIRef]) -> str:
    """``select`` with ``VALUES ?this { … }`` at the start of its outer group."""
    match = _WHERE.search(select)
    assert match is not None
    values = " ".join(f"<{iri}>" for iri in sorted(focus))
    return f"{select[: match.end()]} VALUES ?this {{ {values} }} {select[match.end() :]}"


def evaluate(constraint: Constraint, focus: set[Node], store: Queryable, report: rdflib.Graph) -> int | None:
    """Add the constraint's results for ``focus`` to ``report``; None if pySHACL must do it instead."""
    if any(isinstance(node, BNode) or not isinstance(node, URIRef) for node in focus):
        return None
    if not focus:
        return 0
    from ksgraph.core.terms import to_rdflib

    text = f"{constraint.prefixes}\n{prebound(constraint.select, focus)}"
    count = 0
    for solution in store.query(text):
        this = solution["this"]
        if this is None:
            continue
        result = BNode()
        report.add((result, rdflib.RDF.type, SH.ValidationResult))
        report.add((result, SH.focusNode, to_rdflib(this)))
        report.add((result, SH.resultSeverity, constraint.severity))
        report.add((result, SH.sourceShape, constraint.shape))
        report.add((result, SH.sourceConstraint, constraint.node))
        report.add((result, SH.sourceConstraintComponent, SH.SPARQLConstraintComponent))
        bindings: dict[str, ox.NamedNode | ox.BlankNode | ox.Literal | None] = {}
        for name in ("value", "path"):
            try:
                term = solution[name]
            except (KeyError, IndexError):
                term = None
            bindings[name] = term
        if bindings["value"] is not None:
            report.add((result, SH.value, to_rdflib(bindings["value"])))
        if bindings["path"] is not None:
            report.add((result, SH.resultPath, to_rdflib(bindings["path"])))
        for message in constraint.messages:
            text_ = _TEMPLATE.sub(functools.partial(_fill, solution), str(message))
            report.add((result, SH.resultMessage, Literal(text_, lang=message.language)))
        count += 1
    return count


def _fill(solution: ox.QuerySolution, match: re.Match[str]) -> str:
    return _binding_text(solution, match.group(1))


def _binding_text(solution: ox.QuerySolution, name: str) -> str:
    try:
        term = solution[name]
    except (KeyError, IndexError):
        return ""
    return "" if term is None else term.value
