"""``ksgraph import-table`` and ``export-template`` as a steward runs them: exit codes, cells, atomicity."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from xml.etree import ElementTree as ET

import openpyxl
import pyoxigraph as ox
import pytest
import typer

from ksgraph.cli.commands.tabular import import_tables, is_table
from ksgraph.core.settings import Settings
from ksgraph.core.vocab import DCTERMS, KS, PROV, PROVENANCE_GRAPH, data_graph
from ksgraph.store.versions import GraphStore
from tests.conftest import run_cli

SOURCE = "002/lokala-programomraden"
LPO = "lpo/norrbotten/akut-vard"


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(rows)
    return path


def snapshot(settings: Settings) -> tuple[str, int]:
    store = GraphStore(settings.store_dir)
    return store.current().name, len(store.open_read())


def no_traceback(result) -> None:
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout


def test_a_filled_in_membership_template_is_committed_with_a_provenance_record(scratch_settings: Settings, tmp_path):
    workbook = openpyxl.load_workbook(Path(scratch_settings.root) / "data" / "templates" / "memberships.xlsx")
    sheet = workbook.active
    sheet.append(
        ["", "Anna Andersson", "", LPO, "ordförande", "Region Norrbotten", "2025-01-01", "", "", "", "", SOURCE]
    )
    sheet.append(
        ["", "Bo Berg", "", LPO, "ledamot", "Region Norrbotten", "2025-01-01", "2026-12-31", "", "", "", SOURCE]
    )
    path = tmp_path / "lpo-akut-vard.xlsx"
    workbook.save(path)
    # The public command: `ksgraph import` hands spreadsheets to the tabular import.
    result = run_cli("import", str(path), "--template", "memberships", store=scratch_settings.store_dir)
    no_traceback(result)
    assert result.returncode == 0, result.stderr
    assert "imported 2 rows" in result.stderr
    store = GraphStore(scratch_settings.store_dir).open_read()
    graph = ox.NamedNode(data_graph("lpo-akut-vard"))
    member = ox.NamedNode("https://w3id.org/ksgraph/id/membership/anna-andersson/lpo/norrbotten/akut-vard")
    assert list(store.quads_for_pattern(member, None, None, graph))
    runs = [
        q.subject
        for q in store.quads_for_pattern(None, ox.NamedNode(DCTERMS + "type"), ox.Literal("import"))
        if q.graph_name == ox.NamedNode(PROVENANCE_GRAPH)
    ]
    used = [o.object for r in runs for o in store.quads_for_pattern(r, ox.NamedNode(PROV + "used"), None)]
    targets = {q.object for u in used for q in store.quads_for_pattern(u, ox.NamedNode(KS + "targetGraph"), None)}
    assert graph in targets


def test_two_chairs_are_rejected_at_the_cell_and_the_store_is_unchanged(scratch_settings: Settings, tmp_path):
    before = snapshot(scratch_settings)
    path = write_csv(
        tmp_path / "chairs.csv",
        [
            ["person", "grupp", "roll", "från", "källa"],
            ["Anna Andersson", LPO, "ordförande", "2025-01-01", SOURCE],
            ["Bo Berg", LPO, "ordförande", "2025-06-01", SOURCE],
        ],
    )
    result = run_cli("import-table", str(path), store=scratch_settings.store_dir)
    no_traceback(result)
    assert result.returncode == 1, result.stderr
    assert "cell B3, column 'grupp'" in result.stderr and "ksg:one-chair-at-a-time" in result.stderr
    assert "nothing was changed" in result.stderr
    assert snapshot(scratch_settings) == before


def test_an_lpo_without_its_rpo_is_a_shacl_violation_at_the_counterpart_cell(scratch_settings: Settings, tmp_path):
    path = write_csv(
        tmp_path / "groups.csv",
        [
            ["typ", "namn (sv)", "verkar inom", "motsvarar", "område", "status", "status per", "källa"],
            ["LPO", "LPO Testområde", "Region Norrbotten", "", "Akut vård", "aktiv", "2025-01-01", SOURCE],
        ],
    )
    result = run_cli("import-table", str(path), "--format", "json", store=scratch_settings.store_dir)
    no_traceback(result)
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["status"] == "violations"
    r9 = [v for v in report["violations"] if v["rule"] == "R9"]
    assert r9 and r9[0]["cell"]["column"] == "D" and r9[0]["cell"]["row"] == 2
    assert r9[0]["cell"]["heading"] == "motsvarar" and r9[0]["source"]


def test_unusable_input_exits_2_listing_cells_in_every_format(scratch_settings: Settings, tmp_path):
    before = snapshot(scratch_settings)
    path = write_csv(
        tmp_path / "groups.csv",
        [["typ", "namn (sv)", "verkar inom", "bildad", "källa"], ["LPO", "LPO X", "Norrboten", "2025/13/01", SOURCE]],
    )
    text = run_cli("import-table", str(path), store=scratch_settings.store_dir)
    no_traceback(text)
    assert text.returncode == 2
    assert "cell C2, column 'verkar inom'" in text.stderr and "did you mean 'Region Norrbotten'" in text.stderr
    assert "cell D2, column 'bildad'" in text.stderr and "YYYY-MM-DD" in text.stderr
    as_json = run_cli("import-table", str(path), "-f", "json", store=scratch_settings.store_dir)
    assert as_json.returncode == 2
    cells = [(p["column"], p["row"]) for p in json.loads(as_json.stdout)["problems"]]
    assert cells == [("C", 2), ("D", 2)]
    junit = run_cli("import-table", str(path), "-f", "junit", store=scratch_settings.store_dir)
    assert junit.returncode == 2 and ET.fromstring(junit.stdout).get("failures") == "2"
    assert snapshot(scratch_settings) == before


def test_files_that_are_not_spreadsheets_exit_2_without_a_traceback(scratch_settings: Settings, tmp_path):
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip file")
    for args in (["import-table", str(broken)], ["import-table", str(tmp_path / "missing.csv")]):
        result = run_cli(*args, store=scratch_settings.store_dir)
        no_traceback(result)
        assert result.returncode == 2 and "error" in result.stderr


def test_export_template_writes_the_store_for_editing(built_settings: Settings, tmp_path):
    path = tmp_path / "all.xlsx"
    result = run_cli("export-template", "all", "--output", str(path), store=built_settings.store_dir)
    no_traceback(result)
    assert result.returncode == 0, result.stderr
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["groups", "posts", "memberships", "mandates", "decisions"]
    assert workbook["groups"].cell(3, 1).value  # an id in the first data row
    unknown = run_cli("export-template", "grupps", "-o", str(tmp_path / "x.csv"), store=built_settings.store_dir)
    assert unknown.returncode == 2 and "unknown template 'grupps'" in unknown.stderr


def test_the_hook_for_ksgraph_import_routes_one_spreadsheet(scratch_settings: Settings, tmp_path):
    """What ``ksgraph import FILE.csv`` does: its command calls :func:`import_tables`."""
    assert is_table(Path("a.XLSX")) and is_table(Path("b.csv")) and not is_table(Path("c.ttl"))
    with pytest.raises(typer.Exit) as mixed:
        import_tables([tmp_path / "a.csv", tmp_path / "b.ttl"], store=scratch_settings.store_dir)
    assert mixed.value.exit_code == 2
    path = write_csv(
        tmp_path / "members.csv",
        [["person", "grupp", "roll", "från", "källa"], ["Anna Andersson", LPO, "ledamot", "2025-01-01", SOURCE]],
    )
    before = snapshot(scratch_settings)[0]
    with pytest.raises(typer.Exit) as done:
        import_tables([path], fmt="json", store=scratch_settings.store_dir)
    assert done.value.exit_code == 0
    assert GraphStore(scratch_settings.store_dir).current().name != before
    member = ox.NamedNode("https://w3id.org/ksgraph/id/membership/anna-andersson/lpo/norrbotten/akut-vard")
    assert list(GraphStore(scratch_settings.store_dir).open_read().quads_for_pattern(member, None, None))


def _statuses(settings: Settings, group: str) -> set[str]:
    store = GraphStore(settings.store_dir).open_read()
    node = ox.NamedNode("https://w3id.org/ksgraph/id/" + group)
    return {q.object.value for q in store.quads_for_pattern(node, ox.NamedNode(KS + "status"), None, None)}


def test_export_edit_and_reimport_replaces_the_edited_value(scratch_settings: Settings, tmp_path: Path) -> None:
    """The steward's round trip (issue 10, 4): export to a template, change a status, re-import."""
    exported = tmp_path / "groups.csv"
    result = run_cli("export", "--template", "groups", "--output", str(exported), store=scratch_settings.store_dir)
    assert result.returncode == 0, result.stderr
    assert _statuses(scratch_settings, LPO) == {KS + "startingUp"}
    with open(exported, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    status = rows[1].index("status")
    # Only the edited group's row: the others keep what the store says of them.
    row = next(r for r in rows[2:] if r[0] == LPO)
    row[status] = "vilande"
    sources_before = len(_sources(scratch_settings, LPO))
    edited = write_csv(tmp_path / "edited.csv", [rows[0], rows[1], row])
    before = snapshot(scratch_settings)

    add_only = run_cli("import", str(edited), "--add-only", store=scratch_settings.store_dir)
    assert add_only.returncode == 1, add_only.stderr  # two statuses at once: R15, and nothing changed
    assert "R15 Violation" in add_only.stderr and "status" in add_only.stderr
    assert snapshot(scratch_settings) == before

    result = run_cli("import", str(edited), "--format", "json", store=scratch_settings.store_dir)
    no_traceback(result)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["status"] == "committed"
    assert {(s["predicate"], s["object"]) for s in report["superseded"]} == {(f"<{KS}status>", f"<{KS}startingUp>")}
    assert _statuses(scratch_settings, LPO) == {KS + "dormant"}
    # Sources hold many values: the file's are added, none of the store's is removed.
    assert len(_sources(scratch_settings, LPO)) >= sources_before


def _sources(settings: Settings, group: str) -> set[str]:
    store = GraphStore(settings.store_dir).open_read()
    node = ox.NamedNode("https://w3id.org/ksgraph/id/" + group)
    return {q.object.value for q in store.quads_for_pattern(node, ox.NamedNode(DCTERMS + "source"), None, None)}
