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
    (tests/reasoning/test_reason.py checks this on the real data).
``owlrl``
    The reference implementation in pure Python; slow (HAZARDS.md: ~96 s at 100k triples).

Inconsistencies (an individual in two disjoint classes, two individuals declared
different but entailed equal, anything typed ``owl:Nothing``) are found by
:func:`inconsistencies` on the full closure, the same way for both engines, and
reported — never stored as facts.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, cast

import pyoxigraph as ox

from ksgraph.core.terms import OxTerm, Triple, to_ox, to_ox_triple, to_rdflib, triple_to_rdflib
from ksgraph.core.vocab import INFERRED_GRAPH, OWL
from ksgraph.reasoning.axioms import (
    _ALL_DIFFERENT,
    _ALL_DISJOINT_CLASSES,
    TYPE,
)
from ksgraph.reasoning.consistency import Inconsistency, inconsistencies
from ksgraph.reasoning.engines import DEFAULT_ENGINE, ENGINES, Engine, Progress, _IriInterner, _quiet
from ksgraph.reasoning.folding import NotIncremental, plan
from ksgraph.reasoning.forward import Saturation, Unsupported, compile_for, unsupported
from ksgraph.reasoning.incremental import Rules, continuable
from ksgraph.reasoning.noise import is_noise, kept
from ksgraph.reasoning.rules import compile_rules
from ksgraph.reasoning.stored import CONSISTENCY_PREDICATES, consistency_classes, rule_axioms
from ksgraph.store.dataset import dataset


@dataclass(frozen=True)
class ReasonReport:
    inferred: int
    engine: str = DEFAULT_ENGINE.value
    asserted: int = 0
    seconds: float = 0.0
    inconsistencies: tuple[Inconsistency, ...] = field(default=())
    # Inconsistencies in the engine's own words (owlrl only), in case it finds one the checks above do not.
    engine_messages: tuple[str, ...] = field(default=())
    # "full" (the whole closure computed) or "incremental" (brought up to date for a change, see update.py).
    mode: str = "full"
    # Whether the next change can be reasoned over incrementally from this inferred graph (see incremental.py).
    continuable: bool = False
    # Asserted triples added and removed by the change, and inferred ones added and removed (incremental only).
    changed: tuple[int, int, int, int] = (0, 0, 0, 0)

    @property
    def consistent(self) -> bool:
        return not self.inconsistencies and not self.engine_messages


def asserted_triples(store: ox.Store) -> set[Triple]:
    """The union of the asserted graphs (ontology and data), as rdflib terms."""
    return {t for g in dataset(store, inferred=False) for t in _triples(store.quads_for_pattern(None, None, None, g))}


@dataclass(frozen=True)
class Closure:
    inferred: set[Triple]
    inconsistencies: list[Inconsistency]
    engine_messages: list[str]
    # The engine that computed it: reasonable where the rules engine could not (see :func:`infer`).
    engine: Engine = DEFAULT_ENGINE
    # Why the next change cannot continue from this closure (None: it can; see incremental.continuable).
    not_continuable: str | None = "not computed by the rules engine from a store"


def infer(asserted: set[Triple], engine: Engine = DEFAULT_ENGINE, progress: Progress = _quiet) -> Closure:
    """What the OWL 2 RL closure of ``asserted`` adds that is worth keeping, and whether it is consistent."""

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


