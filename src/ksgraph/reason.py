"""The reasoning layer: an OWL 2 RL closure kept in its own named graph.

Asserted graphs are read, never written. The inferred graph holds only what the
closure adds that is neither asserted nor axiomatic noise (see :func:`is_noise`).
"""

from __future__ import annotations

from dataclasses import dataclass

import owlrl
import pyoxigraph as ox
import rdflib

from .namespaces import INFERRED_GRAPH, OWL, RDF, RDFS, XSD
from .query import dataset

_NOISE_OBJECTS = {OWL + "Thing", RDFS + "Resource", OWL + "NamedIndividual"}
_REFLEXIVE = {
    OWL + "sameAs",
    RDFS + "subClassOf",
    OWL + "equivalentClass",
    RDFS + "subPropertyOf",
    OWL + "equivalentProperty",
}
_NOISE_TYPES_OF_TERMS = {
    RDFS + "Datatype",
    RDFS + "Class",
    OWL + "Class",
    RDF + "Property",
    OWL + "ObjectProperty",
    OWL + "DatatypeProperty",
    OWL + "AnnotationProperty",
    OWL + "Restriction",
}


@dataclass(frozen=True)
class ReasonReport:
    inferred: int


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> rdflib.term.Node:
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def to_ox(term: rdflib.term.Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    assert isinstance(term, rdflib.Literal)
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD + "string")))


def is_noise(s: rdflib.term.Node, p: rdflib.term.Node, o: rdflib.term.Node) -> bool:
    """Triples the closure adds that say nothing about the domain."""
    if isinstance(s, rdflib.Literal | rdflib.BNode) or isinstance(o, rdflib.BNode):
        # Literal subjects are owlrl's datatype bookkeeping; blank nodes are the
        # scaffolding of restrictions and lists, not facts.
        return True
    ps, os_ = str(p), str(o)
    if s == o and ps in _REFLEXIVE:
        return True
    if ps == RDF + "type" and (os_ in _NOISE_OBJECTS or os_ in _NOISE_TYPES_OF_TERMS):
        return True
    # Statements about the W3C vocabularies themselves.
    return str(s).startswith((XSD, RDF, RDFS, OWL))


def closure(asserted: rdflib.Graph) -> set[tuple[rdflib.term.Node, rdflib.term.Node, rdflib.term.Node]]:
    """The meaningful triples the OWL 2 RL closure of ``asserted`` adds (asserted is not changed)."""
    work = rdflib.Graph()
    for triple in asserted:
        work.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(work)
    return {t for t in work if t not in asserted and not is_noise(*t)}


def materialise(store: ox.Store) -> ReasonReport:
    """Recompute the inferred graph from the asserted graphs. Idempotent."""
    graph = ox.NamedNode(INFERRED_GRAPH)
    asserted = rdflib.Graph()
    for g in dataset(store, inferred=False):
        for q in store.quads_for_pattern(None, None, None, g):
            asserted.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
    new = closure(asserted)
    store.remove_graph(graph)
    store.extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o), graph) for s, p, o in sorted(new))
    return ReasonReport(inferred=len(new))
