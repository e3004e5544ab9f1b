"""Counts per graph and per class, for `ksgraph stats` and the dataset description."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from ksgraph.sparql.packaged import packaged_query, select_local
from ksgraph.store.dataset import View, graph_names


@dataclass(frozen=True)
class Stats:
    graphs: dict[str, int]
    classes: dict[str, int]

    @property
    def triples(self) -> int:
        return sum(self.graphs.values())


def graph_sizes(store: ox.Store) -> dict[str, int]:
    """Triples in each named graph, sorted by graph IRI."""
    # Every named graph, provenance included: the view is the whole store.
    rows = store.query(packaged_query("graph-sizes"))
    assert isinstance(rows, ox.QuerySolutions)
    sizes = {s["g"].value: int(s["n"].value) for s in rows}
    return {g: sizes.get(g, 0) for g in graph_names(store)}


def collect(store: ox.Store, *, inferred: bool = True) -> Stats:
    """Triples per named graph, and instances per class over the query dataset."""
    classes = {
        s["class"].value: int(s["n"].value) for s in select_local(store, "class-sizes", view=View(inferred=inferred))
    }
    return Stats(graph_sizes(store), classes)
