"""The main server publishes linked data beside the SPARQL endpoint: /id/…, /ontology, /.well-known/void."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pyoxigraph as ox
import pytest

from ksgraph.core.settings import Settings
from ksgraph.http.launch import Running, running_server

NPO = "https://w3id.org/ksgraph/id/npo/akut-vard"
TODAY = "2025-06-30"  # the server's "today": the day its named queries answer about by default


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, built_settings: Settings) -> Iterator[Running]:
    log = tmp_path_factory.mktemp("logs") / "server.log"
    with running_server(built_settings.store_dir, log, {"KSGRAPH_WORKERS": "1", "KSGRAPH_TODAY": TODAY}) as running:
        yield running


def test_an_npo_iri_resolves_to_turtle_and_html_on_the_main_server(server: Running) -> None:
    turtle = httpx.get(f"{server.url}/id/npo/akut-vard", headers={"Accept": "text/turtle"}, timeout=30)
    assert turtle.status_code == 200, turtle.text
    triples = list(ox.parse(turtle.content, format=ox.RdfFormat.TURTLE))
    assert any(t.subject == ox.NamedNode(NPO) and t.predicate.value.endswith("#hostedBy") for t in triples)
    page = httpx.get(f"{server.url}/id/npo/akut-vard", headers={"Accept": "text/html"}, timeout=30)
    assert page.status_code == 200
    assert "NPO Akut vård" in page.text and "<svg" in page.text


def test_ontology_and_dataset_description_on_the_main_server(server: Running) -> None:
    ontology = httpx.get(f"{server.url}/ontology", headers={"Accept": "text/turtle"}, timeout=30)
    assert ontology.status_code == 200
    assert "NationalProgrammeArea" in ontology.text
    void = httpx.get(f"{server.url}/.well-known/void", headers={"Accept": "text/turtle"}, timeout=30)
    assert void.status_code == 200
    assert "void#triples" in void.text or "void:triples" in void.text
    assert httpx.get(f"{server.url}/sparql", timeout=30).status_code == 200


def rows(response: httpx.Response) -> list[dict[str, dict[str, str]]]:
    assert response.status_code == 200, response.text
    return response.json()["results"]["bindings"]


def test_named_queries_take_as_of_over_http(server: Running) -> None:
    """Issue 11: the NPOs were established in 2018 (002 "Kunskapsstyrning"); hosts are attested 2021-09-20."""
    accept = {"Accept": "application/sparql-results+json"}
    before = httpx.get(f"{server.url}/queries/npo-hosts", params={"as_of": "2017-06-30"}, headers=accept, timeout=60)
    after = httpx.get(f"{server.url}/queries/npo-hosts", params={"as_of": "2022-01-01"}, headers=accept, timeout=60)
    assert rows(before) == []
    assert len(rows(after)) == 26
    whole = httpx.get(f"{server.url}/queries/npo-hosts", params={"as_of": "all"}, headers=accept, timeout=60)
    assert len(rows(whole)) == 26
    # Without as_of the answer is about the server's today (KSGRAPH_TODAY), not the system date.
    default = httpx.get(f"{server.url}/queries/npo-hosts", headers=accept, timeout=60)
    on_today = httpx.get(f"{server.url}/queries/npo-hosts", params={"as_of": TODAY}, headers=accept, timeout=60)
    assert rows(default) == rows(on_today) and len(rows(default)) == 26
    bad = httpx.get(f"{server.url}/queries/npo-hosts", params={"as_of": "2017-13-45"}, headers=accept, timeout=60)
    assert bad.status_code == 400 and "as_of" in bad.text


def test_the_sparql_endpoint_takes_as_of(server: Running) -> None:
    query = "SELECT (COUNT(?npo) AS ?n) WHERE { ?npo a ks:NationalProgrammeArea }"
    accept = {"Accept": "application/sparql-results+json"}
    counts = {}
    for day in ("2017-06-30", "2022-01-01"):
        response = httpx.get(f"{server.url}/sparql", params={"query": query, "as_of": day}, headers=accept, timeout=60)
        counts[day] = int(rows(response)[0]["n"]["value"])
    assert counts == {"2017-06-30": 0, "2022-01-01": 26}


def test_a_resource_page_shows_its_timeline(server: Running) -> None:
    """Issue 11: the page of a group with change events draws its history (ksgraph.temporal.history)."""
    page = httpx.get(f"{server.url}/id/rsg/norra/strukturerad-vardinformation", headers={"Accept": "text/html"})
    assert page.status_code == 200
    history = page.text.split("<h2>History</h2>", 1)
    assert len(history) == 2, "no History section"
    assert history[1].lstrip().startswith("<svg") and "2025" in history[1].split("</svg>", 1)[0]
