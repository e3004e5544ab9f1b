"""Times as precise as the sources give them, and whether a resource is valid on a day.

:class:`Bounds` is the span of days an instant can be on (a ``2018`` spans the year; ``ks:earliest``
and ``ks:latest`` narrow it); :class:`Lifetime` what the graph knows of when a resource exists,
and :meth:`Lifetime.at` its :class:`Validity` on a day — never silently valid (docs/TIME.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import IntEnum

import pyoxigraph as ox

from ksgraph.core.vocab import XSD


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
    # Set when the resource's validity rests on when its sources speak (ks:attestedAt), not on a
    # date of its own: the assumption, said to the reader (docs/TIME.md "Assumed validity").
    assumed: str | None = None
    # With ``assumed``: the first day the sources can speak for, where none gives a latest day.
    assumed_from: dt.date | None = None

    def at(self, on: dt.date) -> tuple[Validity, str]:
        """The resource's validity on ``on`` and why: unless VALID, or VALID only by assumption."""
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
            return Validity.VALID, self.assumed or ""
        if not self.persists and any(a.exact and a.earliest == on for a in self.attested):
            return Validity.VALID, ""
        if self.assumed_from is not None and on >= self.assumed_from:
            return Validity.VALID, self.assumed or ""
        if self.begin is None and not self.attested:
            if self.assumed_from is not None:
                return Validity.UNKNOWN, f"its sources speak from {self.assumed_from} at the earliest"
            return Validity.UNKNOWN, "no source dates it"
        if not self.persists and self.begin is None:
            dates = ", ".join(a.text() for a in self.attested)
            return Validity.UNKNOWN, f"attested on {dates} only; begin and end unknown"
        if self.begin is not None and self.begin.latest is not None:
            return Validity.UNKNOWN, f"founded {self.begin.text()}; not known whether by {on}"
        first = min((a.latest for a in self.attested if a.latest), default=None)
        return Validity.UNKNOWN, f"begin unknown; attested from {first}"
