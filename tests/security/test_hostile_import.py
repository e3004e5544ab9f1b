"""Issue 23's acceptance, as a steward meets it: a name that is a formula is imported with a warning
(rule S1), exported as text, shown as text by a real spreadsheet program, and re-imported whole;
and what no store can hold (lone surrogates) or no cell can hold is refused with a clear error."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pyoxigraph as ox
import pytest

from ksgraph.core.settings import Settings
from ksgraph.core.vocab import ID, KS, RDF, SKOS, data_graph
from ksgraph.store.versions import GraphStore
from tests.conftest import require_tool, run_cli
from tests.security.hostile import checks

LABEL = '=HYPERLINK("http://evil.example/","click")'
PERSON = ID + "person/hyperlink-http-evil-example-click"  # the template's slug of the name
FOAF_NAME = "http://xmlns.com/foaf/0.1/name"


def names(store_dir: Path) -> set[str]:
    store = GraphStore(store_dir).open_read()
    return {q.object.value for q in store.quads_for_pattern(ox.NamedNode(PERSON), ox.NamedNode(FOAF_NAME), None)}


def snapshot(store_dir: Path) -> tuple[str, int]:
    store = GraphStore(store_dir)
    return store.current().name, len(store.open_read())


@dataclass(frozen=True)
class Exported:
    store_dir: Path
    imported: subprocess.CompletedProcess[str]
    xlsx: Path
    csv: Path


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory, built_settings: Settings) -> Exported:
    """A steward's file names a member ``=HYPERLINK(…)``; the store is then exported to both templates."""
    tmp = tmp_path_factory.mktemp("formula")
    store_dir = tmp / "store"
    shutil.copytree(built_settings.store_dir, store_dir)
    members = tmp / "members.csv"
    with open(members, "w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(
            [
                ["person", "grupp", "roll", "från", "källa"],
                [LABEL, "lpo/norrbotten/akut-vard", "ledamot", "2025-01-01", "002/lokala-programomraden"],
            ]
        )
    imported = run_cli("import", str(members), "--template", "memberships", store=store_dir)
    assert imported.returncode == 0, imported.stderr
    assert names(store_dir) == {LABEL}
    files = []
    for suffix in (".xlsx", ".csv"):
        path = tmp / f"memberships{suffix}"
        done = run_cli("export", "--template", "memberships", "--output", str(path), store=store_dir)
        assert done.returncode == 0, done.stderr
        files.append(path)
    return Exported(store_dir, imported, *files)


def _person_cells(sheet: object) -> list[object]:
    rows = list(sheet.iter_rows())  # type: ignore[attr-defined]
    column = [c.value for c in rows[0]].index("person")
    return [row[column] for row in rows[2:] if row[0].value and "hyperlink" in str(row[0].value)]


def test_the_import_warns_the_steward_at_the_cell(exported: Exported) -> None:
    stderr = exported.imported.stderr
    assert "cell A2, column 'person'" in stderr and "[S1 Warning]" in stderr
    assert "src:ksgraph/security-policy" in stderr


def test_the_workbook_holds_the_name_as_text_not_a_formula(exported: Exported) -> None:
    assert checks.xlsx_problems(exported.xlsx) == []
    cells = _person_cells(openpyxl.load_workbook(exported.xlsx)["memberships"])
    assert [(c.value, c.data_type) for c in cells] == [(LABEL, "s")]  # type: ignore[attr-defined]


def test_the_csv_file_holds_the_name_neutralised(exported: Exported) -> None:
    text = exported.csv.read_text(encoding="utf-8-sig")
    assert checks.csv_problems(text) == []
    rows = checks.csv_fields(text)
    row = next(r for r in rows if "hyperlink" in r[0])
    assert row[rows[0].index("person")] == "'" + LABEL


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_reimporting_either_file_gives_the_original_name(
    exported: Exported, suffix: str, built_settings: Settings, tmp_path: Path
) -> None:
    fresh = tmp_path / "store"
    shutil.copytree(built_settings.store_dir, fresh)
    assert names(fresh) == set()
    path = exported.xlsx if suffix == ".xlsx" else exported.csv
    done = run_cli("import", str(path), "--template", "memberships", store=fresh)
    assert done.returncode == 0, done.stderr
    assert names(fresh) == {LABEL}
    # And into the store it came from: the same name, no second one with an apostrophe.
    again = tmp_path / "again"
    shutil.copytree(exported.store_dir, again)
    assert run_cli("import", str(path), "--template", "memberships", store=again).returncode == 0
    assert names(again) == {LABEL}


# -- a real spreadsheet program --------------------------------------------------------------


