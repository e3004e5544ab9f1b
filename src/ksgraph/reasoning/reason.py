"""The reasoning layer: an OWL 2 RL closure kept in its own named graph.

Asserted graphs are read, never written: the closure is computed on a private
copy of their triples and only what it *adds* — minus axiomatic noise (see
:func:`is_noise`) — replaces the inferred graph. The result depends only on the
asserted graphs, so materialising twice gives the same inferred graph.

Three engines compute the closure:

``rules`` (the default)
    Forward chaining of the rules compiled from the ontology's axioms, on pyoxigraph's
    terms (:mod:`ksgraph.reasoning.forward`); the same rules ``ksgraph explain`` proves with. Where
    the asserted triples need a rule it does not compile, it says so and reasonable runs
    instead.
``reasonable``
    A Rust OWL 2 RL reasoner, 9–60× faster than owlrl here (bench/results/reason.md).
    It lacks ``prp-spo2`` (property chains), which our ontology uses for
    ``ks:nationalCounterpart``; :func:`complete_chains` adds that rule on top of its
    output and the two are iterated to a common fixpoint, so the result equals owlrl's
    (tests/test_reason.py checks this on the real data).
``owlrl``
    The reference implementation in pure Python; slow (HAZARDS.md: ~96 s at 100k triples).

Inconsistencies (an individual in two disjoint classes, two individuals declared
different but entailed equal, anything typed ``owl:Nothing``) are found by
:func:`inconsistencies` on the full closure, the same way for both engines, and
reported — never stored as facts.
"""

from __future__ import annotations

import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.term import BNode, Literal, Node, URIRef

from ksgraph.core.vocab import INFERRED_GRAPH, OWL, RDF, RDFS, XSD
from ksgraph.store.dataset import dataset

Triple = tuple[Node, Node, Node]
Progress = Callable[[str], None]

_TYPE = URIRef(RDF + "type")
_SAME_AS = URIRef(OWL + "sameAs")
_DIFFERENT_FROM = URIRef(OWL + "differentFrom")
_THING = URIRef(OWL + "Thing")
_NOTHING = URIRef(OWL + "Nothing")
_FIRST, _REST, _NIL = URIRef(RDF + "first"), URIRef(RDF + "rest"), URIRef(RDF + "nil")

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


class Engine(StrEnum):
    rules = "rules"
    reasonable = "reasonable"
    owlrl = "owlrl"


DEFAULT_ENGINE = Engine.rules


def _quiet(_: str) -> None:
    return None


@dataclass(frozen=True)
class Inconsistency:
    """A violated OWL 2 RL consistency rule (the ``false`` rules of the spec's tables)."""

    rule: str
    message: str
    resources: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.rule}: {self.message}"


@dataclass(frozen=True)
class ReasonReport:
    inferred: int
    engine: str = DEFAULT_ENGINE.value
    asserted: int = 0
    seconds: float = 0.0
    inconsistencies: tuple[Inconsistency, ...] = field(default=())
    # Inconsistencies in the engine's own words (owlrl only), in case it finds one the checks above do not.
    engine_messages: tuple[str, ...] = field(default=())

    @property
    def consistent(self) -> bool:
        return not self.inconsistencies and not self.engine_messages


# -- terms ------------------------------------------------------------------


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def to_ox(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    assert isinstance(term, Literal)
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD + "string")))


def asserted_triples(store: ox.Store) -> set[Triple]:
    """The union of the asserted graphs (ontology and data), as rdflib terms."""
    return {t for g in dataset(store, inferred=False) for t in _triples(store.quads_for_pattern(None, None, None, g))}


# -- what is kept -----------------------------------------------------------


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


# -- engines ------------------------------------------------------------------


def rdf_list(index: dict[Node, dict[Node, set[Node]]], head: Node) -> list[Node]:
    """The members of an RDF collection, or [] if it is malformed (cyclic or branching)."""
    items: list[Node] = []
    seen: set[Node] = set()
    while head != _NIL:
        if head in seen:
            return []
        seen.add(head)
        firsts, rests = index[head].get(_FIRST, set()), index[head].get(_REST, set())
        if len(firsts) != 1 or len(rests) != 1:
            return []
        items.append(next(iter(firsts)))
        head = next(iter(rests))
    return items


def subject_index(triples: Iterable[Triple], predicates: set[Node] | None = None) -> dict[Node, dict[Node, set[Node]]]:
    """``index[s][p]`` is the set of objects; only for ``predicates`` if given (much smaller on big graphs)."""
    index: dict[Node, dict[Node, set[Node]]] = defaultdict(lambda: defaultdict(set))
    for s, p, o in triples:
        # Set membership hashes first: rdflib's Python-level __eq__ runs only on a hit.
        if predicates is None or p in predicates:
            index[s][p].add(o)
    return index


