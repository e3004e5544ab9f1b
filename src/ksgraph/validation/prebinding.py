"""SHACL's pre-binding of ``$this`` (SHACL 1.0 §5.3.1 and Appendix A), decided from the query's algebra.

SHACL evaluates a SPARQL-based constraint once per focus node with ``$this`` pre-bound: the
solution {this ↦ focus node} is joined into every basic graph pattern, path and GRAPH of the
query (Appendix A, "Values insertion"), so ``$this`` is bound even in a ``FILTER`` of a nested
group or of a ``UNION`` branch. :mod:`ksgraph.validation.sparql` runs a constraint once for all
its focus nodes instead, with ``VALUES ?this {…}`` at the start of the query's outer group. That
join is the same as pre-binding only where every use of ``$this`` in an expression sees it bound.
:func:`plan` decides, from the query's algebra (rdflib's translation, without its simplification,
which merges nested groups away), which of three cases a query is:

* **refused**: SHACL forbids it for pre-binding (§5.3.1 and Appendix A): ``MINUS``, ``SERVICE``,
  ``VALUES``, ``AS ?v`` for a pre-bound ``?v``, or a sub-``SELECT`` that does not return ``$this``;
* **bulk**: one query with ``VALUES`` at the start of the outer group gives exactly the results
  of pre-binding, focus node by focus node;
* **per focus node**: anything else, e.g. ``$this`` in a ``FILTER`` or ``BIND`` of a nested group,
  in an ``OPTIONAL`` whose left side does not bind it, aggregates or ``LIMIT`` (which would pool the
  focus nodes), or ``$this`` not selected. The query is then run once per focus node with a
  one-row ``VALUES`` at the start of every group (:func:`at_every_group`): Appendix A's join into
  every pattern, written in SPARQL.

Why the bulk case is exact: the join with a single pre-bound solution commutes with joins, unions
and filters that do not read ``$this``, so it can move to the outer group, except through an
expression that reads ``$this`` where the pattern under it does not bind ``$this``, through an
``OPTIONAL`` that reads ``$this`` on its right but not its left, and through slices and aggregates.
``EXISTS`` patterns see the bindings of the solution they test, so they need no more than their
``FILTER``. Distinct focus nodes never mix, since every solution keeps its ``?this``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from pyparsing import ParseException, ParseResults
from rdflib.plugins.sparql import algebra
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Variable

from ksgraph.validation import plan_cache

# The variables SHACL pre-binds in a SPARQL constraint. A sub-SELECT must return $this; the others are optional.
PREBOUND = ("this", "currentShape", "shapesGraph")
_MUST_RETURN = frozenset({"this"})


class Mode(StrEnum):
    BULK = "bulk"
    PER_NODE = "per focus node"


class Refused(ValueError):
    """A query SHACL does not allow with pre-bound variables; the message says which rule it breaks."""


@dataclass(frozen=True)
class Plan:
    mode: Mode
    # Why the query cannot run in bulk (empty for BULK).
    reasons: tuple[str, ...]
    # The pre-bound variables the query mentions.
    uses: frozenset[str]


@functools.lru_cache(maxsize=512)
def plan(select: str, prefixes: tuple[tuple[str, str], ...] = (), cache_dir: Path | None = None) -> Plan:
    """How to evaluate ``select`` with ``$this`` pre-bound. Raises :class:`Refused`, or ValueError if it does not parse.

    rdflib parses the shapes' queries in ~2 s together (pyparsing), more than a validation of the
    real data takes, so each answer is also kept on disk (:mod:`ksgraph.validation.plan_cache`).
    """
    found = plan_cache.read(cache_dir, select, prefixes)
    if found is not None:
        kind, value = found
        if kind == "refused":
            raise Refused(value)
        if kind == "invalid":
            raise ValueError(value)
        return Plan(Mode(value["mode"]), tuple(value["reasons"]), frozenset(value["uses"]))
    try:
        decided = _analyse(select, prefixes)
    except Refused as exc:
        plan_cache.write(cache_dir, select, prefixes, "refused", str(exc))
        raise
    except ValueError as exc:
        plan_cache.write(cache_dir, select, prefixes, "invalid", str(exc))
        raise
    plan_cache.write(
        cache_dir,
        select,
        prefixes,
        "plan",
        {"mode": decided.mode.value, "reasons": list(decided.reasons), "uses": sorted(decided.uses)},
    )
    return decided


def _analyse(select: str, prefixes: tuple[tuple[str, str], ...]) -> Plan:
    prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in prefixes)
    try:
        tree = parseQuery(prologue + select)
    except ParseException as exc:
        raise ValueError(f"the SPARQL query does not parse: {exc.msg} (line {exc.lineno}, column {exc.col})") from None
    query = tree[1]
    if query.name != "SelectQuery":
        raise Refused("sh:select must be a SELECT query")
    uses = frozenset(v for v in PREBOUND if v in _variables(query))
    _refuse_forbidden(query)
    reasons = list(_outer_modifiers(query))
    prologue_ = algebra.translatePrologue(tree[0], None)
    query = algebra.traverse(query, visitPost=functools.partial(algebra.translatePName, prologue=prologue_))
    where = algebra.traverse(query.where, visitPost=algebra.translatePath)
    pattern = algebra.translateGroupGraphPattern(where)
    reasons.extend(_unsafe(pattern, _spine_start(pattern)))
    return Plan(Mode.PER_NODE if reasons else Mode.BULK, tuple(dict.fromkeys(reasons)), uses)


# -- what SHACL forbids (on the parse tree, where the syntax forms are still visible) ----------------


def _refuse_forbidden(query: CompValue) -> None:
    if query.valuesClause:
        raise Refused("SHACL does not allow VALUES in a query with pre-bound variables (§5.3.1)")
    for node in _nodes(query):
        name = node.name
        if name == "MinusGraphPattern":
            raise Refused("SHACL does not allow MINUS in a query with pre-bound variables (§5.3.1)")
        if name == "ServiceGraphPattern":
            raise Refused("SHACL does not allow a federated query (SERVICE) with pre-bound variables (§5.3.1)")
        if name == "InlineData":
            raise Refused("SHACL does not allow VALUES in a query with pre-bound variables (§5.3.1)")
        for var in _assigned(node):
            if str(var) in PREBOUND:
                raise Refused(f"SHACL does not allow 'AS ?{var}': ${var} is pre-bound (§5.3.1)")
        if name == "SubSelect":
            missing = _MUST_RETURN - _returned(node)
            if missing:
                raise Refused(
                    f"a sub-SELECT must return the pre-bound variable ${sorted(missing)[0]} (SHACL §5.3.1)"
                    + (" ('SELECT *' returns only the variables its pattern binds)" if not node.projection else "")
                )


def _assigned(node: CompValue) -> Iterator[Variable]:
    """Variables a syntax form assigns with AS: BIND, a SELECT expression, GROUP BY (… AS ?v)."""
    if node.name in ("Bind", "GroupAs") and isinstance(node.get("var"), Variable):
        yield node["var"]
    if node.name in ("SelectQuery", "SubSelect"):
        for item in node.projection or []:
            if isinstance(item.get("evar"), Variable):
                yield item["evar"]


def _returned(select: CompValue) -> set[str]:
    if select.projection:
        return {str(item.get("var") or item.get("evar")) for item in select.projection}
    return _in_scope(select.where)


def _in_scope(group: Any) -> set[str]:
    """The variables in scope after a group (SPARQL 1.1 §18.2.1): what its patterns can bind, not what filters read."""
    found: set[str] = set()
    if not isinstance(group, CompValue):
        return found
    if group.name == "SubSelect":
        return _returned(group)
    for part in group.part or []:
        if part.name == "TriplesBlock":
            found |= {str(v) for v in _variables(part)}
        elif part.name == "Bind":
            found.add(str(part.var))
        elif part.name == "OptionalGraphPattern":
            found |= _in_scope(part.graph)
        elif part.name == "GroupOrUnionGraphPattern":
            for branch in part.graph:
                found |= _in_scope(branch)
        elif part.name == "GraphGraphPattern":
            found |= _in_scope(part.graph)
            if isinstance(part.term, Variable):
                found.add(str(part.term))
    return found


def _outer_modifiers(query: CompValue) -> Iterator[str]:
    if query.groupby or query.having or any(n.name.startswith("Aggregate_") for n in _nodes(query.projection)):
        yield "aggregates would pool the focus nodes"
    if query.limitoffset:
        yield "LIMIT/OFFSET would apply to all focus nodes together"
    if query.projection and "this" not in _returned(query):
        yield "$this is not selected, so a solution would not say its focus node"


# -- where a VALUES join at the start is not pre-binding (on the algebra) ----------------------------


def _spine_start(pattern: CompValue) -> int:
    """The empty pattern a group's translation starts from: a VALUES at the start of the group joins there."""
    node = pattern
    while node.name in ("Filter", "Extend", "LeftJoin", "Join", "Minus"):
        node = node.p if node.name in ("Filter", "Extend") else node.p1
    return id(node)


