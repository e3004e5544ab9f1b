"""Counts per graph and per class, for `ksgraph stats` and the dataset description."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from ksgraph.store.dataset import dataset, graph_names

_PER_CLASS = """
SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class . FILTER(isIRI(?class)) }
GROUP BY ?class ORDER BY DESC(?n) ?class
"""


@dataclass(frozen=True)
class Stats:
    graphs: dict[str, int]
    classes: dict[str, int]

    @property
    def triples(self) -> int:
        return sum(self.graphs.values())


_PER_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def graph_sizes(store: ox.Store) -> dict[str, int]:
    """Triples in each named graph, sorted by graph IRI."""
    sizes = {s["g"].value: int(s["n"].value) for s in store.query(_PER_GRAPH)}
    return {g: sizes.get(g, 0) for g in graph_names(store)}


def collect(store: ox.Store, *, inferred: bool = True) -> Stats:
    """Triples per named graph, and instances per class over the query dataset."""
    graphs = dataset(store, inferred=inferred)
    classes = {s["class"].value: int(s["n"].value) for s in store.query(_PER_CLASS, default_graph=graphs or None)}
    return Stats(graph_sizes(store), classes)
