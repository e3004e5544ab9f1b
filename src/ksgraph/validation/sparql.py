"""SHACL-SPARQL constraints of node shapes, evaluated in pyoxigraph: once per constraint where that is exact.

pySHACL runs a SPARQL-based constraint through rdflib once for every focus node
(shared/HAZARDS.md: ~5 ms to ~80 ms each), which made a 200-row spreadsheet import
spend 145 s validating. Here each constraint of a node shape runs in pyoxigraph, with
``$this`` pre-bound as SHACL 1.0 §5.3.1 defines it. :func:`ksgraph.validation.prebinding.plan`
reads the query's algebra and decides:

* most queries (all of shapes/) run **once for all focus nodes**, with ``VALUES ?this {…}``
  at the start of the outer group, which is exactly pre-binding for them;
* the others run **once per focus node**, with the focus node joined into every group;
* queries SHACL forbids for pre-binding (``MINUS``, ``VALUES``, ``SERVICE``, ``AS ?this``,
  a sub-``SELECT`` without ``$this``) are refused with :class:`ShapesError`, naming the shape.

Each solution becomes an ``sh:ValidationResult`` (SHACL 5.3.2): ``sh:value`` is ``?value``, or the
focus node when the query does not bind it; ``sh:resultPath`` is ``?path`` if it is an IRI;
``sh:resultMessage`` is ``?message``, else each ``sh:message`` of the constraint with ``{?v}`` and
``{$v}`` replaced by the solution's values. ``$currentShape`` and ``$shapesGraph`` are pre-bound too
(the shapes graph is then queryable as the named graph :data:`SHAPES_GRAPH`).

Constraints this module leaves to pySHACL: those of property shapes (``$PATH``), and those with a
blank node among the focus nodes (or as ``$currentShape``), which a query cannot name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox
import rdflib
from rdflib.namespace import OWL, RDF
from rdflib.term import BNode, Literal, Node, URIRef

from ksgraph.core.terms import OxTerm, to_ox, to_ox_triple, unquoted
from ksgraph.core.vocab import GRAPH_BASE
from ksgraph.validation.prebinding import Mode, Plan, Refused, at_every_group, at_outer_group, plan
from ksgraph.validation.view import rdflib_term

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
# What $shapesGraph is bound to: the shapes graph's name in the store the constraints are evaluated in.
SHAPES_GRAPH = GRAPH_BASE + "shapes"
_TEMPLATE = re.compile(r"\{[?$]([A-Za-z_][A-Za-z0-9_]*)\}")
_TRUE = ox.Literal("true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))


@dataclass
class ShapesError(Exception):
    """Shapes that cannot be used as they are: which shape, and what is wrong (raised before any result)."""

    shape: str | None
    message: str
    # The query text, so that a caller that knows the files can say where it is (``where``: "file:line").
    select: str | None = None
    where: str | None = None

    def __post_init__(self) -> None:
        # Exception's args, so that the error survives pickling out of a validation worker.
        super().__init__(self.shape, self.message, self.select, self.where)

    def __str__(self) -> str:
        text = f"shape {self.shape}: {self.message}" if self.shape else self.message
        return f"{self.where}: {text}" if self.where else text


@dataclass(frozen=True)
class Constraint:
    shape: Node
    node: Node
    select: str
    prefixes: tuple[tuple[str, str], ...]
    messages: tuple[Literal, ...]
    severity: Node
    plan: Plan

    @property
    def needs_shapes_graph(self) -> bool:
        return "shapesGraph" in self.plan.uses


class Queryable(Protocol):
    """Where constraints are evaluated: a store, or graphs of one (:class:`~ksgraph.validation.view.GraphUnion`)."""

    def query(self, query: str) -> Iterable[ox.QuerySolution]: ...


@dataclass(frozen=True)
class Selects:
    """A store as :class:`Queryable`: a constraint's query is a SELECT (SHACL requires it, :func:`plan` checks)."""

    store: ox.Store

    def query(self, query: str) -> ox.QuerySolutions:
        result = self.store.query(query)
        if not isinstance(result, ox.QuerySolutions):
            raise TypeError("a SPARQL constraint is a SELECT query")
        return result


