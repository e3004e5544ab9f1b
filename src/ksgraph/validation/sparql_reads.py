"""What a SHACL-SPARQL constraint reads from ``$this``: the triple patterns of its query, as access paths.

The query is parsed (rdflib's SPARQL algebra) and its triple patterns, in every group, ``OPTIONAL``,
``UNION`` and ``FILTER (NOT) EXISTS``, are edges between their subject and object. A pattern is
*anchored* if a chain of patterns ties it to ``$this`` — through the patterns of its own and the
enclosing groups, since an ``EXISTS`` sees the bindings around it — and each chain from ``$this``
is an access path. A pattern no chain reaches (``?value a ks:HealthcareRegion`` enumerates every
healthcare region) is read *everywhere*: a change matching it can alter every target's result.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

import rdflib
from rdflib import paths as rp
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Node, URIRef, Variable

from ksgraph.core.vocab import SH
from ksgraph.validation.sparql_parse import Reader, Unreadable
from ksgraph.validation.steps import ANY_WAY, Path, Segment, invert, one, widened

SHACL = rdflib.Namespace(SH)
THIS = Variable("this")
_EXISTS = ("Builtin_EXISTS", "Builtin_NOTEXISTS")
# How many patterns one chain from $this may cross: far more than any query of shapes/ has.
_MAX_CHAIN = 12


Form = tuple[URIRef | None, Node | None]


def query_reads(shapes: rdflib.Graph, constraint: Node) -> tuple[list[Path], set[Form]] | None:
    """(access paths, everywhere forms) of a ``sh:SPARQLConstraint``, or None if its query cannot be read."""
    select = shapes.value(constraint, SHACL.select)
    if select is None:
        return None
    declared = {
        str(shapes.value(d, SHACL.prefix)): str(shapes.value(d, SHACL.namespace))
        for holder in shapes.objects(constraint, SHACL.prefixes)
        for d in shapes.objects(holder, SHACL.declare)
    }
    text = str(select)
    if "$PATH" in text:
        return None  # a SPARQL constraint on a property shape: not followed
    group = read_groups(text, declared, fast=True)
    return None if group is None else scoped_reads(group)


def read_groups(text: str, prefixes: dict[str, str], *, fast: bool) -> Group | None:
    """The query's scopes: by :mod:`ksgraph.validation.sparql_parse` if ``fast`` and it can, else by rdflib."""
    if fast:
        try:
            return Reader(text, prefixes, Group).query()
        except Unreadable:
            pass
    declarations = "\n".join(f"PREFIX {k}: <{v}>" for k, v in sorted(prefixes.items()))
    try:
        algebra = prepareQuery(f"{declarations}\n{text}").algebra
    except Exception:
        return None
    return _groups(algebra)


def scoped_reads(top: Group) -> tuple[list[Path], set[Form]]:
    """The access paths from ``$this`` and the unanchored reads of a query's groups (see the module).

    A chain from ``$this`` may cross the patterns of a group and of the groups around it, never of
    a group beside or inside it: the bindings an EXISTS, OPTIONAL, MINUS or UNION branch sees come
    from around it, and its own patterns bind nothing outside.
    """
    found: set[Path] = set()
    everywhere: set[Form] = set()

    def visit(group: Group, outer: list[list[Pattern]], outer_links: list[list[Link]]) -> None:
        layers, links = [*outer, group.patterns], [*outer_links, group.links]
        reached = _reached([p for layer in layers for p in layer], [k for layer in links for k in layer])
        for s, p, o in group.patterns:
            if s not in reached and o not in reached:
                everywhere.update(_forms(p, o))
        found.update(_chains(layers, links))
        for inner in group.children:
            visit(inner, layers, links)

    visit(top, [], [])
    return sorted(found, key=len), everywhere


Pattern = tuple[Node, Any, Node]
Link = tuple[Node, Node]


def _reached(patterns: list[Pattern], links: list[tuple[Node, Node]]) -> set[Node]:
    """The variables a chain of ``patterns`` (and BIND links) ties to ``$this``."""
    reached: set[Node] = {THIS}
    changed = True
    while changed:
        changed = False
        for s, _, o in patterns:
            new = {t for t in (s, o) if isinstance(t, Variable)} - reached
            if new and (s in reached or o in reached):
                reached |= new
                changed = True
        for a, b in links:
            if a in reached and b not in reached:
                reached.add(b)
                changed = True
    return reached


def _chains(layers: list[list[Pattern]], links: list[list[Link]]) -> list[Path]:
    """Chains from ``$this`` to every pattern of ``layers`` (a scope and the scopes around it, outermost first).

    Any one chain to a pattern will do: in a solution, every chain of its patterns is there in the data
    (:mod:`ksgraph.validation.focus` says why). So a chain passes through a variable only by the patterns
    of the scope that binds it (the outermost one it appears in), never through a constant (a hub, as
    ``ks:chair`` is), and visits no term twice. If that leaves a pattern unreached, every chain is taken.
    """
    binding: dict[Node, int] = {}
    for level in range(len(layers) - 1, -1, -1):
        for s, _, o in layers[level]:
            binding.update({t: level for t in (s, o) if isinstance(t, Variable)})
        for a, b in links[level]:
            binding.update({a: level, b: level})
    found = _walk(layers, links, binding)
    if found is None:
        found = _walk(layers, links, None)
    return found or []


