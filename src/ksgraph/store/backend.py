"""What the publishing layer needs from a store: run one SPARQL query with bound parameters.

Two implementations: :class:`LocalBackend` (the published version of a
:class:`~ksgraph.store.versions.GraphStore`) and :class:`~ksgraph.store.remote.RemoteBackend`
(any SPARQL 1.1 endpoint). Both answer with pyoxigraph's result types, so callers do not
care where the data lives.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from importlib import resources
from typing import Protocol

import pyoxigraph as ox

from ksgraph.core.vocab import PREFIXES, PROVENANCE_GRAPH
from ksgraph.sparql import query as q
from ksgraph.store.versions import GraphStore

Bindings = Mapping[ox.Variable, ox.NamedNode | ox.Literal]
# ASK answers a plain bool in pyoxigraph 0.5 (there is no QueryBoolean class).
Result = ox.QuerySolutions | bool | Iterable[ox.Triple]


class SparqlRunner(Protocol):
    """Runs a query over the asserted graphs plus (unless ``inferred=False``) the inferred graph.

    ``substitutions`` binds variables to terms before evaluation; they are never pasted into
    the query text. Because pyoxigraph substitutes only in triple patterns and requires the
    variable in a SELECT's projection, the queries of this package project every bound variable.
    ``provenance=True`` adds the provenance graph (build records live under ``id:`` too, and
    every ``id:`` IRI must resolve); the SPARQL endpoint leaves it out of the default graph.
    """

    def run(
        self,
        sparql: str,
        *,
        inferred: bool = True,
        substitutions: Bindings | None = None,
        provenance: bool = False,
    ) -> Result: ...

    def run_raw(self, sparql: str) -> ox.QuerySolutions:
        """A SELECT over the whole store, every named graph visible (for the dataset description)."""
        ...


class LocalBackend:
    """The published version of a local store, reopened when a build publishes a new one."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self._version: str | None = None
        self._db: ox.Store | None = None

    def _open(self) -> ox.Store:
        # Reopen only when CURRENT names another version: opening RocksDB per request costs
        # milliseconds, and an old version stays readable until the next-but-two build.
        current = self.store.current()
        name = current.name if current else None
        if self._db is None or name != self._version:
            self._db = self.store.open_read()
            self._version = name
        return self._db

    def local_store(self) -> ox.Store:
        """The published version itself, for readers that need more than SPARQL (the history timeline)."""
        return self._open()

    def run(
        self,
        sparql: str,
        *,
        inferred: bool = True,
        substitutions: Bindings | None = None,
        provenance: bool = False,
    ) -> Result:
        store = self._open()
        if not provenance:
            return q.run(store, sparql, inferred=inferred, substitutions=substitutions)
        graphs = [*q.dataset(store, inferred=inferred), ox.NamedNode(PROVENANCE_GRAPH)]
        try:
            return store.query(
                sparql,
                prefixes=PREFIXES,
                default_graph=graphs,
                named_graphs=graphs,
                substitutions=dict(substitutions or {}),
            )
        except SyntaxError as exc:
            raise q.QueryError(f"malformed query: {exc}") from exc

    def run_raw(self, sparql: str) -> ox.QuerySolutions:
        result = self._open().query(sparql, prefixes=PREFIXES)
        if not isinstance(result, ox.QuerySolutions):
            raise TypeError("run_raw takes SELECT queries only")
        return result


def packaged_query(name: str) -> str:
    """The text of ``sparql/queries/<name>.rq`` (package data: the queries are files, not strings).

    Read on every call, deliberately uncached: a few hundred bytes, and no module-level state.
    """
    return resources.files("ksgraph.sparql").joinpath("queries", f"{name}.rq").read_text(encoding="utf-8")


def select(
    runner: SparqlRunner, name: str, *, inferred: bool = True, **params: ox.NamedNode | ox.Literal
) -> list[ox.QuerySolution]:
    """Run a packaged SELECT query with keyword parameters bound as terms; all solutions.

    The packaged queries describe resources, so they see the provenance graph too.
    """
    result = runner.run(
        packaged_query(name),
        inferred=inferred,
        substitutions={ox.Variable(k): v for k, v in params.items()},
        provenance=True,
    )
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError(f"query {name} is not a SELECT query")
    return list(result)
