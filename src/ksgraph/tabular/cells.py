"""The one place where a value becomes a spreadsheet cell: no text from the data is ever a formula.

Every spreadsheet ksgraph writes (the stewards' templates today; downloads of query answers
later) writes its cells through :func:`write_cell` (XLSX) or :func:`csv_field` (CSV), and
reads CSV cells back through :func:`csv_value`. A label from the data such as
``=HYPERLINK("http://evil.example/","click")`` is otherwise run by the spreadsheet program
of whoever opens the file (OWASP "CSV Injection"; ``../shared/HAZARDS.md``: openpyxl 3.1
writes any ``str`` beginning with ``=`` as a formula).

- **XLSX**: text is a string cell (type ``s``) whatever it begins with, marked with Excel's
  quote prefix when it begins with a formula character so that editing the cell keeps it
  text; numbers, dates and booleans are written as the typed values the caller chose.
- **CSV**: a field that begins with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a
  leading apostrophe (OWASP's recommendation), and so does a field that begins with an
  apostrophe. Reading removes exactly one leading apostrophe. So the escape is
  unambiguous and the round trip exact: ``'=1`` is the text ``=1``, ``''x`` the text
  ``'x``, and a field that does not begin with an apostrophe is read as it stands.

The SPARQL ``text/csv`` results format is not a spreadsheet: it stays as the standard
defines it (``serve/results.py``; SECURITY.md).
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import re

from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

# What makes a spreadsheet program read a cell as a formula (OWASP "CSV Injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"
# Excel's limit for the text of one cell; a longer value is cut or the file "repaired".
MAX_CELL_CHARS = 32_767
# Characters XML 1.0 cannot carry, not even as character references: a workbook is XML.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

Typed = int | float | decimal.Decimal | dt.date | dt.datetime | dt.time


class CellValueError(ValueError):
    """A value no spreadsheet cell can hold as it is; nothing is written."""


def csv_field(text: str) -> str:
    """``text`` as a field of a CSV file meant for spreadsheet programs."""
    return ESCAPE + text if text.startswith((*FORMULA_START, ESCAPE)) else text


def csv_value(field: str) -> str:
    """The text a field written by :func:`csv_field` stands for (the inverse, for any text)."""
    return field[1:] if field.startswith(ESCAPE) else field


def write_cell(sheet: Worksheet, row: int, column: int, value: str | Typed | None) -> Cell:
    """Put ``value`` into the cell at (``row``, ``column``): text as text, never as a formula.

    Raises :class:`CellValueError` for text a workbook cannot hold (characters XML forbids,
    more than Excel's 32,767 characters), naming the cell, rather than writing less.
    """
    cell = sheet.cell(row=row, column=column)
    if value is None:
        return cell
    if isinstance(value, bool | Typed) and not (isinstance(value, float) and not math.isfinite(value)):
        cell.value = value
        return cell
    text = str(value)
    where = f"sheet {sheet.title!r}, cell {cell.coordinate}"
    if (bad := _NOT_XML.search(text)) is not None:
        raise CellValueError(
            f"{where}: the value {_short(text)!r} contains U+{ord(bad.group()):04X}, which a workbook cannot "
            "hold (XML forbids it); remove it from the data, or write .csv"
        )
    if len(text) > MAX_CELL_CHARS:
        raise CellValueError(
            f"{where}: the value {_short(text)!r} has {len(text):,} characters, more than a spreadsheet cell "
            f"holds ({MAX_CELL_CHARS:,}); shorten it in the data, or write .csv"
        )
    cell.value = text
    # openpyxl has just made a formula of text beginning with '=': make it a string again.
    cell.data_type = "s"
    if text.startswith(FORMULA_START):
        cell.quotePrefix = True
    return cell


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
