"""Rows of a template → quads, with the cell every triple came from.

One pass per row: read each cell by its column's type (closed list, name lookup,
date, number, text), build the row's template variables, mint the row's IRI from
the first ``aboutUrl`` whose variables are all filled, then make one triple per
mapped column. Problems are collected per cell, never raised mid-way, so a
steward gets every cell to fix in one report.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ksgraph.core.vocab import RDF, SKOS, XSD
from ksgraph.tabular.errors import CellProblem
from ksgraph.tabular.names import NameIndex, Unresolved, id_path, normalise, slug
from ksgraph.tabular.origins import Origin, OriginMap
from ksgraph.tabular.spec import Column, Template, expand, fill, first_filled

Obj = ox.NamedNode | ox.Literal

DATE_HELP = "expected a date as YYYY-MM-DD, e.g. 2025-01-31"
DATE_OR_YEAR_HELP = "expected YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2018, 2025-03 or 2025-03-14"


@dataclass
class Header:
    """Which sheet column holds which template column, and the rows that are headings."""

    positions: dict[str, int]  # column name → 1-based sheet column
    headings: dict[str, str]  # column name → the heading as written
    rows: int  # number of heading rows


@dataclass
class BuiltRow:
    """One data row after mapping: its subject, its triples and the cells they came from."""

    number: int
    subject: str
    values: dict[str, list[str]]  # column name → resolved values (IRIs or lexical forms)
    cells: dict[str, Origin]
    triples: list[tuple[RowTriple, Origin]] = field(default_factory=list)


@dataclass(frozen=True)
class RowTriple:
    """A triple a row made, with its terms typed as the mapper makes them (an IRI subject, no blank node)."""

    subject: ox.NamedNode
    predicate: ox.NamedNode
    object: Obj
    graph: ox.NamedNode

    @property
    def quad(self) -> ox.Quad:
        return ox.Quad(self.subject, self.predicate, self.object, self.graph)


class RowMapper:
    """Maps the rows of one sheet of one template. Resources it mints are added to ``index``."""

    def __init__(self, template: Template, index: NameIndex, graph: ox.NamedNode, file: Path, sheet: str | None):
        self.template = template
        self.index = index
        self.graph = graph
        self.file = file
        self.sheet = sheet

    # -- headings ---------------------------------------------------------

    def header(self, rows: list[tuple[int, list[str]]]) -> tuple[Header | None, list[CellProblem]]:
        """Read the heading row(s): Swedish, English or 'sv / en' headings; a second heading row is optional."""
        problems: list[CellProblem] = []
        by_title: dict[str, str] = {}
        for column in self.template.real_columns:
            for title in column.all_titles():
                by_title[normalise(title)] = column.name
        if not rows:
            return None, [CellProblem(self._origin(1, None, None, ""), "the sheet is empty: no heading row")]
        number, first = rows[0]
        positions: dict[str, int] = {}
        headings: dict[str, str] = {}
        for col, text in enumerate(first, start=1):
            if not text:
                continue
            name = by_title.get(normalise(text))
            origin = self._origin(number, col, None, text)
            if name is None:
                close = difflib.get_close_matches(normalise(text), list(by_title), n=2, cutoff=0.6)
                shown = tuple(dict.fromkeys(self.template.column(by_title[c]).heading for c in close))
                problems.append(
                    CellProblem(origin, f"unknown column {text!r} in template {self.template.name!r}", shown)
                )
            elif name in positions:
                problems.append(
                    CellProblem(origin, f"column {text!r} appears twice (also in column {positions[name]})")
                )
            else:
                positions[name] = col
                headings[name] = text
        header_rows = 1
        if len(rows) > 1:
            second = [(c, t) for c, t in enumerate(rows[1][1], start=1) if t]
            if second and all(by_title.get(normalise(t)) == _name_at(positions, c) for c, t in second):
                header_rows = 2
        missing = [c for c in self.template.real_columns if c.required and c.name not in positions]
        for column in missing:
            problems.append(
                CellProblem(
                    self._origin(number, None, None, ""),
                    f"required column {column.heading!r} is missing (write {column.sv!r} or {column.en!r})",
                )
            )
        if not positions:
            return None, problems
        # Data cells in columns without a heading would be silently lost.
        for n, cells in rows[header_rows:]:
            for col, text in enumerate(cells, start=1):
                if text and col > 0 and col not in positions.values() and not (col <= len(first) and first[col - 1]):
                    problems.append(
                        CellProblem(self._origin(n, col, None, text), "a value in a column without heading")
                    )
                    break
        return Header(positions, headings, header_rows), problems

    # -- rows -------------------------------------------------------------

    def build(self, number: int, cells: list[str], header: Header, final: bool) -> BuiltRow | list[CellProblem]:
        """Map one row. With ``final`` False, a name that does not resolve yet (it may be defined by a
        later row of the file) returns an empty problem list, meaning: try again on the next pass."""
        problems: list[CellProblem] = []
        deferred = False
        ctx: dict[str, str] = {"_row": str(number)}
        values: dict[str, list[str]] = {}
        origins: dict[str, Origin] = {}
        raw_of: dict[str, str] = {}
        for column in self.template.real_columns:
            position = header.positions.get(column.name)
            raw = cells[position - 1].strip() if position is not None and position <= len(cells) else ""
            raw_of[column.name] = raw
            origin = self._origin(number, position, header.headings.get(column.name, column.heading), raw)
            origins[column.name] = origin
            parts = [p.strip() for p in raw.split(column.separator)] if column.separator else [raw]
            parts = [p for p in parts if p]
            if not parts:
                if column.required:
                    problems.append(CellProblem(origin, f"{column.heading!r} must be filled in"))
                continue
            resolved: list[str] = []
            for part in parts:
                result = self._convert(column, part, origin, final)
                if result is None:
                    deferred = True
                elif isinstance(result, CellProblem):
                    problems.append(result)
                else:
                    resolved.append(result)
            values[column.name] = resolved
            self._add_vars(ctx, column, raw, resolved)
        if deferred:
            return []  # retried on a later pass, which reports every problem of the row at once
        if problems:
            return problems
        for column in self.template.real_columns:
            for choice in column.choices:
                if values.get(column.name) == [choice.iri]:
                    for key, template in choice.vars.items():
                        ctx[f"{column.name}_{key}"] = fill(template, ctx) or ""
        for column in self.template.real_columns:
            if column.equals_var and values.get(column.name) and ctx.get(column.equals_var):
                expected = expand(ctx[column.equals_var])
                if values[column.name] != [expected]:
                    chosen = column.choice_for(expected)
                    shown = chosen.names[0] if chosen else expected
                    problems.append(
                        CellProblem(origins[column.name], f"does not agree with the other columns; expected {shown!r}")
                    )
        subject = first_filled(self.template.about, ctx)
        if subject is None:
            needed = _columns_of(self.template.about[-1], self.template, values)
            row_origin = self._origin(number, None, None, "")
            problems.append(CellProblem(row_origin, f"cannot make this row's id: fill in {' and '.join(needed)}"))
        if problems:
            return problems
        assert subject is not None
        ctx["_about"] = id_path(subject) or subject
        row = BuiltRow(number, subject, values, origins)
        problems += self._triples(row, ctx, raw_of)
        return problems or row

    def _triples(self, row: BuiltRow, ctx: dict[str, str], raw_of: dict[str, str]) -> list[CellProblem]:
        problems: list[CellProblem] = []
        row_origin = self._origin(row.number, None, None, "")
        for column in self.template.columns:
            if column.predicate is None or column.suppress:
                continue
            origin = row.cells.get(column.name) or row.cells.get(column.literal_from or "", row_origin)
            if column.only_if and not any(raw_of.get(c) for c in column.only_if):
                continue
            subject = first_filled(column.about, ctx) if column.about else row.subject
            if subject is None:
                if raw_of.get(column.name):
                    needed = _columns_of(column.about[-1], self.template, row.values)
                    problems.append(CellProblem(origin, f"needs {' and '.join(needed)} as well"))
                continue
            objects = self._objects(column, row, ctx, raw_of)
            for obj in objects:
                s, o = (obj, ox.NamedNode(subject)) if column.inverse else (ox.NamedNode(subject), obj)
                if isinstance(s, ox.Literal):
                    continue
                made = RowTriple(s, ox.NamedNode(column.predicate), o, self.graph)
                row.triples.append((made, origin if not column.virtual else self._virtual_origin(column, row)))
        return problems

    def _objects(self, column: Column, row: BuiltRow, ctx: dict[str, str], raw_of: dict[str, str]) -> list[Obj]:
        if column.virtual:
            if column.literal_from:
                text = raw_of.get(column.literal_from, "")
                return (
                    [ox.Literal(text, language=column.lang)]
                    if text and column.lang
                    else ([ox.Literal(text)] if text else [])
                )
            iri = first_filled(column.value_url, ctx)
            return [ox.NamedNode(iri)] if iri else []
        resolved = row.values.get(column.name, [])
        if column.value_url:
            iri = first_filled(column.value_url, ctx)
            return [ox.NamedNode(iri)] if iri and resolved else []
        if not resolved:
            for when, template in column.default:
                if when is None or ctx.get(when):
                    filled = fill(template, ctx)
                    if filled:
                        return [self._term(column, expand(filled) if column.choices else filled)]
            return []
        return [self._term(column, v) for v in resolved]

    def _term(self, column: Column, value: str) -> Obj:
        if column.choices or column.lookup:
            return ox.NamedNode(value)
        if column.datatype == "date":
            return ox.Literal(value, datatype=ox.NamedNode(XSD + "date"))
        if column.datatype == "dateOrYear":
            kind = {4: "gYear", 7: "gYearMonth"}.get(len(value), "date")
            return ox.Literal(value, datatype=ox.NamedNode(XSD + kind))
        if column.datatype == "integer":
            return ox.Literal(value, datatype=ox.NamedNode(XSD + "integer"))
        return ox.Literal(value, language=column.lang) if column.lang else ox.Literal(value)

    def _virtual_origin(self, column: Column, row: BuiltRow) -> Origin:
        for name in (column.literal_from, *column.only_if):
            if name and name in row.cells and row.cells[name].value:
                return row.cells[name]
        return self._origin(row.number, None, None, "")

    def _convert(self, column: Column, text: str, origin: Origin, final: bool) -> str | CellProblem | None:
        """A cell value as an IRI or lexical form; a problem; or None to retry on a later pass."""
        if column.choices:
            key = normalise(text)
            for choice in column.choices:
                if key in {normalise(n) for n in (*choice.names, choice.iri)} or expand(text) == choice.iri:
                    return choice.iri
            names = [c.names[0] for c in column.choices]
            close = difflib.get_close_matches(key, [normalise(n) for c in column.choices for n in c.names], n=2)
            shown = tuple(dict.fromkeys(_choice_name(column, c) for c in close))
            return CellProblem(origin, f"is not an allowed value (allowed: {', '.join(names)})", shown)
        if column.lookup:
            found = self.index.resolve(
                expand(text) if text.startswith(("id:", "src:")) else text, column.lookup, tail=column.display == "tail"
            )
            if isinstance(found, Unresolved):
                if not final and found.reason == "is unknown":
                    return None
                what = column.what.get("en", "name")
                return CellProblem(origin, f"{what} {text!r} {found.reason}", found.suggestions)
            return found
        if column.datatype == "date":
            return _date(text) or CellProblem(origin, f"{text!r} is not a date: {DATE_HELP}")
        if column.datatype == "dateOrYear":
            if re.fullmatch(r"\d{4}", text) or (re.fullmatch(r"\d{4}-\d{2}", text) and 1 <= int(text[5:]) <= 12):
                return text
            return _date(text) or CellProblem(origin, f"{text!r} is not a date: {DATE_OR_YEAR_HELP}")
        if column.datatype == "idPath":
            path = id_path(expand(text)) or text
            if column.id_prefix and not path.startswith(column.id_prefix):
                path = column.id_prefix + path
            if re.fullmatch(r"[a-z0-9]+(?:[-_.][a-z0-9]+)*(?:/[a-z0-9]+(?:[-_.][a-z0-9]+)*)*", path):
                return path
            return CellProblem(
                origin,
                f"{text!r} is not an id: lower-case letters, digits and '-', parts separated by '/'",
                (slug(text),),
            )
        if column.datatype == "integer":
            if re.fullmatch(r"\d+", text):
                return str(int(text))
            return CellProblem(origin, f"{text!r} is not a whole number")
        return text

    def _add_vars(self, ctx: dict[str, str], column: Column, raw: str, resolved: list[str]) -> None:
        name = column.name
        ctx[name] = resolved[0] if column.datatype == "idPath" and resolved else raw
        text = raw
        for prefix in column.slug_drops:
            if normalise(text).startswith(normalise(prefix) + " "):
                text = text[len(prefix) + 1 :]
        ctx[f"{name}_slug"] = slug(text)
        if resolved and (column.lookup or column.choices):
            iri = resolved[0]
            path = id_path(iri) or ""
            ctx[f"{name}_iri"] = iri
            ctx[f"{name}_path"] = path
            ctx[f"{name}_key"] = path.rsplit("/", 1)[-1]
            resource = self.index.get(iri)
            if resource is not None:
                ctx[f"{name}_label_sv"] = resource.label("sv")
                ctx[f"{name}_label_en"] = resource.label("en")

    def _origin(self, row: int, column: int | None, heading: str | None, value: str) -> Origin:
        return Origin(self.file, self.sheet, row, column, heading, value)


def register(index: NameIndex, row: BuiltRow, looked_up: set[str]) -> None:
    """Make what a row minted resolvable by later rows (and other sheets) of the same file.

    Only resources of a class some column looks up (groups, posts, …): memberships,
    periods and people are never referred to by name, and there are thousands of them.
    """
    rdf_type, pref = RDF + "type", SKOS + "prefLabel"
    typed = {
        t.subject.value: t.object.value
        for t, _ in row.triples
        if t.predicate.value == rdf_type and t.object.value in looked_up
    }
    for subject, cls in typed.items():
        index.add(subject, cls)
    for t, _ in row.triples:
        if t.predicate.value == pref and t.subject.value in typed and isinstance(t.object, ox.Literal):
            index.add_name(t.subject.value, t.object.value, t.object.language)


def record_origins(origins: OriginMap, rows: Iterable[BuiltRow], template: Template) -> None:
    for row in rows:
        minted = origins.add_resource(row.subject, Origin(*_row_origin(row)))
        for column in template.columns:
            if column.predicate and column.name in row.cells and not column.about:
                minted.columns.setdefault(column.predicate, row.cells[column.name])
        for t, origin in row.triples:
            origins.add_triple((t.subject, t.predicate, t.object), origin)
            if t.subject.value != row.subject:
                origins.add_resource(t.subject.value, origin)


def _row_origin(row: BuiltRow) -> tuple[Path, str | None, int, None, None, str]:
    any_cell = next(iter(row.cells.values()))
    return (any_cell.file, any_cell.sheet, row.number, None, None, "")


def _name_at(positions: dict[str, int], col: int) -> str | None:
    return next((name for name, c in positions.items() if c == col), None)


def _choice_name(column: Column, normalised_name: str) -> str:
    for choice in column.choices:
        for name in choice.names:
            if normalise(name) == normalised_name:
                return name
    return normalised_name


def _columns_of(template: str, tpl: Template, values: dict[str, list[str]]) -> list[str]:
    """The headings of the columns a template's variables come from (``scope_key`` → 'verkar inom / scope').

    A variable of a closed-list value (``type_mint``) is itself a template: its own variables count.
    """
    names: list[str] = []
    for var in re.findall(r"\{\+?([A-Za-z0-9_]+)\}", template):
        for column in tpl.real_columns:
            if var == column.name or var.startswith(column.name + "_"):
                choice = column.choice_for(values.get(column.name, [""])[0]) if column.choices else None
                key = var[len(column.name) + 1 :]
                if choice is not None and key in choice.vars:
                    names += _columns_of(choice.vars[key], tpl, values)
                else:
                    names.append(repr(column.heading))
                break
    return list(dict.fromkeys(names)) or ["the id column"]


def _date(text: str) -> str | None:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return None
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        return None
