"""The three engines that compute an OWL 2 RL closure on rdflib terms (see :mod:`ksgraph.reasoning`)."""

from __future__ import annotations

import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import cast

import rdflib
from rdflib.term import Node, URIRef

from ksgraph.core.terms import Triple
from ksgraph.core.vocab import OWL, RDF, RDFS
from ksgraph.reasoning.axioms import (
    FIRST,
    TYPE,
    _chain_list_nodes,
    property_chains,
)
from ksgraph.reasoning.forward import Saturation, Unsupported, compile_for, unsupported
from ksgraph.reasoning.rules import compile_rules

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


class Engine(StrEnum):
    rules = "rules"
    reasonable = "reasonable"
    owlrl = "owlrl"


DEFAULT_ENGINE = Engine.rules


DEFAULT_ENGINE = Engine.rules


def complete_chains(closure: set[Triple], chains: list[tuple[Node, list[Node]]]) -> set[Triple]:
    """prp-spo2: the triples the ``chains`` (see :func:`property_chains`) entail over ``closure`` that it lacks.

    Walks each chain from every subject of its first property. A chain through a
    cycle (``p owl:propertyChainAxiom (p p)``) ends because each walk keeps a set of
    reached nodes per position: a finite frontier, not a path enumeration.
    """
    links_used = {link for _, links in chains for link in links}
    by_property: dict[Node, dict[Node, set[Node]]] = defaultdict(lambda: defaultdict(set))
    for s, p, o in closure:
        if p in links_used:
            by_property[p][s].add(o)
    new: set[Triple] = set()
    for head, links in chains:
        for start in list(by_property[links[0]]):
            frontier = {start}
            for link in links:
                frontier = {o for node in frontier for o in by_property[link].get(node, ())}
                if not frontier:
                    break
            new.update((start, head, end) for end in frontier if (start, head, end) not in closure)
    return new


# Axioms through which a triple ``x p y`` can feed another OWL 2 RL rule, by the
# position ``p`` takes in them: as subject, with these predicates …
_CONSUMING_AS_SUBJECT = {
    RDFS + "subPropertyOf",
    OWL + "equivalentProperty",
    OWL + "inverseOf",
    OWL + "propertyDisjointWith",
    OWL + "sameAs",
}
_CONSUMING_TYPES = {
    OWL + "TransitiveProperty",
    OWL + "SymmetricProperty",
    OWL + "FunctionalProperty",
    OWL + "InverseFunctionalProperty",
    OWL + "IrreflexiveProperty",
    OWL + "AsymmetricProperty",
}
# … and as object (restrictions, inverses, list members of other chains, keys, AllDisjointProperties).
_DOMAIN, _RANGE = URIRef(RDFS + "domain"), URIRef(RDFS + "range")
_CONSUMING_AS_OBJECT = {
    OWL + "onProperty",
    OWL + "inverseOf",
    OWL + "equivalentProperty",
    OWL + "propertyDisjointWith",
    OWL + "sameAs",
    RDF + "first",
}


def feeds_other_rules(extra: set[Triple], closure: set[Triple], asserted: set[Triple], chain_cells: set[Node]) -> bool:
    """Could the chain triples ``extra`` make a rule other than prp-spo2 fire on ``closure``?

    Conservative: True unless each new triple's property is used by no axiom but
    property chains (``chain_cells``, which :func:`complete_chains` iterates itself),
    and its rdfs:domain/rdfs:range types are already in the closure (which is closed
    under cax-sco, so their superclasses are too).
    """
    domains: dict[Node, set[Node]] = defaultdict(set)
    ranges: dict[Node, set[Node]] = defaultdict(set)
    properties = {t[1] for t in extra}
    for s, q, o in asserted:
        # Set membership first: it hashes, so rdflib's slow __eq__ runs only on a hit.
        if s in properties:
            if str(q) in _CONSUMING_AS_SUBJECT or (q == TYPE and str(o) in _CONSUMING_TYPES):
                return True
            if q == _DOMAIN:
                domains[s].add(o)
            elif q == _RANGE:
                ranges[s].add(o)
        elif o in properties and str(q) in _CONSUMING_AS_OBJECT and not (q == FIRST and s in chain_cells):
            return True
    missing_domain = any((x, TYPE, c) not in closure for x, p, _ in extra for c in domains[p])
    return missing_domain or any((y, TYPE, c) not in closure for _, p, y in extra for c in ranges[p])


