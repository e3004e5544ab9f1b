"""What each shape reads from its focus node: its access paths, derived from the shapes themselves.

A shape's result for a focus node ``x`` depends only on the triples its constraints read from
``x``: along ``sh:path`` to the value nodes, on into ``sh:node``, ``sh:property``,
``sh:qualifiedValueShape``, ``sh:or``/``sh:and``/``sh:xone``/``sh:not``, the types ``sh:class``
reads (``rdf:type/rdfs:subClassOf*``), the property ``sh:equals`` and its kind compare, every
property of a ``sh:closed`` shape, and the triple patterns of SPARQL constraints
(:mod:`ksgraph.validation.sparql_reads`). :func:`shape_reads` collects these as paths of steps;
:mod:`ksgraph.validation.focus` walks them backwards from a changed triple to find every focus
node whose result the change can alter.

What cannot be followed from the focus node (a SPARQL pattern that no variable ties to
``$this``, nesting too deep) is an *everywhere* read: a change matching it makes every target of
that shape a focus node.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node, URIRef

from ksgraph.core.vocab import SH
from ksgraph.validation.sparql_reads import query_reads
from ksgraph.validation.steps import ANY_WAY, Path, Segment, Step, invert, one, widened

SHACL = rdflib.Namespace(SH)
TARGETS = (SHACL.targetClass, SHACL.targetNode, SHACL.targetSubjectsOf, SHACL.targetObjectsOf)
# A read no path from the focus node explains: (predicate or None, object or None) of the triples it reads.
Form = tuple[URIRef | None, Node | None]
_MAX_DEPTH = 12
_SHAPE_LISTS = (SHACL["and"], SHACL["or"], SHACL.xone)
_COMPARED = (SHACL.equals, SHACL.disjoint, SHACL.lessThan, SHACL.lessThanOrEquals)
_CLASS_PATH: Path = (one(URIRef(RDF.type)), Segment(frozenset({(URIRef(RDFS.subClassOf), True, None)}), "*"))


@dataclass
class Reads:
    """Every root shape's access paths, and the reads a change can make matter for all its targets."""

    paths: dict[Node, set[Path]] = field(default_factory=lambda: defaultdict(set))
    everywhere: dict[Node, set[Form]] = field(default_factory=lambda: defaultdict(set))
    # (predicate or None, forward) → (the node the step must arrive at or None, path, index of its segment)
    by_step: dict[tuple[URIRef | None, bool], list[tuple[Node | None, Path, int]]] = field(
        default_factory=lambda: defaultdict(list)
    )

    def index(self) -> Reads:
        seen: set[tuple[Step, Path, int]] = set()
        for paths in self.paths.values():
            for path in paths:
                for i, seg in enumerate(path):
                    for step in seg.steps:
                        if (step, path, i) not in seen:
                            seen.add((step, path, i))
                            self.by_step[step[0], step[1]].append((step[2], path, i))
        return self


def shacl_paths(shapes: rdflib.Graph, node: Node) -> list[Path]:
    """A SHACL property path (SHACL 1.0 §2.3.1) as the paths it can take; a nested repetition is widened."""
    if isinstance(node, URIRef):
        return [(one(node),)]
    if (node, RDF.first, None) in shapes:
        paths: list[Path] = [()]
        for member in Collection(shapes, node):
            paths = [a + b for a in paths for b in shacl_paths(shapes, member)]
        return paths
    inverse = shapes.value(node, SHACL.inversePath)
    if inverse is not None:
        return [invert(p) for p in shacl_paths(shapes, inverse)]
    alternatives = shapes.value(node, SHACL.alternativePath)
    if alternatives is not None:
        return [p for member in Collection(shapes, alternatives) for p in shacl_paths(shapes, member)]
    for prop, repeat in ((SHACL.zeroOrMorePath, "*"), (SHACL.oneOrMorePath, "+"), (SHACL.zeroOrOnePath, "?")):
        inner = shapes.value(node, prop)
        if inner is not None:
            return [widened(shacl_paths(shapes, inner), repeat)]
    return [(Segment(ANY_WAY),)]  # not a path SHACL knows: anything next to the focus


def shape_reads(shapes: rdflib.Graph) -> Reads:
    """The access paths of every shape with a target (see the module)."""
    reads = Reads()
    roots = {s for prop in TARGETS for s in shapes.subjects(prop, None)}
    for root in roots:
        walker = _Walker(shapes, root, reads)
        walker.shape(root, (), 0)
    return reads.index()


class _Walker:
    def __init__(self, shapes: rdflib.Graph, root: Node, reads: Reads) -> None:
        self.shapes, self.root, self.reads = shapes, root, reads

    def emit(self, path: Path) -> None:
        self.reads.paths[self.root].add(path)

    def shape(self, shape: Node, focus: Path, depth: int) -> None:
        g = self.shapes
        if depth > _MAX_DEPTH:
            self.reads.everywhere[self.root].add((None, None))
            return
        self.emit(focus)
        path_node = g.value(shape, SHACL.path)
        values = [focus + p for p in shacl_paths(g, path_node)] if path_node is not None else [focus]
        for other in (o for prop in _COMPARED for o in g.objects(shape, prop)):
            # The compared property is an IRI (SHACL §4.5); a step by anything else would match no triple.
            if isinstance(other, URIRef):
                self.emit((*focus, one(other)))
        for value in values:
            self.emit(value)
            self.on_values(shape, value, depth)
        if (shape, SHACL.qualifiedValueShapesDisjoint, rdflib.Literal(True)) in g:
            for sibling in self.siblings(shape):
                for value in values:
                    self.shape(sibling, value, depth + 1)

    def on_values(self, shape: Node, value: Path, depth: int) -> None:
        g = self.shapes
        if any(True for _ in g.objects(shape, SHACL["class"])):
            self.emit(value + _CLASS_PATH)
        if (shape, SHACL.closed, rdflib.Literal(True)) in g:
            self.emit((*value, one(None)))
        nested = [*g.objects(shape, SHACL.property), *g.objects(shape, SHACL.node)]
        nested += [*g.objects(shape, SHACL.qualifiedValueShape), *g.objects(shape, SHACL["not"])]
        nested += [m for prop in _SHAPE_LISTS for lst in g.objects(shape, prop) for m in Collection(g, lst)]
        for inner in nested:
            self.shape(inner, value, depth + 1)
        for constraint in g.objects(shape, SHACL.sparql):
            found = query_reads(g, constraint)
            if found is None:
                self.reads.everywhere[self.root].add((None, None))
                continue
            paths, everywhere = found
            for path in paths:
                self.emit(value + path)
            self.reads.everywhere[self.root] |= everywhere

    def siblings(self, shape: Node) -> Iterator[Node]:
        """The other qualified value shapes of the shapes that have ``shape`` as a property (SHACL 1.0 §4.7.3)."""
        g = self.shapes
        for parent in g.subjects(SHACL.property, shape):
            for other in g.objects(parent, SHACL.property):
                if other != shape:
                    yield from g.objects(other, SHACL.qualifiedValueShape)
