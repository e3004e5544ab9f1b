"""Building, the store's atomicity, and exporting."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import to_canonical_graph

from ksgraph.changes.build import build
from ksgraph.core.settings import Settings
from ksgraph.core.terms import to_rdflib
from ksgraph.core.vocab import INFERRED_GRAPH, ONTOLOGY_GRAPH, PROVENANCE_GRAPH, data_graph
from ksgraph.store.versions import GraphStore, StoreMissing, named_quads
from tests.conftest import ROOT, run_cli


def quads_without_provenance(settings: Settings) -> dict[str, rdflib.Graph]:
    """Each graph but provenance, comparable by isomorphism (blank nodes get new labels on every parse)."""
    store = GraphStore(settings.store_dir).open_read()
    graphs: dict[str, rdflib.Graph] = {}
    for q in store:
        if q.graph_name == ox.NamedNode(PROVENANCE_GRAPH):
            continue
        # The store's default graph holds the published merge (store.py); compared like the others.
        name = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else "default graph"
        graph = graphs.setdefault(name, rdflib.Graph())
        graph.add(tuple(to_rdflib(t) for t in (q.subject, q.predicate, q.object)))
    return {name: to_canonical_graph(g) for name, g in graphs.items()}


def same_graphs(a: dict[str, rdflib.Graph], b: dict[str, rdflib.Graph]) -> bool:
    return a.keys() == b.keys() and all(set(a[k]) == set(b[k]) for k in a)


def copy_checkout(tmp_path: Path) -> Path:
    """A private copy of ontology/ and data/ that a test may break."""
    root = tmp_path / "checkout"
    for part in ("ontology", "data", "queries", "shapes"):
        if (ROOT / part).exists():
            shutil.copytree(ROOT / part, root / part)
    return root


def test_build_puts_each_file_in_its_own_graph(built_settings: Settings) -> None:
    store = GraphStore(built_settings.store_dir).open_read()
    graphs = {g.value for g in store.named_graphs()}
    assert ONTOLOGY_GRAPH in graphs
    assert INFERRED_GRAPH in graphs
    assert PROVENANCE_GRAPH in graphs
    for path in (ROOT / "data").glob("*.ttl"):
        assert data_graph(path.stem) in graphs, path


def test_build_is_idempotent(tmp_path: Path, built_settings: Settings) -> None:
    again = Settings(store_dir=tmp_path / "again", root=built_settings.root)
    build(again)
    build(again)
    assert same_graphs(quads_without_provenance(again), quads_without_provenance(built_settings))


def test_broken_data_file_exits_2_with_file_and_line_and_keeps_the_store(tmp_path: Path) -> None:
    root = copy_checkout(tmp_path)
    store_dir = tmp_path / "store"
    settings = Settings(store_dir=store_dir, root=root)
    build(settings, reason=False)
    before = quads_without_provenance(settings)
    bad = root / "data" / "broken.ttl"
    bad.write_text(
        "@prefix ks: <https://w3id.org/ksgraph/ontology#> .\n"
        "<https://w3id.org/ksgraph/id/x> a ks:Region .\n"
        "<https://w3id.org/ksgraph/id/y> a ks:Region\n"
        "<https://w3id.org/ksgraph/id/z> a ks:Region .\n",
        encoding="utf-8",
    )
    import os

    result = run_cli("build", "--store", str(store_dir), env={"KSGRAPH_HOME": str(root)})
    assert result.returncode == 2, result.stderr
    assert "broken.ttl:4" in result.stderr
    assert "nothing was changed" in result.stderr
    assert same_graphs(quads_without_provenance(settings), before)
    assert os.environ.get("KSGRAPH_HOME") is None


def test_store_env_variable_selects_the_store(tmp_path: Path, built_settings: Settings) -> None:
    empty = tmp_path / "nothing-here"
    result = run_cli("stats", store=empty)
    assert result.returncode == 2
    assert "ksgraph build" in result.stderr
    ok = run_cli("stats", "--format", "json", store=built_settings.store_dir)
    assert ok.returncode == 0, ok.stderr
    assert '"triples"' in ok.stdout


def test_missing_store_is_reported() -> None:
    with pytest.raises(StoreMissing):
        GraphStore(Path("/nonexistent/ksgraph-store")).open_read()


def test_failed_write_publishes_nothing(scratch_settings: Settings) -> None:
    graph_store = GraphStore(scratch_settings.store_dir)
    before_version = graph_store.current()
    before = quads_without_provenance(scratch_settings)
    with pytest.raises(RuntimeError), graph_store.write() as store:
        store.remove_graph(ox.NamedNode(ONTOLOGY_GRAPH))
        raise RuntimeError("simulated failure half-way")
    assert graph_store.current() == before_version
    assert same_graphs(quads_without_provenance(scratch_settings), before)
    assert [p.name for p in graph_store.versions_dir.iterdir()].count(before_version.name) == 1


def test_export_nquads_round_trips_every_graph(tmp_path: Path, built_settings: Settings) -> None:
    out = tmp_path / "ksgraph.nq"
    result = run_cli("export", "--format", "nquads", "--output", str(out), store=built_settings.store_dir)
    assert result.returncode == 0, result.stderr
    exported = {str(q) for q in ox.parse(path=str(out), format=ox.RdfFormat.N_QUADS)}
    # Every named graph; the store's default graph only repeats their merge (store.py) and stays home.
    original = {str(q) for q in named_quads(GraphStore(built_settings.store_dir).open_read())}
    assert exported == original


@pytest.mark.parametrize("fmt", ["turtle", "trig", "jsonld", "ntriples", "rdfxml"])
def test_every_export_format_parses(tmp_path: Path, built_settings: Settings, fmt: str) -> None:
    suffix = {"turtle": "ttl", "trig": "trig", "jsonld": "jsonld", "ntriples": "nt", "rdfxml": "rdf"}[fmt]
    out = tmp_path / f"ksgraph.{suffix}"
    result = run_cli("export", "--format", fmt, "--output", str(out), store=built_settings.store_dir)
    assert result.returncode == 0, result.stderr
    parsed = list(ox.parse(path=str(out)))
    assert len(parsed) > 1000
