"""Targeted validation through the store view (ksgraph.validation.view) reports exactly what the copy reported.

``ksgraph import`` used to copy the whole store into rdflib (``data_from_store``) and back into
pyoxigraph (``to_store``) to validate a few nodes; it now reads them from the store. Each case
here validates the same change both ways, on the real data (plus synthetic groups, so that the
store is much larger than what an import touches), and asserts the same results, result for result.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from ksgraph.changes import checks as importer
from ksgraph.changes.imports import ImportRejected, import_files
from ksgraph.core.settings import Settings
from ksgraph.core.terms import to_ox
from ksgraph.core.vocab import DATA_GRAPH_BASE, ONTOLOGY_GRAPH, data_graph
from ksgraph.store.dataset import data_graph_names
from ksgraph.store.versions import GraphStore
from ksgraph.validation import validate as validation
from ksgraph.validation import view as storeview
from ksgraph.validation.focus import changed_triples, touched_nodes
from ksgraph.validation.sparql import to_store
from ksgraph.validation.validate import Report, data_from_store, data_view, load_ontology, load_shapes, validate
from ksgraph.validation.view import GraphUnion, StoreView
from tests.changes.test_import import LPO_WITH_RPO, LPO_WITHOUT_RPO, SECOND_HOST
from tests.conftest import ROOT

MUTATIONS = sorted((ROOT / "tests" / "mutations").glob("*.ru"))
SYNTHETIC = 100_000
BATCH_GRAPH = data_graph("batch")


def _generator():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def real(built_settings: Settings) -> list[ox.Quad]:
    """The quads of the store built from the real data (with its inferences, provenance and default graph)."""
    return list(GraphStore(built_settings.store_dir).open_read())


@pytest.fixture(scope="module")
def base(real: list[ox.Quad]) -> list[ox.Quad]:
    """The real store plus a synthetic data graph: the store is much larger than what an import touches."""
    return real + list(_generator().generate(SYNTHETIC, 2017))


@pytest.fixture(scope="module")
def shapes(built_settings: Settings) -> rdflib.Graph:
    return load_shapes(built_settings)


@pytest.fixture(scope="module")
def ontology(built_settings: Settings) -> rdflib.Graph:
    return load_ontology(built_settings)


def _store(quads: list[ox.Quad]) -> ox.Store:
    store = ox.Store()
    store.extend(quads)
    return store


def _rdflib(quad: ox.Quad) -> tuple[rdflib.term.Node, rdflib.term.Node, rdflib.term.Node]:
    term = storeview.rdflib_term
    return term(quad.subject), term(quad.predicate), term(quad.object)  # type: ignore[arg-type]


def _parse(text: str, graph: str = BATCH_GRAPH) -> list[ox.Quad]:
    triples = ox.parse(text.encode("utf-8"), ox.RdfFormat.TURTLE)
    return [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(graph)) for t in triples]


def _both(
    store: ox.Store, changed: list[ox.Quad], settings: Settings, shapes: rdflib.Graph, ontology: rdflib.Graph
) -> tuple[Report, Report, StoreView]:
    """(through the view, through the copy, the view): the importer's targeted validation both ways."""
    view = data_view(store)
    assert isinstance(view.store, StoreView)
    focus = touched_nodes(view, changed_triples(changed))
    copy = data_from_store(store)
    assert focus == touched_nodes(copy, changed_triples(changed))
    by_view = validate(view, settings, focus=focus, shapes=shapes, ontology=ontology)
    by_copy = validate(copy, settings, focus=focus, shapes=shapes, ontology=ontology)
    return by_view, by_copy, view.store


def _assert_same(by_view: Report, by_copy: Report) -> None:
    assert by_view.triples == by_copy.triples
    assert by_view.focus_nodes == by_copy.focus_nodes
    assert by_view.conforms == by_copy.conforms
    key = repr
    assert sorted(map(key, (r.as_dict() for r in by_view.results))) == sorted(
        map(key, (r.as_dict() for r in by_copy.results))
    )


@pytest.fixture()
def no_copies(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Fails any whole-store copy (into rdflib, or back into pyoxigraph) made by the commit's checks or validation."""
    calls: list[str] = []

    def refuse(name: str):  # type: ignore[no-untyped-def]
        def copy(*args: object, **kwargs: object) -> None:
            calls.append(name)
            raise AssertionError(f"{name} copied the whole store")

        return copy

    monkeypatch.setattr(importer, "data_from_store", refuse("data_from_store"))
    monkeypatch.setattr(validation, "to_store", refuse("to_store"))
    monkeypatch.setattr(GraphUnion, "_merged", refuse("GraphUnion._merged"))
    yield calls
    assert not calls


def test_conforming_import_same_results_without_copying_the_store(
    base: list[ox.Quad], built_settings: Settings, shapes: rdflib.Graph, ontology: rdflib.Graph
) -> None:
    store = _store(base)
    batch = [
        ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(BATCH_GRAPH))
        for q in _generator().generate(1000, 2018, first_replica=1_000_000)
    ]
    store.extend(batch)
    by_view, by_copy, view = _both(store, batch, built_settings, shapes, ontology)
    assert by_copy.conforms and by_copy.focus_nodes
    _assert_same(by_view, by_copy)
    # The view read around the focus nodes only: no whole-graph scan, a small part of the store.
    assert view.scans == 0
    assert view.reads < by_copy.triples // 5, (view.reads, by_copy.triples)


