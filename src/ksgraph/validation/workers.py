"""pySHACL on every core: the shapes split between forked processes, their reports merged.

pySHACL is pure Python and runs on one core; at 1M triples it is most of a full
validation (docs/PERFORMANCE.md). Shapes validate independently of each other, so
each worker process gets the whole data graph (inherited through ``fork``, not copied
or pickled) and a copy of the shapes graph in which only its share of the shapes
keeps its targets. A shape without targets is still there for the shapes that refer
to it (``sh:node``, ``sh:or``, …), so every worker validates exactly what pySHACL
would for its share, and the union of the reports is pySHACL's report.

Shares are balanced by the number of focus nodes of each shape (largest first, to the
least loaded worker). Where ``fork`` is not available, or the graph is small enough
that a second process costs more than it saves, everything runs in this process.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_all_start_methods, get_context

import rdflib
from rdflib.term import Node

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
TARGETS = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)
# Below this many data triples one process is faster: forking and merging cost ~0.1-0.3 s.
PARALLEL_FROM = 50_000

Runner = Callable[[rdflib.Graph], rdflib.Graph]
Triple = tuple[Node, Node, Node]

# What a forked worker runs: set just before the pool forks, read by _work in the child.
_JOB: tuple[Runner, list[rdflib.Graph]] | None = None


def workers(configured: int | None = None) -> int:
    """How many processes validate: ``configured`` (``Settings.validate_workers``), else the usable cores."""
    if configured:
        return max(1, configured)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def split(shapes: rdflib.Graph, weight: Callable[[Node], int], parts: int) -> list[rdflib.Graph]:
    """``parts`` copies of ``shapes``; in each, only its share of the targeted shapes keeps its targets."""
    targeted = sorted({s for prop in TARGETS for s in shapes.subjects(prop, None)}, key=str)
    # Each weight once: it counts a shape's focus nodes in the data.
    weights = {shape: max(1, weight(shape)) for shape in targeted}
    loads = [0] * parts
    owner: dict[Node, int] = {}
    for shape in sorted(targeted, key=lambda s: -weights[s]):
        k = loads.index(min(loads))
        owner[shape] = k
        loads[k] += weights[shape]
    out = []
    for k in range(parts):
        part = rdflib.Graph()
        part += shapes
        for shape, who in owner.items():
            if who != k:
                for prop in TARGETS:
                    part.remove((shape, prop, None))
        out.append(part)
    return out


def run(
    runner: Runner,
    data: rdflib.Graph,
    shapes: rdflib.Graph,
    weight: Callable[[Node], int],
    processes: int | None = None,
    parallel_from: int | None = None,
) -> rdflib.Graph:
    """``runner(shapes)`` (pySHACL over ``data``), its work shared among ``processes`` processes.

    Returns one report graph: the first share's, with the other shares' results added
    to its ``sh:ValidationReport`` and ``sh:conforms`` false if any share's is false.
    """
    global _JOB
    processes = workers() if processes is None else processes
    parallel_from = PARALLEL_FROM if parallel_from is None else parallel_from
    if processes < 2 or len(data) < parallel_from or "fork" not in get_all_start_methods():
        return runner(shapes)
    shares = split(shapes, weight, processes)
    _JOB = (runner, shares)
    # Out of the collector's reach while the workers live: a collection in a child would touch
    # every object of the data graph and copy the pages fork shares.
    gc.freeze()
    try:
        with ProcessPoolExecutor(max_workers=processes - 1, mp_context=get_context("fork")) as pool:
            futures = [pool.submit(_work, k) for k in range(1, processes)]
            report = runner(shares[0])
            others = [future.result() for future in futures]
    finally:
        _JOB = None
        gc.unfreeze()
    for triples in others:
        _merge(report, triples)
    return report


def _work(k: int) -> list[Triple]:
    assert _JOB is not None, "a validation worker must be forked from run()"
    runner, shares = _JOB
    # Triples, not a serialisation: pickled blank nodes keep their ids, and results point at
    # the shapes graph's blank nodes (sh:sourceShape of nested shapes, sh:resultPath).
    return list(runner(shares[k]))


def _merge(report: rdflib.Graph, triples: list[Triple]) -> None:
    node = report.value(None, rdflib.RDF.type, SH.ValidationReport, any=False)
    theirs = next((s for s, p, o in triples if p == rdflib.RDF.type and o == SH.ValidationReport), None)
    for s, p, o in triples:
        if s == theirs:
            if p == SH.result and node is not None:
                report.add((node, p, o))
            elif p == SH.conforms and o == rdflib.Literal(False) and node is not None:
                report.set((node, SH.conforms, o))
            continue
        report.add((s, p, o))
