"""A named query's answer as a spreadsheet (``/queries/NAME?format=xlsx``).

Written by the stewards' spreadsheet writer (:func:`ksgraph.tabular.sheets.write_xlsx`), the one
place workbooks are made: every cell a text cell, so a value from the data that starts with ``=``
is text, never a formula. The cells hold what the CSV answer holds: IRIs and lexical values.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pyoxigraph as ox

from ksgraph.tabular.sheets import SheetContent, write_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def cell(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(getattr(term, "value", term))


def xlsx_answer(body: bytes, sheet: str) -> bytes:
    """A SPARQL JSON answer as a workbook of one sheet: the variables, then one row per solution."""
    parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    if isinstance(parsed, ox.QuerySolutions):
        variables = [v.value for v in parsed.variables]
        rows = [[cell(solution[name]) for name in variables] for solution in parsed]
    else:
        variables, rows = ["result"], [[str(bool(parsed)).lower()]]
    with tempfile.TemporaryDirectory(prefix="ksgraph-xlsx-") as tmp:
        path = Path(tmp) / "answer.xlsx"
        # A sheet name is at most 31 characters and cannot hold []:*?/\ (Excel's rules).
        name = "".join(c for c in sheet if c not in "[]:*?/\\")[:31] or "answer"
        write_xlsx(path, [SheetContent(name, [variables], rows, {})])
        return path.read_bytes()
