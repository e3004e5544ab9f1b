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
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import IntEnum

import pyoxigraph as ox

from . import clock
from .namespaces import KS, ORG, SKOS, XSD
from .query import QueryError, dataset, run

_ACTIVE = KS + "active"
_PREF = SKOS + "prefLabel"
_ALT = SKOS + "altLabel"
_HOST_PREDICATES = (KS + "hostedBy", KS + "hosts")  # ks:hosts is the inferred inverse


class Validity(IntEnum):
    """Ordered so that ``min`` combines them: a membership is never more valid than its group."""

    INVALID = 0
    UNKNOWN = 1
    VALID = 2


@dataclass(frozen=True)
class Bounds:
    """The days an instant can be: ``earliest`` and ``latest`` inclusive, None where unbounded."""

    earliest: dt.date | None = None
    latest: dt.date | None = None

    def narrow(self, other: Bounds) -> Bounds:
        """Both constraints at once (a gYear position narrowed by ks:earliest, say)."""
        lo = max((d for d in (self.earliest, other.earliest) if d), default=None)
        hi = min((d for d in (self.latest, other.latest) if d), default=None)
        return Bounds(lo, hi)

    @property
    def exact(self) -> bool:
        return self.earliest is not None and self.earliest == self.latest

    def text(self) -> str:
        if self.exact:
            return str(self.earliest)
        if self.earliest is None and self.latest is None:
            return "unknown date"
        return f"{self.earliest or '…'}–{self.latest or '…'}"


UNBOUNDED = Bounds()


def literal_bounds(term: ox.Literal) -> Bounds:
    """The days an xsd:date, xsd:dateTime, xsd:gYearMonth or xsd:gYear literal spans."""
    kind, value = term.datatype.value, term.value
    if kind == XSD + "gYear":
        year = int(value[:4])
        return Bounds(dt.date(year, 1, 1), dt.date(year, 12, 31))
    if kind == XSD + "gYearMonth":
        year, month = int(value[:4]), int(value[5:7])
        last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)) if month else None
        return Bounds(dt.date(year, month, 1), last)
    if kind in (XSD + "date", XSD + "dateTime", XSD + "dateTimeStamp"):
        day = dt.date.fromisoformat(value[:10])
        return Bounds(day, day)
    raise ValueError(f"not a date, gYearMonth or gYear: {term}")


def happened(bounds: Bounds | None, on: dt.date) -> Validity:
    """Whether an instant (an event, a begin) has happened by ``on``; None means its time is unknown."""
    if bounds is None:
        return Validity.UNKNOWN
    if bounds.latest is not None and on >= bounds.latest:
        return Validity.VALID
    if bounds.earliest is not None and on < bounds.earliest:
        return Validity.INVALID
    return Validity.UNKNOWN


@dataclass
class Lifetime:
    """What the graph knows about when a resource exists."""

    begin: Bounds | None = None  # None: no begin recorded
    ends: list[Bounds] = field(default_factory=list)  # recorded ends; UNBOUNDED for an end of unknown time
    attested: list[Bounds] = field(default_factory=list)  # days it is attested to exist
    persists: bool = True  # groups persist after an attestation; memberships do not

    def at(self, on: dt.date) -> tuple[Validity, str]:
        """The resource's validity on ``on`` and, unless VALID, why."""
        if self.begin is not None and self.begin.earliest is not None and on < self.begin.earliest:
            return Validity.INVALID, f"not yet founded (at the earliest {self.begin.earliest})"
        seen = [a.earliest for a in self.attested if a.earliest is not None]
        for end in self.ends:
            # An attestation on day A also says the end was not before A.
            not_before = max((d for d in [end.earliest, *seen] if d is not None), default=None)
            if end.latest is not None and on > end.latest:
                return Validity.INVALID, f"ended ({end.text()})"
            if not_before is None or on > not_before:
                return Validity.UNKNOWN, f"may have ended ({end.text()})"
        certain = [b for b in [self.begin.latest if self.begin else None] if b is not None]
        if self.persists:
            certain += [a.latest for a in self.attested if a.latest is not None]
        if certain and on >= min(certain):
            return Validity.VALID, ""
        if not self.persists and any(a.exact and a.earliest == on for a in self.attested):
            return Validity.VALID, ""
        if self.begin is None and not self.attested:
            return Validity.UNKNOWN, "no source dates it"
        if not self.persists and self.begin is None:
            dates = ", ".join(a.text() for a in self.attested)
            return Validity.UNKNOWN, f"attested on {dates} only; begin and end unknown"
        if self.begin is not None and self.begin.latest is not None:
            return Validity.UNKNOWN, f"founded {self.begin.text()}; not known whether by {on}"
        first = min((a.latest for a in self.attested if a.latest), default=None)
        return Validity.UNKNOWN, f"begin unknown; attested from {first}"


