"""Writes through the endpoint with a write token: SPARQL Update and the Graph Store Protocol.

Each write must be atomic (a new published version, or nothing), reasoned (the inferred graph
follows) and refused cleanly when it is not allowed or not well-formed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from ksgraph.core.settings import Settings
from ksgraph.core.vocab import INFERRED_GRAPH, data_graph
from ksgraph.http.launch import Running, running_server
from ksgraph.store.versions import GraphStore

# Writes validate (SHACL) and reason before they answer: seconds, not milliseconds.
CLIENT = httpx.Client(timeout=120)
TOKEN = "s3cret-write-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
GRAPH = data_graph("endpoint-test")
THING = "http://example.org/endpoint-test/npo"  # an NPO with nothing but its type: breaks rules R1–R3
NPO = "https://w3id.org/ksgraph/id/npo/aldres-halsa"  # a real, valid NPO; an extra altLabel keeps it valid
ALT = f'<{NPO}> <http://www.w3.org/2004/02/skos/core#altLabel> "Äldre (endpoint test)"@sv .'


@pytest.fixture(scope="module")
def writable(tmp_path_factory: pytest.TempPathFactory, built_settings: Settings) -> Iterator[tuple[Running, Path]]:
    import shutil

    store = tmp_path_factory.mktemp("writable") / ".ksgraph"
    shutil.copytree(built_settings.store_dir, store)
    env = {"KSGRAPH_WRITE_TOKEN": TOKEN, "KSGRAPH_MAX_UPLOAD_BYTES": "100000"}
    with running_server(store, tmp_path_factory.mktemp("writable-logs") / "server.log", env) as running:
        yield running, store


def ask(server: Running, query: str) -> bool:
    response = CLIENT.post(server.sparql, content=query, headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 200, response.text
    return response.json()["boolean"]


def update(server: Running, text: str, headers: dict[str, str] | None = None, path: str = "/update") -> httpx.Response:
    return CLIENT.post(
        server.url + path,
        content=text.encode(),
        headers={"Content-Type": "application/sparql-update", **(AUTH if headers is None else headers)},
        timeout=60,
    )


def version(store: Path) -> str:
    current = GraphStore(store).current()
    assert current is not None
    return current.name


def test_update_needs_the_token(writable: tuple[Running, Path]) -> None:
    server, store = writable
    before = version(store)
    assert (
        update(server, f"INSERT DATA {{ GRAPH <{GRAPH}> {{ <{THING}> a ks:NationalProgrammeArea }} }}", {}).status_code
        == 401
    )
    wrong = update(server, "CLEAR ALL", {"Authorization": "Bearer wrong"})
    assert wrong.status_code == 401 and wrong.headers["www-authenticate"].startswith("Bearer")
    assert version(store) == before


def test_update_is_validated_published_and_reasoned(writable: tuple[Running, Path]) -> None:
    server, store = writable
    before = version(store)
    response = update(server, f"INSERT DATA {{ GRAPH <{GRAPH}> {{ {ALT} }} }}")
    assert response.status_code == 200, response.text
    assert version(store) > before
    assert ask(server, f'ASK {{ <{NPO}> skos:altLabel "Äldre (endpoint test)"@sv }}')
    # The inferred graph was set aside for the write and recomputed after it.
    assert ask(server, f"ASK {{ GRAPH <{INFERRED_GRAPH}> {{ <{NPO}> a ks:ProgrammeArea }} }}")
    removed = update(server, f"DELETE DATA {{ GRAPH <{GRAPH}> {{ {ALT} }} }}", path="/sparql")
    assert removed.status_code == 200
    assert not ask(server, f"ASK {{ <{NPO}> skos:altLabel ?alt }}")


def test_a_write_that_breaks_a_rule_is_422_and_changes_nothing(writable: tuple[Running, Path]) -> None:
    server, store = writable
    before = version(store)
    response = update(server, f"INSERT DATA {{ GRAPH <{GRAPH}> {{ <{THING}> a ks:NationalProgrammeArea }} }}")
    assert response.status_code == 422
    assert f"R2 {THING}: The NPO must have exactly one host" in response.text
    assert version(store) == before
    assert not ask(server, f"ASK {{ <{THING}> ?p ?o }}")
    upload = CLIENT.put(
        f"{server.url}/rdf-graphs",
        params={"graph": GRAPH},
        content=f"<{THING}> a <https://w3id.org/ksgraph/ontology#NationalProgrammeArea> .".encode(),
        headers={**AUTH, "Content-Type": "text/turtle"},
    )
    assert upload.status_code == 422 and version(store) == before


@pytest.mark.parametrize(
    ("text", "status", "message"),
    [
        (f"INSERT DATA {{ GRAPH <{INFERRED_GRAPH}> {{ <a:b> <a:c> <a:d> }} }}", 403, "computed by the reasoner"),
        ("LOAD <http://127.0.0.1:9/data.ttl>", 400, "LOAD is disabled"),
        ("INSERT { ?s ?p ?o } WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", 400, "SERVICE"),
        ("INSERT DATA { <a:b> <a:c> ", 400, "malformed update: error at 1:"),
        ("INSERT DATA " + "{" * 3000 + "}" * 3000, 400, "nests brackets"),
    ],
)
def test_refused_updates_change_nothing(writable: tuple[Running, Path], text: str, status: int, message: str) -> None:
    server, store = writable
    before = version(store)
    response = update(server, text)
    assert response.status_code == status and message in response.text
    assert version(store) == before


def test_graph_store_put_get_post_delete(writable: tuple[Running, Path]) -> None:
    server, _ = writable
    url = f"{server.url}/rdf-graphs"
    turtle = ALT
    put = CLIENT.put(
        url, params={"graph": GRAPH}, content=turtle.encode(), headers={**AUTH, "Content-Type": "text/turtle"}
    )
    assert put.status_code == 204, put.text
    got = CLIENT.get(url, params={"graph": GRAPH}, headers={"Accept": "application/n-triples"})
    assert got.status_code == 200 and "Äldre (endpoint test)" in got.text
    more = f'<{NPO}> <http://www.w3.org/2004/02/skos/core#altLabel> "Äldres hälsa (test)"@sv .'
    post = CLIENT.post(
        url, params={"graph": GRAPH}, content=more, headers={**AUTH, "Content-Type": "application/n-triples"}
    )
    assert post.status_code == 204
    assert ask(server, f'ASK {{ <{NPO}> skos:altLabel "Äldre (endpoint test)"@sv, "Äldres hälsa (test)"@sv }}')
    head = CLIENT.head(url, params={"graph": GRAPH})
    assert head.status_code == 200 and head.content == b""
    delete = CLIENT.delete(url, params={"graph": GRAPH}, headers=AUTH)
    assert delete.status_code == 204
    assert CLIENT.get(url, params={"graph": GRAPH}).status_code == 404
    assert not ask(server, f"ASK {{ <{NPO}> skos:altLabel ?alt }}")


def test_graph_store_refusals(writable: tuple[Running, Path]) -> None:
    server, store = writable
    url = f"{server.url}/rdf-graphs"
    before = version(store)
    bad = CLIENT.put(
        url, params={"graph": GRAPH}, content=b"<a> <b> .", headers={**AUTH, "Content-Type": "text/turtle"}
    )
    assert bad.status_code == 400 and "does not parse" in bad.text
    media = CLIENT.put(url, params={"graph": GRAPH}, content=b"x", headers={**AUTH, "Content-Type": "text/csv"})
    assert media.status_code == 415
    big = CLIENT.put(
        url, params={"graph": GRAPH}, content=b"#" * 200_000, headers={**AUTH, "Content-Type": "text/turtle"}
    )
    assert big.status_code == 413
    inferred = CLIENT.delete(url, params={"graph": INFERRED_GRAPH}, headers=AUTH)
    assert inferred.status_code == 403
    unauthorised = CLIENT.delete(url, params={"graph": GRAPH})
    assert unauthorised.status_code == 401
    assert version(store) == before


def test_a_version_published_by_another_process_is_seen_without_restart(writable: tuple[Running, Path]) -> None:
    server, store = writable
    marker = "http://example.org/endpoint-test/published-outside"
    assert not ask(server, f"ASK {{ <{marker}> ?p ?o }}")
    with GraphStore(store).write() as target:
        target.add(ox.Quad(ox.NamedNode(marker), ox.NamedNode(marker), ox.Literal("x"), ox.NamedNode(GRAPH)))
    assert ask(server, f"ASK {{ <{marker}> ?p ?o }}")


def test_service_description_announces_update(writable: tuple[Running, Path]) -> None:
    server, _ = writable
    assert "SPARQL11Update" in CLIENT.get(server.sparql).text
