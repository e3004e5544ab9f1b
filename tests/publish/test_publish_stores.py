"""Push to two real SPARQL stores, Oxigraph server and OpenLink Virtuoso, and read back through them.

Both servers are started by the tests on 127.0.0.1 (see ``publish_servers``). Counts are
checked with plain HTTP queries, independently of the code under test.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from ksgraph.core.settings import Credentials, Settings, load_settings
from ksgraph.core.vocab import ID, KS
from ksgraph.http.resources import describe
from ksgraph.publish.facts import collect_facts
from ksgraph.publish.push import Target, push, read_source
from ksgraph.sparql.backend import open_backend
from ksgraph.sparql.local import LocalBackend
from ksgraph.sparql.remote import RemoteBackend
from ksgraph.store.dataset import ASSERTED
from ksgraph.store.versions import GraphStore
from tests.conftest import run_cli, serving
from tests.publish_servers import oxigraph_server, virtuoso_server

VIRTUOSO_ENV = {"KSGRAPH_PUSH_USER": "dba", "KSGRAPH_PUSH_PASSWORD": "dba", "KSGRAPH_PUSH_AUTH": "digest"}


@dataclass(frozen=True)
class Remote:
    name: str
    query: str  # anonymous SPARQL query endpoint
    update: str  # SPARQL Update endpoint
    graph_store: str
    env: dict[str, str]

    def count(self, graph: str) -> int:
        """Triples in ``graph``, asked with a plain HTTP request (not through ksgraph)."""
        response = httpx.post(
            self.query,
            data={"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"},
            headers={"Accept": "application/sparql-results+json"},
            timeout=60,
        )
        response.raise_for_status()
        return int(response.json()["results"]["bindings"][0]["n"]["value"])


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Remote]:
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as base:
        yield Remote("oxigraph", f"{base}/query", f"{base}/update", f"{base}/store", {})


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Remote]:
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as base:
        yield Remote(
            "virtuoso", f"{base}/sparql", f"{base}/sparql-auth", f"{base}/sparql-graph-crud-auth", VIRTUOSO_ENV
        )


@pytest.fixture(scope="module")
def export(built_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Counter[str]]:
    """The N-Quads export a user would push, and its triples per graph."""
    path = tmp_path_factory.mktemp("export") / "export.nq"
    result = run_cli("export", "--format", "nquads", "--output", str(path), store=built_settings.store_dir)
    assert result.returncode == 0, result.stderr
    counts = Counter(q.graph_name.value for q in set(ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS)))
    return path, counts


def push_cli(remote: Remote, export_file: Path, method: str, *extra: str) -> None:
    args = ["push", "--endpoint", remote.query, "--file", str(export_file)]
    args += ["--graph-store", remote.graph_store] if method == "gsp" else ["--update-endpoint", remote.update]
    result = run_cli(*args, *extra, env=remote.env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "remote counts match" in result.stderr


@pytest.mark.parametrize("method", ["update", "gsp"])
@pytest.mark.parametrize("store", ["oxigraph", "virtuoso"])
def test_push_gives_the_export_counts(
    store: str, method: str, request: pytest.FixtureRequest, export: tuple[Path, Counter[str]]
) -> None:
    remote: Remote = request.getfixturevalue(store)
    path, counts = export
    push_cli(remote, path, method, "--chunk", "500")
    assert {g: remote.count(g) for g in counts} == dict(counts)
    # Again, through the library: the second push must replace each graph, not add to it (the
    # counts would double if it added, and blank nodes would be duplicated if not replaced).
    credentials = Credentials("dba", "dba", "digest") if remote.env else None
    target = Target(remote.query, update_endpoint=remote.update, credentials=credentials)
    if method == "gsp":
        target = Target(remote.query, graph_store=remote.graph_store, credentials=credentials)
    report = push(read_source(file=path), target)
    assert report.graphs == dict(counts)
    assert {g: remote.count(g) for g in counts} == dict(counts)


def test_push_of_a_turtle_file_into_one_graph(oxigraph: Remote, tmp_path: Path) -> None:
    data = tmp_path / "extra.ttl"
    data.write_text(
        '@prefix ex: <https://example.org/> .\nex:a ex:p "x"@sv , [ ex:q 1 ] .\nex:b ex:p "<y>" .\n', encoding="utf-8"
    )
    graph = "https://example.org/graph/extra"
    result = run_cli("push", "--endpoint", oxigraph.query, "--update-endpoint", oxigraph.update,
                     "--file", str(data), "--graph", graph)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert oxigraph.count(graph) == 4


def test_a_store_that_does_not_hold_the_data_is_a_mismatch(oxigraph: Remote, virtuoso: Remote, tmp_path: Path) -> None:
    # Updates go to Virtuoso, the count is asked of Oxigraph: the verification must notice.
    data = tmp_path / "one.nt"
    data.write_text("<https://example.org/s> <https://example.org/p> <https://example.org/o> .\n", encoding="utf-8")
    graph = "https://example.org/graph/elsewhere"
    result = run_cli("push", "--endpoint", oxigraph.query, "--update-endpoint", virtuoso.update,
                     "--file", str(data), "--graph", graph, env=virtuoso.env)  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert f"{graph}: pushed 1 triples, the store holds 0" in result.stderr


def test_wrong_credentials_fail_clearly(virtuoso: Remote, export: tuple[Path, Counter[str]]) -> None:
    env = {**VIRTUOSO_ENV, "KSGRAPH_PUSH_PASSWORD": "not-the-password"}
    result = run_cli("push", "--endpoint", virtuoso.query, "--update-endpoint", virtuoso.update,
                     "--file", str(export[0]), env=env)  # fmt: skip
    assert result.returncode == 2
    assert "refused" in result.stderr


@pytest.fixture(scope="module")
def loaded(oxigraph: Remote, virtuoso: Remote, built_settings: Settings) -> dict[str, Remote]:
    """Both stores holding the built graph (pushed through the library, by SPARQL Update)."""
    source = read_source(store=GraphStore(built_settings.store_dir))
    for remote in (oxigraph, virtuoso):
        credentials = Credentials("dba", "dba", "digest") if remote.env else None
        push(source, Target(remote.query, update_endpoint=remote.update, credentials=credentials))
    return {"oxigraph": oxigraph, "virtuoso": virtuoso}


@pytest.mark.parametrize("store", ["oxigraph", "virtuoso"])
def test_remote_backend_serves_what_the_local_store_serves(
    store: str, loaded: dict[str, Remote], built_settings: Settings, site: httpx.Client, tmp_path: Path
) -> None:
    backend = RemoteBackend(loaded[store].query)
    local = LocalBackend(GraphStore(built_settings.store_dir))
    try:
        for path in ("npo/akut-vard", "group/sks", "healthcare-region/norra"):
            assert set(describe(backend, ID + path)) == set(describe(local, ID + path)), path
        # `ksgraph serve --backend URL` against `ksgraph serve` on the local store.
        with serving(None, tmp_path / "server.log", backend=loaded[store].query) as remote_app:
            remote_page = remote_app.get("/id/npo/akut-vard").text
            assert remote_app.get("/id/npo/not-there").status_code == 404
        # The History section is drawn from the local store only (ksgraph.temporal.history reads it directly);
        # everything else on the page is the same.
        local_page = site.get("/id/npo/akut-vard").text
        assert "<h2>History</h2>" in local_page
        assert remote_page == without_history(local_page)
        assert collect_facts(backend.run_raw).graphs == collect_facts(local.run_raw).graphs
    finally:
        backend.close()
    if store == "virtuoso":  # its authenticated endpoint, with credentials from the environment
        env = {"KSGRAPH_BACKEND_USER": "dba", "KSGRAPH_BACKEND_PASSWORD": "dba", "KSGRAPH_BACKEND_AUTH": "digest"}
        authenticated = open_backend(load_settings(backend=loaded[store].update, env=env))
        try:
            assert set(describe(authenticated, ID + "npo/akut-vard")) == set(describe(local, ID + "npo/akut-vard"))
        finally:
            authenticated.close()


def without_history(page: str) -> str:
    """The page with its History section (heading and timeline SVG) cut out."""
    start = page.index("\n<h2>History</h2>")
    end = page.index("</svg>", start) + len("</svg>")
    return page[:start] + page[end:]


@pytest.mark.parametrize("store", ["oxigraph", "virtuoso"])
def test_remote_backend_keeps_the_dataset_and_binds_parameters(store: str, loaded: dict[str, Remote]) -> None:
    backend = RemoteBackend(loaded[store].query)
    level = "SELECT ?g ?level WHERE { ?g ks:level ?level }"
    npo = {ox.Variable("g"): ox.NamedNode(ID + "npo/akut-vard")}
    try:
        with_inferences = [r["level"] for r in backend.run(level, substitutions=npo)]
        assert with_inferences == [ox.NamedNode(KS + "macro")]
        # Level is inferred: asserted-only leaves it out, as `ksgraph query --asserted-only` does.
        assert list(backend.run(level, view=ASSERTED, substitutions=npo)) == []
        # A literal parameter is a term: quotes in it cannot end the string and change the query.
        label = "SELECT ?l WHERE { ?s skos:prefLabel ?l }"
        hostile = {ox.Variable("l"): ox.Literal('x" } UNION { ?s ?p ?o } #', language="sv")}
        assert list(backend.run(label, substitutions=hostile)) == []
        assert backend.run("ASK { ?s a ks:NationalProgrammeArea }") is True
        constructed = list(
            backend.run("CONSTRUCT { ?s ks:level ?l } WHERE { ?s a ks:NationalProgrammeArea ; ks:level ?l }")
        )
        assert (
            ox.Triple(ox.NamedNode(ID + "npo/akut-vard"), ox.NamedNode(KS + "level"), ox.NamedNode(KS + "macro"))
            in constructed
        )
    finally:
        backend.close()