def soffice(source: Path, target_dir: Path, infilter: str | None = None) -> Path:
    """``source`` opened by LibreOffice Calc (headless) and saved as XLSX: what a steward's program makes of it."""
    binary = require_tool("soffice", "bash scripts/test.sh (Debian package libreoffice-calc-nogui)")
    profile = target_dir / "profile"
    command = [binary, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "xlsx"]
    command += [f"--infilter={infilter}"] if infilter else []
    command += ["--outdir", str(target_dir), str(source)]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=180, env={**os.environ, "HOME": str(target_dir)}
    )
    converted = target_dir / (source.stem + ".xlsx")
    assert converted.is_file(), done.stdout + done.stderr
    return converted


# CSV import options of LibreOffice: comma-separated, double-quoted, UTF-8, from line 1.
UTF8_CSV = "CSV:44,34,76,1"


def _cells_as_the_program_left_them(path: Path) -> list[tuple[object, str, object]]:
    """(formula or text, cell type, value shown) of the person cell."""
    written = _person_cells(openpyxl.load_workbook(path).worksheets[0])
    shown = _person_cells(openpyxl.load_workbook(path, data_only=True).worksheets[0])
    return [(w.value, w.data_type, s.value) for w, s in zip(written, shown, strict=True)]  # type: ignore[attr-defined]


def test_a_spreadsheet_program_shows_the_text(exported: Exported, tmp_path: Path) -> None:
    from_csv = soffice(exported.csv, tmp_path / "csv", UTF8_CSV)
    assert _cells_as_the_program_left_them(from_csv) == [("'" + LABEL, "s", "'" + LABEL)]
    from_xlsx = soffice(exported.xlsx, tmp_path / "xlsx")
    assert _cells_as_the_program_left_them(from_xlsx) == [(LABEL, "s", LABEL)]


def test_the_same_program_runs_the_name_when_it_is_written_bare(exported: Exported, tmp_path: Path) -> None:
    """The hazard is real: the exported file with the escape taken out is a formula when opened."""
    rows = checks.csv_fields(exported.csv.read_text(encoding="utf-8-sig"))
    bare = tmp_path / "bare.csv"
    with open(bare, "w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows(
            [[LABEL if f == "'" + LABEL else f for f in r] for r in rows]
        )
    opened = soffice(bare, tmp_path / "bare", UTF8_CSV)
    [(formula, kind, value)] = _cells_as_the_program_left_them(opened)
    assert kind == "f" and "HYPERLINK" in str(formula).upper() and value == "click"


# -- what cannot be held is refused, clearly -------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("surrogate.ttl", '<https://w3id.org/ksgraph/id/person/x> <http://xmlns.com/foaf/0.1/name> "a\\uD800b" .\n'),
        (
            "surrogate.jsonld",
            '{"@id": "https://w3id.org/ksgraph/id/person/x", "http://xmlns.com/foaf/0.1/name": "a\\ud800b"}',
        ),
    ],
)
def test_a_lone_surrogate_is_refused_and_changes_nothing(
    name: str, content: str, scratch_settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    before = snapshot(scratch_settings.store_dir)
    done = run_cli("import", str(path), store=scratch_settings.store_dir)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and name in done.stderr
    assert snapshot(scratch_settings.store_dir) == before


def test_a_name_longer_than_a_cell_is_refused_naming_the_cell(scratch_settings: Settings, tmp_path: Path) -> None:
    group = ox.NamedNode(ID + "npo/very-long")
    graph = ox.NamedNode(data_graph("long"))
    with GraphStore(scratch_settings.store_dir).write() as store:
        store.add(ox.Quad(group, ox.NamedNode(RDF + "type"), ox.NamedNode(KS + "NationalProgrammeArea"), graph))
        store.add(
            ox.Quad(group, ox.NamedNode(SKOS + "prefLabel"), ox.Literal("NPO " + "x" * 40_000, language="sv"), graph)
        )
    out = tmp_path / "out"
    out.mkdir()
    workbook = out / "groups.xlsx"
    done = run_cli("export", "--template", "groups", "--output", str(workbook), store=scratch_settings.store_dir)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "sheet 'groups', cell C" in done.stderr and "40,004 characters" in done.stderr and "32,767" in done.stderr
    assert list(out.iterdir()) == []  # nothing half-written
    # CSV has no such limit: the whole name is written, and reads back.
    text = out / "groups.csv"
    assert (
        run_cli("export", "--template", "groups", "--output", str(text), store=scratch_settings.store_dir).returncode
        == 0
    )
    assert any(
        f == "NPO " + "x" * 40_000 for row in checks.csv_fields(text.read_text(encoding="utf-8-sig")) for f in row
    )
