"""The result cache and ETags (ksgraph.http.cache) on a real server: kept per store version, dropped by a commit.

A commit here is an HTTP write through the commit path and a `ksgraph import` from another process;
both publish a new version, after which the cache must answer the new graph and an old ETag must
no longer be answered 304.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ksgraph.core.settings import Settings
from ksgraph.core.vocab import data_graph
from ksgraph.http.launch import Running, running_server
from ksgraph.store.versions import GraphStore
from tests.conftest import run_cli

CLIENT = httpx.Client(timeout=120)
TOKEN = "cache-test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
NPO = "https://w3id.org/ksgraph/id/npo/aldres-halsa"  # a real NPO; an extra altLabel keeps the graph valid
ALT_LABELS = f"SELECT ?alt WHERE {{ <{NPO}> skos:altLabel ?alt }} ORDER BY ?alt"


def altlabel(text: str) -> str:
    return f'<{NPO}> <http://www.w3.org/2004/02/skos/core#altLabel> "{text}"@sv .'


@pytest.fixture()
def writable(tmp_path: Path, built_settings: Settings) -> Iterator[tuple[Running, Path]]:
    store = tmp_path / ".ksgraph"
    shutil.copytree(built_settings.store_dir, store)
    with running_server(store, tmp_path / "server.log", {"KSGRAPH_WRITE_TOKEN": TOKEN}) as running:
        yield running, store


def labels(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [row["alt"]["value"] for row in response.json()["results"]["bindings"]]


def get(server: Running, query: str, **headers: str) -> httpx.Response:
    return CLIENT.get(server.sparql, params={"query": query}, headers=headers)


def test_a_commit_drops_the_cached_answers_and_their_etags(writable: tuple[Running, Path], tmp_path: Path) -> None:
    server, store = writable
    first = get(server, ALT_LABELS)
    assert first.headers["cache-status"] == "ksgraph; fwd=miss; stored"
    assert first.headers["cache-control"] == "no-cache"
    tag = first.headers["etag"]
    again = get(server, ALT_LABELS)
    assert again.headers["cache-status"] == "ksgraph; hit"
    assert again.content == first.content and again.headers["etag"] == tag
    assert get(server, ALT_LABELS, **{"If-None-Match": tag}).status_code == 304
    before = labels(first)

    # A commit through the endpoint (Graph Store Protocol PUT: validated, reasoned, published).
    put = CLIENT.put(
        f"{server.url}/rdf-graphs",
        params={"graph": data_graph("cache-test")},
        content=altlabel("Äldre (cache test)").encode(),
        headers={**AUTH, "Content-Type": "text/turtle"},
    )
    assert put.status_code == 204, put.text
    after = get(server, ALT_LABELS)
    assert after.headers["cache-status"] == "ksgraph; fwd=miss; stored"
    assert labels(after) == sorted([*before, "Äldre (cache test)"])
    assert after.headers["etag"] != tag
    assert get(server, ALT_LABELS, **{"If-None-Match": tag}).status_code == 200

    # A commit by another process: `ksgraph import` publishes a version the server has not seen.
    change = tmp_path / "more.ttl"
    change.write_text(altlabel("Äldre (imported)") + "\n", encoding="utf-8")
    version = GraphStore(store).current()
    done = run_cli("import", str(change), store=store)
    assert done.returncode == 0, done.stderr
    assert GraphStore(store).current() != version
    imported = get(server, ALT_LABELS)
    assert imported.headers["cache-status"] == "ksgraph; fwd=miss; stored"
    assert "Äldre (imported)" in labels(imported)
    assert get(server, ALT_LABELS, **{"If-None-Match": after.headers["etag"]}).status_code == 200


def test_answers_that_change_by_themselves_are_never_kept(writable: tuple[Running, Path]) -> None:
    server, _ = writable
    for query in ("SELECT (NOW() AS ?t) WHERE {}", "SELECT (STRUUID() AS ?u) WHERE {}"):
        answers = [get(server, query) for _ in range(2)]
        for response in answers:
            assert response.status_code == 200
            assert "etag" not in response.headers and "cache-status" not in response.headers
            assert response.headers["cache-control"] == "no-store"
    uuids = [get(server, "SELECT (STRUUID() AS ?u) WHERE {}").json()["results"]["bindings"][0]["u"] for _ in (1, 2)]
    assert uuids[0] != uuids[1]


def test_the_cache_can_be_turned_off(tmp_path: Path, built_settings: Settings) -> None:
    env = {"KSGRAPH_CACHE_BYTES": "0"}
    with running_server(built_settings.store_dir, tmp_path / "server.log", env) as server:
        responses = [get(server, ALT_LABELS) for _ in range(2)]
        for response in responses:
            assert "cache-status" not in response.headers
        # ETags do not need the cache: the answer to a request on one version is always the same.
        assert responses[0].headers["etag"] == responses[1].headers["etag"]
        assert get(server, ALT_LABELS, **{"If-None-Match": responses[0].headers["etag"]}).status_code == 304


def test_named_queries_are_cached_per_parameter(writable: tuple[Running, Path]) -> None:
    server, _ = writable
    url = f"{server.url}/queries/npo-hosts"
    sodra = {"host": "id:healthcare-region/sodra", "as_of": "all"}
    norra = {"host": "id:healthcare-region/norra", "as_of": "all"}
    first = CLIENT.get(url, params=sodra)
    assert first.headers["cache-status"] == "ksgraph; fwd=miss; stored"
    other = CLIENT.get(url, params=norra)
    assert other.headers["cache-status"] == "ksgraph; fwd=miss; stored"
    assert other.content != first.content
    assert CLIENT.get(url, params=sodra).headers["cache-status"] == "ksgraph; hit"
    csv = CLIENT.get(url, params=sodra, headers={"Accept": "text/csv"})
    assert csv.headers["cache-status"] == "ksgraph; fwd=miss; stored" and csv.text.startswith("npo,")
