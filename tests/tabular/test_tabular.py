"""The steward's templates as a library: round trips of the seed data, and mistakes reported at their cells."""

from __future__ import annotations

import csv
import datetime as dt
import json
import warnings
from pathlib import Path

import openpyxl
import pyoxigraph as ox
import pytest

from ksgraph.core.vocab import KS, ORG, SKOS, TIME, XSD, data_graph
from ksgraph.store.dataset import dataset
from ksgraph.tabular import TabularError, read, templates
from ksgraph.tabular.export import export_template, headings
from ksgraph.tabular.names import slug
from ksgraph.tabular.spec import MAPPINGS_DIR
from tests.conftest import ROOT, require_module

TEMPLATES = list(templates())


def write_csv(path: Path, rows: list[list[str]], delimiter: str = ",") -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    return path


def problems_of(exc: pytest.ExceptionInfo[TabularError]) -> list[tuple[str, str, str]]:
    """(cell, message, first suggestion) of every problem."""
    return [(p.origin.cell, p.message, (p.suggestions or ("",))[0]) for p in exc.value.problems]


# -- round trips -----------------------------------------------------------------------


def _asserted(store: ox.Store) -> list[ox.Quad]:
    return [q for g in dataset(store, inferred=False) for q in store.quads_for_pattern(None, None, None, g)]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("name", TEMPLATES)
def test_seed_data_round_trips_through_every_template(name: str, suffix: str, store: ox.Store, tmp_path: Path):
    first = tmp_path / f"{name}{suffix}"
    report = export_template(store, name, first)
    assert report.rows[name] > 0 and not report.warnings
    parsed = read(first, store=store)
    produced = {q.triple for q in parsed.quads}
    # The RDF equals the original for every (resource, property) the template maps:
    # same values, none lost (a second counterpart), none added.
    pairs = {(t.subject, t.predicate) for t in produced}
    original = {q.triple for q in _asserted(store) if (q.subject, q.predicate) in pairs}
    assert produced == original
    # template → RDF → template gives the same rows: export again from a store whose
    # mapped statements are exactly the ones read from the file.
    again = ox.Store()
    again.extend(q for q in _asserted(store) if (q.subject, q.predicate) not in pairs)
    again.extend(parsed.quads)
    second = tmp_path / f"again{suffix}"
    export_template(again, name, second)
    assert _cells(second) == _cells(first)


def _cells(path: Path) -> list[list[str]]:
    if path.suffix == ".csv":
        return list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    return _sheet_cells(openpyxl.load_workbook(path).worksheets[0])


def _sheet_cells(sheet: object) -> list[list[str]]:
    """Non-empty rows (the template formats a few hundred empty rows as text, ready for typing)."""
    rows = [[c if c is not None else "" for c in row] for row in sheet.iter_rows(values_only=True)]  # type: ignore[attr-defined]
    return [row for row in rows if any(row)]


def test_the_same_row_gets_the_same_iri_on_every_import(store: ox.Store, tmp_path: Path):
    rows = [
        ["typ", "namn (sv)", "verkar inom", "status", "källa"],
        ["LPO", "LPO Hjärt- och kärlsjukdomar", "Region Västerbotten", "aktiv", "002/lokala-programomraden"],
    ]
    a = read(write_csv(tmp_path / "a.csv", rows), store=store)
    b = read(write_csv(tmp_path / "b.csv", rows), store=store)
    subjects = {q.subject.value for q in a.quads}
    assert (
        subjects
        == {q.subject.value for q in b.quads}
        == {"https://w3id.org/ksgraph/id/lpo/vasterbotten/hjart-och-karlsjukdomar"}
    )
    labels = {(q.object.value, q.object.language) for q in a.quads if q.predicate.value == SKOS + "prefLabel"}
    assert labels == {("LPO Hjärt- och kärlsjukdomar", "sv")}


def test_slug_follows_the_model():
    assert slug("Region Örebro län") == "region-orebro-lan"
    assert slug("Urban Tirén") == "urban-tiren"
    assert slug("  Hud- och könssjukdomar ") == "hud-och-konssjukdomar"


# -- a steward's typical mistakes -----------------------------------------------------------


def test_a_misspelt_region_is_reported_at_its_cell_with_a_suggestion(store: ox.Store, tmp_path: Path):
    path = write_csv(
        tmp_path / "groups.csv",
        [
            ["typ", "namn (sv)", "verkar inom", "källa"],
            ["LPO", "LPO Akut vård", "Norrboten", "002/lokala-programomraden"],
        ],
    )
    with pytest.raises(TabularError) as exc:
        read(path, "groups", store=store)
    [(cell, message, suggestion)] = problems_of(exc)
    assert (cell, suggestion) == ("C2", "Region Norrbotten")
    assert "'Norrboten' is unknown" in message
    assert exc.value.sheet is None and exc.value.row == 2 and exc.value.value == "Norrboten"
    assert "did you mean 'Region Norrbotten'" in str(exc.value)


