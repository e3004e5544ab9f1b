"""The history of one resource: its change events, memberships, statuses and dated decisions, oldest first.

A timeline is read from the graph as it is (not from a snapshot): every entry carries the
time as precisely as its source gives it, including entries whose time is unknown, which
are listed last. :func:`timeline_svg` draws the same entries as a small picture for the
resource's HTML page.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

import pyoxigraph as ox

from ksgraph.core.printable import printable
from ksgraph.sparql.packaged import select_local
from ksgraph.temporal.bounds import Bounds, literal_bounds


@dataclass
class Entry:
    """One dated (or explicitly undated) thing in a resource's history."""

    item: str
    kind: str
    role: str | None
    when: str  # as precisely as the source: "2018", "2016-08", "2025 (2025-01-01–2025-06-30)", "unknown …"
    earliest: str | None
    latest: str | None
    label: str | None
    label_en: str | None
    sources: list[str] = field(default_factory=list)

    @property
    def sort_key(self) -> tuple[str, str, str]:
        # Oldest first; an entry known only by its latest day sorts there, one with no date at all last.
        return (self.earliest or self.latest or "9999-12-31", self.latest or "9999-12-31", self.item)


@dataclass
class Timeline:
    resource: str
    label: str | None
    label_en: str | None
    entries: list[Entry]

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1)

    def to_text(self) -> str:
        lines = [f"{self.label or self.resource} <{self.resource}>"]
        if not self.entries:
            lines.append("  (no dated events, memberships, statuses or decisions)")
        width = max((len(e.when) for e in self.entries), default=0)
        for e in self.entries:
            role = f" ({e.role})" if e.role else ""
            lines.append(f"  {e.when:<{width}}  {e.kind}{role}: {e.label or e.item}")
            if e.sources:
                lines.append(f"  {'':<{width}}    sources: {', '.join(e.sources)}")
        # Labels come from the data: no control or bidi character of theirs reaches the terminal.
        return "\n".join(printable(line) for line in lines)


def _when(pos: ox.Literal | None, earliest: ox.Literal | None, latest: ox.Literal | None, unknown: bool) -> Bounds:
    bounds = literal_bounds(pos) if pos is not None else Bounds()
    limit = Bounds(
        literal_bounds(earliest).earliest if earliest is not None else None,
        literal_bounds(latest).latest if latest is not None else None,
    )
    return bounds.narrow(limit) if not unknown or limit != Bounds() else bounds


def _when_text(pos: ox.Literal | None, bounds: Bounds) -> str:
    if pos is not None:
        text = pos.value
        if bounds.exact and bounds.earliest and str(bounds.earliest) == text:
            return text
        span = literal_bounds(pos)
        return text if span == bounds else f"{text} ({bounds.text()})"
    if bounds.earliest is None and bounds.latest is None:
        return "date unknown"
    parts = [f"from {bounds.earliest}" if bounds.earliest else "", f"by {bounds.latest}" if bounds.latest else ""]
    return "date unknown, " + " ".join(p for p in parts if p)


def labels(store: ox.Store, iri: str) -> tuple[str | None, str | None]:
    """The Swedish and English skos:prefLabel of a resource (None where missing)."""
    node = ox.NamedNode(iri)
    for row in select_local(store, "labels", x=node):
        return (row["sv"].value if row["sv"] else None, row["en"].value if row["en"] else None)
    return None, None


def timeline(store: ox.Store, iri: str) -> Timeline:
    """The history of a group, post, person or any other resource, oldest first."""
    result = select_local(store, "history-timeline", x=ox.NamedNode(iri))
    entries: dict[tuple[str, str, str | None, str], Entry] = {}
    for row in result:
        pos = row["pos"] if isinstance(row["pos"], ox.Literal) else None
        unknown = isinstance(row["unknown"], ox.Literal) and row["unknown"].value == "true"
        bounds = _when(pos, row["earliest"], row["latest"], unknown)
        item, kind = row["item"].value, row["kind"].value
        role = row["role"].value if row["role"] else None
        when = _when_text(pos, bounds)
        key = (item, kind, role, when)
        if key not in entries:
            sv, en = labels(store, item)
            entries[key] = Entry(
                item,
                kind,
                role,
                when,
                str(bounds.earliest) if bounds.earliest else None,
                str(bounds.latest) if bounds.latest else None,
                sv,
                en,
            )
        if row["source"] is not None and row["source"].value not in entries[key].sources:
            entries[key].sources.append(row["source"].value)
    ordered = sorted(_without_repeats(entries.values()), key=lambda e: e.sort_key)
    for entry in ordered:
        entry.sources.sort()
    sv, en = labels(store, iri)
    return Timeline(iri, sv, en, ordered)


def _without_repeats(entries: Iterable[Entry]) -> list[Entry]:
    """Drop ks:founded where a founding event says the same, and the second row of a self-referring event."""
    items = list(entries)
    events = {e.item for e in items if e.kind in ("founding", "renaming", "dormancy")}
    has_founding = any(e.kind == "founding" for e in items)
    out: list[Entry] = []
    seen: set[tuple[str, str]] = set()
    for e in items:
        if e.kind == "founded" and has_founding:
            continue
        if e.item in events and (e.item, e.kind) in seen:
            continue  # a renaming or dormancy names the group as original and resulting
        seen.add((e.item, e.kind))
        if e.item in events and e.kind in ("renaming", "dormancy"):
            e.role = None  # the group is both original and resulting: the role says nothing
        out.append(e)
    return out