class _IriInterner:
    """One URIRef object per IRI.

    reasonable builds its output by calling ``rdflib.URIRef`` once per term (half its
    time on big graphs). Handing it this interner instead makes repeated IRIs cost a
    dict lookup, and gives equal terms the same object, so set and dict operations on
    the closure compare by identity instead of through rdflib's Python-level ``__eq__``.
    """

    def __init__(self) -> None:
        self.iris: dict[str, URIRef] = {}

    def __call__(self, value: str) -> URIRef:
        # Keyed by plain str: a URIRef key would make every lookup call rdflib's __eq__.
        key = str.__str__(value)
        term = self.iris.get(key)
        if term is None:
            term = self.iris[key] = URIRef(key)
        return term

    def term(self, term: Node) -> Node:
        return self(term) if type(term) is URIRef else term

    def triple(self, triple: Triple) -> Triple:
        return self.term(triple[0]), self.term(triple[1]), self.term(triple[2])

    @contextmanager
    def installed(self) -> Iterator[None]:
        # Only for the duration of a reasonable call; the interner returns real URIRefs,
        # so any other code that builds one meanwhile still gets a correct term.
        original = rdflib.URIRef
        _install_uriref(self)
        try:
            yield
        finally:
            _install_uriref(original)


def _install_uriref(factory: Callable[[str], URIRef]) -> None:
    rdflib.URIRef = factory  # type: ignore[misc,assignment]  # a deliberate monkeypatch of a class, see _IriInterner


def closure_reasonable(
    asserted: set[Triple], progress: Progress = _quiet, intern: _IriInterner | None = None
) -> tuple[set[Triple], list[str]]:
    """reasonable's closure completed with prp-spo2, iterated until the chain triples feed nothing new.

    ``intern`` should be the interner ``asserted`` was built with (see :func:`infer`).
    """
    import reasonable

    intern = intern or _IriInterner()
    reasoner = reasonable.PyReasoner()
    # load_file parses in Rust; from_graph costs two caught AttributeErrors per term
    # (it probes every term for .datatype and .language), ~3x slower on big graphs.
    with tempfile.TemporaryDirectory(prefix="ksgraph-reason-") as tmp:
        path = Path(tmp) / "asserted.ttl"
        with open(path, "w", encoding="utf-8") as handle:
            handle.writelines(f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o in asserted)
        reasoner.load_file(str(path))
    with intern.installed():
        result = set(reasoner.reason()) | asserted
    # Axioms are read from the asserted triples: in a closure, eq-rep-o can give a list
    # node two rdf:first values once two members are entailed equal.
    chains = property_chains(asserted)
    chain_cells = _chain_list_nodes(asserted)
    while True:
        # prp-spo2 to its own fixpoint first: a chain can feed itself or another chain.
        added: set[Triple] = set()
        while extra := complete_chains(result, chains):
            result |= extra
            added |= extra
        if not added or not feeds_other_rules(added, result, asserted, chain_cells):
            break
        # Another full pass: reasonable's incremental mode costs as much here, since
        # converting its whole output back to Python dominates either way.
        progress(f"  prp-spo2 added {len(added)} chain triples that other rules use: reasoning again")
        reasoner.from_graph(list(added))
        with intern.installed():
            result |= set(reasoner.reason())
    return result, []


_ERRNS_ERROR = URIRef("http://www.daml.org/2002/03/agents/agent-ont#error")


def closure_owlrl(
    asserted: set[Triple], progress: Progress = _quiet, intern: _IriInterner | None = None
) -> tuple[set[Triple], list[str]]:
    """owlrl's closure of a private copy (owlrl writes into the graph it is given), with its own error messages."""
    import owlrl

    work = rdflib.Graph()
    for triple in asserted:
        work.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(work)
    # owlrl records inconsistencies as `[] a err:ErrorMessage ; err:error "…"` in the graph itself.
    errors = sorted(str(o) for o in work.objects(None, _ERRNS_ERROR))
    return {t for t in work if t[1] != _ERRNS_ERROR}, errors


def closure_rules(
    asserted: set[Triple], progress: Progress = _quiet, intern: _IriInterner | None = None
) -> tuple[set[Triple], list[str]]:
    """The closure under the rules compiled from ``asserted``'s axioms (:mod:`~ksgraph.reasoning.forward`).

    On rdflib terms.

    Raises :class:`ksgraph.reasoning.forward.Unsupported` where those rules would be incomplete.
    """

    problems = unsupported((str(s), str(p), str(o), isinstance(s, URIRef)) for s, p, o in asserted)
    if problems:
        raise Unsupported("axioms outside the compiled rules: " + ", ".join(problems))
    saturation = Saturation(compile_for(compile_rules(asserted), lambda t: t), URIRef)
    saturation.add_asserted(asserted)
    saturation.run()
    # Built from rdflib terms and URIRef (above), so every term it holds is an rdflib term.
    return set(cast(Iterator[Triple], iter(saturation))), []


ENGINES: dict[Engine, Callable[[set[Triple], Progress, _IriInterner], tuple[set[Triple], list[str]]]] = {
    Engine.rules: closure_rules,
    Engine.reasonable: closure_reasonable,
    Engine.owlrl: closure_owlrl,
}