def test_a_date_in_the_wrong_format_names_the_expected_format(store: ox.Store, tmp_path: Path):
    path = write_csv(
        tmp_path / "members.csv",
        [
            ["person", "grupp", "roll", "från", "källa"],
            ["Anna Andersson", "lpo/norrbotten/akut-vard", "ledamot", "2025/13/01", "002/lokala-programomraden"],
        ],
    )
    with pytest.raises(TabularError) as exc:
        read(path, store=store)
    [(cell, message, _)] = problems_of(exc)
    assert cell == "D2"
    assert "'2025/13/01' is not a date" in message and "YYYY-MM-DD" in message


def test_an_unknown_column_is_reported_at_its_heading_with_a_suggestion(store: ox.Store, tmp_path: Path):
    path = write_csv(
        tmp_path / "members.csv",
        [
            ["person", "grupp", "roll", "källa", "represnts"],
            ["A B", "lpo/norrbotten/akut-vard", "ledamot", "000/uppdrag"],
        ],
    )
    with pytest.raises(TabularError) as exc:
        read(path, "memberships", store=store)
    [(cell, message, suggestion)] = problems_of(exc)
    assert (cell, suggestion) == ("E1", "företräder / represents")
    assert "unknown column 'represnts'" in message


def test_a_missing_required_column_is_named_in_both_languages(store: ox.Store, tmp_path: Path):
    path = write_csv(tmp_path / "members.csv", [["person", "roll", "källa"], ["A B", "ledamot", "000/uppdrag"]])
    with pytest.raises(TabularError) as exc:
        read(path, "memberships", store=store)
    [(cell, message, _)] = problems_of(exc)
    assert cell == "row 1"
    assert "required column 'grupp / group' is missing" in message


def test_duplicate_rows_are_reported_at_the_second(store: ox.Store, tmp_path: Path):
    row = ["lpo/norrbotten/akut-vard", "ordförande", "", "002/lokala-programomraden"]
    path = write_csv(tmp_path / "posts.csv", [["group", "role", "holder", "source"], row, row])
    with pytest.raises(TabularError) as exc:
        read(path, "posts", store=store)
    [(cell, message, _)] = problems_of(exc)
    assert cell == "row 3" and "duplicate row" in message and "row 2" in message


def test_every_problem_of_a_file_is_reported_at_once(store: ox.Store, tmp_path: Path):
    path = write_csv(
        tmp_path / "members.csv",
        [
            ["person", "grupp", "roll", "från", "källa"],
            ["A B", "LPO Akut vrd", "ledamot", "2025-02-30", "000/uppdrag"],
            ["C D", "lpo/norrbotten/akut-vard", "ordförandee", "", "000/uppdragg"],
        ],
        delimiter=";",
    )
    with pytest.raises(TabularError) as exc:
        read(path, store=store)
    cells = [c for c, _, _ in problems_of(exc)]
    assert cells == ["B2", "D2", "C3", "E3"]
    suggestions = {c: s for c, _, s in problems_of(exc)}
    assert suggestions["C3"] == "ordförande" and suggestions["E3"] == "000/uppdrag"


def test_two_chairs_at_once_break_the_one_chair_rule_at_the_second_row(store: ox.Store, tmp_path: Path):
    path = write_csv(
        tmp_path / "members.csv",
        [
            ["person", "grupp", "roll", "från", "till", "källa"],
            ["Anna Andersson", "lpo/norrbotten/akut-vard", "ordförande", "2025-01-01", "", "002/lokala-programomraden"],
            ["Bo Berg", "lpo/norrbotten/akut-vard", "ordinarie ledamot", "2025-01-01", "", "002/lokala-programomraden"],
            ["Cia Carlsson", "lpo/norrbotten/akut-vard", "chair", "2025-06-01", "", "002/lokala-programomraden"],
            [
                "Dan Dahl",
                "lpo/norrbotten/akut-vard",
                "ordförande",
                "2024-01-01",
                "2024-12-31",
                "002/lokala-programomraden",
            ],
        ],
    )
    parsed = read(path, store=store)
    [violation] = parsed.violations
    assert violation.rule == "ksg:one-chair-at-a-time" and violation.severity == "Violation"
    assert violation.origin is not None and violation.origin.cell == "B4"
    assert "row 2" in violation.message_en and violation.source.endswith("/001/nationella-programomraden")


# -- origins ---------------------------------------------------------------------------------