def bulk_constraints(shapes: rdflib.Graph, cache_dir: Path | None = None) -> list[Constraint]:
    """The SPARQL constraints of node shapes that this module evaluates (see the module docstring).

    Raises :class:`ShapesError` for a query that does not parse or that SHACL forbids.
    """
    found = []
    for shape, node in shapes.subject_objects(SH.sparql):
        select = shapes.value(node, SH.select)
        if (
            select is None
            or (shape, SH.path, None) in shapes
            or _deactivated(shapes, node)
            or _deactivated(shapes, shape)
            or "$PATH" in str(select)
        ):
            continue
        prefixes = _prefixes(shapes, shape, node)
        try:
            how = plan(str(select), prefixes, cache_dir)
        except Refused as exc:
            raise ShapesError(_name(shape), f"its SPARQL constraint cannot be used: {exc}", str(select)) from None
        except ValueError as exc:
            raise ShapesError(_name(shape), f"its SPARQL constraint is not valid: {exc}", str(select)) from None
        found.append(
            Constraint(
                shape=shape,
                node=node,
                select=str(select),
                prefixes=prefixes,
                messages=tuple(m for m in shapes.objects(node, SH.message) if isinstance(m, Literal)),
                severity=shapes.value(shape, SH.severity) or SH.Violation,
                plan=how,
            )
        )
    return found


def _deactivated(shapes: rdflib.Graph, node: Node) -> bool:
    return any(v.toPython() is True for v in shapes.objects(node, SH.deactivated) if isinstance(v, Literal))


def _prefixes(shapes: rdflib.Graph, shape: Node, constraint: Node) -> tuple[tuple[str, str], ...]:
    """The ``sh:declare``s of the constraint's ``sh:prefixes``, and of the ontologies those import (owl:imports).

    Imports are followed within the shapes graph only: nothing is fetched.
    """
    found: dict[str, str] = {}
    todo = list(shapes.objects(constraint, SH.prefixes))
    seen: set[Node] = set()
    while todo:
        holder = todo.pop()
        if holder in seen:
            continue
        seen.add(holder)
        for declaration in shapes.objects(holder, SH.declare):
            prefix = shapes.value(declaration, SH.prefix)
            namespace = shapes.value(declaration, SH.namespace)
            if prefix is None or namespace is None:
                continue
            if found.get(str(prefix), str(namespace)) != str(namespace):
                raise ShapesError(
                    _name(shape),
                    f"sh:prefixes declares {prefix}: twice, as <{found[str(prefix)]}> and <{namespace}>",
                )
            found[str(prefix)] = str(namespace)
        todo.extend(shapes.objects(holder, OWL.imports))
    return tuple(sorted(found.items()))


def to_store(data: rdflib.Graph, shapes: rdflib.Graph | None = None) -> ox.Store:
    """An in-memory pyoxigraph copy of an rdflib graph (and the shapes as the named graph SHAPES_GRAPH)."""
    store = ox.Store()
    store.extend(ox.Quad(*to_ox_triple(t)) for t in data)
    if shapes is not None:
        graph = ox.NamedNode(SHAPES_GRAPH)
        store.extend(ox.Quad(*to_ox_triple(t), graph) for t in shapes)
    return store


def prebound(select: str, focus: Iterable[str]) -> str:
    """``select`` with ``VALUES ?this { … }`` at the start of its outer group (the bulk case)."""
    return at_outer_group(select, ["this"], [[ox.NamedNode(iri)] for iri in sorted(focus)])