def _unsafe(node: Any, marked: int) -> Iterator[str]:
    """Why a VALUES join at the marked start differs from pre-binding under ``node`` (nothing if it does not)."""
    if not isinstance(node, CompValue):
        return
    name = node.name
    if name in ("Slice", "Group", "AggregateJoin"):
        yield "a sub-SELECT with aggregates or LIMIT/OFFSET would pool the focus nodes"
    if name == "Filter":
        yield from _reads_unbound(node.expr, node.p, marked, "FILTER")
    elif name == "Extend":
        yield from _reads_unbound(node.expr, node.p, marked, "BIND")
    elif name == "LeftJoin":
        bound = _bound(node.p1, marked)
        read = _mentioned(node.p2) | _mentioned(node.expr)
        for var in sorted(read - bound):
            yield f"OPTIONAL reads ${var}, which the pattern before it does not bind"
    for key in ("p", "p1", "p2"):
        yield from _unsafe(node.get(key), marked)


def _reads_unbound(expr: Any, pattern: CompValue, marked: int, form: str) -> Iterator[str]:
    for var in sorted(_mentioned(expr) - _bound(pattern, marked)):
        yield f"a {form} reads ${var} where its group does not bind it (in a nested group, UNION branch or sub-SELECT)"
    if any(n.name == "SubSelect" for n in _nodes(expr)):
        yield f"a {form} has a sub-SELECT inside EXISTS"