_CHAIN = URIRef(OWL + "propertyChainAxiom")
_MEMBERS, _DISTINCT_MEMBERS = URIRef(OWL + "members"), URIRef(OWL + "distinctMembers")
_LIST_PREDICATES = {_FIRST, _REST, _CHAIN, _MEMBERS, _DISTINCT_MEMBERS}
_DISJOINT_WITH = URIRef(OWL + "disjointWith")
_ALL_DISJOINT_CLASSES, _ALL_DIFFERENT = URIRef(OWL + "AllDisjointClasses"), URIRef(OWL + "AllDifferent")
_CONSISTENCY_AXIOMS = {_DISJOINT_WITH, _DIFFERENT_FROM, _TYPE}


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
            if str(q) in _CONSUMING_AS_SUBJECT or (q == _TYPE and str(o) in _CONSUMING_TYPES):
                return True
            if q == _DOMAIN:
                domains[s].add(o)
            elif q == _RANGE:
                ranges[s].add(o)
        elif o in properties and str(q) in _CONSUMING_AS_OBJECT and not (q == _FIRST and s in chain_cells):
            return True
    missing_domain = any((x, _TYPE, c) not in closure for x, p, _ in extra for c in domains[p])
    return missing_domain or any((y, _TYPE, c) not in closure for _, p, y in extra for c in ranges[p])


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

    def triple(self, triple: Triple) -> Triple:
        return tuple(self(t) if type(t) is URIRef else t for t in triple)  # type: ignore[return-value]

    @contextmanager
    def installed(self) -> Iterator[None]:
        # Only for the duration of a reasonable call; the interner returns real URIRefs,
        # so any other code that builds one meanwhile still gets a correct term.
        original = rdflib.URIRef
        rdflib.URIRef = self  # type: ignore[misc,assignment]
        try:
            yield
        finally:
            rdflib.URIRef = original  # type: ignore[misc]


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


def _chain_list_nodes(asserted: set[Triple]) -> set[Node]:
    """The cells of the property-chain lists (their rdf:first links are the chain itself, not another use)."""
    index = subject_index(asserted, _LIST_PREDICATES)
    heads = [o for props in list(index.values()) for o in props.get(_CHAIN, ())]
    cells: set[Node] = set()
    for head in heads:
        while head != _NIL and head not in cells and index[head].get(_REST):
            cells.add(head)
            head = next(iter(index[head][_REST]))
    return cells


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
    from ksgraph.reasoning.explain import compile_rules
    from ksgraph.reasoning.forward import Saturation, Unsupported, compile_for, unsupported

    problems = unsupported((str(s), str(p), str(o), isinstance(s, URIRef)) for s, p, o in asserted)
    if problems:
        raise Unsupported("axioms outside the compiled rules: " + ", ".join(problems))
    saturation = Saturation(compile_for(compile_rules(asserted), lambda t: t), URIRef)
    saturation.add_asserted(asserted)
    saturation.run()
    return set(saturation), []


ENGINES: dict[Engine, Callable[[set[Triple], Progress, _IriInterner], tuple[set[Triple], list[str]]]] = {
    Engine.rules: closure_rules,
    Engine.reasonable: closure_reasonable,
    Engine.owlrl: closure_owlrl,
}


# -- consistency ----------------------------------------------------------------


