"""Importing a spreadsheet: map, validate with the store, and commit atomically — or change nothing.

The order is that of :mod:`ksgraph.importer` for RDF files, inside one
:meth:`GraphStore.write` (which holds the writers' lock): the file is read against
the very version it will be committed on, its graph replaces the graph of the same
name (the file is the unit, like a ``data/*.ttl`` file), the shapes are checked on
the nodes it touches, then the closure is recomputed and a provenance record added.
A violation the file has a part in — a SHACL result or a template rule such as one
chair at a time — raises inside the write, which discards the copy: the published
store is untouched.
"""

from __future__ import annotations

import datetime as dt
import getpass
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..config import Settings
from ..namespaces import PROVENANCE_GRAPH
from ..provenance import record
from ..store import GraphStore
from .reader import TabularFile, read
from .rules import CellViolation
from .validation import shacl_violations


@dataclass
class ImportOutcome:
    parsed: TabularFile | None
    violations: list[CellViolation] = field(default_factory=list)  # the file has a part in these
    elsewhere: int = 0  # results about the store that no cell of the file touches
    committed: bool = False
    provenance: str | None = None
    seconds: dict[str, float] = field(default_factory=dict)  # per stage: read, validate, reason, commit


class _Rejected(Exception):
    """Raised inside the store write to discard it."""


def import_table(
    settings: Settings,
    path: Path,
    *,
    template: str | None = None,
    graph: str | None = None,
    reason: bool = True,
    agent: str | None = None,
) -> ImportOutcome:
    """Import one CSV file or workbook. Raises TabularError (unusable file) or StoreError (no store)."""
    started = dt.datetime.now(dt.UTC)
    store_dir = GraphStore(settings.store_dir)
    store_dir.open_read()  # fail early, with the store's own message, before the first build
    outcome = ImportOutcome(None)
    try:
        clock = time.perf_counter()

        def lap(stage: str) -> None:
            nonlocal clock
            now = time.perf_counter()
            outcome.seconds[stage] = now - clock
            clock = now

        with store_dir.write() as store:
            parsed = read(path, template, store=store, graph=graph)
            lap("read")
            outcome.parsed = parsed
            target = ox.NamedNode(parsed.graph)
            removed = list(store.quads_for_pattern(None, None, None, target))
            store.remove_graph(target)
            store.extend(parsed.quads)
            located, elsewhere = shacl_violations(settings, store, parsed, removed)
            outcome.violations = [*parsed.violations, *located]
            outcome.elsewhere = elsewhere
            lap("validate")
            if any(v.severity == "Violation" for v in outcome.violations):
                raise _Rejected
            if reason:
                from ..reason import materialise

                materialise(store)
                lap("reason")
            quads = record("import", [parsed], agent=agent or _agent(), started=started, root=settings.root)
            store.extend(quads)
            outcome.provenance = next(
                q.subject.value
                for q in quads
                if q.predicate.value.endswith("#type") and q.graph_name.value == PROVENANCE_GRAPH
            )
            outcome.committed = True
        lap("commit")
    except _Rejected:
        pass
    return outcome


def _agent() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
