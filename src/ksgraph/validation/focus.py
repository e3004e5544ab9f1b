"""The focus of a targeted validation: the nodes whose shapes a change can affect.

Used by every write that validates only what it touches (:mod:`ksgraph.changes.commit`): the
subjects and objects of the changed triples and their neighbourhood, cut at hubs
(docs/VALIDATION.md says why each link is followed or not).
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
import rdflib
from rdflib.term import Node, URIRef

from ksgraph.core.vocab import KS, ORG, TIME

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


def changed_triples(quads: Iterable[ox.Quad]) -> list[Triple]:
    """Changed quads as rdflib triples, for :func:`touched_nodes`.

    Blank nodes become fresh rdflib blank nodes: their labels are not kept between
    pyoxigraph and rdflib, so they never match the data; the IRI that owns a blank
    node is changed in the same file and is what gets validated.
    """

    def term(t: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Node:
        if isinstance(t, ox.NamedNode):
            return URIRef(t.value)
        if isinstance(t, ox.Literal):
            return rdflib.Literal(t.value)
        return rdflib.BNode()

    return [(term(q.subject), URIRef(q.predicate.value), term(q.object)) for q in quads]


def changed_terms(quads: Iterable[ox.Quad]) -> set[Node]:
    """The IRIs among the subjects and objects of changed quads.

    The older form of :func:`changed_triples`, kept for callers that pass bare nodes
    to :func:`touched_nodes` (each is then expanded as a changed subject: more focus
    nodes, never fewer).
    """
    return {t for s, _, o in changed_triples(quads) for t in (s, o) if isinstance(t, URIRef)}


def touched_nodes(data: rdflib.Graph, changed: Iterable[Triple | Node]) -> set[str]:
    """The IRIs whose validation a change can affect.

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