def inconsistencies(closure: set[Triple], asserted: set[Triple]) -> list[Inconsistency]:
    """The OWL 2 RL consistency rules our ontology can trigger, checked on a full closure.

    cax-dw, cax-adc (disjoint classes), eq-diff1/2/3 (different individuals entailed
    equal) and cls-nothing2. Engine-independent, because reasonable reports none of
    them through its Python API and owlrl only as free text. Axioms are read from
    ``asserted`` (see :func:`closure_reasonable` for why).
    """
    index = subject_index(asserted, _LIST_PREDICATES)
    types: dict[Node, set[Node]] = defaultdict(set)
    same: set[tuple[Node, Node]] = set()
    type_only, same_only = {_TYPE}, {_SAME_AS}
    for s, p, o in closure:
        if p in type_only:
            types[s].add(o)
        elif p in same_only and s != o:
            same.add((s, o))
    disjoint: set[frozenset[Node]] = set()
    different: set[frozenset[Node]] = set()

    def pairs(members: list[Node]) -> set[frozenset[Node]]:
        return {frozenset((a, b)) for i, a in enumerate(members) for b in members[i + 1 :] if a != b}

    for s, p, o in asserted:
        if p not in _CONSISTENCY_AXIOMS:
            continue
        if p == _DISJOINT_WITH and s != o:
            disjoint.add(frozenset((s, o)))
        elif p == _DIFFERENT_FROM and s != o:
            different.add(frozenset((s, o)))
        elif p == _TYPE and o == _ALL_DISJOINT_CLASSES:
            disjoint |= pairs(rdf_list(index, next(iter(index[s].get(_MEMBERS, {_NIL})))))
        elif p == _TYPE and o == _ALL_DIFFERENT:
            for key in (_MEMBERS, _DISTINCT_MEMBERS):
                different |= pairs(rdf_list(index, next(iter(index[s].get(key, {_NIL})))))
    in_some_pair = {c for pair in disjoint for c in pair}
    found: set[Inconsistency] = set()
    for x, classes in types.items():
        if _NOTHING in classes:
            found.add(Inconsistency("cls-nothing2", f"{x} is an instance of owl:Nothing", (str(x),)))
        # Only the classes that are disjoint with something can clash: a few per resource at most.
        relevant = sorted(classes & in_some_pair, key=str)
        for i, a in enumerate(relevant):
            for b in relevant[i + 1 :]:
                if frozenset((a, b)) in disjoint:
                    message = f"{x} is an instance of disjoint classes {a} and {b}"
                    found.add(Inconsistency("cax-dw", message, (str(x), str(a), str(b))))
    for a, b in same:
        if frozenset((a, b)) in different and str(a) < str(b):
            found.add(
                Inconsistency("eq-diff", f"{a} and {b} are declared different but entailed equal", (str(a), str(b)))
            )
    return sorted(found, key=lambda i: (i.rule, i.resources))


# -- the inferred graph ---------------------------------------------------------


@dataclass(frozen=True)
class Closure:
    inferred: set[Triple]
    inconsistencies: list[Inconsistency]
    engine_messages: list[str]
    # The engine that computed it: reasonable where the rules engine could not (see :func:`infer`).
    engine: Engine = DEFAULT_ENGINE


def infer(asserted: set[Triple], engine: Engine = DEFAULT_ENGINE, progress: Progress = _quiet) -> Closure:
    """What the OWL 2 RL closure of ``asserted`` adds that is worth keeping, and whether it is consistent."""
    from ksgraph.reasoning.forward import Unsupported

    engine = Engine(engine)
    intern = _IriInterner()
    asserted = {intern.triple(t) for t in asserted}
    try:
        full, messages = ENGINES[engine](asserted, progress, intern)
    except Unsupported as exc:
        engine = _fall_back(exc, progress)
        full, messages = ENGINES[engine](asserted, progress, intern)
    return Closure(kept(full, asserted), inconsistencies(full, asserted), messages, engine)


def _fall_back(why: Exception, progress: Progress) -> Engine:
    """The engine that runs where the rules engine cannot, said on ``progress``."""
    progress(f"  rules: {why}; reasonable computes the closure instead")
    return Engine.reasonable


