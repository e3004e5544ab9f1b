"""Where every minted resource and triple came from: file, sheet, row, column and value.

SHACL reports a focus node, a path and a value; a steward needs a cell. The
origin map keeps, for each triple, the cell it was made from, and for each
resource the row that minted it and the column that feeds each of its
properties, so that a rule about a property that is *missing* (an LPO without
its counterpart) still points at the empty cell where the value belongs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

Term = ox.NamedNode | ox.BlankNode | ox.Literal


def column_letter(index: int) -> str:
    """Spreadsheet column name of a 1-based index (1 → A, 27 → AA)."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass(frozen=True)
class Origin:
    """One cell of a CSV file or of a workbook's sheet. ``row`` and ``column`` are 1-based."""

    file: Path
    sheet: str | None
    row: int
    column: int | None
    heading: str | None
    value: str

    @property
    def cell(self) -> str:
        """A1-style reference as a spreadsheet shows it (``C5``), or ``row 5`` for a whole row."""
        return f"{column_letter(self.column)}{self.row}" if self.column else f"row {self.row}"

    def where(self) -> str:
        parts = [str(self.file)]
        if self.sheet:
            parts.append(f"sheet {self.sheet!r}")
        parts.append(f"cell {self.cell}" if self.column else f"row {self.row}")
        if self.heading:
            parts.append(f"column {self.heading!r}")
        return ", ".join(parts)

    def as_dict(self) -> dict[str, object]:
        return {
            "file": str(self.file),
            "sheet": self.sheet,
            "row": self.row,
            "column": column_letter(self.column) if self.column else None,
            "heading": self.heading,
            "value": self.value,
        }


@dataclass
class RowOrigin:
    """The row that minted a resource, and which column of that row feeds each of its properties."""

    row: Origin
    columns: dict[str, Origin] = field(default_factory=dict)  # property IRI → cell (empty cells included)


Triple = tuple[Term, ox.NamedNode, Term]


@dataclass
class OriginMap:
    triples: dict[Triple, Origin] = field(default_factory=dict)
    resources: dict[str, RowOrigin] = field(default_factory=dict)
    # By subject and by object value, so that locating a result does not scan every triple.
    _touching: dict[str, list[Triple]] = field(default_factory=dict, repr=False)

    def add_triple(self, triple: Triple, origin: Origin) -> None:
        if triple not in self.triples:
            self.triples[triple] = origin
            self._touching.setdefault(triple[0].value, []).append(triple)
            if triple[2].value != triple[0].value:
                self._touching.setdefault(triple[2].value, []).append(triple)

    def add_resource(self, iri: str, row: Origin) -> RowOrigin:
        return self.resources.setdefault(iri, RowOrigin(row))

    def locate(self, focus: str | None, path: str | None = None, value: Term | str | None = None) -> Origin | None:
        """The best cell for a validation result about ``focus`` (and ``path``, ``value``).

        In order: the cell that made exactly (focus, path, value); a cell that made
        (focus, path, anything) — or (anything, path, focus) for an inverse path; the
        column of the focus's row that feeds ``path`` even if that cell is empty; the
        row that minted the focus; a cell whose value *is* the focus (a result about a
        resource of the store that this file refers to). None if the file has no part in it.
        """
        if focus is None:
            return None
        value_text = value.value if isinstance(value, ox.NamedNode | ox.Literal | ox.BlankNode) else value
        candidates: list[tuple[int, Origin]] = []
        touching = self._touching.get(focus, [])
        for s, p, o in touching:
            origin = self.triples[(s, p, o)]
            if path is not None and p.value == path:
                if s.value == focus and (value_text is None or o.value == value_text):
                    candidates.append((0 if value_text is not None else 1, origin))
                elif s.value == focus or o.value == focus:
                    candidates.append((1, origin))
        if candidates:
            return min(candidates, key=lambda c: (c[0], c[1].row, c[1].column or 0))[1]
        minted = self.resources.get(focus)
        if minted is not None:
            if path is not None and path in minted.columns:
                return minted.columns[path]
            return minted.row
        refs = [self.triples[t] for t in touching if t[2].value == focus]
        return min(refs, key=lambda o: (o.row, o.column or 0)) if refs else None
