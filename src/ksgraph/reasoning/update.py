"""The inferred graph after a change: brought up to date incrementally where it can be, else recomputed.

:func:`reason_change` is what the commit path calls (:mod:`ksgraph.changes.commit`). With
``incremental`` it runs :func:`update` (:mod:`ksgraph.reasoning.incremental`), and where that is
not possible it says why on ``progress`` and recomputes the whole closure
(:func:`ksgraph.reasoning.reason.materialise`). Both give the same inferred graph and the same
inconsistencies; tests/reasoning/test_incremental_reason.py checks it on random changes.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import pyoxigraph as ox

from ksgraph.core.terms import Triple, to_ox, to_rdflib
from ksgraph.core.vocab import INFERRED_GRAPH, ONTOLOGY_GRAPH
from ksgraph.reasoning.axioms import TYPE
from ksgraph.reasoning.consistency import inconsistencies
from ksgraph.reasoning.engines import DEFAULT_ENGINE, Engine, Progress, _quiet
from ksgraph.reasoning.folding import NotIncremental, plan
from ksgraph.reasoning.incremental import Fact, Incremental, Model, NeedFull, Rules
from ksgraph.reasoning.reason import ReasonReport, materialise
from ksgraph.reasoning.rules import compile_rules
from ksgraph.reasoning.stored import consistency_axioms, consistency_classes, rule_axioms
from ksgraph.sparql.packaged import packaged_query
from ksgraph.store.dataset import dataset

_TYPE = to_ox(TYPE)


def reason_change(
    store: ox.Store,
    added: Sequence[ox.Quad],
    removed: Sequence[ox.Quad],
    *,
    engine: Engine | str = DEFAULT_ENGINE,
    incremental: str | None = None,
    progress: Progress = _quiet,
) -> ReasonReport:
    """The inferred graph of ``store`` made right after a change that added and removed these quads.

    ``incremental`` is None when the caller knows the stored inferred graph can be continued
    (the change says everything it changed, and the closure before it was continuable); otherwise
    it says why not, and the closure is recomputed in full. Both are said on ``progress``.
    """
    why = incremental
    if why is None and Engine(engine) is not Engine.rules:
        why = f"the {Engine(engine).value} engine always computes the whole closure"
    if why is None:
        try:
            return update(store, added, removed, progress)
        except (NeedFull, NotIncremental) as exc:
            why = str(exc)
    progress(f"  whole closure: {why}")
    return materialise(store, engine, progress)


def update(
    store: ox.Store, added: Sequence[ox.Quad], removed: Sequence[ox.Quad], progress: Progress = _quiet
) -> ReasonReport:
    """Bring the inferred graph up to date for a change (see :mod:`ksgraph.reasoning.incremental`).

    The store holds the change already; its inferred graph is the closure before the change.
    Raises :class:`NeedFull` or :class:`NotIncremental` (the store untouched) where that is not possible.
    """
    started = time.perf_counter()
    graphs = list(dataset(store, inferred=False))
    asserted = set(graphs)
    inferred_graph = ox.NamedNode(INFERRED_GRAPH)
    for quad in (*added, *removed):
        if quad.graph_name == ox.NamedNode(ONTOLOGY_GRAPH):
            raise NeedFull("the change touches the ontology")
    axioms = consistency_axioms(store, [*graphs, inferred_graph])
    classes = consistency_classes(axioms)
    folded = plan(compile_rules(rule_axioms(store, graphs)), classes)
    rules = Rules(folded.rules, folded.noise_classes, classes)
    model = Model(store, graphs, inferred_graph)
    outcome = Incremental(rules, model).run(_facts(added, asserted), _facts(removed, asserted))
    problems = inconsistencies(_types(model, outcome.typed, rules.consistency_classes) | axioms, axioms)
    for fact in outcome.removed:
        store.remove(ox.Quad(*fact, inferred_graph))
    store.extend(ox.Quad(*fact, inferred_graph) for fact in outcome.added)
    count = _size(store, inferred_graph)
    progress(
        f"  incremental: {outcome.asserted_added} asserted triples added and {outcome.asserted_removed} removed; "
        f"{len(outcome.added)} inferred added and {len(outcome.removed)} removed ({model.lookups} index reads)"
    )
    for problem in problems:
        progress(f"  INCONSISTENT {problem}")
    return ReasonReport(
        inferred=count,
        engine=Engine.rules.value,
        seconds=time.perf_counter() - started,
        inconsistencies=tuple(problems),
        mode="incremental",
        continuable=True,
        changed=(outcome.asserted_added, outcome.asserted_removed, len(outcome.added), len(outcome.removed)),
    )


def _size(store: ox.Store, graph: ox.NamedNode) -> int:
    solutions = store.query(packaged_query("graph-size"), substitutions={ox.Variable("g"): graph})
    assert isinstance(solutions, ox.QuerySolutions)  # graph-size is a SELECT
    rows: list[Any] = list(solutions)
    return int(rows[0]["n"].value) if rows else 0


def _facts(quads: Sequence[ox.Quad], graphs: set[Any]) -> list[Fact]:
    return [(q.subject, q.predicate, q.object) for q in quads if q.graph_name in graphs]


def _types(model: Model, resources: set[Any], classes: set[Any]) -> set[Triple]:
    """The types the consistency checks read, of the resources whose types the change added to."""
    found: set[Triple] = set()
    for x in resources:
        for c in model.objects(x, _TYPE):
            if c in classes:
                found.add((to_rdflib(x), TYPE, to_rdflib(c)))
    return found
