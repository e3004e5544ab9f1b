"""The one conversion between pyoxigraph's and rdflib's terms, and terms as a person reads them.

The store, the reasoner and the query layer hold pyoxigraph terms (hashed in Rust); pySHACL,
owlrl and rdflib's serialisers need rdflib terms. Two choices are made here, once:

- ``plain_strings``: an ``xsd:string`` literal becomes rdflib's plain literal, as rdflib's own
  N-Triples parser makes it (RDF 1.1 says they are one term); validation compares with that;
- ``normalize``: rdflib rewrites some lexical forms (an ``xsd:dateTime`` "…Z" to "…+00:00");
  serialisers keep the store's form (``normalize=False``) so every output carries the same literal.
"""

from __future__ import annotations

from typing import TypeAlias, overload

import pyoxigraph as ox
from rdflib.term import BNode, Literal, Node, URIRef

from ksgraph.core.vocab import XSD, compact_iri

OxTerm: TypeAlias = ox.NamedNode | ox.BlankNode | ox.Literal
OxSubject: TypeAlias = ox.NamedNode | ox.BlankNode
OxGraphName: TypeAlias = ox.NamedNode | ox.BlankNode | ox.DefaultGraph
Triple: TypeAlias = tuple[Node, Node, Node]
XSD_STRING = XSD + "string"


def to_rdflib(term: OxTerm | ox.Triple, *, plain_strings: bool = False, normalize: bool = True) -> Node:
    """The rdflib term for a pyoxigraph term (see the module for the two options).

    A quoted triple (RDF-star) has no rdflib term: ksgraph's data is RDF 1.1, so it is a TypeError."""
    if isinstance(term, ox.Triple):
        raise TypeError(f"a quoted triple has no rdflib term: {term}")
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if plain_strings and term.datatype.value == XSD_STRING:
        return Literal(term.value)
    if not normalize:
        return Literal(term.value, datatype=URIRef(term.datatype.value), normalize=False)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def to_ox(term: Node) -> OxTerm:
    """The pyoxigraph term for an rdflib term (a plain literal is an ``xsd:string``)."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if not isinstance(term, Literal):
        raise TypeError(f"not an RDF term: {term!r}")
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD_STRING)))


def to_ox_triple(triple: tuple[Node, Node, Node]) -> tuple[OxSubject, ox.NamedNode, OxTerm]:
    """The pyoxigraph terms of an rdflib triple; a literal subject or a predicate that is no IRI is a TypeError."""
    s, p, o = (to_ox(term) for term in triple)
    if isinstance(s, ox.Literal) or not isinstance(p, ox.NamedNode):
        raise TypeError(f"not an RDF triple: {triple!r}")
    return s, p, o


@overload
def unquoted(term: OxSubject | ox.Triple) -> OxSubject: ...
@overload
def unquoted(term: OxTerm | ox.Triple) -> OxTerm: ...
def unquoted(term: OxTerm | ox.Triple) -> OxTerm:
    """A quad's subject or object as an RDF 1.1 term (pyoxigraph types them with RDF-star's quoted triples).

    ksgraph's data is RDF 1.1, so a quoted triple is a TypeError, as in :func:`to_rdflib`."""
    if isinstance(term, ox.Triple):
        raise TypeError(f"a quoted triple where ksgraph expects an RDF 1.1 term: {term}")
    return term


def triple_to_rdflib(triple: tuple[object, object, object]) -> Triple:
    s, p, o = (_rdf_term(term) for term in triple)
    return to_rdflib(s), to_rdflib(p), to_rdflib(o)


def _rdf_term(term: object) -> OxTerm:
    if not isinstance(term, ox.NamedNode | ox.BlankNode | ox.Literal):
        raise TypeError(f"not an RDF term: {term!r}")
    return term


def term_text(term: object, *, compact: bool = True) -> str:
    """A term as a person reads it: prefixed IRIs (unless ``compact=False``), bare literal values."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compact_iri(term.value) if compact else term.value
    if isinstance(term, ox.Literal):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(term)
