"""``ksgraph export --release DIR``: every file parses and its checksum matches."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyoxigraph as ox
import pytest

from ksgraph.core.settings import Settings
from ksgraph.core.vocab import DCAT, VOID
from ksgraph.publish.release import graph_file_name, verify_release
from ksgraph.publish.void import DATASET_IRI
from ksgraph.store.dataset import graph_names
from ksgraph.store.versions import GraphStore, named_quads
from tests.conftest import ROOT, run_cli


@pytest.fixture(scope="module")
def release(built_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("releases")
    result = run_cli("export", "--release", str(target), "--release-version", "9.9.9", store=built_settings.store_dir)
    assert result.returncode == 0, result.stderr
    assert "wrote release 9.9.9" in result.stderr
    return target / "9.9.9"


def quads(path: Path, fmt: ox.RdfFormat) -> list[ox.Quad]:
    return list(ox.parse(path=str(path), format=fmt))


def without_blank_nodes(qs: list[ox.Quad]) -> set[ox.Quad]:
    return {q for q in qs if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)}


def test_release_has_every_part(release: Path, built_settings: Settings) -> None:
    store = GraphStore(built_settings.store_dir).open_read()
    expected = {"SHA256SUMS", "void.ttl", "context.jsonld", "ksgraph.nq", "ksgraph.trig", "ksgraph.jsonld"}
    expected |= {f"graphs/{graph_file_name(g)}" for g in graph_names(store)}
    expected |= {f"ontology/{p.name}" for p in (ROOT / "ontology").glob("*.ttl")}
    expected |= {f"shapes/{p.name}" for p in (ROOT / "shapes").glob("*.ttl")}
    present = {p.relative_to(release).as_posix() for p in release.rglob("*") if p.is_file()}
    assert present == expected
    for part in ("ontology", "shapes"):
        for source in (ROOT / part).glob("*.ttl"):
            assert (release / part / source.name).read_bytes() == source.read_bytes()


def test_every_checksum_matches_and_every_file_parses(release: Path) -> None:
    lines = (release / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    assert len(lines) == sum(1 for p in release.rglob("*") if p.is_file()) - 1
    for line in lines:
        digest, name = line.split("  ", 1)
        assert hashlib.sha256((release / name).read_bytes()).hexdigest() == digest, name
    assert verify_release(release) == []


def test_serialisations_carry_the_same_quads_as_the_store(release: Path, built_settings: Settings) -> None:
    # The store's named graphs; its default graph only repeats their merge (store.py) and is not exported.
    store = list(named_quads(GraphStore(built_settings.store_dir).open_read()))
    nq = quads(release / "ksgraph.nq", ox.RdfFormat.N_QUADS)
    assert set(nq) == set(store)
    assert not any(isinstance(q.graph_name, ox.DefaultGraph) for q in nq)
    trig = quads(release / "ksgraph.trig", ox.RdfFormat.TRIG)
    jsonld = quads(release / "ksgraph.jsonld", ox.RdfFormat.JSON_LD)
    for other in (trig, jsonld):
        assert len(other) == len(nq)
        assert without_blank_nodes(other) == without_blank_nodes(nq)
    per_graph = 0
    for graph in graph_names(GraphStore(built_settings.store_dir).open_read()):
        triples = quads(release / "graphs" / graph_file_name(graph), ox.RdfFormat.TURTLE)
        assert len(triples) == sum(1 for q in nq if q.graph_name == ox.NamedNode(graph)), graph
        per_graph += len(triples)
    assert per_graph == len(nq)


def test_void_lists_the_files_with_their_checksums(release: Path) -> None:
    void = ox.Store()
    void.load(path=str(release / "void.ttl"), format=ox.RdfFormat.TURTLE)
    found = {
        row["url"].value.rsplit("/9.9.9/", 1)[1]: row["sum"].value
        for row in void.query(
            "SELECT ?url ?sum WHERE { ?ds dcat:distribution ?d . ?d dcat:downloadURL ?url ; "
            "spdx:checksum/spdx:checksumValue ?sum }",
            prefixes={"dcat": DCAT, "spdx": "http://spdx.org/rdf/terms#"},
        )
    }
    sums = dict(reversed(line.split("  ", 1)) for line in (release / "SHA256SUMS").read_text().splitlines())
    assert found == {name: digest for name, digest in sums.items() if name != "void.ttl"}
    assert void.query(f'ASK {{ <{DATASET_IRI}> <{VOID}dataDump> ?dump ; <{DCAT}version> "9.9.9" }}')


def test_tampering_is_detected(release: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(release, copy)
    with open(copy / "ksgraph.nq", "ab") as handle:
        handle.write(b"<https://example.org/s> <https://example.org/p> <https://example.org/o> .\n")
    (copy / "graphs" / "stray.ttl").write_text("not turtle at all <<<", encoding="utf-8")
    problems = verify_release(copy)
    assert "ksgraph.nq: checksum does not match SHA256SUMS" in problems
    assert "graphs/stray.ttl is not listed in SHA256SUMS" in problems


def test_a_release_is_never_overwritten(release: Path, built_settings: Settings) -> None:
    before = (release / "SHA256SUMS").read_bytes()
    again = run_cli(
        "export", "--release", str(release.parent), "--release-version", "9.9.9", store=built_settings.store_dir
    )
    assert again.returncode == 2
    assert "never overwritten" in again.stderr
    assert (release / "SHA256SUMS").read_bytes() == before
    assert not [p for p in release.parent.iterdir() if p.name.startswith(".")]  # no partial left behind
