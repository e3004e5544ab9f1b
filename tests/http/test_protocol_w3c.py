"""The W3C SPARQL 1.1 Protocol test suite, replayed over HTTP against a real server.

The manifest is read from ../shared at test time (never copied here). Each test's requests are
sent as the manifest spells them (method, path, headers, body) — that is the point of a protocol
test, so a raw HTTP client is used, not SPARQLWrapper. ``/sparql/`` becomes our ``/sparql``, the
manifest's own instruction. Every request carries the write token, so the update tests run
against the write path; before each test the store is reset to the test's ``ut:graphData``
through GraphStore.write, which also checks that the server notices a newly published version.
"""

from __future__ import annotations

import json
import xml.dom.minidom
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
import rdflib
from rdflib.collection import Collection

from ksgraph.http.launch import Running, running_server
from ksgraph.rdfio import results
from ksgraph.store.versions import GraphStore
from tests.conftest import SHARED, backend_limit, require
from tests.publish_servers import oxigraph_server

SUITE = SHARED / "conformance" / "w3c-rdf-tests" / "sparql" / "sparql11" / "protocol"
MANIFEST = SUITE / "manifest.ttl"
TOKEN = "w3c-protocol-test-token"

MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = rdflib.Namespace("http://www.w3.org/2011/http#")
CNT = rdflib.Namespace("http://www.w3.org/2011/content#")
UT = rdflib.Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = rdflib.Namespace("http://www.w3.org/2011/http-statusCodes#")

# Tests we do not pass, by test IRI, each with the reason. Empty: every test passes.
XFAIL: dict[str, str] = {}


@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: str | None
    statuses: frozenset[int]  # accepted status classes: 2, 3, 4
    expected_format: str | None
    expected_boolean: bool | None


@dataclass(frozen=True)
class ProtocolTest:
    iri: str
    name: str
    graph_data: tuple[tuple[Path, str], ...]
    requests: tuple[HttpRequest, ...] = field(default=())


def load_manifest() -> list[ProtocolTest]:
    graph = rdflib.Graph().parse(MANIFEST, format="turtle")
    manifest = next(graph.subjects(rdflib.RDF.type, MF.Manifest))
    tests = []
    for entry in Collection(graph, graph.value(manifest, MF.entries)):
        data = tuple(
            (Path(str(graph.value(gd, UT.graph)).removeprefix("file://")), str(graph.value(gd, rdflib.RDFS.label)))
            for gd in graph.objects(entry, UT.graphData)
        )
        data = tuple((SUITE / p.name, label) for p, label in data)
        connection = graph.value(entry, MF.action)
        requests = []
        for req in Collection(graph, graph.value(connection, HT.requests)):
            headers = {}
            header_list = graph.value(req, HT.headers)
            if header_list is not None:
                for header in Collection(graph, header_list):
                    headers[str(graph.value(header, HT.fieldName))] = str(graph.value(header, HT.fieldValue))
            body = graph.value(req, HT.body)
            response = graph.value(req, HT.resp)
            statuses = frozenset(
                int(str(s).removeprefix(str(HTS))[10]) for s in graph.objects(response, MF.expectedStatus)
            )
            boolean = graph.value(response, MF.expectedBoolean)
            fmt = graph.value(response, MF.expectedFormat)
            requests.append(
                HttpRequest(
                    method=str(graph.value(req, HT.methodName)),
                    path=str(graph.value(req, HT.absolutePath)),
                    headers=headers,
                    body=None if body is None else str(graph.value(body, CNT.chars)),
                    statuses=statuses,
                    expected_format=None if fmt is None else str(fmt),
                    expected_boolean=None if boolean is None else bool(boolean.toPython()),
                )
            )
        tests.append(ProtocolTest(str(entry), str(graph.value(entry, MF.name)), data, tuple(requests)))
    return tests


TESTS = load_manifest() if MANIFEST.is_file() else []


