"""``ksgraph import``: all or nothing, validated, with provenance; killed or concurrent imports stay atomic."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox

from ksgraph.core.settings import Settings
from ksgraph.core.vocab import INFERRED_GRAPH, PROVENANCE_GRAPH, data_graph
from ksgraph.store.versions import GraphStore
from tests.conftest import ROOT, kill_when, run_cli

PREFIXES = """@prefix ks: <https://w3id.org/ksgraph/ontology#> .
@prefix id: <https://w3id.org/ksgraph/id/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
LPO_WITH_RPO = (
    PREFIXES
    + """
<https://w3id.org/ksgraph/id/lpo/vasterbotten/akut-vard> a ks:LocalProgrammeArea ;
    skos:prefLabel "LPO Akut vård"@sv ;
    ks:scope <https://w3id.org/ksgraph/id/region/vasterbotten> ;
    ks:counterpartOf <https://w3id.org/ksgraph/id/rpo/norra/akutvard> ;
    ks:field <https://w3id.org/ksgraph/id/field/akut-vard> ;
    ks:status ks:startingUp ;
    dcterms:source <https://w3id.org/ksgraph/id/source/004/samarbete-npo-rpo-lpo> .
"""
)
LPO_WITHOUT_RPO = LPO_WITH_RPO.replace("    ks:counterpartOf <https://w3id.org/ksgraph/id/rpo/norra/akutvard> ;\n", "")
SECOND_HOST = PREFIXES + (
    "<https://w3id.org/ksgraph/id/npo/akut-vard> ks:hostedBy <https://w3id.org/ksgraph/id/healthcare-region/norra> .\n"
)


def dump(settings: Settings) -> list[str]:
    """Every quad of the published version, sorted (the store's content, quad for quad)."""
    store = GraphStore(settings.store_dir).open_read()
    text = ox.serialize(store, format=ox.RdfFormat.N_QUADS).decode("utf-8")
    return sorted(text.splitlines())


def provenance_runs(lines: list[str]) -> int:
    return sum(
        1 for line in lines if line.endswith(f"<https://w3id.org/ksgraph/ontology#StoreChange> <{PROVENANCE_GRAPH}> .")
    )


def unrelated(lines: list[str]) -> list[str]:
    """The quads an import of the bulk file must leave alone: all but its nodes' and the provenance graph's."""
    bulk = "<https://w3id.org/ksgraph/id/knowledge-support/bulk-"
    return [line for line in lines if not line.startswith(bulk) and not line.endswith(f"<{PROVENANCE_GRAPH}> .")]


def written_bytes(store: Path, published: str) -> int:
    """Bytes a writer has written into its versions newer than ``published``, -1 before one exists.

    A new version starts as hard links to the published one (st_nlink > 1); the files with a
    single link are the writer's own (log, manifest, new tables), so their size is its progress.
    """
    versions = store / "versions"
    newer = [p for p in versions.iterdir() if p.name > published] if versions.is_dir() else []
    total = -1 if not newer else 0
    for version in newer:
        with contextlib.suppress(FileNotFoundError):
            total += sum(f.stat().st_size for f in os.scandir(version) if f.stat().st_nlink == 1)
    return total


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_import_lpo_without_rpo_is_rejected(scratch_settings: Settings, tmp_path: Path) -> None:
    before = dump(scratch_settings)
    done = run_cli("import", str(_write(tmp_path, "lpo.ttl", LPO_WITHOUT_RPO)), store=scratch_settings.store_dir)
    assert done.returncode == 1, done.stderr
    assert "R9: " in done.stdout
    assert "LPO Akut vård <https://w3id.org/ksgraph/id/lpo/vasterbotten/akut-vard>" in done.stdout
    assert "<https://w3id.org/ksgraph/id/source/002/kunskapsstyrning>" in done.stdout
    assert "nothing was imported" in done.stderr
    assert dump(scratch_settings) == before


def test_import_second_host_is_rejected(scratch_settings: Settings, tmp_path: Path) -> None:
    before = dump(scratch_settings)
    done = run_cli(
        "import", str(_write(tmp_path, "host.ttl", SECOND_HOST)), "--format", "json", store=scratch_settings.store_dir
    )
    assert done.returncode == 1, done.stderr
    assert '"rule": "R2"' in done.stdout and '"focusNode": "https://w3id.org/ksgraph/id/npo/akut-vard"' in done.stdout
    assert dump(scratch_settings) == before


def test_import_malformed_is_exit_2_and_changes_nothing(scratch_settings: Settings, tmp_path: Path) -> None:
    before = dump(scratch_settings)
    good = _write(tmp_path, "good.ttl", LPO_WITH_RPO)
    bad = _write(
        tmp_path, "bad.ttl", PREFIXES + '\nid:x a ks:Region ;\n   skos:prefLabel "x"@sv\n id:y a ks:Region .\n'
    )
    done = run_cli("import", str(good), str(bad), store=scratch_settings.store_dir)
    assert done.returncode == 2
    assert f"{bad}:9:" in done.stderr
    assert dump(scratch_settings) == before


