"""The axioms of a store, read by pattern: what the rules are compiled from and what the consistency checks read.

Both the full rules engine (:func:`ksgraph.reasoning.reason.infer_store`) and the incremental one
(:mod:`ksgraph.reasoning.update`) read them this way, so the rules exist before any data is read and
a change costs index lookups, not a scan.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import pyoxigraph as ox
from rdflib.term import Node, URIRef

from ksgraph.core.terms import Triple, to_ox, to_rdflib
from ksgraph.core.vocab import OWL, RDF, RDFS
from ksgraph.reasoning.axioms import (
    _ALL_DIFFERENT,
    _ALL_DISJOINT_CLASSES,
    _DISJOINT_WITH,
    _DISTINCT_MEMBERS,
    _MEMBERS,
    DIFFERENT_FROM,
    FIRST,
    NOTHING,
    REST,
    TYPE,
)

Graphs = Sequence[ox.NamedNode | ox.BlankNode | ox.DefaultGraph]

# Axioms compile_rules reads (by predicate, and rdf:type with these objects).
RULE_AXIOM_PREDICATES = tuple(
    URIRef(x)
    for x in (
        RDFS + "domain",
        RDFS + "range",
        RDFS + "subPropertyOf",
        RDFS + "subClassOf",
        OWL + "equivalentProperty",
        OWL + "equivalentClass",
        OWL + "inverseOf",
        OWL + "propertyChainAxiom",
        OWL + "hasValue",
        OWL + "onProperty",
        RDF + "first",
        RDF + "rest",
    )
)
RULE_AXIOM_TYPES = tuple(URIRef(OWL + t) for t in ("TransitiveProperty", "SymmetricProperty", "FunctionalProperty"))
# The consistency rules read only these axioms and the types of the classes they name.
CONSISTENCY_PREDICATES = (_DISJOINT_WITH, DIFFERENT_FROM, FIRST, REST, _MEMBERS, _DISTINCT_MEMBERS)


def triples(quads: Iterable[ox.Quad]) -> Iterator[Triple]:
    return ((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)) for q in quads)


def _matching(store: ox.Store, graphs: Graphs, p: Node, o: Node | None = None) -> set[Triple]:
    found: set[Triple] = set()
    for g in graphs:
        predicate: Any = to_ox(p)
        found.update(triples(store.quads_for_pattern(None, predicate, None if o is None else to_ox(o), g)))
    return found


def rule_axioms(store: ox.Store, graphs: Graphs) -> set[Triple]:
    """The triples of ``graphs`` that :func:`ksgraph.reasoning.rules.compile_rules` compiles into rules."""
    axioms: set[Triple] = set()
    for p in RULE_AXIOM_PREDICATES:
        axioms |= _matching(store, graphs, p)
    for c in RULE_AXIOM_TYPES:
        axioms |= _matching(store, graphs, TYPE, c)
    return axioms


def consistency_axioms(store: ox.Store, graphs: Graphs) -> set[Triple]:
    """The triples of ``graphs`` that :func:`ksgraph.reasoning.consistency.inconsistencies` reads as axioms."""
    axioms: set[Triple] = set()
    for p in CONSISTENCY_PREDICATES:
        axioms |= _matching(store, graphs, p)
    for kind in (_ALL_DISJOINT_CLASSES, _ALL_DIFFERENT):
        axioms |= _matching(store, graphs, TYPE, kind)
    return axioms


def consistency_classes(axioms: Iterable[Triple]) -> set[Node]:
    """The classes whose instances the consistency checks read (and list cells, which never have any)."""
    named = {t for s, p, o in axioms if p in (_DISJOINT_WITH, FIRST) for t in (s, o)}
    named.add(NOTHING)
    return named
