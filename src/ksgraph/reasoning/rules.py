"""The ontology's axioms compiled into OWL 2 RL rules, named as in OWL 2 Profiles §4.3.

Each compiled rule remembers the axiom triples it came from; the forward engine
(:mod:`ksgraph.reasoning.forward`) saturates with these rules and the prover
(:mod:`ksgraph.reasoning.explain`) proves with them, so every inference is explained by the
rule that made it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rdflib.term import Node, URIRef

from ksgraph.core.terms import Triple
from ksgraph.core.vocab import OWL, RDF, RDFS
from ksgraph.reasoning.axioms import rdf_list, subject_index

if TYPE_CHECKING:  # typing.TypeIs is Python 3.13; only the checker reads the annotation
    from typing_extensions import TypeIs

# A term of a rule: a constant, or a variable written "?name".
Var = str
Term = Node | Var
Atom = tuple[Term, Node, Term]
Pattern = tuple[Node | None, Node, Node | None]

_TYPE = URIRef(RDF + "type")
_SUBCLASS = URIRef(RDFS + "subClassOf")
_SUBPROPERTY = URIRef(RDFS + "subPropertyOf")
_SAME_AS = URIRef(OWL + "sameAs")


def _owl(local: str) -> URIRef:
    return URIRef(OWL + local)


def is_var(term: object) -> TypeIs[Var]:
    return isinstance(term, str) and not isinstance(term, Node)


@dataclass(frozen=True)
class Rule:
    """One OWL 2 RL rule instantiated by the axioms in ``axioms``: ``head`` holds if every ``body`` atom does."""

    name: str
    head: Atom
    body: tuple[Atom, ...]
    axioms: tuple[Triple, ...] = ()


def compile_rules(asserted: Iterable[Triple]) -> list[Rule]:
    """The OWL 2 RL rules the axioms among ``asserted`` call for."""
    triples = list(asserted)
    index = subject_index(triples)
    rules: list[Rule] = [
        # Schema rules: they need no axiom, only the hierarchy itself.
        Rule("scm-sco", ("?c1", _SUBCLASS, "?c3"), (("?c1", _SUBCLASS, "?c2"), ("?c2", _SUBCLASS, "?c3"))),
        Rule("scm-spo", ("?p1", _SUBPROPERTY, "?p3"), (("?p1", _SUBPROPERTY, "?p2"), ("?p2", _SUBPROPERTY, "?p3"))),
        Rule("eq-sym", ("?y", _SAME_AS, "?x"), (("?x", _SAME_AS, "?y"),)),
    ]
    for ax in triples:
        s, p, o = ax
        if p == URIRef(RDFS + "domain"):
            rules.append(Rule("prp-dom", ("?x", _TYPE, o), (("?x", s, "?y"),), (ax,)))
        elif p == URIRef(RDFS + "range"):
            rules.append(Rule("prp-rng", ("?y", _TYPE, o), (("?x", s, "?y"),), (ax,)))
        elif p == _SUBPROPERTY and s != o:
            rules.append(Rule("prp-spo1", ("?x", o, "?y"), (("?x", s, "?y"),), (ax,)))
        elif p == _owl("equivalentProperty"):
            rules.append(Rule("prp-eqp1", ("?x", o, "?y"), (("?x", s, "?y"),), (ax,)))
            rules.append(Rule("prp-eqp2", ("?x", s, "?y"), (("?x", o, "?y"),), (ax,)))
        elif p == _owl("inverseOf"):
            rules.append(Rule("prp-inv1", ("?y", o, "?x"), (("?x", s, "?y"),), (ax,)))
            rules.append(Rule("prp-inv2", ("?y", s, "?x"), (("?x", o, "?y"),), (ax,)))
        elif p == _SUBCLASS and s != o:
            rules.append(Rule("cax-sco", ("?x", _TYPE, o), (("?x", _TYPE, s),), (ax,)))
        elif p == _owl("equivalentClass"):
            rules.append(Rule("cax-eqc1", ("?x", _TYPE, o), (("?x", _TYPE, s),), (ax,)))
            rules.append(Rule("cax-eqc2", ("?x", _TYPE, s), (("?x", _TYPE, o),), (ax,)))
        elif p == _TYPE and o == _owl("TransitiveProperty"):
            rules.append(Rule("prp-trp", ("?x", s, "?z"), (("?x", s, "?y"), ("?y", s, "?z")), (ax,)))
        elif p == _TYPE and o == _owl("SymmetricProperty"):
            rules.append(Rule("prp-symp", ("?y", s, "?x"), (("?x", s, "?y"),), (ax,)))
        elif p == _TYPE and o == _owl("FunctionalProperty"):
            rules.append(Rule("prp-fp", ("?y1", _SAME_AS, "?y2"), (("?x", s, "?y1"), ("?x", s, "?y2")), (ax,)))
        elif p == _owl("propertyChainAxiom"):
            links = rdf_list(index, o)
            if links:
                variables = [f"?u{i}" for i in range(len(links) + 1)]
                body = tuple((variables[i], link, variables[i + 1]) for i, link in enumerate(links))
                rules.append(Rule("prp-spo2", (variables[0], s, variables[-1]), body, (ax, *_list_triples(index, o))))
        elif p == _owl("hasValue"):
            for prop in index[s].get(_owl("onProperty"), ()):
                axioms = (ax, (s, _owl("onProperty"), prop))
                rules.append(Rule("cls-hv1", ("?x", prop, o), (("?x", _TYPE, s),), axioms))
                rules.append(Rule("cls-hv2", ("?x", _TYPE, s), (("?x", prop, o),), axioms))
    return rules


def _list_triples(index: dict[Node, dict[Node, set[Node]]], head: Node) -> list[Triple]:
    found: list[Triple] = []
    nil = URIRef(RDF + "nil")
    while head != nil and len(found) < 200:
        first = next(iter(index[head].get(URIRef(RDF + "first"), ())), None)
        rest = next(iter(index[head].get(URIRef(RDF + "rest"), ())), None)
        if first is None or rest is None:
            break
        found += [(head, URIRef(RDF + "first"), first), (head, URIRef(RDF + "rest"), rest)]
        head = rest
    return found
