"""The dataset describes itself: DCAT and VoID at /.well-known/void."""

from __future__ import annotations

import httpx
import pyoxigraph as ox
import pytest

from ksgraph.core.settings import Settings
from ksgraph.core.vocab import DCAT, DCTERMS, OWL, RDF, VOID, XSD
from ksgraph.publish.void import DATASET_IRI
from ksgraph.sparql.stats import graph_sizes
from ksgraph.store.versions import GraphStore

DS = ox.NamedNode(DATASET_IRI)


@pytest.fixture(scope="module")
def void(built_settings: Settings, site: httpx.Client) -> ox.Store:
    client = site
    response = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    store = ox.Store()
    store.load(response.content, format=ox.RdfFormat.TURTLE)
    return store


def objects(store: ox.Store, s: ox.NamedNode | ox.BlankNode, p: str) -> list[ox.NamedNode | ox.Literal]:
    return [q.object for q in store.quads_for_pattern(s, ox.NamedNode(p), None)]


def test_dataset_is_void_and_dcat_with_licence_version_publisher_and_modified(void: ox.Store) -> None:
    types = set(objects(void, DS, RDF + "type"))
    assert {ox.NamedNode(VOID + "Dataset"), ox.NamedNode(DCAT + "Dataset")} <= types
    assert objects(void, DS, DCTERMS + "license") == [ox.NamedNode("https://creativecommons.org/licenses/by/4.0/")]
    assert objects(void, DS, DCAT + "version") and objects(void, DS, OWL + "versionInfo")
    publisher = objects(void, DS, DCTERMS + "publisher")
    assert publisher and objects(void, publisher[0], "http://xmlns.com/foaf/0.1/name")
    (modified,) = objects(void, DS, DCTERMS + "modified")
    assert isinstance(modified, ox.Literal) and modified.datatype == ox.NamedNode(XSD + "dateTime")


def test_triples_per_graph_match_the_store(void: ox.Store, built_settings: Settings, site: httpx.Client) -> None:
    sizes = graph_sizes(GraphStore(built_settings.store_dir).open_read())
    described = {s.value: int(objects(void, s, VOID + "triples")[0].value) for s in objects(void, DS, VOID + "subset")}
    assert described == sizes
    (total,) = objects(void, DS, VOID + "triples")
    assert int(total.value) == sum(sizes.values())


def test_example_resources_resolve_and_endpoint_is_advertised(
    void: ox.Store, built_settings: Settings, site: httpx.Client
) -> None:
    client = site
    examples = objects(void, DS, VOID + "exampleResource")
    assert len(examples) >= 3
    for example in examples:
        path = example.value.removeprefix("https://w3id.org/ksgraph")
        assert client.get(path, headers={"Accept": "text/turtle"}).status_code == 200, example
    (endpoint,) = objects(void, DS, VOID + "sparqlEndpoint")
    assert endpoint.value.endswith("/sparql")


def test_description_negotiates_rdf_formats(built_settings: Settings, site: httpx.Client) -> None:
    client = site
    turtle = client.get("/.well-known/void?format=ttl")
    as_json = client.get("/dataset", headers={"Accept": "application/ld+json"})
    assert as_json.status_code == 200 and as_json.json()
    assert len(list(ox.parse(as_json.content, format=ox.RdfFormat.JSON_LD))) == len(
        list(ox.parse(turtle.content, format=ox.RdfFormat.TURTLE))
    )
    # A browser's Accept gets the description as an HTML page (issue 20); no preference gets Turtle.
    browser = client.get("/.well-known/void", headers={"Accept": "text/html,*/*;q=0.8"})
    assert browser.status_code == 200 and browser.headers["content-type"].startswith("text/html")
    anything = client.get("/.well-known/void", headers={"Accept": "*/*"})
    assert anything.headers["content-type"].startswith("text/turtle")