def infer_store(store: ox.Store, progress: Progress = _quiet) -> tuple[Closure, int]:
    """The ``rules`` engine on the store's asserted graphs, without converting them to rdflib terms.

    Returns the closure (as :func:`infer` would) and the number of distinct asserted
    triples. Raises :class:`ksgraph.reasoning.forward.Unsupported` where the compiled rules would
    be incomplete.
    """

    graphs = list(dataset(store, inferred=False))
    compiled = compile_rules(rule_axioms(store, graphs))
    rules = compile_for(compiled, to_ox)
    saturation = Saturation(rules, ox.NamedNode)
    for g in graphs:
        quads = store.quads_for_pattern(None, None, None, g)
        saturation.add_asserted((q.subject, q.predicate, q.object) for q in quads)
    asserted = saturation.size
    # Checked on the index: every triple of an OWL predicate, and each distinct rdf:type object.
    index = _ox_index(saturation)
    owl_triples = [
        (s.value, p.value, o.value, isinstance(s, ox.NamedNode))
        for p in list(index)
        if p.value.startswith(OWL)
        for s, objects in index[p].items()
        for o in objects
    ]
    type_node = to_ox(TYPE)
    classes = {o for objects in index.get(type_node, {}).values() for o in objects}
    owl_triples += [("", TYPE, o.value, False) for o in classes if isinstance(o, ox.NamedNode)]
    problems = unsupported(owl_triples)
    if problems:
        raise Unsupported("axioms outside the compiled rules: " + ", ".join(problems))
    progress(f"  rules: {len(rules)} rules compiled from the ontology's axioms; saturating {asserted} triples")
    saturation.run()
    progress(f"  rules: {len(saturation.derived)} triples derived, converting what is kept")
    inferred: set[Triple] = set()
    noise: list[tuple[Any, Any, Any]] = []
    not_canonical = None
    t: tuple[Any, Any, Any]
    for t in saturation.derived:
        r = triple_to_rdflib(t)
        if is_noise(*r):
            noise.append(t)
        else:
            inferred.add(r)
            if not_canonical is None and isinstance(t[2], ox.Literal) and to_ox(r[2]) != t[2]:
                not_canonical = f"the inferred graph stores {t[2]} in another form"
    # The consistency rules read only the axioms below and the types of the classes they name.
    consistency_axioms = {
        t for p in CONSISTENCY_PREDICATES for t in map(triple_to_rdflib, saturation.triples(to_ox(p)))
    }
    for kind in (_ALL_DISJOINT_CLASSES, _ALL_DIFFERENT):
        node = to_ox(kind)
        consistency_axioms |= {
            (to_rdflib(s), TYPE, kind) for s, objects in index.get(type_node, {}).items() if node in objects
        }
    classes_read = consistency_classes(consistency_axioms)
    named = {to_ox(t) for t in classes_read}
    typed = {
        (to_rdflib(s), TYPE, to_rdflib(o)) for s, objects in index.get(type_node, {}).items() for o in objects & named
    }
    problems_found = inconsistencies(typed | consistency_axioms, consistency_axioms)
    try:
        folded = plan(compiled, classes_read)
        why_not = not_canonical or continuable(Rules(folded.rules, folded.noise_classes, classes_read), noise)
    except NotIncremental as exc:
        why_not = str(exc)
    return Closure(inferred, problems_found, [], Engine.rules, why_not), asserted


def _triples(quads: Iterable[ox.Quad]) -> Iterator[Triple]:
    return ((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)) for q in quads)


def _ox_index(saturation: Saturation) -> dict[OxTerm, dict[OxTerm, set[OxTerm]]]:
    """The saturation's index by predicate and subject, as the pyoxigraph terms it holds.

    :func:`infer_store` builds it from pyoxigraph terms only (quads, ``to_ox`` and ``ox.NamedNode``);
    the engine itself is generic in its terms (``Hashable``)."""
    return cast(dict[OxTerm, dict[OxTerm, set[OxTerm]]], saturation.fwd)


def materialise(store: ox.Store, engine: Engine | str = DEFAULT_ENGINE, progress: Progress = _quiet) -> ReasonReport:
    """Recompute the inferred graph from the asserted graphs (which are not touched). Idempotent."""

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
    store.bulk_extend(ox.Quad(*to_ox_triple(t), graph) for t in sorted(result.inferred))
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
        continuable=result.not_continuable is None,
    )
