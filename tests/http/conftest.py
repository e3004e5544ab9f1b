"""The read-only endpoint that tests/http/test_endpoint.py and test_endpoint_queries.py both run on.

``server`` is module-scoped and parametrised over the two backends, so each of those modules gets
its own pair: a ``ksgraph serve`` on the built store, and one with ``--backend`` on an Oxigraph
server holding the same graphs. Modules here that need other settings (test_ui, test_load,
test_serve_integration) define a ``server`` of their own, which overrides this one.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from ksgraph.core.settings import Settings
from ksgraph.http.launch import Running, running_server
from ksgraph.publish.push import Target, push, read_source
from ksgraph.store.versions import GraphStore
from tests.publish_servers import oxigraph_server

TIMEOUT = 2.0  # the query timeout of these servers
# The day these servers' named queries answer about by default ("today"): fixed, so no answer moves with the calendar.
TODAY = "2025-06-30"
MAX_ROWS = 2000

STRING_QUERY = """# title: Literal search (test only)
# question: Which resources have this plain string as a value?
# param: label string required — the string
# returns: ?s
SELECT ?s ?label WHERE { ?s ?p ?label }
"""


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory, built_settings: Settings) -> Path:
    """A project root with the real named queries plus one with a string parameter."""
    root = tmp_path_factory.mktemp("home")
    shutil.copytree(built_settings.queries_dir, root / "queries")
    (root / "queries" / "zz-label-search.rq").write_text(STRING_QUERY, encoding="utf-8")
    return root


@pytest.fixture(scope="module", params=["local", "oxigraph"])
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, built_settings: Settings, home: Path
) -> Iterator[Running]:
    """The endpoint on the built store, and (issue 7) the same endpoint with `--backend` on an Oxigraph
    server holding the same graphs, pushed there by `ksgraph push`: every test runs on both."""
    env = {
        "KSGRAPH_QUERY_TIMEOUT": str(TIMEOUT),
        "KSGRAPH_MAX_ROWS": str(MAX_ROWS),
        "KSGRAPH_WORKERS": "2",
        "KSGRAPH_HOME": str(home),
        "KSGRAPH_WRITE_TOKEN": "",
        "KSGRAPH_TODAY": TODAY,
    }
    log = tmp_path_factory.mktemp("logs") / "server.log"
    if request.param == "local":
        with running_server(built_settings.store_dir, log, env) as running:
            yield running
        return
    # Oxigraph stops its own queries a little after ours give up, so no abandoned query keeps a core busy.
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph"), timeout_s=int(TIMEOUT) + 2) as base:
        store = GraphStore(built_settings.store_dir)
        push(read_source(store=store), Target(f"{base}/query", graph_store=f"{base}/store"))
        with running_server(None, log, env, backend=f"{base}/query") as running:
            yield running


@pytest.fixture(scope="module")
def local(store: ox.Store) -> ox.Store:
    """The built store in-process (the session's read-only ``store``): what the server's answers are compared with."""
    return store