def _bound(node: Any, marked: int) -> set[str]:
    """The pre-bound variables every solution of ``node`` binds (the marked start binds them all)."""
    if not isinstance(node, CompValue):
        return set()
    name = node.name
    if id(node) == marked:
        return set(PREBOUND)
    if name == "BGP":
        return {str(v) for triple in node.triples for v in triple if isinstance(v, Variable)} & set(PREBOUND)
    if name == "Join":
        return _bound(node.p1, marked) | _bound(node.p2, marked)
    if name == "Union":
        return _bound(node.p1, marked) & _bound(node.p2, marked)
    if name in ("LeftJoin", "Minus"):
        return _bound(node.p1, marked)
    if name == "Graph":
        term = {str(node.term)} if isinstance(node.term, Variable) else set()
        return _bound(node.p, marked) | (term & set(PREBOUND))
    if name == "Project":
        return _bound(node.p, marked) & {str(v) for v in node.PV}
    if name in ("Filter", "Extend", "ToMultiSet", "Distinct", "Reduced", "OrderBy", "Slice"):
        return _bound(node.p, marked)
    return set()


def _mentioned(tree: Any) -> set[str]:
    return {v for v in PREBOUND if v in _variables(tree)}


def _variables(tree: Any) -> set[str]:
    found: set[str] = set()
    stack = [tree]
    while stack:
        item = stack.pop()
        if isinstance(item, Variable):
            found.add(str(item))
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list | tuple | ParseResults):
            stack.extend(item)
    return found


def _nodes(tree: Any) -> Iterator[CompValue]:
    stack = [tree]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            yield item
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list | tuple | ParseResults):
            stack.extend(item)


# -- writing the pre-bound values into the query text -------------------------------------------------

# What may hold a brace without opening a group: IRIs, strings and comments.
_SKIP = re.compile(
    r"""<[^<>"{}|^`\\\x00-\x20]*>|'''.*?'''|\"\"\".*?\"\"\"|'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*"|#[^\n\r]*""",
    re.S,
)
_SUBSELECT = re.compile(r"(?:\s|#[^\n\r]*)*SELECT\b", re.IGNORECASE)


def group_starts(select: str) -> list[int]:
    """The offsets just inside each group's opening brace, except a sub-SELECT's (it starts with SELECT)."""
    starts = []
    position = 0
    while position < len(select):
        skipped = _SKIP.match(select, position)
        if skipped:
            position = skipped.end()
            continue
        if select[position] == "{" and not _SUBSELECT.match(select, position + 1):
            starts.append(position + 1)
        position += 1
    return starts


Row = Sequence[ox.NamedNode | ox.Literal]


def values_block(names: Sequence[str], rows: Iterable[Row]) -> str:
    heads = " ".join(f"?{n}" for n in names)
    body = " ".join("(" + " ".join(sparql_term(t) for t in row) + ")" for row in rows)
    return f" VALUES ({heads}) {{ {body} }} "


def at_outer_group(select: str, names: Sequence[str], rows: Iterable[Row]) -> str:
    """``select`` with the rows joined at the start of its outer group (the bulk case)."""
    start = group_starts(select)[0]
    return select[:start] + values_block(names, rows) + select[start:]


def at_every_group(select: str, names: Sequence[str], row: Row) -> str:
    """``select`` with one row of pre-bound values joined at the start of every group (Appendix A)."""
    block = values_block(names, [row])
    out, last = [], 0
    for start in group_starts(select):
        out += [select[last:start], block]
        last = start
    return "".join([*out, select[last:]])


def sparql_term(term: ox.NamedNode | ox.Literal) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<{term.value}>"
    text = '"' + _escape(term.value) + '"'
    if term.language:
        return f"{text}@{term.language}"
    return f"{text}^^<{term.datatype.value}>"


_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(text: str) -> str:
    return "".join(_ECHAR.get(ch) or (f"\\u{ord(ch):04X}" if ord(ch) < 0x20 else ch) for ch in text)


def prefix_pairs(prefixes: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(prefixes.items()))
