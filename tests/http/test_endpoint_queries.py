"""Named queries over HTTP: /queries lists them, /queries/{name} runs one with typed, bound parameters."""

from __future__ import annotations

import datetime as dt
import re

import httpx
import pyoxigraph as ox
import pytest

from ksgraph.core.settings import Settings
from ksgraph.http.launch import Running
from ksgraph.sparql.catalogue import named_queries
from ksgraph.sparql.params import bind_params
from ksgraph.sparql.run import run
from ksgraph.temporal.asof import default_as_of, parse_as_of, query_as_of
from tests.http.conftest import TODAY


def count(server: Running) -> str:
    response = httpx.get(server.sparql, params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
    return response.json()["results"]["bindings"][0]["n"]["value"]


def example(description: str) -> str:
    match = re.search(r"e\.g\. ([^\s)]+)", description)
    assert match, f"a required parameter's description should give an example: {description!r}"
    return match.group(1)


def test_listing_has_every_query_with_its_header(server: Running, built_settings: Settings) -> None:
    listing = httpx.get(f"{server.url}/queries").json()
    catalogue = named_queries(built_settings.queries_dir)
    by_name = {entry["name"]: entry for entry in listing}
    assert set(catalogue) <= set(by_name)
    for name, query in catalogue.items():
        entry = by_name[name]
        assert entry["question"] == query.question and entry["title"] == query.title
        assert entry["parameters"] == [p.__dict__ for p in query.params]
        assert entry["url"] == f"{server.url}/queries/{name}"


def test_listing_as_html(server: Running, built_settings: Settings) -> None:
    page = httpx.get(f"{server.url}/queries", headers={"Accept": "text/html,application/xhtml+xml"})
    assert page.headers["content-type"].startswith("text/html")
    for query in named_queries(built_settings.queries_dir).values():
        assert f"/queries/{query.name}" in page.text


def test_every_named_query_runs_and_matches_the_cli_answer(
    server: Running, local: ox.Store, built_settings: Settings
) -> None:
    for name, query in named_queries(built_settings.queries_dir).items():
        # Required parameters get the example their header gives ("e.g. id:…").
        params = {p.name: example(p.description) for p in query.params if p.required}
        response = httpx.get(f"{server.url}/queries/{name}", params=params, timeout=30)
        assert response.status_code == 200, (name, response.text)
        got = response.json()["results"]["bindings"]
        # Like the CLI, a named query answers about today (the server's KSGRAPH_TODAY) unless it handles
        # dates itself (issue 11). On a remote backend there is no as-of snapshot: the whole graph.
        on = None if server.backend else parse_as_of(default_as_of(query.text), today=dt.date.fromisoformat(TODAY))
        bound = bind_params(query, params)
        result = (
            run(local, query.text, substitutions=bound)
            if on is None
            else query_as_of(local, query.text, on, substitutions=bound).result
        )
        expected = list(result)
        assert len(got) == len(expected), name
        whole = httpx.get(f"{server.url}/queries/{name}", params={**params, "as_of": "all"}, timeout=30)
        assert len(whole.json()["results"]["bindings"]) == len(list(run(local, query.text, substitutions=bound))), name


def test_parameters_are_typed_and_bound(server: Running, local: ox.Store, built_settings: Settings) -> None:
    query = named_queries(built_settings.queries_dir)["npo-hosts"]
    host = "id:healthcare-region/sodra"
    response = httpx.get(f"{server.url}/queries/npo-hosts", params={"host": host})
    assert response.status_code == 200
    bound = bind_params(query, {"host": host})
    # The server's default day is TODAY; a remote backend answers over the whole graph.
    expected = list(
        run(local, query.text, substitutions=bound)
        if server.backend
        else query_as_of(local, query.text, dt.date.fromisoformat(TODAY), substitutions=bound).result
    )
    assert 0 < len(response.json()["results"]["bindings"]) == len(expected)
    everything = httpx.get(f"{server.url}/queries/npo-hosts").json()["results"]["bindings"]
    assert len(everything) > len(expected)


def test_formats_by_accept(server: Running) -> None:
    csv = httpx.get(f"{server.url}/queries/npo-hosts", headers={"Accept": "text/csv"})
    assert csv.headers["content-type"].startswith("text/csv") and csv.text.count("\n") > 2
    xml = httpx.get(f"{server.url}/queries/npo-hosts", headers={"Accept": "application/sparql-results+xml"})
    assert xml.headers["content-type"].startswith("application/sparql-results+xml")


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"group": "not an iri"}, "not a valid iri"),
        ({"nonsense": "1"}, "has no parameter nonsense"),
        ({}, "needs parameter group"),
    ],
)
def test_bad_parameters_are_400(server: Running, params: dict[str, str], message: str) -> None:
    response = httpx.get(f"{server.url}/queries/group-mandate", params=params)
    assert response.status_code == 400
    assert message in response.text


