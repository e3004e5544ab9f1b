"""What a dataset description needs to know about the stored data, from either backend."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph as ox

from ksgraph.core.vocab import GRAPH_BASE
from ksgraph.sparql.packaged import packaged_query

# Runs a query over the whole store, every named graph visible (no dataset restriction).
RawQuery = Callable[[str], ox.QuerySolutions]


@dataclass(frozen=True)
class DatasetFacts:
    graphs: dict[str, int]  # triples per ksgraph named graph, provenance included
    modified: ox.Literal | None  # when the last build or import ended (xsd:dateTime)

    @property
    def triples(self) -> int:
        return sum(self.graphs.values())


def collect_facts(raw: RawQuery) -> DatasetFacts:
    """Graph sizes and the last change. Graphs outside ``GRAPH_BASE`` are left out: a shared
    remote store (Virtuoso keeps its own system graphs) holds more than ksgraph."""
    graphs = {
        row["g"].value: int(row["n"].value)
        for row in raw(packaged_query("graph-sizes"))
        if isinstance(row["g"], ox.NamedNode) and row["g"].value.startswith(GRAPH_BASE)
    }
    rows = list(raw(packaged_query("last-change")))
    modified = rows[0]["modified"] if rows else None
    return DatasetFacts(dict(sorted(graphs.items())), modified if isinstance(modified, ox.Literal) else None)
