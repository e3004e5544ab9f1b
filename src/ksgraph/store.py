"""The persistent store: immutable pyoxigraph versions published by an atomic switch.

Layout of a store directory::

    .ksgraph/
      lock               writers take an exclusive flock here, so imports are serialised
      CURRENT            the name of the published version (replaced atomically)
      versions/<name>/   one pyoxigraph (RocksDB) database per version

A write never touches the published version. It starts from a checkpoint of it
(``Store.backup``: hard links on the same file system, so it is cheap), changes the
copy, flushes it and only then replaces ``CURRENT`` with ``os.replace``. A process
killed at any point therefore leaves the store as it was before or as it is after,
never half-written; readers keep the version they opened until they reopen.
Leftovers of a killed writer are versions that ``CURRENT`` never named; the next
writer removes them, so a restart needs no repair.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

# Versions kept besides the current one, so a reader that opened an older version
# just before a switch can finish its query.
KEEP_OLD_VERSIONS = 2


class StoreError(RuntimeError):
    """A store that cannot be used as asked (missing, locked, damaged)."""


class StoreMissing(StoreError):
    """No version has been published yet."""


@dataclass(frozen=True)
class Version:
    name: str
    path: Path


class GraphStore:
    """A directory of store versions. Cheap to construct; opens databases on demand."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.versions_dir = self.root / "versions"
        self._current_file = self.root / "CURRENT"
        self._lock_file = self.root / "lock"

    # -- reading -----------------------------------------------------------

    def exists(self) -> bool:
        return self.current() is not None

    def current(self) -> Version | None:
        """The published version, or None before the first build."""
        try:
            name = self._current_file.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        path = self.versions_dir / name
        if not name or not path.is_dir():
            raise StoreError(f"{self._current_file} names version {name!r}, which is missing from {path.parent}")
        return Version(name, path)

    def open_read(self) -> ox.Store:
        """Open the published version read-only. Raises StoreMissing before the first build."""
        version = self.current()
        if version is None:
            raise StoreMissing(f"no graph in {self.root}: run `ksgraph build` first (or pass --store)")
        return ox.Store.read_only(str(version.path))

    # -- writing -----------------------------------------------------------

    @contextlib.contextmanager
    def lock(self, timeout: float | None = None) -> Iterator[None]:
        """Hold the writers' lock. Blocks (or waits up to ``timeout`` seconds) while another writer runs."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self._lock_file, "a+") as handle:
            deadline = None if timeout is None else time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | (0 if deadline is None else fcntl.LOCK_NB))
                    break
                except BlockingIOError as exc:
                    if deadline is not None and time.monotonic() > deadline:
                        raise StoreError(f"another ksgraph process is writing {self.root}") from exc
                    time.sleep(0.05)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    @contextlib.contextmanager
    def write(self, *, fresh: bool = False) -> Iterator[ox.Store]:
        """A writable copy of the published version (or an empty store if ``fresh``).

        On normal exit the copy becomes the published version; on an exception it
        is discarded and the published version is untouched.
        """
        with self.lock():
            self._remove_unpublished()
            self.versions_dir.mkdir(parents=True, exist_ok=True)
            # Writers are serialised by the lock, so a counter orders versions exactly.
            names = self._version_names()
            name = f"{int(names[-1]) + 1 if names else 1:08d}"
            path = self.versions_dir / name
            base = None if fresh else self.current()
            if base is None:
                store = ox.Store(str(path))
            else:
                ox.Store.read_only(str(base.path)).backup(str(path))
                store = ox.Store(str(path))
            try:
                yield store
                store.flush()
            except BaseException:
                del store
                shutil.rmtree(path, ignore_errors=True)
                raise
            del store
            self._publish(name)
            self._remove_old()

    def _publish(self, name: str) -> None:
        tmp = self.root / f"CURRENT.{os.getpid()}.tmp"
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(name + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self._current_file)
        dir_fd = os.open(self.root, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)

    def _version_names(self) -> list[str]:
        if not self.versions_dir.is_dir():
            return []
        return sorted(p.name for p in self.versions_dir.iterdir() if p.is_dir() and p.name.isdigit())

    def _remove_unpublished(self) -> None:
        """Remove versions newer than the published one: the remains of a killed writer."""
        current = self.current()
        for name in self._version_names():
            if current is None or name > current.name:
                shutil.rmtree(self.versions_dir / name, ignore_errors=True)

    def _remove_old(self) -> None:
        current = self.current()
        if current is None:
            return
        older = [n for n in self._version_names() if n < current.name]
        for name in older[: max(0, len(older) - KEEP_OLD_VERSIONS)]:
            shutil.rmtree(self.versions_dir / name, ignore_errors=True)


def graph_names(store: ox.Store) -> list[str]:
    """The IRIs of the store's named graphs, sorted."""
    return sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