@pytest.fixture(scope="module", params=["local", "oxigraph"])
def w3c_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Running, GraphStore | str]]:
    """The endpoint on a local store, and (issue 7) with `--backend` on an Oxigraph server; the
    second item is what :func:`reset` loads each test's data into (the store, or Oxigraph's URL)."""
    env = {"KSGRAPH_WRITE_TOKEN": TOKEN, "KSGRAPH_QUERY_TIMEOUT": "10"}
    log = tmp_path_factory.mktemp("w3c-logs") / "server.log"
    if request.param == "local":
        store = GraphStore(tmp_path_factory.mktemp("w3c") / ".ksgraph")
        with store.write(fresh=True):
            pass
        with running_server(store.root, log, env) as running:
            yield running, store
        return
    with (
        oxigraph_server(tmp_path_factory.mktemp("w3c-oxigraph"), timeout_s=12) as base,
        running_server(None, log, env, backend=f"{base}/query") as running,
    ):
        yield running, base


def reset(target: GraphStore | str, data: tuple[tuple[Path, str], ...]) -> None:
    if isinstance(target, str):  # Oxigraph server: empty it, then one Graph Store PUT per graph
        httpx.post(f"{target}/update", data={"update": "DROP ALL"}, timeout=30).raise_for_status()
        for path, label in data:
            httpx.put(
                f"{target}/store", params={"graph": label}, content=path.read_bytes(),
                headers={"Content-Type": "application/n-triples"}, timeout=30,
            ).raise_for_status()  # fmt: skip
        return
    with target.write(fresh=True) as writable:
        for path, label in data:
            graph = ox.NamedNode(label)
            parsed = ox.parse(path=path, format=ox.RdfFormat.N_TRIPLES)
            writable.extend(ox.Quad(q.subject, q.predicate, q.object, graph) for q in parsed)


def check(request: HttpRequest, response: httpx.Response) -> None:
    where = f"{request.method} {request.path} → {response.status_code} {response.text[:300]!r}"
    assert response.status_code // 100 in request.statuses, where
    media = response.headers.get("content-type", "").split(";")[0].strip()
    if request.expected_format == "boolean":
        if "json" in media:
            value = json.loads(response.text)["boolean"]
        else:
            assert media in results.TABULAR, where
            node = xml.dom.minidom.parseString(response.content).getElementsByTagName("boolean")[0]
            value = node.firstChild.data == "true"
        if request.expected_boolean is not None:
            assert value is request.expected_boolean, where
    elif request.expected_format == "tabular":
        assert media in results.TABULAR, where
    elif request.expected_format == "RDF":
        assert media in results.GRAPH, where


# Without the manifest the parameter set is empty: pytest skips, which CI refuses (conftest), and
# test_the_whole_suite_was_loaded names what is missing.
@pytest.mark.parametrize("test", TESTS, ids=[t.iri.rpartition("#")[2] for t in TESTS])
def test_w3c_protocol(test: ProtocolTest, w3c_server: tuple[Running, GraphStore]) -> None:
    if test.iri in XFAIL:
        pytest.xfail(XFAIL[test.iri])
    server, store = w3c_server
    if server.backend and any(_is_update(r) for r in test.requests):
        backend_limit("a server on a remote backend is read-only: updates go to the remote store itself")
    reset(store, test.graph_data)
    for request in test.requests:
        assert request.path.startswith("/sparql/"), request.path
        path = "/sparql" + request.path[len("/sparql/") :]
        headers = {"Authorization": f"Bearer {TOKEN}", **request.headers}
        response = httpx.request(
            request.method,
            server.url + path,
            headers=headers,
            content=None if request.body is None else request.body.encode("utf-8"),
            timeout=30,
        )
        check(request, response)


def _is_update(request: HttpRequest) -> bool:
    """An update operation, in any of the protocol's three ways of sending one."""
    content_type = next((v for k, v in request.headers.items() if k.lower() == "content-type"), "")
    query = request.path.partition("?")[2]
    return (
        content_type.startswith("application/sparql-update")
        or any(part.startswith("update=") for part in query.split("&"))
        or any(part.startswith("update=") for part in (request.body or "").split("&"))
    )


def test_the_whole_suite_was_loaded() -> None:
    require(f"the W3C protocol manifest {MANIFEST}", MANIFEST.is_file(), "shared/ beside the checkout, as ../shared")
    assert len(TESTS) == 34
    assert sum(len(t.requests) for t in TESTS) >= 34
