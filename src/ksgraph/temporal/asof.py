"""The structure as of a date: a materialised snapshot of the graph, and queries over it.

Semantics (docs/TIME.md has the long form). On a day D every time-bearing resource is
VALID, INVALID or UNKNOWN — never silently valid:

* A *group* (any ks:GovernanceGroup, and any organisation founded or ended by a change
  event) begins with its ks:Founding event or ks:founded, ends with a ks:Ending or
  ks:Merger that names it as org:originalOrganization. Times are as precise as the
  source: ``2018`` (xsd:gYear) spans 2018-01-01..2018-12-31, ``ks:earliest`` /
  ``ks:latest`` narrow or bound an instant. D before the earliest possible begin is
  INVALID; D on or after the latest possible begin, or on or after a day the group is
  attested (ks:statusAsOf), is begun. A group persists until an ending is recorded
  (the sources record closures: 003, 004). A begin the sources do not give makes the
  days before the first attestation UNKNOWN; a group with no date at all is UNKNOWN on
  every day.
* A *membership* is VALID within its org:memberDuring interval. Personal mandates are
  fixed terms (3 + 3 years, 004), so a membership only attested on day A (ks:statusAsOf,
  no interval) is VALID on A and UNKNOWN on every other day; it never persists.
  A membership is never more valid than its group.
* A *post* has the validity of its group. ``org:heldBy`` holds only while a membership
  in that post by that person is VALID.
* A dated *event, decision or document* (time:hasTime, dcterms:date) exists once it has
  certainly happened, is INVALID before its earliest possible day, UNKNOWN in between.
* A group's *status* is ks:active from its founding until the change to its recorded
  status (a ks:Dormancy or ks:Ending, else ks:statusSince, else the status is only
  known from its ks:statusAsOf on); a change whose time straddles D makes it UNKNOWN.
* A *name* changed by a ks:Renaming is ks:nameBefore before it, the skos:prefLabel
  after it, and while the renaming's time straddles D both are only skos:altLabel.
* A *host* (ks:hostedBy) is attested, never dated, in the sources: it holds from the
  group's first attestation on and is UNKNOWN before.

The snapshot copies the dataset a query sees, minus INVALID and UNKNOWN resources and
statements, plus the status and names of the day; it reports what was UNKNOWN. The
inferred graph is filtered, not recomputed: inferences drawn through a resource that
is left out go with it, but an inference that only *combined* two facts of different
days (a transitive report line through a group ended since) can remain.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import pyoxigraph as ox

from ksgraph.core.vocab import KS, ORG, SKOS
from ksgraph.sparql.errors import QueryError
from ksgraph.sparql.run import run
from ksgraph.store.dataset import View, dataset
from ksgraph.temporal.bounds import Validity
from ksgraph.temporal.model import TimeModel

_PREF = SKOS + "prefLabel"
_ALT = SKOS + "altLabel"


# -- the snapshot ------------------------------------------------------------------------


@dataclass
class Snapshot:
    """The dataset as of ``on``: an in-memory store with the same named graphs as the original."""

    on: dt.date
    store: ox.Store
    unknown: dict[str, str]  # resource → why its validity on ``on`` is unknown
    unknown_statements: list[tuple[str, str, str, str]]  # (subject, predicate, object, why)
    left_out: int  # quads of the original dataset not in the snapshot
    # Resources kept because they are assumed valid (no date of their own; their sources speak for
    # the day and no ending is recorded), with the assumption: the reader is told (docs/TIME.md).
    assumed: dict[str, str] = field(default_factory=dict)


def snapshot(store: ox.Store, on: dt.date, *, inferred: bool = True, view: View | None = None) -> Snapshot:
    """The structure valid on ``on``. See the module docstring for what valid means.

    The dataset is first copied into memory and the time facts are read from the copy:
    queries over an in-memory store are several times faster than over the on-disk one
    (bench/asof.py), so reading the on-disk store once is the main cost. The snapshot
    depends only on the store version, the day and ``inferred``: a caller answering many
    queries for one day may keep it.

    >>> import datetime as dt, pyoxigraph as ox
    >>> snap = snapshot(ox.Store(), dt.date(2020, 1, 1))
    >>> len(snap.store), snap.unknown
    (0, {})
    """
    target = ox.Store()
    chosen = view or View(inferred=inferred)
    graphs = dataset(store, view=chosen)
    target.bulk_extend(q for graph in graphs for q in store.quads_for_pattern(None, None, None, graph))
    total = len(target)

    model = TimeModel.load(target)
    verdicts = model.verdicts(on)
    unknown = {iri: why for iri, (v, why) in verdicts.items() if v is Validity.UNKNOWN}
    assumed = {iri: why for iri, (v, why) in verdicts.items() if v is Validity.VALID and why}
    dropped = {iri for iri, (v, _) in verdicts.items() if v is not Validity.VALID}
    # Statements to leave out: (subject, predicate, object) where None is any object and
    # "@sv" any literal in that language; what to add instead; and what is reported.
    drop: list[tuple[str | None, str, str | None]] = []
    add: list[tuple[str, str, ox.NamedNode | ox.Literal]] = []
    notes: list[tuple[str, str, str, str]] = []

    for group, (recorded, _since, _seen) in model.statuses.items():
        if group in dropped:
            continue
        status, why = model.status_on(group, on)
        if status == recorded:
            continue
        drop += [(group, KS + "status", None), (group, KS + "statusSince", None), (group, KS + "statusAsOf", None)]
        if status is None:
            notes.append((group, KS + "status", recorded, why))
        else:
            add.append((group, KS + "status", ox.NamedNode(status)))
    for org in model.names:
        if org in dropped:
            continue
        for name, v in model.names_on(org, on):
            drop.append((org, _PREF, f"@{name.language}"))
            if v is Validity.VALID:
                add.append((org, _PREF, name))
            else:
                add.append((org, _ALT, name))
                notes.append((org, _PREF, name.value, "the renaming may have happened; the name is uncertain"))
    for group, host in model.hosts:
        first = model.host_from(group)
        if group in dropped or (first is not None and on >= first):
            continue
        drop += [(group, KS + "hostedBy", host), (host, KS + "hosts", group)]
        why = f"the hosting is attested from {first} only" if first else "the hosting is undated"
        notes.append((group, KS + "hostedBy", host, why))
    for (post, person), memberships in model.holders.items():
        best = max((verdicts.get(m, (Validity.VALID, ""))[0] for m in memberships), default=Validity.VALID)
        if best is Validity.VALID or post in dropped:
            continue
        drop += [(post, ORG + "heldBy", person), (post, KS + "occupancy", None)]
        if best is Validity.UNKNOWN:
            notes.append((post, ORG + "heldBy", person, "no membership is dated to this day"))

    doomed: set[ox.Quad] = set()
    for iri in dropped:
        node = ox.NamedNode(iri)
        doomed.update(target.quads_for_pattern(node, None, None, None))
        doomed.update(target.quads_for_pattern(None, None, node, None))
    graph_of: dict[tuple[str, str], ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = {}
    for s, p, o in drop:
        subject = ox.NamedNode(s) if s else None
        exact = ox.NamedNode(o) if o and not o.startswith("@") else None
        for quad in target.quads_for_pattern(subject, ox.NamedNode(p), exact, None):
            obj = quad.object
            if o and o.startswith("@") and not (isinstance(obj, ox.Literal) and obj.language == o[1:]):
                continue
            doomed.add(quad)
            graph_of.setdefault((str(quad.subject), p), quad.graph_name)
    for quad in doomed:
        target.remove(quad)
    for subject_iri, predicate, value in add:
        graph = graph_of.get((str(ox.NamedNode(subject_iri)), predicate)) or graph_of.get(
            (str(ox.NamedNode(subject_iri)), _PREF)
        )
        target.add(ox.Quad(ox.NamedNode(subject_iri), ox.NamedNode(predicate), value, graph or graphs[0]))
    return Snapshot(on, target, unknown, notes, total - len(target), assumed)


@dataclass
class AsOfAnswer:
    result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples
    snapshot: Snapshot


def query_as_of(
    store: ox.Store,
    sparql: str,
    on: dt.date,
    *,
    inferred: bool = True,
    view: View | None = None,
    substitutions: Mapping[ox.Variable, ox.NamedNode | ox.Literal] | None = None,
) -> AsOfAnswer:
    """Run a query over the structure valid on ``on`` (the call the CLI and the endpoint make)."""
    chosen = view or View(inferred=inferred)
    snap = snapshot(store, on, view=chosen)
    return AsOfAnswer(run(snap.store, sparql, view=chosen, substitutions=substitutions), snap)


def default_as_of(sparql: str) -> str:
    """'all' for a query whose header says ``# temporal:`` (it compares dates itself), else 'today'.

    Such a query asks about the past (what changed in 2025) and needs the ended groups and
    the events a snapshot of today would leave out.
    """
    for line in sparql.splitlines():
        if not line.startswith("#"):
            break
        if line[1:].strip().lower().startswith("temporal:"):
            return "all"
    return "today"


def parse_as_of(text: str, *, today: dt.date) -> dt.date | None:
    """``YYYY-MM-DD`` or ``today`` → that day; ``all`` → None (the whole graph, no time filter)."""
    value = text.strip().lower()
    if value == "all":
        return None
    if value == "today":
        return today
    try:
        if len(value) != 10:
            raise ValueError(value)
        return dt.date.fromisoformat(value)
    except ValueError:
        raise QueryError(f"--as-of {text!r}: expected YYYY-MM-DD, 'today' or 'all'") from None


def summary(snap: Snapshot, *, examples: int = 3) -> str:
    """One paragraph for a person: the day, and what was left out because its validity is unknown."""
    text = f"as of {snap.on}: {snap.left_out} statements not valid or not known to be valid that day were left out"
    if snap.unknown or snap.unknown_statements:
        shown = ", ".join(f"{iri} ({why})" for iri, why in list(snap.unknown.items())[:examples])
        text += (
            f"; of unknown validity: {len(snap.unknown)} resources"
            + (f" (e.g. {shown})" if shown else "")
            + f" and {len(snap.unknown_statements)} statements (status, name, host or holder)"
        )
    if snap.assumed:
        shown = ", ".join(list(snap.assumed)[:examples])
        text += (
            f"; assumed valid, as no date of their own is recorded but their sources speak for the day: "
            f"{len(snap.assumed)} resources (e.g. {shown})"
        )
    return text + ". `ksgraph history IRI` shows why; --as-of all queries the whole graph."