def _walk(layers: list[list[Pattern]], links: list[list[Link]], binding: dict[Node, int] | None) -> list[Path] | None:
    by_node: dict[Node, list[tuple[int, int, Any, Node, bool]]] = defaultdict(list)
    for level, layer in enumerate(layers):
        for i, (s, p, o) in enumerate(layer):
            by_node[s].append((level, i, p, o, True))
            by_node[o].append((level, i, p, s, False))
        for a, b in links[level]:
            by_node[a].append((level, -1, None, b, True))
    found: list[Path] = []
    read: set[tuple[int, int]] = set()

    def walk(node: Node, prefix: Path, visited: frozenset[Node], level: int) -> None:
        found.append(prefix)
        if len(visited) > _MAX_CHAIN:
            found.append((*prefix, Segment(ANY_WAY, "*")))
            return
        for at, i, p, other, forward in by_node.get(node, ()):
            if at < level or other in visited:
                continue
            if binding is not None and isinstance(other, Variable) and binding[other] != at:
                continue  # read from ``other``'s side, which its own scope ties to $this
            read.add((at, i))
            for seq in _paths(p) if p is not None else [()]:
                step = seq if forward else invert(seq)
                if isinstance(other, URIRef) and step:
                    step = (*step[:-1], step[-1].arriving_at(other))
                if not isinstance(other, Variable) and binding is not None:
                    found.append(prefix + step)
                else:
                    walk(other, prefix + step, visited | {other}, at)

    walk(THIS, (), frozenset({THIS}), 0)
    reached = _reached([p for layer in layers for p in layer], [k for layer in links for k in layer])
    wanted = {
        (at, i) for at, layer in enumerate(layers) for i, (s, _, o) in enumerate(layer) if s in reached or o in reached
    }
    return found if binding is None or wanted <= read else None


class Group:
    """The triple patterns of one scope, its BIND links, and the scopes inside it (EXISTS, OPTIONAL, MINUS, UNION)."""

    def __init__(self) -> None:
        self.patterns: list[Pattern] = []
        self.links: list[tuple[Node, Node]] = []  # BIND (?v AS ?w): ?w is tied to ?v
        self.children: list[Group] = []


# Algebra nodes (and untranslated parts, inside EXISTS) whose operands are scopes of their own.
_INNER = {"LeftJoin": ("p2",), "Minus": ("p2",), "Union": ("p1", "p2"), "OptionalGraphPattern": ("graph",)}
_INNER |= {"MinusGraphPattern": ("graph",), "SubSelect": ("where",), "ToMultiSet": ("p",)}


def _groups(node: Any, group: Group | None = None) -> Group:
    group = group or Group()
    if isinstance(node, CompValue):
        if node.name in _EXISTS:
            group.children.append(_groups(node.get("graph")))
            return group
        if node.name in ("BGP", "TriplesBlock"):
            group.patterns.extend(_triples(node.get("triples") or []))
        if node.name == "Extend" and isinstance(node.get("var"), Variable):
            group.links.extend((v, node["var"]) for v in _variables(node.get("expr")))
        inner = _INNER.get(node.name, ())
        if node.name == "GroupOrUnionGraphPattern" and len(node.get("graph") or []) > 1:
            for branch in node["graph"]:
                group.children.append(_groups(branch))
            return group
        for key, value in node.items():
            if key in inner:
                group.children.append(_groups(value))
            else:
                _groups(value, group)
    elif isinstance(node, list | tuple):
        for item in node:
            _groups(item, group)
    return group


def _triples(raw: Iterable[Any]) -> Iterator[tuple[Node, Any, Node]]:
    for item in raw:
        flat = list(item)
        for i in range(0, len(flat) - 2, 3):
            yield flat[i], flat[i + 1], flat[i + 2]


def _variables(expr: Any) -> Iterator[Variable]:
    if isinstance(expr, Variable):
        yield expr
    elif isinstance(expr, CompValue):
        for value in expr.values():
            yield from _variables(value)
    elif isinstance(expr, list | tuple):
        for item in expr:
            yield from _variables(item)


def _forms(path: Any, o: Node) -> set[Form]:
    """What triples an unanchored pattern reads: its predicate, and its object if that is the last step."""
    if isinstance(path, URIRef):
        return {(path, o if isinstance(o, URIRef) else None)}
    steps = {step for seq in _paths(path) for seg in seq for step in seg.steps}
    return {(p, None) for p, _, _ in steps}


def _paths(path: Any) -> list[Path]:
    """A SPARQL property path (or predicate) as the segment sequences it can take."""
    if isinstance(path, URIRef):
        return [(one(path),)]
    if isinstance(path, rp.InvPath):
        return [invert(seq) for seq in _paths(path.arg)]
    if isinstance(path, rp.SequencePath):
        out: list[Path] = [()]
        for arg in path.args:
            out = [a + b for a in out for b in _paths(arg)]
        return out
    if isinstance(path, rp.AlternativePath):
        return [seq for arg in path.args for seq in _paths(arg)]
    if isinstance(path, rp.MulPath):
        return [widened(_paths(path.path), path.mod)]
    return [(Segment(ANY_WAY),)]  # a variable predicate, a negated property set: any link
