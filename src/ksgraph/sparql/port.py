"""The one read port: where the graph lives and how a query reaches it, local or remote.

The endpoint, the named queries and the pages all ask one :class:`Backend`, built once per
server by :func:`open_backend`: a :class:`LocalBackend` over the published version of a
:class:`~ksgraph.store.versions.GraphStore`, or a :class:`~ksgraph.sparql.remote.RemoteBackend`
over any SPARQL 1.1 endpoint (``ksgraph serve --backend URL``). Both answer with pyoxigraph's
result types and see the same dataset (:mod:`ksgraph.store.dataset`), so callers do not care
where the data lives.

The in-process :meth:`Backend.run` is for the package's own fixed queries (pages, the
dataset description), whose parameters are bound as terms. Arbitrary query text from a
client never runs in the server process on the local store: the endpoint sends it to killable
worker processes that open :meth:`LocalBackend.version` themselves (:mod:`ksgraph.http.worker`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol

import pyoxigraph as ox

from ksgraph.store.dataset import DEFAULT, View

Bindings = Mapping[ox.Variable, ox.NamedNode | ox.Literal]
# ASK answers pyoxigraph's QueryBoolean (true or false as a bool is) locally, a bool from a remote store.
Result = ox.QuerySolutions | ox.QueryBoolean | bool | Iterable[ox.Triple]


class Unavailable(RuntimeError):
    """The backend cannot answer now: no version published yet, or a store that cannot be read."""


class Backend(Protocol):
    """What every reader of the graph needs from where it lives."""

    #: True for a store on another server: no local version to hand to worker processes.
    remote: bool

    def version(self) -> str:
        """What the next query reads: the published version's path, or the remote endpoint."""
        ...

    def graphs(self) -> tuple[str, ...]:
        """The named graphs of that version, sorted."""
        ...

    def run(self, sparql: str, *, view: View = DEFAULT, substitutions: Bindings | None = None) -> Result:
        """A query over ``view``'s dataset, ``substitutions`` bound as terms (never pasted into text)."""
        ...

    def run_raw(self, sparql: str) -> ox.QuerySolutions:
        """A SELECT over the whole store, every named graph visible (for the dataset description)."""
        ...

    def local_store(self) -> ox.Store | None:
        """The published version itself, for readers that need more than SPARQL; None when remote."""
        ...

    def close(self) -> None: ...