def test_a_result_about_a_missing_property_points_at_its_empty_cell(store: ox.Store, tmp_path: Path):
    path = write_csv(
        tmp_path / "groups.csv",
        [
            ["typ", "namn (sv)", "verkar inom", "motsvarar", "status", "källa"],
            ["LPO", "LPO Testområde", "Region Norrbotten", "", "aktiv", "002/lokala-programomraden"],
        ],
    )
    parsed = read(path, store=store)
    lpo = "https://w3id.org/ksgraph/id/lpo/norrbotten/testomrade"
    assert parsed.origins.locate(lpo, KS + "counterpartOf", None).cell == "D2"
    assert parsed.origins.locate(lpo, KS + "status", KS + "active").cell == "E2"
    assert parsed.origins.locate(lpo, None, None).cell == "row 2"
    region = "https://w3id.org/ksgraph/id/region/norrbotten"
    assert parsed.origins.locate(region, None, None).cell == "C2"  # a store resource the file refers to
    assert parsed.origins.locate("https://w3id.org/ksgraph/id/region/skane", None, None) is None


def test_a_membership_period_is_owl_time_and_each_date_keeps_its_cell(store: ox.Store, tmp_path: Path):
    path = write_csv(
        tmp_path / "members.csv",
        [
            ["person", "grupp", "roll", "från", "till", "källa"],
            ["Anna Andersson", "lpo/norrbotten/akut-vard", "ledamot", "2025-01-01", "2026-12-31", "000/uppdrag"],
        ],
    )
    parsed = read(path, store=store)
    membership = "https://w3id.org/ksgraph/id/membership/anna-andersson/lpo/norrbotten/akut-vard"
    triples = {(q.subject.value, q.predicate.value, q.object.value) for q in parsed.quads}
    assert (membership, ORG + "memberDuring", membership + "/period") in triples
    assert (membership + "/period", TIME + "hasBeginning", membership + "/period/start") in triples
    start = next(q for q in parsed.quads if q.subject.value == membership + "/period/start" and "inXSD" in str(q))
    assert start.object == ox.Literal("2025-01-01", datatype=ox.NamedNode(XSD + "date"))
    assert parsed.origins.locate(membership + "/period/end", TIME + "inXSDDate", "2026-12-31").cell == "E2"
    assert parsed.graph == data_graph("members")


# -- XLSX as a spreadsheet program writes it ---------------------------------------------------


def test_a_workbook_written_by_openpyxl_is_read_with_its_dates_numbers_and_sheets(store: ox.Store, tmp_path: Path):
    workbook = openpyxl.Workbook()
    groups = workbook.active
    groups.title = "grupper"
    groups.append(["Type", "Name (sv)", "Scope", "Counterpart of", "Status", "Founded", "Source"])  # English only
    groups.append(["LAG", "LAG Triage", "Region Norrbotten", None, "active", 2025, "002/lokala-arbetsgrupper"])
    members = workbook.create_sheet("Medlemskap")
    members.append(["person / person", "grupp / group", "roll / role", "från / from", "källa / source"])
    members.append(["Anna Andersson", "LAG Triage", "ordförande", dt.datetime(2025, 3, 1), "002/lokala-arbetsgrupper"])
    path = tmp_path / "workbook.xlsx"
    workbook.save(path)
    parsed = read(path, store=store)
    assert parsed.templates == ("groups", "memberships") and parsed.rows == 2
    founded = next(q.object for q in parsed.quads if q.predicate.value == KS + "founded")
    assert founded == ox.Literal("2025", datatype=ox.NamedNode(XSD + "gYear"))
    # The membership's group is the LAG defined on the other sheet of the same workbook.
    lag = "https://w3id.org/ksgraph/id/lag/norrbotten/triage"
    assert any(q.predicate.value == ORG + "organization" and q.object.value == lag for q in parsed.quads)
    assert any(q.object == ox.Literal("2025-03-01", datatype=ox.NamedNode(XSD + "date")) for q in parsed.quads)
    cell = parsed.origins.locate(lag, KS + "scope", None)
    assert (cell.sheet, cell.cell) == ("grupper", "C2")


# -- the mappings and templates are what they claim ---------------------------------------------


@pytest.mark.parametrize("path", sorted(MAPPINGS_DIR.glob("*.json")), ids=lambda p: p.stem)
def test_every_mapping_is_valid_csvw_metadata(path: Path):
    csvw = require_module("csvw", "bash scripts/test.sh (PyPI csvw, in the dev lock)")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = csvw.Table.from_file(path)
    assert not [str(w.message) for w in caught]
    assert table.dialect.headerRowCount == 2
    assert json.loads(path.read_text(encoding="utf-8"))["ksg:template"] == path.stem


@pytest.mark.parametrize("name", TEMPLATES)
def test_the_template_files_have_the_mappings_headings(name: str):
    folder = ROOT / "data" / "templates"
    expected = headings(templates()[name])
    assert _cells(folder / f"{name}.csv") == expected
    assert _cells(folder / f"{name}.xlsx") == expected
    assert _sheet_cells(openpyxl.load_workbook(folder / "ksgraph-templates.xlsx")[name]) == expected
    readme = (folder / "README.md").read_text(encoding="utf-8")
    for column in templates()[name].real_columns:
        assert f"| {column.sv} / {column.en} |" in readme