def evaluate(constraint: Constraint, focus: set[Node], store: Queryable, report: rdflib.Graph) -> int | None:
    """Add the constraint's results for ``focus`` to ``report``; None if pySHACL must do it instead."""
    if any(isinstance(node, BNode) for node in focus):
        return None
    if "currentShape" in constraint.plan.uses and isinstance(constraint.shape, BNode):
        return None
    if not focus:
        return 0
    names = ["this", *(v for v in ("currentShape", "shapesGraph") if v in constraint.plan.uses)]
    fixed = {"currentShape": to_ox(constraint.shape), "shapesGraph": ox.NamedNode(SHAPES_GRAPH)}
    nodes = {to_ox(node): node for node in focus}
    ordered = sorted(nodes, key=str)
    prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in constraint.prefixes)

    def row(node: ox.NamedNode | ox.BlankNode | ox.Literal) -> list[ox.NamedNode | ox.Literal]:
        # No blank node gets here: focus nodes were checked above, $currentShape too.
        return [t for t in (node, *(fixed[n] for n in names[1:])) if not isinstance(t, ox.BlankNode)]

    count = 0
    seen: set[tuple[object, ...]] = set()
    if constraint.plan.mode is Mode.BULK:
        text = prologue + at_outer_group(constraint.select, names, [row(n) for n in ordered])
        for solution in store.query(text):
            this = _get(solution, "this")
            if this is not None:
                this = unquoted(this)
                count += _result(constraint, nodes.get(this) or rdflib_term(this), solution, fixed, report, seen)
        return count
    for node in ordered:
        text = prologue + at_every_group(constraint.select, names, row(node))
        for solution in store.query(text):
            count += _result(constraint, nodes[node], solution, {**fixed, "this": node}, report, seen)
    return count


def _result(
    constraint: Constraint,
    focus: Node,
    solution: ox.QuerySolution,
    fixed: dict[str, ox.NamedNode | ox.BlankNode | ox.Literal],
    report: rdflib.Graph,
    seen: set[tuple[object, ...]],
) -> int:
    """Write the result of one solution; 0 if an identical result was written already (pySHACL writes one too)."""
    if _get(solution, "failure") == _TRUE:
        raise ShapesError(_name(constraint.shape), "its SPARQL constraint reported a failure (?failure true)")
    value, path, message = _get(solution, "value"), _get(solution, "path"), _get(solution, "message")
    texts = (
        ((message.value, message.language),)
        if isinstance(message, ox.Literal)
        else tuple(
            (_TEMPLATE.sub(lambda m: _text(solution, m.group(1), fixed), str(t)), t.language)
            for t in constraint.messages
        )
    )
    key = (focus, value, path if isinstance(path, ox.NamedNode) else None, texts)
    if key in seen:
        return 0
    seen.add(key)
    result = BNode()
    report.add((result, RDF.type, SH.ValidationResult))
    report.add((result, SH.focusNode, focus))
    report.add((result, SH.resultSeverity, constraint.severity))
    report.add((result, SH.sourceShape, constraint.shape))
    report.add((result, SH.sourceConstraint, constraint.node))
    report.add((result, SH.sourceConstraintComponent, SH.SPARQLConstraintComponent))
    # A node shape's only value node is its focus node (SHACL 5.3.2).
    report.add((result, SH.value, rdflib_term(value) if value is not None else focus))
    if isinstance(path, ox.NamedNode):
        report.add((result, SH.resultPath, URIRef(path.value)))
    for text, language in texts:
        report.add((result, SH.resultMessage, Literal(text, lang=language or None)))
    return 1


def _get(solution: ox.QuerySolution, name: str) -> OxTerm | ox.Triple | None:
    try:
        term: OxTerm | ox.Triple | None = solution[name]  # pyoxigraph's stubs type a solution's values as Any
    except (KeyError, IndexError):
        return None
    return term


def _text(solution: ox.QuerySolution, name: str, fixed: dict[str, ox.NamedNode | ox.BlankNode | ox.Literal]) -> str:
    term = _get(solution, name) or fixed.get(name)
    return "" if term is None else unquoted(term).value


def _name(node: Node) -> str:
    """A shape as a person can find it: ``<iri>``, or ``_:label`` for a blank node."""
    return f"_:{node}" if isinstance(node, BNode) else f"<{node}>"
