"""The whole structure as one picture (``/structure``, ``docs/structure.svg``), drawn from the graph.

Nothing here names a group: the governance groups, their classes, tiers, hosts, scopes and
statuses come from the packaged query ``site-structure``, and the layout follows them —

- one band per tier (``ks:tier``), national first;
- within a band, the groups that lead it (neither programme area, collaboration group nor
  working group: SKS, the beredningsgrupp, the stödfunktion, a region's council) in a row;
- programme areas and collaboration groups in columns by host (``ks:hostedBy``) where the
  sources give hosts, otherwise in a grid per scope (``ks:scope``);
- working groups are left out (they hang below their programme areas: the browse pages list them).

As of a day (:mod:`ksgraph.temporal.asof`), the groups valid that day are drawn with the status of
the day, and the groups whose validity that day is unknown (the sources do not date them) are drawn
dashed with the reason, never silently as valid. Needs a local store; a remote backend draws the
whole graph and says so.
"""

from __future__ import annotations

import datetime as dt
import textwrap
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from ksgraph.core.links import LinkMapper
from ksgraph.core.vocab import KS
from ksgraph.http.site.labels import LabelIndex, normalise
from ksgraph.sparql.packaged import select, select_local
from ksgraph.sparql.port import Backend
from ksgraph.store.dataset import DEFAULT
from ksgraph.temporal.asof import Snapshot, snapshot

TIERS = (KS + "nationalTier", KS + "healthcareRegionalTier", KS + "localTier")
PROGRAMME, COLLABORATION, WORKING = KS + "ProgrammeArea", KS + "CollaborationGroup", KS + "WorkingGroup"

WIDTH = 1280
MARGIN = 16
GAP = 10
COLUMNS = 7  # boxes per row of a grid
BOX_HEIGHT = 56
LINE = 14  # line height of a box's text (12 px font)
CHAR_WIDTH = 7.0  # average width of a character at 12 px, generous so a line is not cut
MAX_LINES = 3


@dataclass
class Group:
    iri: str
    classes: set[str] = field(default_factory=set)
    tier: str | None = None
    hosts: set[str] = field(default_factory=set)
    scope: str | None = None
    status: str | None = None
    sv: str | None = None
    en: str | None = None
    uncertain: str | None = None  # why its validity on the day is unknown

    @property
    def kind(self) -> str:
        if PROGRAMME in self.classes:
            return "programme"
        if COLLABORATION in self.classes:
            return "collaboration"
        if WORKING in self.classes:
            return "working"
        return "leading"

    def label(self, lang: str) -> str:
        return (self.en if lang == "en" else self.sv) or self.sv or self.en or self.iri


def groups_from(rows: Iterable[ox.QuerySolution]) -> dict[str, Group]:
    found: dict[str, Group] = {}
    for row in rows:
        g = found.setdefault(row["g"].value, Group(row["g"].value))
        g.classes.add(row["class"].value)
        for name in ("tier", "scope", "status", "sv", "en"):
            term = row[name]
            if term is not None and getattr(g, name) is None:
                setattr(g, name, term.value)
        if row["host"] is not None:
            g.hosts.add(row["host"].value)
    return found


class SnapshotCache:
    """Snapshots by (store version, day): one costs a fifth of a second, a page asks for one."""

    def __init__(self, size: int = 8) -> None:
        self._items: OrderedDict[tuple[str, dt.date], Snapshot] = OrderedDict()
        self._lock = threading.Lock()
        self.size = size

    def get(self, version: str, store: ox.Store, day: dt.date) -> Snapshot:
        key = (version, day)
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        snap = snapshot(store, day)
        with self._lock:
            self._items[key] = snap
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return snap


class NeedsLocalStore(RuntimeError):
    """As of a day needs the local store: the backend is remote."""


