"""``read``: a CSV file or workbook + template → quads in a data graph, with the origin of each."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ksgraph.core.vocab import data_graph
from ksgraph.rdfio.load import ParsedFile
from ksgraph.tabular.errors import CellProblem, TabularError
from ksgraph.tabular.mapper import BuiltRow, Header, RowMapper, record_origins, register
from ksgraph.tabular.names import NameIndex, normalise
from ksgraph.tabular.origins import Origin, OriginMap
from ksgraph.tabular.rules import CellViolation, check_unique
from ksgraph.tabular.sheets import Sheet, SheetError, read_sheets
from ksgraph.tabular.spec import Template, templates

# A name may refer to a row further down (or to a later sheet): rows that do not
# resolve are retried, and only the last pass reports them.
PASSES = 3


@dataclass(frozen=True)
class TabularFile(ParsedFile):
    """A :class:`~ksgraph.rdfio.load.ParsedFile` (path, graph, quads) plus where every quad came from."""

    origins: OriginMap = field(default_factory=OriginMap, compare=False)
    templates: tuple[str, ...] = ()
    rows: int = 0
    # Rules the rows break among themselves or with the store (e.g. two chairs at once):
    # reported against cells like SHACL results, never written.
    violations: tuple[CellViolation, ...] = ()


def read(
    path: Path | str,
    template: str | None = None,
    *,
    store: ox.Store | None = None,
    graph: str | None = None,
) -> TabularFile:
    """Map a CSV file or XLSX workbook to quads in ``graph`` (default: the data graph named after the file).

    ``template`` names the template of a CSV file or of a workbook's sheets; without
    it, each sheet's template is found by the sheet's name or its headings. Names in
    cells are resolved against ``store`` (if given) and against the file itself.
    Raises :class:`TabularError` listing every cell to fix.
    """
    path = Path(path)
    catalogue = templates()
    if template is not None and template not in catalogue:
        raise TabularError.of([_file_problem(path, f"unknown template {template!r} (known: {', '.join(catalogue)})")])
    try:
        sheets = [s for s in read_sheets(path) if any(any(c for c in cells) for _, cells in s.rows)]
    except SheetError as exc:
        raise TabularError.of([_file_problem(path, str(exc))]) from None
    if not sheets:
        raise TabularError.of([_file_problem(path, "the file has no rows")])
    target = ox.NamedNode(graph or data_graph(path.stem))
    index = NameIndex.from_store(store)
    problems: list[CellProblem] = []
    jobs: list[tuple[RowMapper, Header, Sheet]] = []
    for sheet in sheets:
        chosen = _template_of(path, sheet, template, catalogue)
        if isinstance(chosen, CellProblem):
            problems.append(chosen)
            continue
        mapper = RowMapper(chosen, index, target, path, sheet.name)
        header, found = mapper.header(sheet.rows)
        problems += found
        if header is not None:
            jobs.append((mapper, header, sheet))
    if problems:
        raise TabularError.of(problems)
    # Groups first, then what refers to them, so a workbook may define both.
    order = list(catalogue)
    jobs.sort(key=lambda j: order.index(j[0].template.name))
    looked_up = {c for tpl in catalogue.values() for col in tpl.columns for c in index.wanted(col.lookup)}
    built: dict[int, list[BuiltRow]] = {i: [] for i in range(len(jobs))}
    pending = {i: [(n, c) for n, c in sheet.rows[header.rows :] if any(c)] for i, (_, header, sheet) in enumerate(jobs)}
    for attempt in range(PASSES):
        final = attempt == PASSES - 1
        for i, (mapper, header, _) in enumerate(jobs):
            retry = []
            for number, cells in pending[i]:
                result = mapper.build(number, cells, header, final)
                if isinstance(result, BuiltRow):
                    register(index, result, looked_up)
                    built[i].append(result)
                elif result:
                    problems += result
                else:
                    retry.append((number, cells))
            pending[i] = retry
        if not any(pending.values()):
            break
    problems += _duplicates_and_conflicts(built, jobs)
    if problems:
        problems.sort(key=lambda p: (p.origin.sheet or "", p.origin.row, p.origin.column or 0))
        raise TabularError.of(problems)
    origins = OriginMap()
    quads: dict[ox.Quad, None] = {}
    violations: list[CellViolation] = []
    for i, (mapper, _, _) in enumerate(jobs):
        rows = sorted(built[i], key=lambda r: r.number)
        record_origins(origins, rows, mapper.template)
        for row in rows:
            for made, _ in row.triples:
                quads.setdefault(made.quad, None)
        violations += check_unique(mapper.template, rows, store)
    return TabularFile(
        path,
        target.value,
        list(quads),
        origins=origins,
        templates=tuple(dict.fromkeys(m.template.name for m, _, _ in jobs)),
        rows=sum(len(r) for r in built.values()),
        violations=tuple(violations),
    )


def _template_of(
    path: Path, sheet: Sheet, wanted: str | None, catalogue: dict[str, Template]
) -> Template | CellProblem:
    """The template of a sheet: the one asked for, else by sheet name, else by its headings."""
    if sheet.name is not None:
        for tpl in catalogue.values():
            if normalise(sheet.name) in {normalise(n) for n in tpl.sheet_names}:
                return tpl
    if wanted is not None:
        return catalogue[wanted]
    headings = {normalise(c) for _, cells in sheet.rows[:1] for c in cells if c}
    scores = []
    for tpl in catalogue.values():
        titles = {normalise(t) for col in tpl.real_columns for t in col.all_titles()}
        required = {normalise(t) for col in tpl.real_columns if col.required for t in col.all_titles()}
        scores.append((len(headings & titles), len(headings & required), tpl.name))
    best = max(scores)
    if best[0] == 0:
        where = Origin(path, sheet.name, 1, None, None, "")
        names = ", ".join(catalogue)
        return CellProblem(where, f"cannot tell which template this is; pass --template ({names})")
    return catalogue[best[2]]


def _duplicates_and_conflicts(
    built: dict[int, list[BuiltRow]], jobs: list[tuple[RowMapper, Header, Sheet]]
) -> list[CellProblem]:
    """Two rows minting the same resource are one row too many; a value said twice must be said the same."""
    problems: list[CellProblem] = []
    first_row: dict[str, BuiltRow] = {}
    said: dict[tuple[str, str, str], tuple[str, Origin]] = {}
    for i in sorted(built):
        for row in sorted(built[i], key=lambda r: r.number):
            earlier = first_row.get(row.subject)
            if earlier is not None:
                where = f"row {earlier.number}" + (
                    f" of sheet {earlier_sheet!r}" if (earlier_sheet := _sheet(earlier)) != _sheet(row) else ""
                )
                problems.append(
                    CellProblem(
                        Origin(*_first_cell(row)),
                        f"duplicate row: it describes the same {jobs[i][0].template.name[:-1]} as {where} "
                        f"(<{row.subject}>); merge the two rows",
                    )
                )
                continue
            first_row[row.subject] = row
            for made, origin in row.triples:
                if made.subject.value == row.subject or not isinstance(made.object, ox.Literal):
                    continue
                key = (made.subject.value, made.predicate.value, made.object.language or "")
                previous = said.setdefault(key, (made.object.value, origin))
                if previous[0] != made.object.value and previous[1].row != origin.row:
                    problems.append(
                        CellProblem(
                            origin, f"conflicts with {previous[1].cell} ({previous[0]!r}) for the same resource"
                        )
                    )
    return problems


def _sheet(row: BuiltRow) -> str | None:
    return next(iter(row.cells.values())).sheet


def _first_cell(row: BuiltRow) -> tuple[Path, str | None, int, None, None, str]:
    cell = next(iter(row.cells.values()))
    return (cell.file, cell.sheet, row.number, None, None, "")


def _file_problem(path: Path, message: str) -> CellProblem:
    return CellProblem(Origin(path, None, 1, None, None, ""), message)