@pytest.mark.parametrize("text", [LPO_WITHOUT_RPO, SECOND_HOST, LPO_WITH_RPO], ids=["R9", "R2", "conforms"])
def test_import_same_results(
    text: str, base: list[ox.Quad], built_settings: Settings, shapes: rdflib.Graph, ontology: rdflib.Graph
) -> None:
    store = _store(base)
    added = _parse(text)
    store.extend(added)
    by_view, by_copy, _ = _both(store, added, built_settings, shapes, ontology)
    assert by_copy.conforms == (text is LPO_WITH_RPO)
    _assert_same(by_view, by_copy)


@pytest.mark.parametrize("path", MUTATIONS, ids=[p.stem for p in MUTATIONS])
def test_mutation_same_results(
    path: Path, real: list[ox.Quad], built_settings: Settings, shapes: rdflib.Graph, ontology: rdflib.Graph
) -> None:
    """Every rule broken by a change to the store's data graphs (the mutations of test_validate)."""
    store = _store(real)
    before = data_from_store(store)
    after = rdflib.Graph()
    after += before
    after.update(path.read_text(encoding="utf-8"))
    removed = set(before - after)
    added = [ox.Quad(to_ox(s), to_ox(p), to_ox(o), ox.NamedNode(BATCH_GRAPH)) for s, p, o in after - before]
    gone = [q for g in data_graph_names(store) for q in store.quads_for_pattern(None, None, None, g)]
    gone = [q for q in gone if _rdflib(q) in removed]
    for quad in gone:
        store.remove(quad)
    store.extend(added)
    by_view, by_copy, _ = _both(store, added + gone, built_settings, shapes, ontology)
    rule = next(line.split(": ", 1)[1] for line in path.read_text(encoding="utf-8").splitlines() if "# rule: " in line)
    assert rule in {r.rule for r in by_copy.results}
    _assert_same(by_view, by_copy)


def test_import_validates_through_the_view(scratch_settings: Settings, tmp_path: Path, no_copies: list[str]) -> None:
    rejected = tmp_path / "lpo.ttl"
    rejected.write_text(LPO_WITHOUT_RPO, encoding="utf-8")
    with pytest.raises(ImportRejected) as caught:
        import_files(scratch_settings, [rejected])
    assert {r.rule for r in caught.value.report.violations} == {"R9"}
    path = tmp_path / "vasterbotten.ttl"
    path.write_text(LPO_WITH_RPO, encoding="utf-8")
    result = import_files(scratch_settings, [path])
    assert result.report.conforms and result.report.focus_nodes


# -- the view against the copy on small stores built to be awkward ------------------------------------

EX = "https://w3id.org/ksgraph/id/example/"
# Plain IRIs: pytest's collection probes module attributes, which rdflib's namespace objects warn about.
XSD_DATE = rdflib.URIRef("http://www.w3.org/2001/XMLSchema#date")
XSD_STRING = rdflib.URIRef("http://www.w3.org/2001/XMLSchema#string")
PREF_LABEL = rdflib.URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")
LABEL = rdflib.URIRef("http://www.w3.org/2000/01/rdf-schema#label")
SUBCLASS_OF = rdflib.URIRef("http://www.w3.org/2000/01/rdf-schema#subClassOf")


def _n(name: str) -> ox.NamedNode:
    return ox.NamedNode(EX + name)


def _awkward() -> ox.Store:
    """Two data graphs that share triples, a label in each, a dated literal with a time zone, other graphs."""
    a, b = ox.NamedNode(DATA_GRAPH_BASE + "a"), ox.NamedNode(DATA_GRAPH_BASE + "b")
    label = ox.NamedNode(str(PREF_LABEL))
    kind = ox.NamedNode(str(rdflib.RDF.type))
    store = _store(
        [
            ox.Quad(_n("x"), kind, _n("C"), a),
            ox.Quad(_n("x"), kind, _n("C"), b),
            ox.Quad(_n("x"), label, ox.Literal("andra", language="sv"), b),
            ox.Quad(_n("x"), label, ox.Literal("första", language="sv"), a),
            ox.Quad(_n("x"), _n("when"), ox.Literal("2020-01-01Z", datatype=ox.NamedNode(str(XSD_DATE))), a),
            ox.Quad(_n("x"), _n("name"), ox.Literal("x"), a),
            ox.Quad(_n("y"), _n("link"), _n("x"), b),
            ox.Quad(_n("y"), kind, _n("C"), a),
            ox.Quad(_n("C"), ox.NamedNode(str(SUBCLASS_OF)), _n("D"), ox.NamedNode(ONTOLOGY_GRAPH)),
            ox.Quad(_n("z"), kind, _n("C"), ox.NamedNode("https://w3id.org/ksgraph/graph/inferred")),
            ox.Quad(_n("z"), kind, _n("C")),
        ]
    )
    return store