def test_import_commits_reasons_and_records(scratch_settings: Settings, tmp_path: Path) -> None:
    before = dump(scratch_settings)
    path = _write(tmp_path, "vasterbotten.ttl", LPO_WITH_RPO)
    done = run_cli("import", str(path), "--agent", "steward", store=scratch_settings.store_dir)
    assert done.returncode == 0, done.stdout + done.stderr
    after = dump(scratch_settings)
    lpo = "<https://w3id.org/ksgraph/id/lpo/vasterbotten/akut-vard>"
    assert any(line.startswith(lpo) and line.endswith(f"<{data_graph('vasterbotten')}> .") for line in after)
    # Reasoning ran in the same write: LPO -> RPO -> NPO.
    national = (
        f"{lpo} <https://w3id.org/ksgraph/ontology#nationalCounterpart> "
        f"<https://w3id.org/ksgraph/id/npo/akut-vard> <{INFERRED_GRAPH}> ."
    )
    assert national in after
    assert provenance_runs(after) == provenance_runs(before) + 1
    assert any('"steward"' in line for line in after)
    # --replace swaps the graph's content; the LPO's old triples go.
    renamed = LPO_WITH_RPO.replace("LPO Akut vård", "LPO Akutsjukvård")
    done = run_cli(
        "import", str(_write(tmp_path, "vasterbotten.ttl", renamed)), "--replace", store=scratch_settings.store_dir
    )
    assert done.returncode == 0, done.stderr
    labels = [line for line in dump(scratch_settings) if line.startswith(lpo) and "prefLabel" in line]
    new_label = f'{lpo} <http://www.w3.org/2004/02/skos/core#prefLabel> "LPO Akutsjukvård"@sv'
    # Once in its data graph and once in the store's default graph, which holds the published merge.
    assert sorted(labels) == sorted([f"{new_label} <{data_graph('vasterbotten')}> .", f"{new_label} ."])


def _big_file(tmp_path: Path, n: int = 6000) -> Path:
    lines = [PREFIXES]
    for i in range(n):
        lines.append(
            f"<https://w3id.org/ksgraph/id/knowledge-support/bulk-{i}> a ks:KnowledgeSupport ;\n"
            f'    skos:prefLabel "Kunskapsstöd {i}"@sv , "Knowledge support {i}"@en ;\n'
            f"    dcterms:source <https://w3id.org/ksgraph/id/source/003/28-vardforlopp-i-olika-faser> .\n"
        )
    return _write(tmp_path, "bulk.ttl", "".join(lines))


def _import_process(settings: Settings, path: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "KSGRAPH_STORE": str(settings.store_dir)}
    return subprocess.Popen(
        [sys.executable, "-m", "ksgraph.cli", "import", str(path)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def test_sigkill_leaves_before_or_after(scratch_settings: Settings, tmp_path: Path) -> None:
    big = _big_file(tmp_path)
    before = dump(scratch_settings)
    killed_running = 0
    published = GraphStore(scratch_settings.store_dir).current()
    assert published is not None
    # Kill points through the write, by what it has written (never by a delay): as its version
    # appears, then as that grows; the last is past any write (the process ends first).
    for written in (0, 200_000, 1_000_000, 4_000_000, 1 << 40):
        process = _import_process(scratch_settings, big)
        killed_running += kill_when(
            process, lambda n=written: written_bytes(scratch_settings.store_dir, published.name) >= n
        )
        now = dump(scratch_settings)
        if now == before:
            continue
        # Only the whole import may have landed: its data, its inferences and one record.
        assert provenance_runs(now) == provenance_runs(before) + 1
        assert sum(1 for line in now if line.endswith(f"<{data_graph('bulk')}> .")) == 6000 * 4
        assert unrelated(now) == unrelated(before)
        break
    assert killed_running, "every import finished before it could be killed; the test proved nothing"
    # A following import needs no repair: a killed writer's unpublished version is cleared.
    done = run_cli("import", str(big), "--replace", store=scratch_settings.store_dir)
    assert done.returncode == 0, done.stderr
    store = GraphStore(scratch_settings.store_dir)
    current = store.current()
    assert current is not None
    assert all(p.name <= current.name for p in store.versions_dir.iterdir())


def test_concurrent_imports_are_serialised(scratch_settings: Settings, tmp_path: Path) -> None:
    before = provenance_runs(dump(scratch_settings))
    first = _write(tmp_path, "vasterbotten.ttl", LPO_WITH_RPO)
    second = _write(tmp_path, "norrbotten-extra.ttl", LPO_WITH_RPO.replace("vasterbotten", "vasternorrland"))
    runs = [_import_process(scratch_settings, p) for p in (first, second)]
    codes = [p.wait(timeout=300) for p in runs]
    assert codes == [0, 0], [p.stderr.read() for p in runs if p.stderr]
    after = dump(scratch_settings)
    assert provenance_runs(after) == before + 2
    for stem in ("vasterbotten", "norrbotten-extra"):
        assert any(line.endswith(f"<{data_graph(stem)}> .") for line in after)
