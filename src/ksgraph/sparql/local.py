"""The local backend: the published version of a store on this machine (see :mod:`ksgraph.sparql.port`)."""

from __future__ import annotations

import os
from functools import cache

import pyoxigraph as ox

from ksgraph.core.vocab import PREFIXES
from ksgraph.sparql.errors import QueryError
from ksgraph.sparql.port import Bindings, Result, Unavailable
from ksgraph.sparql.run import run
from ksgraph.store.dataset import DEFAULT, View, graph_names
from ksgraph.store.versions import GraphStore, StoreError, StoreMissing


@cache
def _graphs_of(path: str) -> tuple[str, ...]:
    # Listing graphs reads only the store's graph index.
    return tuple(graph_names(ox.Store.read_only(path)))


class LocalBackend:
    """The published version of a local store, reopened when a build or import publishes another.

    A publish replaces ``CURRENT`` with ``os.replace`` (a new inode), so one ``stat`` per request
    notices it; the file is read again, and the store reopened, only then.
    """

    remote = False

    def __init__(self, store: GraphStore) -> None:
        self.store = store
        # A string, not a Path: joining paths per request cost more than the stat itself.
        self._current = str(store.root / "CURRENT")
        self._key: tuple[int, int] | None = None
        self._path: str | None = None
        self._db: ox.Store | None = None

    def version(self) -> str:
        try:
            st = os.stat(self._current)
        except FileNotFoundError:
            raise Unavailable(f"no graph has been published in {self.store.root} yet") from None
        key = (st.st_ino, st.st_mtime_ns)
        if key != self._key or self._path is None:
            try:
                current = self.store.current()
            except StoreError as exc:
                raise Unavailable(str(exc)) from None
            if current is None:
                raise Unavailable(str(StoreMissing(f"no graph in {self.store.root}")))
            self._key, self._path, self._db = key, str(current.path), None
        return self._path

    def graphs(self) -> tuple[str, ...]:
        return _graphs_of(self.version())

    def local_store(self) -> ox.Store:
        path = self.version()
        if self._db is None:
            # Opening RocksDB costs milliseconds; an old version stays readable until the
            # next-but-two publish, so a reader that opened it just before a switch can finish.
            self._db = ox.Store.read_only(path)
        return self._db

    def run(self, sparql: str, *, view: View = DEFAULT, substitutions: Bindings | None = None) -> Result:
        return run(self.local_store(), sparql, view=view, substitutions=substitutions)

    def run_raw(self, sparql: str) -> ox.QuerySolutions:
        try:
            result = self.local_store().query(sparql, prefixes=PREFIXES)
        except SyntaxError as exc:
            raise QueryError(f"malformed query: {exc}") from exc
        if not isinstance(result, ox.QuerySolutions):
            raise TypeError("run_raw takes SELECT queries only")
        return result

    def close(self) -> None:
        self._db = None