# Axioms compile_rules reads (by predicate, and rdf:type with these objects), fetched from the
# store by pattern so the rules exist before the data streams through them.
_RULE_AXIOM_PREDICATES = tuple(
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
_RULE_AXIOM_TYPES = tuple(URIRef(OWL + t) for t in ("TransitiveProperty", "SymmetricProperty", "FunctionalProperty"))


def infer_store(store: ox.Store, progress: Progress = _quiet) -> tuple[Closure, int]:
    """The ``rules`` engine on the store's asserted graphs, without converting them to rdflib terms.

    Returns the closure (as :func:`infer` would) and the number of distinct asserted
    triples. Raises :class:`ksgraph.reasoning.forward.Unsupported` where the compiled rules would
    be incomplete.
    """
    from ksgraph.reasoning.explain import compile_rules
    from ksgraph.reasoning.forward import Saturation, Unsupported, compile_for, unsupported

    graphs = list(dataset(store, inferred=False))
    axioms: set[Triple] = set()
    for g in graphs:
        for p in _RULE_AXIOM_PREDICATES:
            axioms.update(_triples(store.quads_for_pattern(None, to_ox(p), None, g)))
        for c in _RULE_AXIOM_TYPES:
            axioms.update(_triples(store.quads_for_pattern(None, to_ox(_TYPE), to_ox(c), g)))
    rules = compile_for(compile_rules(axioms), to_ox)
    saturation = Saturation(rules, ox.NamedNode)
    for g in graphs:
        quads = store.quads_for_pattern(None, None, None, g)
        saturation.add_asserted((q.subject, q.predicate, q.object) for q in quads)
    asserted = saturation.size
    # Checked on the index: every triple of an OWL predicate, and each distinct rdf:type object.
    owl_triples = [
        (s.value, p.value, o.value, isinstance(s, ox.NamedNode))
        for p in list(saturation.fwd)
        if p.value.startswith(OWL)
        for s, p_, o in saturation.triples(p)
    ]
    type_node = to_ox(_TYPE)
    classes = {o for objects in saturation.fwd.get(type_node, {}).values() for o in objects}
    owl_triples += [("", _TYPE, o.value, False) for o in classes if isinstance(o, ox.NamedNode)]
    problems = unsupported(owl_triples)
    if problems:
        raise Unsupported("axioms outside the compiled rules: " + ", ".join(problems))
    progress(f"  rules: {len(rules)} rules compiled from the ontology's axioms; saturating {asserted} triples")
    saturation.run()
    progress(f"  rules: {len(saturation.derived)} triples derived, converting what is kept")
    inferred = {t for t in map(_to_rdflib_triple, saturation.derived) if not is_noise(*t)}
    # The consistency rules read only the axioms below and the types of the classes they name.
    axiom_predicates = (_DISJOINT_WITH, _DIFFERENT_FROM, _FIRST, _REST, _MEMBERS, _DISTINCT_MEMBERS)
    consistency_axioms = {t for p in axiom_predicates for t in map(_to_rdflib_triple, saturation.triples(to_ox(p)))}
    for kind in (_ALL_DISJOINT_CLASSES, _ALL_DIFFERENT):
        node = to_ox(kind)
        consistency_axioms |= {
            (to_rdflib(s), _TYPE, kind) for s, objects in saturation.fwd.get(type_node, {}).items() if node in objects
        }
    named = {to_ox(t) for s, p, o in consistency_axioms if p in (_DISJOINT_WITH, _FIRST) for t in (s, o)}
    named.add(to_ox(_NOTHING))
    typed = {
        (to_rdflib(s), _TYPE, to_rdflib(o))
        for s, objects in saturation.fwd.get(type_node, {}).items()
        for o in objects & named
    }
    problems_found = inconsistencies(typed | consistency_axioms, consistency_axioms)
    return Closure(inferred, problems_found, [], Engine.rules), asserted


def _triples(quads: Iterable[ox.Quad]) -> Iterator[Triple]:
    return (_to_rdflib_triple((q.subject, q.predicate, q.object)) for q in quads)


def _to_rdflib_triple(t: tuple[object, object, object]) -> Triple:
    return to_rdflib(t[0]), to_rdflib(t[1]), to_rdflib(t[2])  # type: ignore[arg-type]


def materialise(store: ox.Store, engine: Engine | str = DEFAULT_ENGINE, progress: Progress = _quiet) -> ReasonReport:
    """Recompute the inferred graph from the asserted graphs (which are not touched). Idempotent."""
    from ksgraph.reasoning.forward import Unsupported

    engine = Engine(engine)
    started = time.perf_counter()
    result: Closure | None = None
    if engine is Engine.rules:
        try:
            result, asserted_count = infer_store(store, progress)
        except Unsupported as exc:
            engine = _fall_back(exc, progress)
    if result is None:
        asserted = asserted_triples(store)
        asserted_count = len(asserted)
        slow = engine is Engine.owlrl and asserted_count > 20_000
        hint = " (owlrl: about a second per thousand triples)" if slow else ""
        progress(f"  {engine.value}: OWL 2 RL closure of {asserted_count} asserted triples{hint}")
        result = infer(asserted, engine, progress)
        del asserted
    graph = ox.NamedNode(INFERRED_GRAPH)
    store.remove_graph(graph)
    # Sorted so the store's content does not depend on set iteration order.
    # Bulk-loaded: every caller reasons inside GraphStore.write(), on a copy that is private until published.
    store.bulk_extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o), graph) for s, p, o in sorted(result.inferred))
    for problem in result.inconsistencies:
        progress(f"  INCONSISTENT {problem}")
    for message in result.engine_messages:
        progress(f"  {engine.value} reports: {message}")
    return ReasonReport(
        inferred=len(result.inferred),
        engine=result.engine.value,
        asserted=asserted_count,
        seconds=time.perf_counter() - started,
        inconsistencies=tuple(result.inconsistencies),
        engine_messages=tuple(result.engine_messages),
    )