# -- reading the time facts --------------------------------------------------------------

_GROUPS = """
SELECT ?g ?founded ?asOf WHERE {
  { ?g a/rdfs:subClassOf* ks:GovernanceGroup } UNION { ?g a ks:GovernanceGroup }
  OPTIONAL { ?g ks:founded ?founded }
  OPTIONAL { ?g ks:statusAsOf ?asOf }
}"""

_INSTANTS = """
SELECT ?x ?pos ?earliest ?latest WHERE {
  ?x time:hasTime ?t .
  OPTIONAL { ?t time:inXSDDate|time:inXSDgYearMonth|time:inXSDgYear|time:inXSDDateTimeStamp ?pos }
  OPTIONAL { ?t ks:earliest ?earliest }
  OPTIONAL { ?t ks:latest ?latest }
}"""

_DATED = """
SELECT ?x ?pos WHERE {
  ?x dcterms:date ?pos .
  FILTER NOT EXISTS { ?x a ks:SourceDocument }
  FILTER NOT EXISTS { ?x a ks:SourceSection }
}"""

_EVENTS = """
SELECT ?e ?kind ?role ?org WHERE {
  VALUES ?kind { ks:Founding ks:Ending ks:Merger ks:Renaming ks:Dormancy }
  ?e a ?kind .
  { ?e org:originalOrganization ?org BIND("original" AS ?role) }
  UNION
  { ?e org:resultingOrganization ?org BIND("resulting" AS ?role) }
}"""

_NAMES = """
SELECT ?e ?org ?before WHERE { ?e a ks:Renaming ; org:resultingOrganization ?org ; ks:nameBefore ?before }"""

_STATUS = """
SELECT ?g ?status ?since ?asOf WHERE {
  ?g ks:status ?status .
  OPTIONAL { ?g ks:statusSince ?since }
  OPTIONAL { ?g ks:statusAsOf ?asOf }
}"""

# Memberships and their interval ends are read in three queries: OPTIONAL property paths
# over every membership cost seconds at 100k triples, plain joins a fraction of that.
_MEMBERSHIPS = """
SELECT ?m ?group ?post ?person ?asOf WHERE {
  ?m a org:Membership ; org:organization ?group .
  OPTIONAL { ?m ks:inPost ?post }
  OPTIONAL { ?m org:member ?person }
  OPTIONAL { ?m ks:statusAsOf ?asOf }
}"""

_MEMBERSHIP_BEGINS = """
SELECT ?m ?pos WHERE {
  ?m org:memberDuring ?i . ?i time:hasBeginning ?t . ?t time:inXSDDate|time:inXSDgYearMonth|time:inXSDgYear ?pos
}"""

_MEMBERSHIP_ENDS = """
SELECT ?m ?pos WHERE {
  ?m org:memberDuring ?i . ?i time:hasEnd ?t . ?t time:inXSDDate|time:inXSDgYearMonth|time:inXSDgYear ?pos
}"""

_HOSTS = """
SELECT ?g ?host WHERE { ?g ks:hostedBy ?host }"""

_POSTS = """
SELECT ?post ?group ?holder WHERE { ?post org:postIn ?group OPTIONAL { ?post org:heldBy ?holder } }"""


