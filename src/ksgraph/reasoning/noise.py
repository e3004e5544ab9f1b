"""What of an OWL 2 RL closure is worth keeping: the triples that say something about the domain."""

from __future__ import annotations

from collections.abc import Iterable

from rdflib.term import BNode, Literal, Node, URIRef

from ksgraph.core.terms import Triple
from ksgraph.core.vocab import OWL, RDF, RDFS, XSD

_THING = URIRef(OWL + "Thing")
# Objects of rdf:type that say nothing about a resource.
_NOISE_TYPES = {OWL + "Thing", RDFS + "Resource", OWL + "NamedIndividual"}
# Reflexive statements every OWL 2 RL closure adds for every term (eq-ref, scm-cls, scm-op, …).
_REFLEXIVE = {
    OWL + "sameAs",
    RDFS + "subClassOf",
    OWL + "equivalentClass",
    RDFS + "subPropertyOf",
    OWL + "equivalentProperty",
}
# The closure re-declares our terms as classes and properties: the ontology says so already.
_TERM_TYPES = {
    RDFS + "Datatype",
    RDFS + "Class",
    OWL + "Class",
    RDF + "Property",
    OWL + "ObjectProperty",
    OWL + "DatatypeProperty",
    OWL + "AnnotationProperty",
    OWL + "Restriction",
}
# scm-dom1/2 and scm-rng1/2 widen domains and ranges along the hierarchies ("ks:decidedBy
# rdfs:domain prov:Activity"): true, but only bookkeeping for a reasoner, and reasonable
# does not derive them, so keeping them would make the engines disagree for nothing.
_SCHEMA_WIDENING = {RDFS + "domain", RDFS + "range"}
_W3C = (XSD, RDF, RDFS, OWL)


def is_noise(s: Node, p: Node, o: Node) -> bool:
    """Triples the closure adds that say nothing about the domain."""
    if isinstance(s, Literal | BNode) or isinstance(o, BNode):
        # Literal subjects are datatype bookkeeping; blank nodes are the scaffolding
        # of restrictions and lists (``x a _:restriction``), not facts.
        return True
    ps, os_ = str(p), str(o)
    if s == o and ps in _REFLEXIVE:
        return True
    if o == _THING:  # x a owl:Thing, C rdfs:subClassOf owl:Thing, p rdfs:domain owl:Thing
        return True
    if ps == RDF + "type" and (os_ in _NOISE_TYPES or os_ in _TERM_TYPES):
        return True
    if ps in _SCHEMA_WIDENING:
        return True
    # Statements about the W3C vocabularies themselves.
    return str(s).startswith(_W3C)


def kept(closure: Iterable[Triple], asserted: set[Triple]) -> set[Triple]:
    return {t for t in closure if t not in asserted and not is_noise(*t)}