# -- the picture ---------------------------------------------------------------------------------

# At the picture's 11 px font: half the width of a year label ("2025"), and a character's width,
# on the generous side (wide letters and digits), so the estimate errs towards room to spare.
YEAR_HALF_WIDTH = 20
LABEL_CHAR_WIDTH = 6.6


def timeline_svg(line: Timeline, *, width: int = 640, row: int = 18, lang: str = "sv") -> str:
    """A small, self-contained SVG of a timeline: a mark per dated entry, a bar where the time is a span.

    Entries without any date are listed at the right with a '?' so that an unknown time is
    visible, not dropped. Text is escaped; the SVG has a <title> per entry for tooltips.
    """
    dated = [e for e in line.entries if e.earliest or e.latest]
    undated = [e for e in line.entries if not (e.earliest or e.latest)]
    days = [dt.date.fromisoformat(d) for e in dated for d in (e.earliest, e.latest) if d]
    # With nothing dated there is no time axis to draw: the years are only a frame for x().
    first_year = min(days).year if days else 2000
    last_year = max(days).year + 1 if days else first_year + 1
    # The axis keeps its width; the margins make room for what is drawn beyond it: half a year
    # label at each end of the axis, and the entries' labels to its right (measured, not guessed
    # from a fixed width, so no label is cut at the edge).
    labels = [_short(f"{e.when} {_entry_label(e, lang)}") for e in dated + undated]
    left, right, top = YEAR_HALF_WIDTH, YEAR_HALF_WIDTH + width - 208, 8
    width = max(width, int(right + 6 + max((len(t) for t in labels), default=0) * LABEL_CHAR_WIDTH + 12))
    span = max((dt.date(last_year, 1, 1) - dt.date(first_year, 1, 1)).days, 1)

    def x(day: dt.date) -> float:
        return left + (right - left) * (day - dt.date(first_year, 1, 1)).days / span

    height = top + row * (len(line.entries) or 1) + 28
    parts = [
        f'<svg class="timeline" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" font-family="sans-serif" font-size="11">',
        f"<title>{_svg_text(_label(line, lang))}</title>",
    ]
    for n, e in enumerate(dated + undated):
        y = top + row * n + row / 2
        text = _svg_text(f"{e.when} {e.kind}: {_entry_label(e, lang)}")
        parts.append(f"<g><title>{text}</title>")
        if e.earliest or e.latest:
            lo = dt.date.fromisoformat(e.earliest) if e.earliest else dt.date(first_year, 1, 1)
            hi = dt.date.fromisoformat(e.latest) if e.latest else dt.date(last_year, 1, 1)
            if lo == hi:
                parts.append(f'<circle cx="{x(lo):.1f}" cy="{y:.1f}" r="4" fill="#1f5fa8"/>')
            else:
                open_end = "" if e.earliest and e.latest else ' stroke-dasharray="3 2"'
                parts.append(
                    f'<rect x="{x(lo):.1f}" y="{y - 3:.1f}" width="{max(x(hi) - x(lo), 2):.1f}" height="6" '
                    f'fill="#9bbbe0" stroke="#1f5fa8"{open_end}/>'
                )
        else:
            parts.append(f'<text x="{right - 6}" y="{y + 4:.1f}" fill="#a33" text-anchor="end">?</text>')
        label = _svg_text(labels[n])
        parts.append(f'<text x="{right + 6}" y="{y + 4:.1f}" fill="#222">{label}</text></g>')
    axis = top + row * (len(line.entries) or 1) + 6
    parts.append(f'<line x1="{left}" y1="{axis}" x2="{right}" y2="{axis}" stroke="#555"/>')
    step = max(1, (last_year - first_year) // 8)
    for year in range(first_year, last_year + 1, step) if days else ():
        tick = x(dt.date(year, 1, 1))
        parts.append(f'<line x1="{tick:.1f}" y1="{axis}" x2="{tick:.1f}" y2="{axis + 4}" stroke="#555"/>')
        parts.append(f'<text x="{tick:.1f}" y="{axis + 16}" text-anchor="middle" fill="#555">{year}</text>')
    parts.append("</svg>")
    return "".join(parts)


# Characters XML cannot carry, not even as references: a label holding one would make the SVG ill-formed.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _svg_text(text: str) -> str:
    """Text from the data as SVG character data: markup escaped, what XML cannot carry shown as U+FFFD."""
    return html.escape(_NOT_XML.sub("\ufffd", text))


def _label(line: Timeline, lang: str) -> str:
    return (line.label_en if lang == "en" else line.label) or line.label or line.resource


def _entry_label(e: Entry, lang: str) -> str:
    return (e.label_en if lang == "en" else e.label) or e.label or e.kind


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def resource_svg(store: ox.Store, iri: str, *, lang: str = "sv") -> str | None:
    """The timeline picture of a resource for its HTML page, or None when it has no history to draw."""
    line = timeline(store, iri)
    return timeline_svg(line, lang=lang) if line.entries else None
