"""The one write path: every change of the graph is committed here, and only here.

``ksgraph build``, ``ksgraph import`` (RDF and spreadsheets), ``ksgraph reason``, SPARQL Update and
Graph Store writes all call :func:`commit`, which decides, the same way for each:

1. **lock and private copy** — :meth:`GraphStore.write` holds the writers' lock and gives a copy of
   the published version (a fresh store for a build); readers keep the published version;
2. **the change** — the caller's function changes the copy and says what it added and removed
   (:class:`Delta`);
3. **validation** — the caller's :data:`Check` (targeted on the delta's neighbourhood, full, or a
   spreadsheet's cell-located check); a report that does not conform raises :class:`Rejected`;
4. **reasoning** — the inferred graph is brought up to date for the change: incrementally where the
   change says all it changed (:class:`Delta`), wrote data graphs only and the last change left a
   closure that can be continued (:func:`continues`); otherwise recomputed in full, said on ``progress``;
5. **the consistency policy** — *an inconsistent graph is never published*: if the closure violates
   an OWL 2 RL consistency rule, :class:`Inconsistent` is raised, naming each inconsistency;
6. **provenance** — one record of the change (kind, agent, files with their hashes, times), which
   says ``prov:generated`` the inferred graph when the next change can continue from it;
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
from ksgraph.core.vocab import INFERRED_GRAPH, PROV, PROVENANCE_GRAPH, RDF
from ksgraph.rdfio.load import ParsedFile
from ksgraph.reasoning.consistency import Inconsistency
from ksgraph.reasoning.engines import DEFAULT_ENGINE, Engine
from ksgraph.reasoning.reason import ReasonReport
from ksgraph.reasoning.update import reason_change
from ksgraph.store.dataset import is_data_graph
from ksgraph.store.versions import GraphStore, WritableStore

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


@dataclass(frozen=True)
class Delta:
    """What a change did to the asserted graphs of the copy: every quad it added and removed.

    Incremental reasoning trusts it to be complete (a quad listed that was there already, or
    removed and added back, is harmless); a change that cannot say returns an empty Delta, and
    the closure is then recomputed in full.
    """

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


_PROVENANCE = ox.NamedNode(PROVENANCE_GRAPH)
_INFERRED = ox.NamedNode(INFERRED_GRAPH)
_GENERATED = ox.NamedNode(PROV + "generated")
_ENDED = ox.NamedNode(PROV + "endedAtTime")


def continues(copy: ox.Store | WritableStore, delta: Delta) -> str | None:
    """Why the inferred graph of ``copy`` cannot be brought up to date for ``delta``, or None if it can.

    It can if the change says what it changed, wrote data graphs only, and the last published change
    reasoned and left a closure that can be continued: its provenance record says it generated the
    inferred graph (a change committed without reasoning, or reasoned by another engine, does not).
    """
    if not delta.added and not delta.removed:
        return "the change does not say what it changed"
    touched = copy.touched if isinstance(copy, WritableStore) else None
    if touched is None:
        return "the change does not say which graphs it wrote"
    other = sorted(str(g) for g in touched if not (isinstance(g, ox.NamedNode) and is_data_graph(g.value)))
    if other:
        return f"the change writes {', '.join(other)}"
    store: ox.Store = copy  # type: ignore[assignment]  # a WritableStore forwards to its store
    quads = store.quads_for_pattern(None, _ENDED, None, _PROVENANCE)
    ended = [(q.object.value, q.subject) for q in quads if isinstance(q.object, ox.Literal)]
    if not ended:
        return "the store has no record of its last change"
    last = max(ended, key=lambda e: dt.datetime.fromisoformat(e[0]))[1]
    if not any(True for _ in store.quads_for_pattern(last, _GENERATED, _INFERRED, _PROVENANCE)):
        return "the last change left no inferred graph to continue from (not reasoned, or by another engine)"
    return None


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
            why = "a build computes it whole" if fresh else continues(copy, delta)
            reasoning = reason_change(
                copy, delta.added, delta.removed, engine=engine, incremental=why, progress=progress
            )
            lap("reason")
            if not reasoning.consistent:
                raise Inconsistent(reasoning)
        quads = record(kind, list(files or delta.files), agent=agent_name(agent), started=started, root=settings.root)
        run = next(q.subject for q in quads if q.predicate.value == RDF + "type" and q.graph_name == _PROVENANCE)
        assert isinstance(run, ox.NamedNode)
        if reasoning is not None and reasoning.continuable:
            quads.append(ox.Quad(run, _GENERATED, _INFERRED, _PROVENANCE))
        copy.extend(quads)
        provenance = run.value
    lap("publish")
    current = store.current()
    return CommitReport(current.name if current else "", delta, verdict, reasoning, provenance, seconds)