def structure_groups(backend: Backend, day: dt.date | None, snapshots: SnapshotCache) -> dict[str, Group]:
    """The governance groups of the whole graph (``day`` None) or of ``day``, with the unknown ones marked."""
    everything = groups_from(select(backend, "site-structure", view=DEFAULT))
    if day is None:
        return everything
    store = backend.local_store()
    if store is None:
        raise NeedsLocalStore("the as-of snapshot is computed from a local store")
    snap = snapshots.get(backend.version(), store, day)
    valid = groups_from(select_local(snap.store, "site-structure"))
    for iri, why in snap.unknown.items():
        if iri in everything and iri not in valid:
            group = everything[iri]
            group.uncertain = why
            valid[iri] = group
    # Valid only by assumption (no date of its own; its source speaks for the day): drawn as uncertain
    # too, with the assumption in its title, so the picture never passes it off as dated.
    for iri, why in snap.assumed.items():
        if iri in valid:
            valid[iri].uncertain = why
    return valid


# -- the drawing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float
    lines: tuple[str, ...]
    href: str | None
    title: str
    kind: str
    status: str | None  # "dormant", "ended", … (the local name), None when active or unknown
    status_label: str | None
    uncertain: bool

    @property
    def text_top(self) -> float:
        count = len(self.lines) + (1 if self.status_label else 0)
        return self.y + (BOX_HEIGHT - count * LINE) / 2 + LINE - 3


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    size: int = 13
    weight: str = "normal"
    anchor: str = "start"


@dataclass(frozen=True)
class Band:
    y: float
    height: float


@dataclass
class Drawing:
    width: int
    height: float = 0
    title: str = ""
    boxes: list[Box] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)
    bands: list[Band] = field(default_factory=list)


def wrap(text: str, width: float, lines: int = MAX_LINES) -> tuple[str, ...]:
    """``text`` in at most ``lines`` lines that fit ``width`` pixels; the last one ends in … if cut."""
    room = max(6, int((width - 12) / CHAR_WIDTH))
    parts = textwrap.wrap(text, room, break_long_words=True) or [""]
    if len(parts) > lines:
        last = " ".join(parts[lines - 1 :])
        parts = [*parts[: lines - 1], last[: room - 1].rstrip() + "…"]
    return tuple(parts)


@dataclass(frozen=True)
class Words:
    """The few words of the picture itself, in the page's language."""

    title: str
    no_host: str
    unknown: str  # the tooltip prefix of a group of unknown validity
    legend: tuple[tuple[str, str, str | None, bool], ...] = ()  # (text, kind, status, uncertain) per sample


