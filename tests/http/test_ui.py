"""The query UI at /sparql in headless Chromium: it loads from this server only and runs a named query.

Needs Debian's chromium, node and the UI build with its test tool (YASGUI and playwright-core, both
from `bash scripts/test.sh`); without one the test skips locally and fails under CI=true, naming it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ksgraph.core.settings import Settings, project_root
from ksgraph.core.terms import term_text
from ksgraph.http.launch import Running, running_server
from ksgraph.http.ui import ui_built
from ksgraph.sparql.catalogue import named_queries
from ksgraph.sparql.run import run
from ksgraph.store.versions import GraphStore
from tests.conftest import require, require_tool

ROOT = project_root()
NODE_MODULES = ROOT / "build" / "ui" / "node_modules"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("KSGRAPH_ARTIFACTS", ROOT / "build" / "artifacts"))
QUERY = "npo-hosts"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def require_browser_tools() -> None:
    require(f"chromium at {CHROMIUM}", Path(CHROMIUM).exists(), "bash scripts/test.sh (Debian package chromium)")
    require_tool("node", "bash scripts/run.sh or scripts/test.sh (Debian packages nodejs npm)")
    require("the query UI (YASGUI)", ui_built(), "bash scripts/run.sh or scripts/test.sh (npm, ui/package-lock.json)")
    require("playwright-core", (NODE_MODULES / "playwright-core").is_dir(), "bash scripts/test.sh (npm dev dependency)")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, built_settings: Settings) -> Iterator[Running]:
    with running_server(built_settings.store_dir, tmp_path_factory.mktemp("ui") / "server.log") as running:
        yield running


def test_index_page_serves_only_local_assets(server: Running) -> None:
    # The editor is /sparql for a browser (issue 20); / is the landing page.
    page = httpx.get(server.sparql, headers={"Accept": BROWSER})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    loaded = re.findall(r'<(?:script|link|img)\b[^>]*\b(?:src|href)="([^"]+)"', page.text)
    assert loaded and all(url.startswith("/") for url in loaded), loaded
    for asset in ("/static/ui.js", "/static/site.css", "/openapi.json"):
        assert httpx.get(server.url + asset).status_code == 200
    assert httpx.get(server.url + "/docs").status_code == 404  # Swagger UI would load a CDN
    config = json.loads(page.text.split('id="ksgraph-config">')[1].split("</script>")[0])
    assert config["endpoint"] == server.sparql
    assert config["prefixes"]["ks"] == "https://w3id.org/ksgraph/ontology#"
    assert QUERY in [q["name"] for q in config["queries"]]


def test_ui_runs_a_named_query_in_chromium(server: Running, built_settings: Settings) -> None:
    require_browser_tools()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    screenshot = ARTIFACTS / "ui-query.png"
    screenshot.unlink(missing_ok=True)
    result = subprocess.run(
        ["node", str(ROOT / "ui" / "e2e.cjs"), server.url, QUERY, str(screenshot)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NODE_PATH": str(NODE_MODULES), "CHROMIUM": CHROMIUM},
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["outside"] == [], "the page made requests outside this server"
    assert seen["errors"] == []
    assert "PREFIX ks: <https://w3id.org/ksgraph/ontology#>" in seen["editorText"]
    query = named_queries(built_settings.queries_dir)[QUERY]
    answer = run(GraphStore(built_settings.store_dir).open_read(), query.text)
    variables = [v.value for v in answer.variables]
    expected = list(answer)
    headers = [h for h in seen["table"]["headers"] if h]
    assert [h.lstrip("?") for h in headers[-len(variables) :]] == variables
    rows = seen["table"]["rows"]
    assert len(rows) == min(len(expected), 50)
    # YASR shows the row number, then the terms in prefixed form.
    assert rows[0][1 : 1 + len(variables)][0] == term_text(expected[0][variables[0]])
    assert screenshot.is_file() and screenshot.stat().st_size > 10_000