def _select(store: ox.Store, sparql: str) -> Iterator[ox.QuerySolution]:
    # Time facts are asserted; the inferred graph adds only the subclass types the
    # property path above already follows.
    result = run(store, sparql, inferred=False)
    assert isinstance(result, ox.QuerySolutions)
    yield from result


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
        for row in _select(store, _INSTANTS):
            x = row["x"].value
            pos = _bounds(row["pos"])
            limit = Bounds(_bounds(row["earliest"]).earliest if row["earliest"] else None,
                           _bounds(row["latest"]).latest if row["latest"] else None)  # fmt: skip
            combined = (pos or UNBOUNDED).narrow(limit)
            when[x] = None if combined == UNBOUNDED else combined
        for row in _select(store, _DATED):
            when.setdefault(row["x"].value, _bounds(row["pos"]))
        model.happenings = when

        for row in _select(store, _GROUPS):
            life = model.lifetimes.setdefault(row["g"].value, Lifetime())
            if (founded := _bounds(row["founded"])) is not None:
                life.begin = founded if life.begin is None else life.begin.narrow(founded)
            if (seen := _bounds(row["asOf"])) is not None and seen not in life.attested:
                life.attested.append(seen)
        for row in _select(store, _EVENTS):
            kind, role, org = row["kind"].value.removeprefix(KS), row["role"].value, row["org"].value
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
        for row in _select(store, _NAMES):
            model.names[row["org"].value].append((when.get(row["e"].value), row["before"]))
        for row in _select(store, _STATUS):
            seen = [b for b in [_bounds(row["asOf"])] if b]
            g = row["g"].value
            previous = model.statuses.get(g)
            since = _bounds(row["since"])
            attested = seen + (previous[2] if previous else [])
            model.statuses[g] = (row["status"].value, since or (previous[1] if previous else None), attested)
        for row in _select(store, _MEMBERSHIPS):
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
        for row in _select(store, _MEMBERSHIP_BEGINS):
            if (life := model.lifetimes.get(row["m"].value)) is not None:
                life.begin, life.persists = literal_bounds(row["pos"]), True  # an interval: valid throughout it
        for row in _select(store, _MEMBERSHIP_ENDS):
            life = model.lifetimes.get(row["m"].value)
            if life is not None and (end := literal_bounds(row["pos"])) not in life.ends:
                life.ends.append(end)
        model.hosts = [(row["g"].value, row["host"].value) for row in _select(store, _HOSTS)]
        for row in _select(store, _POSTS):
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


# -- the snapshot ------------------------------------------------------------------------


@dataclass
class Snapshot:
    """The dataset as of ``on``: an in-memory store with the same named graphs as the original."""

    on: dt.date
    store: ox.Store
    unknown: dict[str, str]  # resource → why its validity on ``on`` is unknown
    unknown_statements: list[tuple[str, str, str, str]]  # (subject, predicate, object, why)
    left_out: int  # quads of the original dataset not in the snapshot


def snapshot(store: ox.Store, on: dt.date, *, inferred: bool = True) -> Snapshot:
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
    graphs = dataset(store, inferred=inferred)
    target.bulk_extend(q for graph in graphs for q in store.quads_for_pattern(None, None, None, graph))
    total = len(target)

    model = TimeModel.load(target)
    verdicts = model.verdicts(on)
    unknown = {iri: why for iri, (v, why) in verdicts.items() if v is Validity.UNKNOWN}
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
            graph_of.setdefault((quad.subject.value, p), quad.graph_name)
    for quad in doomed:
        target.remove(quad)
    for s, p, o in add:
        graph = graph_of.get((s, p)) or graph_of.get((s, _PREF)) or graphs[0]
        target.add(ox.Quad(ox.NamedNode(s), ox.NamedNode(p), o, graph))
    return Snapshot(on, target, unknown, notes, total - len(target))


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
    substitutions: Mapping[ox.Variable, ox.NamedNode | ox.Literal] | None = None,
) -> AsOfAnswer:
    """Run a query over the structure valid on ``on`` (the call the CLI and the endpoint make)."""
    snap = snapshot(store, on, inferred=inferred)
    return AsOfAnswer(run(snap.store, sparql, inferred=inferred, substitutions=substitutions), snap)


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


def parse_as_of(text: str, *, today: dt.date | None = None) -> dt.date | None:
    """``YYYY-MM-DD`` or ``today`` → that day; ``all`` → None (the whole graph, no time filter)."""
    value = text.strip().lower()
    if value == "all":
        return None
    if value == "today":
        return today or clock.today()
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
    return text + ". `ksgraph history IRI` shows why; --as-of all queries the whole graph."