class Layout:
    def __init__(self, index: LabelIndex, links: LinkMapper, lang: str, words: Words) -> None:
        self.index, self.links, self.lang, self.words = index, links, lang, words
        self.drawing = Drawing(WIDTH, title=words.title)
        self.y = float(MARGIN)

    def name(self, iri: str | None) -> str:
        if iri is None:
            return ""
        text = self.index.label(iri, self.lang) or iri.rsplit("/", 1)[-1]
        return text[:1].upper() + text[1:]

    def box(self, g: Group, x: float, y: float, width: float) -> Box:
        label = g.label(self.lang)
        status = g.status.rsplit("#", 1)[-1] if g.status and g.status != KS + "active" else None
        status_label = self.name(g.status).lower() if status and not g.uncertain else None
        lines = wrap(label, width, MAX_LINES - 1 if status_label else MAX_LINES)
        title = label + (f" ({status_label})" if status_label else "")
        if g.uncertain:
            title += f" — {self.words.unknown}: {g.uncertain}"
        return Box(x, y, width, lines, self.links.href(g.iri), title, g.kind, status, status_label, bool(g.uncertain))

    def heading(self, text: str, size: int = 15, weight: str = "bold", gap: float = 24) -> None:
        self.drawing.texts.append(Text(MARGIN, self.y + size, text, size, weight))
        self.y += gap

    def row(self, groups: list[Group], columns: int = COLUMNS) -> None:
        """``groups`` in rows of ``columns`` boxes, left to right."""
        if not groups:
            return
        width = (WIDTH - 2 * MARGIN - (columns - 1) * GAP) / columns
        for i, g in enumerate(groups):
            x = MARGIN + (i % columns) * (width + GAP)
            y = self.y + (i // columns) * (BOX_HEIGHT + GAP)
            self.drawing.boxes.append(self.box(g, x, y, width))
        self.y += ((len(groups) - 1) // columns + 1) * (BOX_HEIGHT + GAP)

    def by_host(self, groups: list[Group]) -> list[Group]:
        """Columns by host for the hosted groups; the groups without a host are returned."""
        hosts = sorted({h for g in groups for h in g.hosts}, key=lambda h: (normalise(self.name(h)), h))
        if not hosts:
            return groups
        width = (WIDTH - 2 * MARGIN - (len(hosts) - 1) * GAP) / len(hosts)
        header = max(len(wrap(self.name(h), width, 2)) for h in hosts) * 15 + 6
        tallest = 0
        for i, host in enumerate(hosts):
            x = MARGIN + i * (width + GAP)
            for n, line in enumerate(wrap(self.name(host), width, 2)):
                self.drawing.texts.append(Text(x + width / 2, self.y + 13 + n * 15, line, 13, "bold", "middle"))
            column = self.ordered([g for g in groups if host in g.hosts])
            for n, g in enumerate(column):
                self.drawing.boxes.append(self.box(g, x, self.y + header + n * (BOX_HEIGHT + GAP), width))
            tallest = max(tallest, len(column))
        self.y += header + tallest * (BOX_HEIGHT + GAP)
        return [g for g in groups if not g.hosts]

    def ordered(self, groups: Iterable[Group]) -> list[Group]:
        order = {"leading": 0, "programme": 1, "collaboration": 2}
        return sorted(groups, key=lambda g: (order.get(g.kind, 3), normalise(g.label(self.lang)), g.iri))

    def section(self, groups: list[Group]) -> None:
        leading = self.ordered(g for g in groups if g.kind == "leading")
        self.row(leading)
        rest = self.ordered(g for g in groups if g.kind in ("programme", "collaboration"))
        unhosted = self.by_host(rest)
        if unhosted and len(unhosted) < len(rest):
            self.heading(self.words.no_host, 13, "bold", 20)
        for kind in ("programme", "collaboration"):
            self.row([g for g in unhosted if g.kind == kind])

    def draw(self, groups: dict[str, Group]) -> Drawing:
        shown = [g for g in groups.values() if g.kind != "working"]
        tiers = sorted({g.tier for g in shown}, key=lambda t: (TIERS.index(t) if t in TIERS else len(TIERS), t or ""))
        for tier in tiers:
            top = self.y
            self.y += 6
            self.heading(self.name(tier) if tier else "—", 16)
            in_tier = [g for g in shown if g.tier == tier]
            scopes = sorted({g.scope for g in in_tier}, key=lambda s: (s is not None, normalise(self.name(s)), s or ""))
            for scope in scopes:
                if scope is not None:
                    self.heading(self.name(scope), 14, "bold", 22)
                self.section([g for g in in_tier if g.scope == scope])
            self.drawing.bands.append(Band(top, self.y - top + 4))
            self.y += 16
        self.legend()
        self.drawing.height = self.y + MARGIN
        return self.drawing

    def legend(self) -> None:
        """One small sample box per kind and state, with what it means."""
        if not self.words.legend:
            return
        width = (WIDTH - 2 * MARGIN - (len(self.words.legend) - 1) * GAP) / len(self.words.legend)
        for i, (text, kind, status, uncertain) in enumerate(self.words.legend):
            x = MARGIN + i * (width + GAP)
            lines = wrap(text, width, 2)
            self.drawing.boxes.append(Box(x, self.y, width, lines, None, text, kind, status, None, uncertain))
        self.y += BOX_HEIGHT


def draw(groups: dict[str, Group], index: LabelIndex, links: LinkMapper, lang: str, words: Words) -> Drawing:
    return Layout(index, links, lang, words).draw(groups)
