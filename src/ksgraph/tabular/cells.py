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
  A character XML cannot carry, and a carriage return (which XML parsers read as a line
  feed), is written as the workbook format's own escape ``_xHHHH_`` (ECMA-376 Part 1,
  22.9.2.19 ST_Xstring), and text that already looks like one gets its underscore escaped
  (``_x005F_``); :func:`xlsx_value` undoes both, as spreadsheet programs do.
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
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # openpyxl is imported only where a workbook is read or written (CLI start-up time)
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet

# What makes a spreadsheet program read a cell as a formula (OWASP "CSV Injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"
# Excel's limit for the text of one cell; a longer value is cut or the file "repaired".
MAX_CELL_CHARS = 32_767
# Characters XML 1.0 cannot carry, not even as character references, and the carriage return,
# which an XML parser reads as a line feed; and text that looks like the escape for one.
_NOT_XML = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")
_ESCAPED = re.compile("_x([0-9A-Fa-f]{4})_")

Typed = int | float | decimal.Decimal | dt.date | dt.datetime | dt.time


class CellValueError(ValueError):
    """A value no spreadsheet cell can hold as it is; nothing is written."""


def csv_field(text: str) -> str:
    """``text`` as a field of a CSV file meant for spreadsheet programs."""
    return ESCAPE + text if text.startswith((*FORMULA_START, ESCAPE)) else text


def csv_value(field: str) -> str:
    """The text a field written by :func:`csv_field` stands for (the inverse, for any text)."""
    return field[1:] if field.startswith(ESCAPE) else field


def xlsx_value(text: str) -> str:
    """The text of a workbook's string cell, its ``_xHHHH_`` escapes undone (see :func:`write_cell`)."""

    def char(match: re.Match[str]) -> str:
        code = int(match.group(1), 16)
        return match.group() if 0xD800 <= code <= 0xDFFF else chr(code)  # no lone surrogate from a file

    return _ESCAPED.sub(char, text)


def write_cell(sheet: Worksheet, row: int, column: int, value: str | Typed | None) -> Cell:
    """Put ``value`` into the cell at (``row``, ``column``): text as text, never as a formula.

    Raises :class:`CellValueError` for text longer than a cell holds (Excel's 32,767
    characters), naming the cell, rather than writing less.
    """
    cell = sheet.cell(row=row, column=column)
    if value is None:
        return cell
    if isinstance(value, bool | Typed) and not (isinstance(value, float) and not math.isfinite(value)):
        cell.value = value
        return cell
    text = str(value)
    if len(text) > MAX_CELL_CHARS:
        raise CellValueError(
            f"sheet {sheet.title!r}, cell {cell.coordinate}: the value {_short(text)!r} has {len(text):,} "
            f"characters, more than a spreadsheet cell holds ({MAX_CELL_CHARS:,}); shorten it in the data, "
            "or write .csv"
        )
    cell.value = _NOT_XML.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
    # openpyxl has just made a formula of text beginning with '=': make it a string again.
    cell.data_type = "s"
    if text.startswith(FORMULA_START):
        cell.quotePrefix = True
    return cell


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
