"""The guards lifted: what they protect against really happens, and the switches really switch.

The nesting limit normally stops the 5,000-deep query that segfaults pyoxigraph 0.5.13
(shared/HAZARDS.md); here the limit is lifted so the crash really happens in a worker, which
must take down that worker only. SERVICE is enabled here, so a federated query does connect.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from ksgraph.core.settings import Settings
from ksgraph.http.launch import Running, running_server
from tests.conftest import Listener

DEEP = "SELECT * WHERE " + "{" * 5000 + " ?s ?p ?o " + "}" * 5000


@pytest.fixture(scope="module")
def unguarded(tmp_path_factory: pytest.TempPathFactory, built_settings: Settings) -> Iterator[Running]:
    env = {"KSGRAPH_MAX_NESTING": "100000", "KSGRAPH_WORKERS": "1", "KSGRAPH_ALLOW_SERVICE": "true"}
    with running_server(built_settings.store_dir, tmp_path_factory.mktemp("crash") / "server.log", env) as running:
        yield running


def ask(server: Running) -> httpx.Response:
    return httpx.post(
        server.sparql, content=b"ASK {}", headers={"Content-Type": "application/sparql-query"}, timeout=30
    )


def test_a_crashing_query_is_500_and_the_worker_is_replaced(unguarded: Running) -> None:
    for _ in range(2):  # twice: the replacement worker must be as good as the first
        response = httpx.post(
            unguarded.sparql, content=DEEP.encode(), headers={"Content-Type": "application/sparql-query"}, timeout=60
        )
        assert response.status_code == 500
        assert "crashed" in response.text
        assert unguarded.process.poll() is None  # the server process lives
        assert ask(unguarded).json()["boolean"] is True


def test_service_when_enabled_does_connect(unguarded: Running) -> None:
    listener = Listener()
    try:
        query = f"SELECT * WHERE {{ SERVICE SILENT <http://127.0.0.1:{listener.port}/sparql> {{ ?s ?p ?o }} }}"
        httpx.post(
            unguarded.sparql, content=query.encode(), headers={"Content-Type": "application/sparql-query"}, timeout=60
        )
        # The query has been answered, so its connection is accepted or waits in the backlog.
        assert listener.close() >= 1
    finally:
        listener.close()
