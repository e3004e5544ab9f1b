"""Reading axioms from triples: RDF collections, an index by subject, property chains.

Shared by the engines (:mod:`ksgraph.reasoning.engines`), the consistency checks and the rule
compiler (:mod:`ksgraph.reasoning.rules`); axioms are always read from the *asserted* triples.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from collections.abc import Set as AbstractSet

from rdflib.term import Node, URIRef

from ksgraph.core.terms import Triple
from ksgraph.core.vocab import OWL, RDF

TYPE = URIRef(RDF + "type")
SAME_AS = URIRef(OWL + "sameAs")
DIFFERENT_FROM = URIRef(OWL + "differentFrom")
NOTHING = URIRef(OWL + "Nothing")
FIRST, REST, NIL = URIRef(RDF + "first"), URIRef(RDF + "rest"), URIRef(RDF + "nil")


def rdf_list(index: dict[Node, dict[Node, set[Node]]], head: Node) -> list[Node]:
    """The members of an RDF collection, or [] if it is malformed (cyclic or branching)."""
    items: list[Node] = []
    seen: set[Node] = set()
    while head != NIL:
        if head in seen:
            return []
        seen.add(head)
        firsts, rests = index[head].get(FIRST, set()), index[head].get(REST, set())
        if len(firsts) != 1 or len(rests) != 1:
            return []
        items.append(next(iter(firsts)))
        head = next(iter(rests))
    return items


def subject_index(
    triples: Iterable[Triple], predicates: AbstractSet[Node] | None = None
) -> dict[Node, dict[Node, set[Node]]]:
    """``index[s][p]`` is the set of objects; only for ``predicates`` if given (much smaller on big graphs)."""
    index: dict[Node, dict[Node, set[Node]]] = defaultdict(lambda: defaultdict(set))
    for s, p, o in triples:
        # Set membership hashes first: rdflib's Python-level __eq__ runs only on a hit.
        if predicates is None or p in predicates:
            index[s][p].add(o)
    return index


_CHAIN = URIRef(OWL + "propertyChainAxiom")
_MEMBERS, _DISTINCT_MEMBERS = URIRef(OWL + "members"), URIRef(OWL + "distinctMembers")
_LIST_PREDICATES = {FIRST, REST, _CHAIN, _MEMBERS, _DISTINCT_MEMBERS}
_DISJOINT_WITH = URIRef(OWL + "disjointWith")
_ALL_DISJOINT_CLASSES, _ALL_DIFFERENT = URIRef(OWL + "AllDisjointClasses"), URIRef(OWL + "AllDifferent")
_CONSISTENCY_AXIOMS = {_DISJOINT_WITH, DIFFERENT_FROM, TYPE}


def property_chains(triples: Iterable[Triple]) -> list[tuple[Node, list[Node]]]:
    """``(p, [p1, …, pn])`` for every ``p owl:propertyChainAxiom (p1 … pn)``."""
    triples = list(triples)
    index = subject_index(triples, _LIST_PREDICATES)
    return [
        (s, members)
        for s, props in list(index.items())
        for o in props.get(_CHAIN, ())
        if (members := rdf_list(index, o))
    ]


def _chain_list_nodes(asserted: set[Triple]) -> set[Node]:
    """The cells of the property-chain lists (their rdf:first links are the chain itself, not another use)."""
    index = subject_index(asserted, _LIST_PREDICATES)
    heads = [o for props in list(index.values()) for o in props.get(_CHAIN, ())]
    cells: set[Node] = set()
    for head in heads:
        while head != NIL and head not in cells and index[head].get(REST):
            cells.add(head)
            head = next(iter(index[head][REST]))
    return cells
