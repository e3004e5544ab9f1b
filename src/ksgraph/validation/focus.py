"""The focus of a targeted validation: the nodes whose shapes a change can affect.

Used by every write that validates only what it touches (:mod:`ksgraph.changes.commit`). Given the
shapes, the focus is exact: the shapes' access paths (:mod:`ksgraph.validation.reads`) are walked
backwards from each changed triple, through the data as it is after the change, to every node
whose validation reads that triple — before or after the change, since a path that the change
breaks or makes is read up to its first changed triple, and that part is still there. A change
to the class hierarchy (``rdfs:subClassOf`` in a data graph) changes what every class target
means: the answer is then None, validate everything.

The validated data graph is the asserted data and the ontology (never the inferred graph:
pySHACL runs with ``inference="none"``), so what the change entails cannot alter a result beyond
what the asserted triples do. Without shapes the focus is the older neighbourhood: the subjects
and objects of the changed triples and their neighbourhood, cut at hubs (docs/VALIDATION.md).
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
import rdflib
from rdflib.graph import ReadOnlyGraphAggregate
from rdflib.term import Node, URIRef

from ksgraph.core.settings import Settings
from ksgraph.core.vocab import KS, ORG, RDFS, TIME
from ksgraph.validation.reads import Reads, shape_reads
from ksgraph.validation.steps import Path, Segment
from ksgraph.validation.validate import (
    Report,
    data_from_store,
    data_view,
    load_ontology,
    load_shapes,
    targets,
    validate,
)
from ksgraph.validation.view import rdflib_term

# The second hop of the neighbourhood follows only these links, forward: the ones
# along which a shape reads two steps from its focus node (a group ← post ←
# membership, a membership → interval → instant, a local group → counterpart →
# scope). Other links end at hubs (roles, statuses, healthcare regions) that
# thousands of nodes point at; following them would turn a targeted validation into
# a full one.
STRUCTURAL_LINKS = frozenset(
    URIRef(iri)
    for iri in (
        ORG + "postIn",
        ORG + "organization",
        KS + "inPost",
        KS + "counterpartOf",
        KS + "workingGroupOf",
        KS + "scope",
        KS + "affiliation",
        ORG + "memberDuring",
        TIME + "hasBeginning",
        TIME + "hasEnd",
    )
)
RDF_TYPE = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


Triple = tuple[Node, Node, Node]


def validate_change(store: ox.Store, settings: Settings, quads: Iterable[ox.Quad]) -> Report:
    """The shapes on the nodes whose results a change of ``quads`` can alter, over the whole data graph
    read through a view of the store (no copy); every node where that is all of them."""
    shapes, ontology = load_shapes(settings), load_ontology(settings)
    data = data_view(store)
    # The focus is found in what validation reads: the data and the ontology.
    focus = touched_nodes(ReadOnlyGraphAggregate([data, ontology]), changed_triples(quads), shapes)
    if focus is None:
        return validate(data_from_store(store), settings, shapes=shapes, ontology=ontology)
    return validate(data, settings, focus=focus, shapes=shapes, ontology=ontology)


def changed_triples(quads: Iterable[ox.Quad]) -> list[Triple]:
    """Changed quads as rdflib triples, for :func:`touched_nodes`, with the terms the data view gives them.

    A blank node keeps its label (the store keeps it too), so a walk can start from it; one the
    change removed is gone from the data, but so is the triple that linked it to its owner.
    """
    return [(rdflib_term(q.subject), URIRef(q.predicate.value), rdflib_term(q.object)) for q in quads]


def changed_terms(quads: Iterable[ox.Quad]) -> set[Node]:
    """The IRIs among the subjects and objects of changed quads.

    The older form of :func:`changed_triples`, kept for callers that pass bare nodes
    to :func:`touched_nodes` (each is then expanded as a changed subject: more focus
    nodes, never fewer).
    """
    return {t for s, _, o in changed_triples(quads) for t in (s, o) if isinstance(t, URIRef)}


def touched_nodes(
    data: rdflib.Graph,
    changed: Iterable[Triple | Node],
    shapes: rdflib.Graph | None = None,
    reads: Reads | None = None,
) -> set[str] | None:
    """The IRIs whose validation a change can affect; None if that is every node.

    With ``shapes`` (or their ``reads``), exactly those (see the module); ``data`` should then hold
    what validation reads, the ontology included. Without, the neighbourhood below.
    """
    if shapes is None and reads is None:
        return neighbourhood(data, changed)
    if reads is None:
        assert shapes is not None  # both None returned above
        reads = shape_reads(shapes)
    return affected(data, changed, shapes, reads)


_SUBCLASS = URIRef(RDFS + "subClassOf")


def affected(
    data: rdflib.Graph, changed: Iterable[Triple | Node], shapes: rdflib.Graph | None, reads: Reads
) -> set[str] | None:
    """The focus nodes whose results can differ after ``changed`` (triples, or nodes: anything about them)."""
    walker = _Back(data)
    found: set[Node] = set()
    everywhere: set[Node] = set()
    for item in changed:
        s, p, o = item if isinstance(item, tuple) else (item, None, None)
        if p == _SUBCLASS:
            return None
        found.update(t for t in (s, o) if t is not None)
        for root, forms in reads.everywhere.items():
            if any(fp in (None, p) and fo in (None, o) for fp, fo in forms):
                everywhere.add(root)
        for start, end, forward in ((s, o, True), (o, s, False)):
            if start is None or isinstance(start, rdflib.Literal):
                continue
            occurrences = reads.by_step.get((None, forward), [])
            if isinstance(p, URIRef):
                occurrences = [*reads.by_step.get((p, forward), []), *occurrences]
            else:
                occurrences = [o_ for (_, f), occ in reads.by_step.items() if f == forward for o_ in occ]
            for arrives, path, i in occurrences:
                if arrives is None or end is None or arrives == end:
                    found |= walker.to_focus(path, i, start)
    if everywhere:
        if shapes is None:
            return None
        for root in everywhere:
            found |= targets(shapes, root, data)
    return {str(n) for n in found if isinstance(n, URIRef)}


class _Back:
    """Walks access paths backwards through ``data``, remembering each step it took."""

    def __init__(self, data: rdflib.Graph) -> None:
        self.data = data
        self._memo: dict[tuple[Node, Segment], frozenset[Node]] = {}
        self._paths: dict[tuple[Path, int, Node], frozenset[Node]] = {}

    def to_focus(self, path: Path, i: int, start: Node) -> frozenset[Node]:
        """The nodes from which ``path`` reaches ``start`` just before taking a step of its segment ``i``."""
        key = (path, i, start)
        found = self._paths.get(key)
        if found is None:
            nodes = {start}
            if path[i].repeat in "*+":
                nodes = self._closure(nodes, path[i])
            for seg in reversed(path[:i]):
                nodes = self._segment(nodes, seg)
            found = self._paths[key] = frozenset(nodes)
        return found

    def _segment(self, nodes: set[Node], seg: Segment) -> set[Node]:
        if seg.repeat == "1":
            return self._once(nodes, seg)
        if seg.repeat == "?":
            return nodes | self._once(nodes, seg)
        if seg.repeat == "*":
            return self._closure(nodes, seg)
        return self._closure(self._once(nodes, seg), seg)

    def _closure(self, nodes: set[Node], seg: Segment) -> set[Node]:
        reached, frontier = set(nodes), set(nodes)
        while frontier:
            frontier = self._once(frontier, seg) - reached
            reached |= frontier
        return reached

    def _once(self, nodes: set[Node], seg: Segment) -> set[Node]:
        out: set[Node] = set()
        for node in nodes:
            key = (node, seg)
            found = self._memo.get(key)
            if found is None:
                found = self._memo[key] = frozenset(self._back(node, seg))
            out |= found
        return out

    def _back(self, node: Node, seg: Segment) -> set[Node]:
        """The nodes one step of ``seg`` leads from to ``node``."""
        data, out = self.data, set[Node]()
        for p, forward, end in seg.steps:
            if end is not None and end != node:
                continue
            if forward:
                out.update(s for s, _ in data.subject_predicates(node)) if p is None else out.update(
                    data.subjects(p, node)
                )
            elif not isinstance(node, rdflib.Literal):
                out.update(o for _, o in data.predicate_objects(node)) if p is None else out.update(
                    data.objects(node, p)
                )
        return out


def neighbourhood(data: rdflib.Graph, changed: Iterable[Triple | Node]) -> set[str]:
    """The IRIs near a change, without the shapes: an approximation of :func:`affected`.

    The subjects and objects of the changed triples; one link away from a changed
    subject in either direction, and from a changed object forward (what points *at*
    an object — every post at a healthcare region, every group at its status — is
    not affected by another node's link to it); then a second hop along
    :data:`STRUCTURAL_LINKS`, forward only (a membership → its post → the post's group).
    Backwards, a second hop would end at every group of a healthcare region (``^ks:scope``)
    and no rule reads that way: what reads a changed node from two links back already
    reaches it in one (see docs/VALIDATION.md). A bare node counts as a changed subject.
    """
    subjects: set[Node] = set()
    objects: set[Node] = set()
    for item in changed:
        if isinstance(item, tuple):
            subjects.add(item[0])
            objects.add(item[2])
        else:
            subjects.add(item)
    subjects = {n for n in subjects if not isinstance(n, rdflib.Literal)}
    objects = {n for n in objects if not isinstance(n, rdflib.Literal)}
    first = subjects | objects
    for node in subjects | objects:
        first.update(o for p, o in data.predicate_objects(node) if p != RDF_TYPE and not isinstance(o, rdflib.Literal))
    for node in subjects:
        first.update(s for s, p in data.subject_predicates(node) if p != RDF_TYPE)
    second = set(first)
    for node in first:
        for link in STRUCTURAL_LINKS:
            second.update(data.objects(node, link))
    return {str(n) for n in second if isinstance(n, URIRef)}
