"""Rules a template declares about its rows (``ksg:unique``), checked across the file and the store.

"At most one chair of a group at a time" is a rule about several rows, so no single
cell is wrong by itself; the result points at the cell of the second row, the way a
SHACL result points at a focus node, and is reported beside the SHACL results.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from ksgraph.sparql.packaged import select_local
from ksgraph.store.dataset import ASSERTED
from ksgraph.tabular.mapper import BuiltRow
from ksgraph.tabular.origins import Origin
from ksgraph.tabular.spec import Template, UniqueRule

OPEN_START = dt.date.min
OPEN_END = dt.date.max


@dataclass(frozen=True)
class CellViolation:
    """A broken rule, reported against a cell: what SHACL calls a result, with the cell it came from."""

    rule: str
    severity: str
    message_sv: str
    message_en: str
    source: str | None
    origin: Origin | None
    focus: str | None = None
    path: str | None = None
    value: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "message": {"sv": self.message_sv, "en": self.message_en},
            "source": self.source,
            "focus": self.focus,
            "path": self.path,
            "value": self.value,
            "cell": self.origin.as_dict() if self.origin else None,
        }


def _period(row: BuiltRow, rule: UniqueRule) -> tuple[dt.date, dt.date]:
    if rule.period is None:
        return OPEN_START, OPEN_END
    start, end = (row.values.get(name, [None])[0] for name in rule.period)
    return (
        dt.date.fromisoformat(start) if start else OPEN_START,
        dt.date.fromisoformat(end) if end else OPEN_END,
    )


def _overlap(a: tuple[dt.date, dt.date], b: tuple[dt.date, dt.date]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def check_unique(template: Template, rows: Sequence[BuiltRow], store: ox.Store | None) -> list[CellViolation]:
    found: list[CellViolation] = []
    for rule in template.unique:
        groups: dict[tuple[str, ...], list[BuiltRow]] = defaultdict(list)
        for row in rows:
            if all(row.values.get(col) == [iri] for col, iri in rule.where.items()):
                key = tuple((row.values.get(col) or [""])[0] for col in rule.key)
                if all(key):
                    groups[key].append(row)
        for key, members in groups.items():
            for i, row in enumerate(members):
                clash = next((m for m in members[:i] if _overlap(_period(m, rule), _period(row, rule))), None)
                if clash is not None:
                    found.append(_violation(rule, row, f"rad {clash.number}", f"row {clash.number}"))
                    continue
                if rule.store_check and store is not None:
                    other = _store_clash(store, rule, key, row)
                    if other is not None:
                        found.append(_violation(rule, row, f"<{other}> i grafen", f"<{other}> in the graph"))
    return found


def _violation(rule: UniqueRule, row: BuiltRow, other_sv: str, other_en: str) -> CellViolation:
    cell = row.cells.get(rule.key[0])
    return CellViolation(
        rule=rule.id,
        severity="Violation",
        message_sv=rule.message["sv"].format(other=other_sv),
        message_en=rule.message["en"].format(other=other_en),
        source=rule.source,
        origin=cell,
        focus=row.subject,
        path=None,
        value=cell.value if cell else None,
    )


def _store_clash(store: ox.Store, rule: UniqueRule, key: tuple[str, ...], row: BuiltRow) -> str | None:
    """A membership of the store with the same group and role whose dated period overlaps the row's.

    Only dated memberships count: one the sources attest without dates (ks:statusAsOf)
    may have ended before the new one began, and a rule must not guess.
    """
    solutions = select_local(
        store,
        "memberships-in-role",
        view=ASSERTED,
        group=ox.NamedNode(key[0]),
        role=ox.NamedNode(next(iter(rule.where.values()))),
    )
    mine = _period(row, rule)
    for solution in solutions:
        if solution["m"].value == row.subject or solution["start"] is None:
            continue
        start = dt.date.fromisoformat(solution["start"].value)
        end = dt.date.fromisoformat(solution["end"].value) if solution["end"] is not None else OPEN_END
        if _overlap((start, end), mine):
            return str(solution["m"].value)
    return None
