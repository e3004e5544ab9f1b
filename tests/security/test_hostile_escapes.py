"""Each escape, taken away alone, lets the hostile corpus through, and the corpus test says so.

This is what makes tests/security/test_hostile_corpus.py a test of the escapes rather than of the
data: for each escape of SECURITY.md ("Data authors and data consumers") a monkeypatch
disables it, the writers that depend on it run on the corpus again, and each must report
a problem. A new escape is one more entry of :data:`ESCAPES`.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass

import jinja2
import pyoxigraph as ox
import pytest

import ksgraph.rdfio.rdfxml
import ksgraph.rdfio.results
import ksgraph.reasoning.report
import ksgraph.tabular.cells
import ksgraph.tabular.sheets
import ksgraph.temporal.history
import ksgraph.validation.output
from ksgraph.core.links import LinkMapper
from ksgraph.core.settings import project_root
from ksgraph.http import resources
from ksgraph.http.site import chrome
from tests.security.hostile.writers import WRITERS, Corpus


def _same(text: str, *_: object) -> str:
    return text


def _autoescape_off() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("ksgraph.http", "templates"),
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _openpyxl_default(sheet, row: int, column: int, value):  # type: ignore[no-untyped-def]
    cell = sheet.cell(row=row, column=column)
    cell.value = value  # openpyxl's own choice: a str beginning with '=' is a formula
    return cell


def _pyoxigraph_rdfxml(triples, prefixes=None) -> bytes:  # type: ignore[no-untyped-def]
    return ox.serialize(triples, format=ox.RdfFormat.RDF_XML, prefixes=prefixes)


NEVER = re.compile("(?!)")


@dataclass(frozen=True)
class Escape:
    name: str
    take_away: Callable[[pytest.MonkeyPatch], None]
    caught_by: tuple[str, ...]  # writers of WRITERS that must then find a problem
    controls: bool = False  # run them on the texts XML cannot carry too


ESCAPES = [
    Escape(
        "Jinja autoescaping of every template",
        lambda mp: (
            mp.setattr(resources, "make_environment", _autoescape_off),
            mp.setattr(chrome, "make_environment", _autoescape_off),
        ),
        ("HTML resource pages", "the site's pages and structure picture"),
    ),
    Escape(
        "links only to http(s) (LinkMapper.href)",
        lambda mp: mp.setattr(LinkMapper, "href", lambda self, iri: iri),
        ("HTML resource pages",),
    ),
    Escape(
        "timeline SVG text escaped (history._svg_text)",
        lambda mp: mp.setattr(ksgraph.temporal.history, "_svg_text", _same),
        ("HTML resource pages", "SVG timeline (history --format svg)"),
    ),
    Escape(
        "timeline SVG without characters XML cannot carry (history._NOT_XML)",
        lambda mp: mp.setattr(ksgraph.temporal.history, "_NOT_XML", NEVER),
        ("SVG timeline (history --format svg)",),
        controls=True,
    ),
    Escape(
        "XLSX text as string cells (cells.write_cell)",
        lambda mp: mp.setattr(ksgraph.tabular.sheets, "write_cell", _openpyxl_default),
        ("XLSX template",),
    ),
    Escape(
        "XLSX carriage returns and controls as _xHHHH_ (cells._NOT_XML)",
        lambda mp: mp.setattr(ksgraph.tabular.cells, "_NOT_XML", NEVER),
        ("XLSX template",),
    ),
    Escape(
        "XLSX _xHHHH_ undone on reading (cells.xlsx_value)",
        lambda mp: mp.setattr(ksgraph.tabular.sheets, "xlsx_value", _same),
        ("XLSX template",),
    ),
    Escape(
        "CSV formula characters neutralised (cells.csv_field)",
        lambda mp: mp.setattr(ksgraph.tabular.sheets, "csv_field", _same),
        ("CSV template",),
    ),
    Escape(
        "CSV apostrophe undone on reading (cells.csv_value)",
        lambda mp: mp.setattr(ksgraph.tabular.sheets, "csv_value", _same),
        ("CSV template",),
    ),
    Escape(
        "SPARQL XML results escaped (results.escape)",
        lambda mp: mp.setattr(ksgraph.rdfio.results, "escape", _same),
        ("SPARQL results xml",),
    ),
    Escape(
        "carriage returns kept in SPARQL XML results (results._CR)",
        lambda mp: mp.setattr(ksgraph.rdfio.results, "_CR", {}),
        ("SPARQL results xml",),
    ),
    Escape(
        "carriage returns kept in RDF/XML (rdfxml.serialize)",
        lambda mp: mp.setattr(ksgraph.rdfio.rdfxml, "serialize", _pyoxigraph_rdfxml),
        ("export --format rdfxml", "/id as RDF/XML"),
    ),
    Escape(
        "text and JUnit reports printable (validation_output.printable)",
        lambda mp: mp.setattr(ksgraph.validation.output, "printable", _same),
        ("validate --format text", "validate --format junit"),
        controls=True,
    ),
    Escape(
        "explain text printable (reasoning.report.printable)",
        lambda mp: mp.setattr(ksgraph.reasoning.report, "printable", _same),
        ("explain text",),
        controls=True,
    ),
    Escape(
        "history text printable (history.printable)",
        lambda mp: mp.setattr(ksgraph.temporal.history, "printable", _same),
        ("history text and JSON",),
        controls=True,
    ),
]
BY_NAME = {w.name: w for w in WRITERS}


@pytest.mark.parametrize("escape", ESCAPES, ids=[e.name for e in ESCAPES])
def test_taking_away_one_escape_is_caught(
    escape: Escape,
    hostile: Corpus,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    writers = [BY_NAME[name] for name in escape.caught_by]
    with monkeypatch.context() as patched:
        escape.take_away(patched)
        for writer in writers:
            problems = [p for o in writer.write(hostile, escape.controls) for p in o.problems]
            assert problems, f"without {escape.name}, {writer.name} still looks safe"


def test_every_spreadsheet_is_written_through_cells() -> None:
    """openpyxl and csv.writer appear only where the escape is applied, or where a standard says
    otherwise (SPARQL CSV results, which the CLI's ``query --format csv`` writes too)."""
    allowed = {
        "openpyxl": {"tabular/sheets.py", "tabular/cells.py"},
        "csv.writer": {"tabular/sheets.py", "rdfio/results.py"},
    }
    found: dict[str, set[str]] = {"openpyxl": set(), "csv.writer": set()}
    package = project_root() / "src" / "ksgraph"
    for path in package.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        name = path.relative_to(package).as_posix()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                if any(m.split(".")[0] == "openpyxl" for m in modules):
                    found["openpyxl"].add(name)
            is_csv = isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "csv"
            if is_csv and node.attr in {"writer", "DictWriter"}:  # type: ignore[union-attr]
                found["csv.writer"].add(name)
    assert found == allowed
