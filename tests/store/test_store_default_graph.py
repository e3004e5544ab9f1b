"""The store's default graph holds the published dataset (asserted + inferred graphs, provenance left out)
and every kind of write keeps it equal to the merge of those graphs."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from ksgraph.core.settings import Settings
from ksgraph.core.vocab import INFERRED_GRAPH, PROVENANCE_GRAPH, data_graph
from ksgraph.sparql.run import run
from ksgraph.store.dataset import in_default_graph
from ksgraph.store.versions import GraphStore
from tests.conftest import run_cli

DEFAULT = ox.DefaultGraph()
ID = "https://w3id.org/ksgraph/id/"
SKOS_LABEL = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")


def _default_and_merge(store_dir: Path) -> tuple[set[ox.Triple], set[ox.Triple]]:
    store = GraphStore(store_dir).open_read()
    default = {q.triple for q in store.quads_for_pattern(None, None, None, DEFAULT)}
    merge = {
        q.triple
        for g in store.named_graphs()
        if in_default_graph(g)
        for q in store.quads_for_pattern(None, None, None, g)
    }
    return default, merge


def test_a_build_materialises_the_merge_without_provenance(built_settings: Settings) -> None:
    default, merge = _default_and_merge(built_settings.store_dir)
    assert default == merge and len(default) > 5000
    store = GraphStore(built_settings.store_dir).open_read()
    provenance = {q.triple for q in store.quads_for_pattern(None, None, None, ox.NamedNode(PROVENANCE_GRAPH))}
    assert provenance and not provenance & default
    assert any(True for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(INFERRED_GRAPH)))


def test_every_write_keeps_the_default_graph_equal_to_the_merge(scratch_settings: Settings, tmp_path: Path) -> None:
    store_dir = scratch_settings.store_dir
    graphs = GraphStore(store_dir)
    lpo = ox.NamedNode(ID + "lpo/test/one")
    extra = ox.NamedNode(data_graph("extra"))
    other = ox.NamedNode(data_graph("other"))
    shared = ox.Quad(lpo, SKOS_LABEL, ox.Literal("Delad", language="sv"), extra)

    # Quads added in two graphs; then removed from one of them: the triple stays, as the other states it.
    with graphs.write() as store:
        store.add(shared)
        store.extend([ox.Quad(shared.subject, shared.predicate, shared.object, other)])
        store.add(ox.Quad(lpo, SKOS_LABEL, ox.Literal("Bara här", language="sv"), extra))
    default, merge = _default_and_merge(store_dir)
    assert default == merge and shared.triple in default
    with graphs.write() as store:
        store.clear_graph(extra)
    default, merge = _default_and_merge(store_dir)
    assert default == merge
    assert shared.triple in default
    assert ox.Triple(lpo, SKOS_LABEL, ox.Literal("Bara här", language="sv")) not in default
    with graphs.write() as store:
        store.remove(ox.Quad(shared.subject, shared.predicate, shared.object, other))
    default, merge = _default_and_merge(store_dir)
    assert default == merge and shared.triple not in default

    # Quads in the provenance graph never reach it.
    with graphs.write() as store:
        store.add(ox.Quad(lpo, SKOS_LABEL, ox.Literal("prov"), ox.NamedNode(PROVENANCE_GRAPH)))
    default, merge = _default_and_merge(store_dir)
    assert default == merge and ox.Triple(lpo, SKOS_LABEL, ox.Literal("prov")) not in default

    # A SPARQL Update says nothing of the graphs it changes: the default graph is rebuilt.
    with graphs.write() as store:
        store.update(f"INSERT DATA {{ GRAPH <{other.value}> {{ <{lpo.value}> <{SKOS_LABEL.value}> 'upd'@sv }} }}")
    default, merge = _default_and_merge(store_dir)
    assert default == merge and ox.Triple(lpo, SKOS_LABEL, ox.Literal("upd", language="sv")) in default

    # The CLI's writes: an import with reasoning, then a re-import that replaces the graph, then reason.
    ttl = tmp_path / "extra.ttl"
    ttl.write_text(
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        f"<{ID}region/norrbotten> skos:altLabel 'NLL-test'@sv .\n",
        encoding="utf-8",
    )
    for args in (("import", str(ttl)), ("import", str(ttl), "--replace"), ("reason",)):
        done = run_cli(*args, store=store_dir)
        assert done.returncode == 0, done.stderr
        default, merge = _default_and_merge(store_dir)
        assert default == merge, args


def test_queries_read_the_materialised_graph(scratch_settings: Settings) -> None:
    """The CLI's queries answer from the store's default graph: a triple only there is seen."""
    graphs = GraphStore(scratch_settings.store_dir)
    marker = ox.Quad(ox.NamedNode(ID + "marker"), SKOS_LABEL, ox.Literal("only in the default graph"), DEFAULT)
    store = ox.Store(str(graphs.current().path))
    store.add(marker)
    store.flush()
    del store
    store = graphs.open_read()
    query = f"ASK {{ <{ID}marker> ?p ?o }}"
    assert bool(run(store, query)) is True
    # Asserted-only queries name their graphs and so do not see it.
    assert bool(run(store, query, inferred=False)) is False
