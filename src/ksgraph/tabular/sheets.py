"""Reading and writing the cells of CSV files and XLSX workbooks, with their coordinates.

Both formats become the same thing: named sheets of rows of text cells, each row
with the number a spreadsheet program shows for it. A CSV file is one sheet
(named None); a workbook has one sheet per template it fills.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ksgraph.tabular.cells import csv_field, csv_value, write_cell, xlsx_value

SUFFIXES = {".csv", ".xlsx"}


class SheetError(ValueError):
    """A file that is not a readable CSV file or workbook."""


@dataclass
class Sheet:
    name: str | None
    rows: list[tuple[int, list[str]]]  # (1-based row number, cell texts)


def cell_text(value: object) -> str:
    """A cell's value as the text a steward typed. Dates a spreadsheet program made of it become ISO dates."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_sheets(path: Path) -> list[Sheet]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return [_read_csv(path)]
    if suffix == ".xlsx":
        return _read_xlsx(path)
    raise SheetError(f"unknown spreadsheet type {path.suffix!r} (known: .csv, .xlsx)")


def _read_csv(path: Path) -> Sheet:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SheetError(f"cannot read: {exc.strerror or exc}") from exc
    try:
        # utf-8-sig: spreadsheet programs write a byte-order mark before UTF-8 CSV.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Older Swedish Excel saves "CSV" in Windows-1252; every byte decodes, so this cannot fail.
        text = raw.decode("cp1252")
    first = text.split("\n", 1)[0]
    # Swedish spreadsheet programs separate with ';' because ',' is the decimal comma.
    delimiter = ";" if first.count(";") > first.count(",") else ("\t" if "\t" in first else ",")
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        # csv_value undoes the escape that keeps a spreadsheet program from running a cell (cells.py).
        rows = [(n, [csv_value(c.strip()) for c in row]) for n, row in enumerate(reader, start=1)]
    except csv.Error as exc:
        raise SheetError(f"not a readable CSV file: {exc}") from exc
    return Sheet(None, rows)


def _read_xlsx(path: Path) -> list[Sheet]:
    from zipfile import BadZipFile

    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, KeyError, OSError, ValueError) as exc:
        raise SheetError(f"not a readable XLSX workbook: {exc}") from exc
    try:
        sheets = []
        for ws in workbook.worksheets:
            rows = [
                (n, [cell_text(xlsx_value(v) if isinstance(v, str) else v) for v in row])
                for n, row in enumerate(ws.iter_rows(values_only=True), start=1)
            ]
            sheets.append(Sheet(ws.title, rows))
        return sheets
    finally:
        workbook.close()


def write_csv(path: Path, header_rows: Sequence[Sequence[str]], rows: Sequence[Sequence[str]]) -> None:
    """UTF-8 with a byte-order mark, so spreadsheet programs show å, ä and ö; no field is a formula."""
    tmp = path.with_name(path.name + ".partial")
    with open(tmp, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        for row in (*header_rows, *rows):
            writer.writerow([csv_field(text) for text in row])
    tmp.replace(path)


@dataclass(frozen=True)
class SheetContent:
    name: str
    header_rows: Sequence[Sequence[str]]
    rows: Sequence[Sequence[str]]
    choices: Mapping[int, Sequence[str]]  # 0-based column index → allowed values (a drop-down list)


def write_xlsx(path: Path, sheets: Sequence[SheetContent]) -> None:
    """A workbook a steward can fill in: bold Swedish headings, English below, frozen, text cells, drop-downs."""
    import openpyxl
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for content in sheets:
        ws = workbook.create_sheet(content.name)
        for i, heading in enumerate(content.header_rows):
            for col, text in enumerate(heading, start=1):
                cell = write_cell(ws, i + 1, col, text)
                cell.font = Font(bold=True) if i == 0 else Font(italic=True, color="666666")
        for r, row in enumerate(content.rows, start=len(content.header_rows) + 1):
            for col, text in enumerate(row, start=1):
                write_cell(ws, r, col, text)
        ws.freeze_panes = ws.cell(row=len(content.header_rows) + 1, column=1)
        width = len(content.header_rows[0]) if content.header_rows else 0
        first = len(content.header_rows) + 1
        for col in range(1, width + 1):
            letter = get_column_letter(col)
            longest = max((len(str(c.value or "")) for c in ws[letter]), default=10)
            ws.column_dimensions[letter].width = min(max(12, longest + 2), 60)
            # Text format: a spreadsheet program must not turn "2025-01" into a date or "003" into 3.
            for r in range(first, max(ws.max_row, first + 200) + 1):
                ws.cell(row=r, column=col).number_format = "@"
        for index, allowed in content.choices.items():
            formula = '"' + ",".join(allowed) + '"'
            if len(formula) <= 255:  # Excel's limit for an inline list
                dv = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=False)
                letter = get_column_letter(index + 1)
                dv.add(f"{letter}{first}:{letter}{first + 1000}")
                ws.add_data_validation(dv)
    tmp = path.with_name(path.name + ".partial")
    workbook.save(tmp)
    tmp.replace(path)
