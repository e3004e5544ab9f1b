"""The time model: everything the graph says about time, read once per snapshot (docs/TIME.md).

The facts are read with the packaged queries ``sparql/queries/time-*.rq`` over the asserted graphs.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox

from ksgraph.core.vocab import KS, KS_NS
from ksgraph.sparql.packaged import select_local
from ksgraph.store.dataset import ASSERTED
from ksgraph.temporal.bounds import UNBOUNDED, Bounds, Lifetime, Validity, happened, literal_bounds

_ACTIVE = KS + "active"


# -- reading the time facts --------------------------------------------------------------


def _select(store: ox.Store, name: str) -> Iterator[ox.QuerySolution]:
    # Time facts are asserted; the inferred graph adds only the subclass types that
    # sparql/queries/time-groups.rq follows with its property path.
    yield from select_local(store, name, view=ASSERTED)


def _value(term: object) -> str | None:
    return term.value if isinstance(term, ox.NamedNode | ox.Literal) else None


def _bounds(term: object) -> Bounds | None:
    return literal_bounds(term) if isinstance(term, ox.Literal) else None


@dataclass
class Change:
    kind: str  # the local name of the event class, e.g. "Dormancy"
    event: str
    when: Bounds | None


@dataclass
class TimeModel:
    """Everything the graph says about time, read once per snapshot."""

    lifetimes: dict[str, Lifetime] = field(default_factory=dict)
    memberships: dict[str, tuple[str, str | None, str | None]] = field(default_factory=dict)  # m → group, post, person
    posts: dict[str, str] = field(default_factory=dict)  # post → group
    holders: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # (post, person) → memberships
    happenings: dict[str, Bounds | None] = field(default_factory=dict)  # dated events, decisions, documents
    statuses: dict[str, tuple[str, Bounds | None, list[Bounds]]] = field(default_factory=dict)
    changes: dict[str, list[Change]] = field(default_factory=lambda: defaultdict(list))
    names: dict[str, list[tuple[Bounds | None, ox.Literal]]] = field(default_factory=lambda: defaultdict(list))
    hosts: list[tuple[str, str]] = field(default_factory=list)  # (group, host)

    @classmethod
    def load(cls, store: ox.Store) -> TimeModel:
        model = cls()
        when: dict[str, Bounds | None] = {}
        for row in _select(store, "time-instants"):
            x = row["x"].value
            pos = _bounds(row["pos"])
            earliest, latest = _bounds(row["earliest"]), _bounds(row["latest"])
            limit = Bounds(earliest.earliest if earliest else None, latest.latest if latest else None)
            combined = (pos or UNBOUNDED).narrow(limit)
            when[x] = None if combined == UNBOUNDED else combined
        for row in _select(store, "time-dated"):
            when.setdefault(row["x"].value, _bounds(row["pos"]))
        model.happenings = when

        for row in _select(store, "time-groups"):
            life = model.lifetimes.setdefault(row["g"].value, Lifetime())
            if (founded := _bounds(row["founded"])) is not None:
                life.begin = founded if life.begin is None else life.begin.narrow(founded)
            if (seen := _bounds(row["asOf"])) is not None and seen not in life.attested:
                life.attested.append(seen)
        for row in _select(store, "time-events"):
            kind, role, org = row["kind"].value.removeprefix(KS_NS), row["role"].value, row["org"].value
            event = row["e"].value
            at = when.get(event)
            if kind == "Founding" and role == "resulting":
                life = model.lifetimes.setdefault(org, Lifetime())
                life.begin = (at or UNBOUNDED) if life.begin is None else life.begin.narrow(at or UNBOUNDED)
            elif kind in ("Ending", "Merger") and role == "original":
                model.lifetimes.setdefault(org, Lifetime()).ends.append(at or UNBOUNDED)
                model.changes[org].append(Change(kind, event, at))
            elif kind == "Dormancy" and role == "original":
                model.changes[org].append(Change(kind, event, at))
        model._assume_from_sources(store)
        for row in _select(store, "time-names"):
            model.names[row["org"].value].append((when.get(row["e"].value), row["before"]))
        for row in _select(store, "time-status"):
            days = [b for b in [_bounds(row["asOf"])] if b]
            g = row["g"].value
            previous = model.statuses.get(g)
            since = _bounds(row["since"])
            attested = days + (previous[2] if previous else [])
            model.statuses[g] = (row["status"].value, since or (previous[1] if previous else None), attested)
        for row in _select(store, "time-memberships"):
            m = row["m"].value
            life = model.lifetimes.setdefault(m, Lifetime(persists=False))
            if (seen := _bounds(row["asOf"])) is not None and seen not in life.attested:
                life.attested.append(seen)
            group, post, person = row["group"].value, _value(row["post"]), _value(row["person"])
            model.memberships[m] = (group, post, person)
            if post and person:
                holders = model.holders.setdefault((post, person), [])
                if m not in holders:
                    holders.append(m)
        for row in _select(store, "time-membership-begins"):
            if (dated := model.lifetimes.get(row["m"].value)) is not None:
                dated.begin, dated.persists = literal_bounds(row["pos"]), True  # an interval: valid throughout it
        for row in _select(store, "time-membership-ends"):
            ending = model.lifetimes.get(row["m"].value)
            if ending is not None and (end := literal_bounds(row["pos"])) not in ending.ends:
                ending.ends.append(end)
        model.hosts = [(row["g"].value, row["host"].value) for row in _select(store, "time-hosts")]
        for row in _select(store, "time-posts"):
            model.posts[row["post"].value] = row["group"].value
        return model

    # -- evaluation ----------------------------------------------------------------------

    def verdicts(self, on: dt.date) -> dict[str, tuple[Validity, str]]:
        """The validity of every time-bearing resource on ``on`` (VALID ones included)."""
        out: dict[str, tuple[Validity, str]] = {}
        for iri, when in self.happenings.items():
            v = happened(when, on)
            if v is Validity.INVALID:
                out[iri] = (v, f"has not happened yet ({when.text() if when else 'unknown date'})")
            elif v is Validity.UNKNOWN:
                out[iri] = (v, f"not known whether it happened by {on} ({when.text() if when else 'unknown date'})")
            else:
                out[iri] = (v, "")
        for iri, life in self.lifetimes.items():
            if iri in self.memberships:
                continue
            out[iri] = life.at(on)
        for m, (group, _post, _person) in self.memberships.items():
            own = self.lifetimes[m].at(on)
            cap = out.get(group, (Validity.VALID, ""))
            out[m] = own if own[0] <= cap[0] else (cap[0], f"its group: {cap[1]}")
        for post, group in self.posts.items():
            if group in out:
                v, why = out[group]
                out[post] = (v, f"its group: {why}" if why else "")
        return out

    def status_on(self, group: str, on: dt.date) -> tuple[str | None, str]:
        """The group's status on ``on`` (None when unknown) and, if unknown, why."""
        recorded, since, attested = self.statuses[group]
        if recorded == _ACTIVE:
            return recorded, ""
        changes = [c.when for c in self.changes.get(group, []) if c.kind in ("Dormancy", "Ending")]
        when = changes[0] if changes else since
        if when is None:
            # Only attested: the status holds from the first attestation on, before it is unknown.
            first = min((a.latest for a in attested if a.latest), default=None)
            if first is not None and on >= first:
                return recorded, ""
            return None, f"status attested from {first}, unknown before" if first else "status undated"
        v = happened(when, on)
        if v is Validity.VALID:
            return recorded, ""
        if v is Validity.INVALID:
            return _ACTIVE, ""
        return None, f"the status changed {when.text()}"

    def names_on(self, org: str, on: dt.date) -> list[tuple[ox.Literal, Validity]]:
        """Former names in use on ``on`` (VALID) or possibly in use (UNKNOWN); none once renamed."""
        out = []
        for when, before in self.names.get(org, []):
            v = happened(when, on)
            if v is not Validity.VALID:  # the renaming has not (certainly) happened yet
                out.append((before, Validity.VALID if v is Validity.INVALID else Validity.UNKNOWN))
        return out

    def host_from(self, group: str) -> dt.date | None:
        """The first day the group's host is attested: hosts are attested in the sources, never dated."""
        life = self.lifetimes.get(group)
        return min((a.latest for a in life.attested if a.latest), default=None) if life else None

    def _assume_from_sources(self, store: ox.Store) -> None:
        """Date the groups that have no date of their own by when their sources speak (ks:attestedAt).

        A source that says a group exists, in the present tense, attests it at the time the source
        speaks for; the group then persists until an ending is recorded (docs/TIME.md). Where a
        source's time has a latest day, the group is attested on the earliest such day; where none
        has one (an undated page "written after 2018"), it is assumed from the earliest possible day.
        Either way the verdict says it rests on that assumption.
        """
        undated = {iri for iri, life in self.lifetimes.items() if life.begin is None and not life.attested}
        if not undated:
            return
        spans: dict[str, list[Bounds]] = defaultdict(list)
        for row in _select(store, "time-source-attestations"):
            x = row["x"].value
            if x not in undated:
                continue
            pos = _bounds(row["pos"]) or UNBOUNDED
            earliest, latest = _bounds(row["earliest"]), _bounds(row["latest"])
            spans[x].append(
                pos.narrow(Bounds(earliest.earliest if earliest else None, latest.latest if latest else None))
            )
        for iri, found in spans.items():
            life = self.lifetimes[iri]
            latest_days = [b.latest for b in found if b.latest is not None]
            if latest_days:
                day = min(latest_days)
                life.attested.append(Bounds(day, day))
                life.assumed = f"assumed valid: its source speaks for {day}, and no ending is recorded"
            elif earliest_days := [b.earliest for b in found if b.earliest is not None]:
                life.assumed_from = min(earliest_days)
                life.assumed = (
                    f"assumed valid: its source is undated but speaks for {life.assumed_from} or later, "
                    "and no ending is recorded"
                )
