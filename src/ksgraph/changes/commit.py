"""The one write path: every change of the graph is committed here, and only here.

``ksgraph build``, ``ksgraph import`` (RDF and spreadsheets), ``ksgraph reason``, SPARQL Update and
Graph Store writes all call :func:`commit`, which decides, the same way for each:

1. **lock and private copy** — :meth:`GraphStore.write` holds the writers' lock and gives a copy of
   the published version (a fresh store for a build); readers keep the published version;
2. **the change** — the caller's function changes the copy and says what it added and removed
   (:class:`Delta`);
3. **validation** — the caller's :data:`Check` (targeted on the delta's neighbourhood, full, or a
   spreadsheet's cell-located check); a report that does not conform raises :class:`Rejected`;
4. **reasoning** — the inferred graph is recomputed for the change;
5. **the consistency policy** — *an inconsistent graph is never published*: if the closure violates
   an OWL 2 RL consistency rule, :class:`Inconsistent` is raised, naming each inconsistency;
6. **provenance** — one record of the change (kind, agent, files with their hashes, times);
7. **publish** — the copy becomes the published version by one atomic rename.

Any exception before step 7 discards the copy: the published store is exactly as it was.
"""

from __future__ import annotations

import datetime as dt
import getpass
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import pyoxigraph as ox

from ksgraph.changes.provenance import record
from ksgraph.core.settings import Settings
from ksgraph.core.vocab import PROVENANCE_GRAPH, RDF
from ksgraph.rdfio.load import ParsedFile
from ksgraph.reasoning.consistency import Inconsistency
from ksgraph.reasoning.engines import DEFAULT_ENGINE, Engine
from ksgraph.reasoning.reason import ReasonReport, materialise
from ksgraph.store.versions import GraphStore

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


@dataclass(frozen=True)
class Delta:
    """What a change did to the asserted graphs of the copy."""

    added: Sequence[ox.Quad] = ()
    removed: Sequence[ox.Quad] = ()
    # The files the change read, when it reads them itself (a spreadsheet read against the copy).
    files: Sequence[ParsedFile] = ()

    @property
    def quads(self) -> list[ox.Quad]:
        return [*self.added, *self.removed]


class Verdict(Protocol):
    """What a check answers: a validation report, or a spreadsheet import's located violations."""

    @property
    def conforms(self) -> bool: ...


#: Validates the changed copy; its verdict decides whether the change is published.
Check = Callable[[ox.Store, Delta], Verdict]
#: Changes the private copy and says what it changed.
Change = Callable[[ox.Store], Delta]


class Rejected(Exception):
    """The change was not published; the store is exactly as it was."""


class Violations(Rejected):
    """The changed graph breaks a rule of the shapes (or of a spreadsheet template)."""

    def __init__(self, verdict: Verdict) -> None:
        super().__init__("the change breaks the rules; nothing was changed")
        self.verdict = verdict


class Inconsistent(Rejected):
    """The changed graph's OWL 2 RL closure is inconsistent: it is never published."""

    def __init__(self, report: ReasonReport) -> None:
        problems = [str(p) for p in report.inconsistencies] + [f"{report.engine}: {m}" for m in report.engine_messages]
        super().__init__("the change would make the graph inconsistent:\n  " + "\n  ".join(problems))
        self.report = report
        self.problems = problems

    @property
    def inconsistencies(self) -> tuple[Inconsistency, ...]:
        return self.report.inconsistencies


@dataclass
class CommitReport:
    """What a published change did."""

    version: str
    delta: Delta
    verdict: Verdict | None = None
    reasoning: ReasonReport | None = None
    provenance: str | None = None
    seconds: dict[str, float] = field(default_factory=dict)  # per stage: change, validate, reason, publish


def agent_name(agent: str | None = None) -> str:
    """Who makes the change, for the provenance record: the one given, else the user running ksgraph."""
    if agent:
        return agent
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def commit(
    settings: Settings,
    change: Change,
    *,
    kind: str,
    files: Sequence[ParsedFile] = (),
    check: Check | None = None,
    reason: bool = True,
    engine: Engine | str = DEFAULT_ENGINE,
    fresh: bool = False,
    agent: str | None = None,
    progress: Progress = _quiet,
) -> CommitReport:
    """Apply ``change`` to a private copy of the store and publish it if it passes (see the module).

    Raises :class:`Violations` or :class:`Inconsistent` (nothing published), or whatever ``change``
    raises; :class:`~ksgraph.store.versions.StoreError` when the copy cannot be written (a full disk).
    """
    started = dt.datetime.now(dt.UTC)
    store = GraphStore(settings.store_dir)
    seconds: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[stage] = seconds.get(stage, 0.0) + now - clock
        clock = now

    with store.write(fresh=fresh) as copy:
        delta = change(copy)
        lap("change")
        verdict = None
        if check is not None:
            verdict = check(copy, delta)
            lap("validate")
            if not verdict.conforms:
                raise Violations(verdict)
        reasoning = None
        if reason:
            progress("reasoning (OWL 2 RL)")
            reasoning = materialise(copy, engine, progress=progress)
            lap("reason")
            if not reasoning.consistent:
                raise Inconsistent(reasoning)
        quads = record(kind, list(files or delta.files), agent=agent_name(agent), started=started, root=settings.root)
        copy.extend(quads)
        provenance = next(
            (
                q.subject.value
                for q in quads
                if q.predicate.value == RDF + "type" and q.graph_name == ox.NamedNode(PROVENANCE_GRAPH)
            ),
            None,
        )
    lap("publish")
    current = store.current()
    return CommitReport(current.name if current else "", delta, verdict, reasoning, provenance, seconds)