PATTERNS = [
    (None, None, None),
    (rdflib.URIRef(EX + "x"), None, None),
    (rdflib.URIRef(EX + "x"), PREF_LABEL, None),
    (None, rdflib.RDF.type, rdflib.URIRef(EX + "C")),
    (None, None, rdflib.URIRef(EX + "x")),
    (None, rdflib.URIRef(EX + "when"), rdflib.Literal("2020-01-01", datatype=XSD_DATE)),
    (rdflib.URIRef(EX + "x"), None, rdflib.Literal("x")),
    (rdflib.URIRef(EX + "x"), None, rdflib.Literal("x", datatype=XSD_STRING)),
    (rdflib.Literal("x"), None, None),
    (None, rdflib.URIRef(EX + "link"), None),
]


@pytest.mark.parametrize("pattern", PATTERNS, ids=[str(i) for i in range(len(PATTERNS))])
def test_view_answers_each_pattern_as_the_copy(pattern: tuple[object, object, object]) -> None:
    store = _awkward()
    view, copy = data_view(store), data_from_store(store)
    extra = rdflib.Graph()
    extra.add((rdflib.URIRef(EX + "x"), rdflib.RDF.type, rdflib.URIRef(EX + "C")))
    extra.add((rdflib.URIRef(EX + "x"), LABEL, rdflib.Literal("ontologins")))
    view += extra
    copy += extra
    found, expected = list(view.triples(pattern)), list(copy.triples(pattern))  # type: ignore[arg-type]
    assert sorted(found) == sorted(expected)
    assert len(found) == len(set(found))
    if pattern[0] is not None or pattern[2] is not None:
        assert found == expected, "a node's triples come in the copy's order"
    assert len(view) == len(copy)


def test_view_counts_shared_triples_once_with_many_graphs() -> None:
    """The count's two ways (repeats subtracted from the smaller graphs, or DISTINCT) both count each triple once."""
    kind = ox.NamedNode(str(rdflib.RDF.type))
    quads = [ox.Quad(_n(f"s{i}"), kind, _n("C"), ox.NamedNode(DATA_GRAPH_BASE + f"g{i % 3}")) for i in range(30)]
    quads += [ox.Quad(_n(f"s{i}"), kind, _n("C"), ox.NamedNode(DATA_GRAPH_BASE + "big")) for i in range(0, 300, 2)]
    for some in (quads, quads[:5] + quads[30:]):
        store = _store(some)
        assert len(data_view(store)) == len(data_from_store(store))


def test_sparql_union_has_set_semantics() -> None:
    """A triple in two graphs makes pyoxigraph repeat a solution; the union answers as the merged copy does."""
    store = _awkward()
    view = data_view(store)
    query = "SELECT ?s WHERE { ?s a <" + EX + "C> }"
    union = view.store.sparql()  # type: ignore[attr-defined]
    copy = to_store(data_from_store(store))
    assert sorted(str(s["s"]) for s in union.query(query)) == sorted(str(s["s"]) for s in copy.query(query))
    assert union.merged is not None, "the repeated solution sent the query to the merged copy"
    distinct = data_view(store).store.sparql()  # type: ignore[attr-defined]
    assert len(distinct.query("SELECT ?o WHERE { <" + EX + "y> ?p ?o }")) == 2
    assert distinct.merged is None, "solutions without repeats come from the store itself"
    assert len(distinct.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")) == 1
    assert distinct.merged is not None, "an aggregate is never answered from the repeating union"


def test_sparql_ontology_from_the_store_only_when_it_is_the_same(ontology: rdflib.Graph) -> None:
    store = _awkward()
    view = data_view(store)
    view += ontology
    assert view.store.sparql().extra, "the store's ontology graph is not the ontology added"  # type: ignore[attr-defined]
    same = _store([q for q in _awkward() if q.graph_name != ox.NamedNode(ONTOLOGY_GRAPH)])
    same.extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o), ox.NamedNode(ONTOLOGY_GRAPH)) for s, p, o in ontology)
    view = data_view(same)
    view += ontology
    union = view.store.sparql()  # type: ignore[attr-defined]
    assert not union.extra and ox.NamedNode(ONTOLOGY_GRAPH) in union.graphs