def test_unknown_query_is_404(server: Running) -> None:
    assert httpx.get(f"{server.url}/queries/drop-everything").status_code == 404


INJECTIONS = [
    "x> } ; DROP ALL ; #",
    '"',
    "http://example.org/a> } UNION { ?s ?p ?o } #",
    "http://example.org/a}",
    "id:npo/akut-vard> . ?s ?p ?o",
    "<http://example.org/a>",
    "http://example.org/a\nSERVICE <http://127.0.0.1:1/> {}",
]


@pytest.mark.parametrize("value", INJECTIONS)
def test_injection_in_an_iri_parameter_breaks_nothing(server: Running, value: str) -> None:
    before = count(server)
    response = httpx.get(f"{server.url}/queries/npo-hosts", params={"host": value})
    if response.status_code == 200:
        # A value that is an IRI is only ever that one IRI: it cannot widen the answer.
        assert response.json()["results"]["bindings"] == []
    else:
        assert response.status_code == 400 and "not a valid iri" in response.text
    assert count(server) == before


@pytest.mark.parametrize("value", [*INJECTIONS, 'Akut vård"@sv } UNION { ?s ?p ?o', "' } ; CLEAR ALL ; #"])
def test_injection_in_a_string_parameter_is_just_a_string(server: Running, value: str) -> None:
    before = count(server)
    response = httpx.get(f"{server.url}/queries/zz-label-search", params={"label": value})
    assert response.status_code == 200, response.text
    assert response.json()["results"]["bindings"] == []
    assert count(server) == before


def test_string_parameter_matches_exactly(server: Running, local: ox.Store) -> None:
    found = "SELECT ?l WHERE { ?s ?p ?l FILTER(datatype(?l) = xsd:string) } ORDER BY ?l LIMIT 1"
    label = next(iter(run(local, found)))
    response = httpx.get(f"{server.url}/queries/zz-label-search", params={"label": label["l"].value})
    assert len(response.json()["results"]["bindings"]) >= 1


def test_inference_false_applies_to_named_queries(server: Running) -> None:
    on = httpx.get(f"{server.url}/queries/npo-hosts").json()["results"]["bindings"]
    off = httpx.get(f"{server.url}/queries/npo-hosts", params={"inference": "false"})
    assert off.status_code == 200
    assert len(off.json()["results"]["bindings"]) <= len(on)


def test_as_of_on_a_remote_backend_is_501_not_a_silent_whole_graph(server: Running) -> None:
    response = httpx.get(f"{server.url}/queries/npo-hosts", params={"as_of": "today"})
    if server.backend:
        assert response.status_code == 501 and "local store" in response.text
        sparql = httpx.get(f"{server.url}/sparql", params={"query": "ASK {}", "as_of": "today"})
        assert sparql.status_code == 501
    else:
        assert response.status_code == 200 and response.json()["results"]["bindings"]


def test_basis_stated_on_a_remote_backend_is_501_unless_asserted_only(server: Running) -> None:
    with_inferences = httpx.get(f"{server.url}/queries/npo-hosts", params={"basis": "stated", "as_of": "all"})
    asserted = httpx.get(
        f"{server.url}/queries/npo-hosts", params={"basis": "stated", "as_of": "all", "inference": "false"}
    )
    assert asserted.status_code == 200, asserted.text
    assert asserted.json()["results"]["bindings"]
    if server.backend:
        assert with_inferences.status_code == 501 and "local store" in with_inferences.text
    else:
        assert with_inferences.status_code == 200, with_inferences.text
