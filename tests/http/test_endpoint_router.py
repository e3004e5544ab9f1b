"""The endpoint mounted into another FastAPI application (ksgraph.http.router), served by a real uvicorn.

The host application has routes and ``app.state`` of its own; the endpoint lives under ``/kg``
and must answer exactly as ``ksgraph serve`` does: the same answers, refusals and limits.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import replace

import httpx
import pyoxigraph as ox
import pytest
import uvicorn
from fastapi import FastAPI, Request

from ksgraph.core.settings import Settings
from ksgraph.http.fast import FastPath
from ksgraph.http.launch import free_port
from ksgraph.http.router import SparqlRouter
from ksgraph.sparql.run import run
from ksgraph.store.versions import GraphStore

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
NPOS = "SELECT ?npo ?label WHERE { ?npo a ks:NationalProgrammeArea ; skos:prefLabel ?label } ORDER BY ?npo"


def host_app(settings: Settings, lean: bool) -> FastAPI:
    app = FastAPI(title="someone else's application")
    app.state.settings = "the host's own settings"

    @app.get("/hello")
    async def hello(request: Request) -> dict[str, str]:
        return {"hello": "world", "settings": request.app.state.settings}

    kg = SparqlRouter(settings)
    app.include_router(kg, prefix="/kg")
    if lean:
        app.add_middleware(FastPath, settings=kg.settings, endpoint=kg.current, prefix="/kg")
    return app


@pytest.fixture(scope="module", params=["router", "router+fast path"])
def host(request: pytest.FixtureRequest, built_settings: Settings) -> Iterator[str]:
    settings = replace(built_settings, query_timeout=2.0, max_rows=500, workers=1)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(host_app(settings, request.param == "router+fast path"), host="127.0.0.1", port=port)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{url}/kg/sparql", params={"query": "ASK {}"}, timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline, "the host application did not start"
        assert thread.is_alive(), "the host application's server stopped"
        time.sleep(0.1)
    try:
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def test_the_host_keeps_its_own_routes_and_state(host: str) -> None:
    assert httpx.get(f"{host}/hello").json() == {"hello": "world", "settings": "the host's own settings"}
    assert httpx.get(f"{host}/sparql", params={"query": "ASK {}"}).status_code == 404  # only under the prefix


def test_queries_answer_as_in_process(host: str, built_settings: Settings) -> None:
    local = GraphStore(built_settings.store_dir).open_read()
    result = run(local, NPOS)
    assert isinstance(result, ox.QuerySolutions)
    expected = [(s["npo"].value, s["label"].value) for s in result]
    for response in (
        httpx.get(f"{host}/kg/sparql", params={"query": NPOS}),
        httpx.post(f"{host}/kg/sparql", data={"query": NPOS}),
        httpx.post(f"{host}/kg/sparql", content=NPOS, headers={"Content-Type": "application/sparql-query"}),
    ):
        assert response.status_code == 200
        rows = response.json()["results"]["bindings"]
        assert [(r["npo"]["value"], r["label"]["value"]) for r in rows] == expected
    described = httpx.get(f"{host}/kg/sparql", headers={"Accept": "text/turtle"})
    assert described.status_code == 200 and "sparql-service-description" in described.text


def test_named_queries_are_listed_and_run_under_the_prefix(host: str) -> None:
    listing = httpx.get(f"{host}/kg/queries").json()
    hosts = next(q for q in listing if q["name"] == "npo-hosts")
    assert hosts["url"] == f"{host}/kg/queries/npo-hosts"
    answer = httpx.get(hosts["url"], params={"host": "id:healthcare-region/sodra", "as_of": "all"})
    assert answer.status_code == 200
    assert {r["host"]["value"] for r in answer.json()["results"]["bindings"]} == {
        "https://w3id.org/ksgraph/id/healthcare-region/sodra"
    }
    assert httpx.get(f"{host}/kg/queries/no-such-query").status_code == 404


def test_refusals_and_limits_hold_in_the_host(host: str) -> None:
    malformed = httpx.get(f"{host}/kg/sparql", params={"query": "SELECT WHERE {"})
    assert malformed.status_code == 400 and "malformed query" in malformed.text
    far = "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"
    service = httpx.get(f"{host}/kg/sparql", params={"query": far})
    assert service.status_code == 400 and "SERVICE" in service.text
    deep = httpx.post(f"{host}/kg/sparql", data={"query": "SELECT * WHERE " + "{" * 500 + "}" * 500})
    assert deep.status_code == 400 and "nests brackets" in deep.text
    update = httpx.post(f"{host}/kg/sparql", data={"update": "CLEAR ALL"})
    assert update.status_code == 403 and "read-only" in update.text
    png = httpx.get(f"{host}/kg/sparql", params={"query": "ASK {}"}, headers={"Accept": "image/png"})
    assert png.status_code == 406
    started = time.monotonic()
    slow = httpx.get(f"{host}/kg/sparql", params={"query": SLOW}, timeout=30)
    assert slow.status_code == 503 and "stopped" in slow.text
    assert time.monotonic() - started < 15
    assert httpx.get(f"{host}/kg/sparql", params={"query": "ASK {}"}).json()["boolean"] is True
    cut = httpx.get(f"{host}/kg/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert cut.headers["x-sparql-maxrows"] == "500" and len(cut.json()["results"]["bindings"]) == 500
    (link,) = cut.json()["head"]["link"]
    assert link == f"{host}/kg/sparql/limits"
    assert httpx.get(link).json()["max_rows"] == 500
