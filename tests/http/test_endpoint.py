"""The SPARQL endpoint on a real uvicorn server (127.0.0.1), read-only, with SPARQLWrapper as the client.

Answers are compared with what the same query gives in-process through ksgraph.sparql.query, so a
format or dataset bug shows up as a difference, not as a crash.
"""

from __future__ import annotations

import io
import json
import os
import re
import socket
import subprocess
import sys
import urllib.error
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from SPARQLWrapper import CSV, JSON, N3, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from ksgraph.core.settings import Settings
from ksgraph.core.vocab import INFERRED_GRAPH, data_graph
from ksgraph.http.launch import Running, free_port
from ksgraph.sparql.run import run
from tests.conftest import Listener, wait_until
from tests.http.conftest import MAX_ROWS, TIMEOUT

# A cross product that runs far longer than TIMEOUT on the real graph.
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
# One row per term kind: IRI, language-tagged and typed literals, unbound (for the format round trips).
MIXED = """SELECT ?npo ?label ?n ?missing WHERE {
  ?npo a ks:NationalProgrammeArea ; skos:prefLabel ?label .
  OPTIONAL { ?npo <http://example.org/never> ?missing }
  BIND(STRLEN(?label) AS ?n)
} ORDER BY ?npo LIMIT 5"""


def wrapper(server: Running, query: str, fmt: str = JSON, method: str = "GET") -> SPARQLWrapper:
    client = SPARQLWrapper(server.sparql)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    return client


def solutions(result: ox.QuerySolutions) -> list[dict[str, str]]:
    variables = [v.value for v in result.variables]
    return [{v: str(s[v]) for v in variables if s[v] is not None} for s in result]


def post(server: Running, query: str, accept: str | None = None, **params: str) -> httpx.Response:
    headers = {"Content-Type": "application/sparql-query"}
    if accept:
        headers["Accept"] = accept
    return httpx.post(server.sparql, content=query.encode(), headers=headers, params=params, timeout=30)


def test_serve_without_a_store_exits_2(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", "from ksgraph.cli import main; main()", "serve", "--store", str(tmp_path / "none")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "ksgraph build" in done.stderr


def test_serve_with_a_bad_setting_exits_2(built_settings: Settings) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from ksgraph.cli import main; main()",
            "serve",
            "--store",
            str(built_settings.store_dir),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "KSGRAPH_QUERY_TIMEOUT": "soon"},
    )
    assert done.returncode == 2 and "not a number" in done.stderr


@pytest.mark.parametrize("backend", ["ftp://example.org/sparql", "http://127.0.0.1:{port}/query"])
def test_serve_with_an_unusable_backend_exits_2(backend: str) -> None:
    command = [sys.executable, "-c", "from ksgraph.cli import main; main()", "serve"]
    done = subprocess.run(
        [*command, "--backend", backend.format(port=free_port())],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert "must be an http(s) URL" in done.stderr or "does not answer SPARQL queries" in done.stderr
    assert "Traceback" not in done.stderr


# -- queries and formats ------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_select_json_matches_in_process_answer(server: Running, local: ox.Store, method: str) -> None:
    answer = wrapper(server, MIXED, JSON, method).query().convert()
    expected = solutions(run(local, MIXED))
    assert len(answer["results"]["bindings"]) == len(expected) == 5
    assert answer["head"]["vars"] == ["npo", "label", "n", "missing"]
    first = answer["results"]["bindings"][0]
    assert first["label"]["xml:lang"] == "sv"
    assert first["n"]["datatype"] == "http://www.w3.org/2001/XMLSchema#integer"
    assert "missing" not in first


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
        ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
        ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
    ],
)
def test_select_formats_round_trip_exactly(server: Running, local: ox.Store, accept: str, fmt: object) -> None:
    response = post(server, MIXED, accept)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(accept)
    parsed = ox.parse_query_results(response.content, format=fmt)
    assert solutions(parsed) == solutions(run(local, MIXED))


def test_select_csv_is_rfc4180_with_plain_values(server: Running, local: ox.Store) -> None:
    text = wrapper(server, MIXED, CSV).query().convert().decode("utf-8")
    import csv

    table = list(csv.reader(io.StringIO(text)))
    assert table[0] == ["npo", "label", "n", "missing"]
    expected = run(local, MIXED)
    for row, solution in zip(table[1:], expected, strict=True):
        assert row[0] == solution["npo"].value and row[1] == solution["label"].value and row[3] == ""
    assert "\r\n" in text


def test_tsv_and_xml_through_sparqlwrapper(server: Running) -> None:
    tsv = wrapper(server, MIXED, TSV).query().convert().decode("utf-8")
    assert tsv.splitlines()[0] == "?npo\t?label\t?n\t?missing"
    xml = wrapper(server, MIXED, XML).query().convert()
    assert len(xml.getElementsByTagName("result")) == 5


@pytest.mark.parametrize("value", [True, False])
def test_ask_json_and_xml(server: Running, value: bool) -> None:
    query = "ASK { ?s a ks:NationalProgrammeArea }" if value else "ASK { ?s a <http://example.org/Nothing> }"
    assert wrapper(server, query, JSON).query().convert()["boolean"] is value
    xml = wrapper(server, query, XML).query().convert()
    assert xml.getElementsByTagName("boolean")[0].firstChild.data == str(value).lower()


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("text/turtle", ox.RdfFormat.TURTLE),
        ("application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("application/ld+json", ox.RdfFormat.JSON_LD),
        ("application/rdf+xml", ox.RdfFormat.RDF_XML),
    ],
)
def test_construct_formats_carry_the_same_triples(server: Running, local: ox.Store, accept: str, fmt: object) -> None:
    query = "CONSTRUCT { ?npo skos:prefLabel ?l } WHERE { ?npo a ks:NationalProgrammeArea ; skos:prefLabel ?l }"
    response = post(server, query, accept)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(accept)
    got = {str(q.triple) for q in ox.parse(response.content, format=fmt)}
    expected = {str(t) for t in run(local, query)}
    assert got == expected and len(got) > 10


def test_construct_and_describe_through_sparqlwrapper(server: Running) -> None:
    sks = "https://w3id.org/ksgraph/id/group/sks"
    turtle = wrapper(server, f"DESCRIBE <{sks}>", TURTLE).query().convert()
    subjects = {q.subject.value for q in ox.parse(turtle, format=ox.RdfFormat.TURTLE)}
    assert subjects == {sks}
    graph = wrapper(server, "CONSTRUCT WHERE { <https://w3id.org/ksgraph/id/group/sks> ?p ?o }", N3).query().convert()
    assert len(graph) > 0


def test_default_dataset_includes_inferences_and_inference_false_leaves_them_out(server: Running) -> None:
    inferred = "ASK { <https://w3id.org/ksgraph/id/npo/aldres-halsa> a ks:ProgrammeArea }"
    assert post(server, inferred).json()["boolean"] is True
    assert post(server, inferred, inference="false").json()["boolean"] is False
    # The inferred graph is not visible as a named graph either when inference is off.
    graph = f"ASK {{ GRAPH <{INFERRED_GRAPH}> {{ ?s ?p ?o }} }}"
    assert post(server, graph).json()["boolean"] is True
    assert post(server, graph, inference="false").json()["boolean"] is False
    client = wrapper(server, inferred)
    client.addParameter("inference", "false")
    assert client.query().convert()["boolean"] is False


def test_protocol_dataset_selects_store_graphs(server: Running) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    whole = int(post(server, count).json()["results"]["bindings"][0]["n"]["value"])
    one = post(server, count, **{"default-graph-uri": data_graph("sources")}).json()
    part = int(one["results"]["bindings"][0]["n"]["value"])
    assert 0 < part < whole
    named = post(server, "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }", **{"named-graph-uri": data_graph("sources")})
    assert [b["g"]["value"] for b in named.json()["results"]["bindings"]] == [data_graph("sources")]
    unknown = post(server, count, **{"default-graph-uri": "http://example.org/not-in-store"}).json()
    assert unknown["results"]["bindings"][0]["n"]["value"] == "0"


def test_from_names_a_store_graph(server: Running) -> None:
    query = f"SELECT (COUNT(*) AS ?n) FROM <{data_graph('sources')}> WHERE {{ ?s ?p ?o }}"
    with_from = int(post(server, query).json()["results"]["bindings"][0]["n"]["value"])
    direct = post(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", **{"default-graph-uri": data_graph("sources")})
    assert with_from == int(direct.json()["results"]["bindings"][0]["n"]["value"]) > 0


def test_service_description(server: Running) -> None:
    response = httpx.get(server.sparql)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/turtle")
    graph = {str(q.triple) for q in ox.parse(response.content, format=ox.RdfFormat.TURTLE)}
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert f"<{server.sparql}#service> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{sd}Service>" in graph
    assert f"<{server.sparql}#service> <{sd}endpoint> <{server.sparql}>" in graph
    assert any(f"<{sd}name> <{INFERRED_GRAPH}>" in t for t in graph)
    assert not any("SPARQL11Update" in t for t in graph)  # read-only
    jsonld = httpx.get(server.sparql, headers={"Accept": "application/ld+json"})
    assert jsonld.headers["content-type"].startswith("application/ld+json")
    json.loads(jsonld.text)


# -- error paths --------------------------------------------------------------


def test_malformed_query_is_400_with_the_parser_position(server: Running) -> None:
    response = post(server, "SELECT * WHERE { ?s ?p ")
    assert response.status_code == 400
    assert "malformed query: error at 1:24" in response.text
    with pytest.raises(QueryBadFormed, match="error at 1:"):
        wrapper(server, "SELECT * WHERE { ?s ?p ").query()


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/json", "", "application/sparql-query; charset=UTF-16"]
)
def test_wrong_media_type_is_415(server: Running, content_type: str) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    response = httpx.post(server.sparql, content=b"ASK {}", headers=headers)
    assert response.status_code == 415, response.text
    assert "application/sparql-query" in response.text or "UTF-8" in response.text


@pytest.mark.parametrize(
    ("query", "accept"),
    [("ASK {}", "image/png"), ("CONSTRUCT WHERE { ?s ?p ?o }", "application/sparql-results+json")],
)
def test_unacceptable_accept_is_406(server: Running, query: str, accept: str) -> None:
    response = post(server, query, accept)
    assert response.status_code == 406
    assert "offers" in response.text


def test_accept_quality_values_are_honoured(server: Running) -> None:
    accept = "text/csv;q=0.5, application/sparql-results+xml;q=0.9, image/png"
    response = post(server, "SELECT (1 AS ?x) {}", accept)
    assert response.headers["content-type"].startswith("application/sparql-results+xml")


def test_too_large_query_is_413(server: Running) -> None:
    padding = "# " + "x" * 70_000 + "\n"
    assert post(server, padding + "ASK {}").status_code == 413
    form = httpx.post(server.sparql, data={"query": padding + "ASK {}"})
    assert form.status_code == 413
    assert "at most" in form.text


def test_timeout_is_503_and_the_server_recovers(server: Running) -> None:
    # The query would run for minutes; the answer (within the client's 30 s) says the timeout stopped it.
    response = post(server, SLOW)
    assert response.status_code == 503
    assert "stopped" in response.text and f"{TIMEOUT:g} s" in response.text
    with pytest.raises(urllib.error.HTTPError) as raised:
        wrapper(server, SLOW).query()
    assert raised.value.code == 503
    assert post(server, "ASK {}").json()["boolean"] is True


def test_too_many_rows_are_cut_and_say_so(server: Running, local: ox.Store) -> None:
    everything = "SELECT * WHERE { ?s ?p ?o }"
    assert len(list(local.query(everything))) > MAX_ROWS
    response = post(server, everything)
    assert response.status_code == 200
    assert response.headers["x-sparql-maxrows"] == str(MAX_ROWS)
    doc = response.json()
    assert len(doc["results"]["bindings"]) == MAX_ROWS
    # The head links to the endpoint's description of the limit, which says how to page.
    (link,) = doc["head"]["link"]
    assert response.headers["link"] == f'<{link}>; rel="describedby"'
    limits = httpx.get(link).json()
    assert limits["max_rows"] == MAX_ROWS and "OFFSET" in limits["truncation"]
    csv_answer = post(server, everything, accept="text/csv")
    assert csv_answer.headers["x-sparql-maxrows"] == str(MAX_ROWS)
    assert len(csv_answer.text.splitlines()) == MAX_ROWS + 1  # the header, then the rows kept
    xml = post(server, everything, accept="application/sparql-results+xml").text
    assert f'<link href="{link}"/>' in xml and xml.count("<result>") == MAX_ROWS
    graph = post(server, "CONSTRUCT WHERE { ?s ?p ?o }", accept="application/n-triples")
    assert graph.headers["x-sparql-maxrows"] == str(MAX_ROWS)
    assert len(graph.text.splitlines()) == MAX_ROWS
    # An answer within the limit carries no signal, also one of exactly MAX_ROWS rows.
    for query in ("SELECT * WHERE { ?s ?p ?o } LIMIT 10", f"SELECT * WHERE {{ ?s ?p ?o }} LIMIT {MAX_ROWS}"):
        within = post(server, query)
        assert "x-sparql-maxrows" not in within.headers and "link" not in within.json()["head"]
    exactly = post(server, f"SELECT * WHERE {{ ?s ?p ?o }} LIMIT {MAX_ROWS}").json()
    assert len(exactly["results"]["bindings"]) == MAX_ROWS


def test_a_graph_download_over_the_row_limit_is_refused_whole(server: Running) -> None:
    response = httpx.get(f"{server.url}/rdf-graphs", params={"default": ""})
    assert response.status_code == 400
    assert f"more than {MAX_ROWS} triples" in response.text and "LIMIT" in response.text


def test_protocol_misuse_is_4xx(server: Running) -> None:
    assert httpx.get(server.sparql, params=[("query", "ASK {}"), ("query", "ASK {}")]).status_code == 400
    assert httpx.get(server.sparql, params={"update": "CLEAR ALL"}).status_code == 400
    assert httpx.put(server.sparql, params={"query": "ASK {}"}).status_code == 405
    assert httpx.get(server.sparql, params={"query": "ASK {}", "inference": "maybe"}).status_code == 400
    bad_graph = httpx.get(server.sparql, params={"query": "ASK {}", "default-graph-uri": "not an iri"})
    assert bad_graph.status_code == 400


def test_deep_nesting_is_refused_before_it_reaches_the_engine(server: Running) -> None:
    deep = "SELECT * WHERE " + "{" * 5000 + " ?s ?p ?o " + "}" * 5000
    response = post(server, deep)
    assert response.status_code == 400 and "nests brackets 5000 deep" in response.text
    assert post(server, "ASK {}").status_code == 200


# -- reads only -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "content_type", "body"),
    [
        ("POST", "/update", "application/sparql-update", "CLEAR ALL"),
        ("POST", "/sparql", "application/sparql-update", "CLEAR ALL"),
        ("POST", "/update", "application/x-www-form-urlencoded", "update=CLEAR+ALL"),
        ("PUT", "/rdf-graphs?graph=http://example.org/g", "text/turtle", "<a:b> <a:c> <a:d> ."),
        ("POST", "/rdf-graphs?graph=http://example.org/g", "text/turtle", "<a:b> <a:c> <a:d> ."),
        ("DELETE", f"/rdf-graphs?graph={data_graph('sources')}", "", ""),
    ],
)
def test_writes_are_403_with_an_explanation(
    server: Running, local: ox.Store, method: str, path: str, content_type: str, body: str
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    response = httpx.request(method, server.url + path, content=body.encode(), headers=headers)
    assert response.status_code == 403
    assert "read-only" in response.text and "KSGRAPH_WRITE_TOKEN" in response.text
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert post(server, count).json()["results"]["bindings"][0]["n"]["value"] == str(
        next(iter(run(local, count)))["n"].value
    )


def test_graph_store_read(server: Running) -> None:
    response = httpx.get(f"{server.url}/rdf-graphs", params={"graph": data_graph("sources")})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/turtle")
    assert len(list(ox.parse(response.content, format=ox.RdfFormat.TURTLE))) > 10
    missing = httpx.get(f"{server.url}/rdf-graphs", params={"graph": "http://example.org/none"})
    assert missing.status_code == 404


# -- no network, ever --------------------------------------------------------------


def test_service_and_from_never_reach_the_network(server: Running, listener: Listener) -> None:
    target = f"http://127.0.0.1:{listener.port}/sparql"
    refused = [
        f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
        f"select * where {{ service silent <{target}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?x ?y ?z . SeRvIcE<{target}>{{?s ?p ?o}} }}",
        f'SELECT * WHERE {{ BIND("}}" AS ?x) # {{\n SERVICE <{target}> {{ ?s ?p ?o }} }}',
        f"SELECT * WHERE {{ \\u0053ERVICE <{target}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ VALUES ?e {{ <{target}> }} SERVICE ?e {{ ?s ?p ?o }} }}",
    ]
    for query in refused:
        response = post(server, query)
        assert response.status_code == 400, (query, response.text)
    # Locally, a dataset naming the listener is a store graph (empty), never fetched. A remote
    # store might fetch it, so on a backend a FROM must name one of its graphs (400 otherwise).
    from_clauses = [
        post(server, f"ASK FROM <{target}> {{ ?s ?p ?o }}"),
        post(server, f"ASK FROM NAMED <{target}> {{ GRAPH ?g {{ ?s ?p ?o }} }}"),
    ]
    if server.backend:
        assert [r.status_code for r in from_clauses] == [400, 400]
        assert all("not a graph of the store" in r.text for r in from_clauses)
    else:
        assert [r.status_code for r in from_clauses] == [200, 200]
        assert from_clauses[0].json()["boolean"] is False
    allowed = [
        post(server, "ASK { ?s ?p ?o }", **{"default-graph-uri": target}),
        post(server, 'SELECT * WHERE { ?s ?p "SERVICE <x> { }" } LIMIT 1'),
    ]
    assert [r.status_code for r in allowed] == [200, 200]
    assert allowed[0].json()["boolean"] is False
    assert listener.close() == 0


# -- concurrency, CORS, access log ------------------------------------------------------


def test_a_slow_query_does_not_block_a_fast_one(server: Running) -> None:
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=60) as slow:
        # The slow request is on the server's socket, whole, before the fast one is sent ...
        body = SLOW.encode()
        slow.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
            + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
            + body
        )
        fast = post(server, "SELECT ?s WHERE { ?s a ks:NationalProgrammeArea } LIMIT 3")
        assert fast.status_code == 200 and len(fast.json()["results"]["bindings"]) == 3
        # ... and the fast answer came while the slow one was still running: it only ends with the timeout.
        slow.setblocking(False)
        with pytest.raises(BlockingIOError):
            slow.recv(1)
        slow.settimeout(60)
        answer = b""
        while chunk := slow.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 503"), answer[:300]


def test_cors_allows_any_origin_without_credentials(server: Running) -> None:
    response = httpx.get(server.sparql, params={"query": "ASK {}"}, headers={"Origin": "https://example.org"})
    assert response.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in response.headers
    preflight = httpx.options(
        server.sparql,
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 200 and "POST" in preflight.headers["access-control-allow-methods"]


def test_access_log_records_requests_with_durations(server: Running) -> None:
    httpx.get(server.sparql, params={"query": "SELECT (42 AS ?answer) {}"})
    httpx.get(f"{server.url}/queries/no-such-query")

    def access_lines() -> list[str]:
        return [line for line in server.log_text().splitlines() if "ksgraph.access" in line]

    def logged(pattern: str) -> bool:
        return any(re.search(pattern, line) for line in access_lines())

    # The server may write a line after it has answered: poll for both.
    wait_until(lambda: logged(r'"GET /sparql" 200 \d+\.\dms rows=1$'), "the 200 in the access log", 30)
    wait_until(lambda: logged(r'"GET /queries/no-such-query" 404 \d+\.\dms'), "the 404 in the access log", 30)


# -- linked data on the same server ------------------------------------------------------


def test_pages_and_dataset_description_are_served_from_the_same_store(server: Running, local: ox.Store) -> None:
    npo = "https://w3id.org/ksgraph/id/npo/akut-vard"
    response = httpx.get(npo.replace("https://w3id.org/ksgraph", server.url), headers={"Accept": "text/turtle"})
    assert response.status_code == 200, response.text
    triples = {q.triple for q in ox.parse(response.content, format=ox.RdfFormat.TURTLE)}
    asserted = {str(t) for t in run(local, f"CONSTRUCT WHERE {{ <{npo}> ?p ?o }}", inferred=False)}
    assert asserted and asserted <= {str(t) for t in triples}
    page = httpx.get(npo.replace("https://w3id.org/ksgraph", server.url), headers={"Accept": "text/html"})
    assert page.status_code == 200 and "NPO Akut vård" in page.text and "<svg" in page.text
    void = httpx.get(f"{server.url}/.well-known/void", headers={"Accept": "application/n-triples"})
    assert void.status_code == 200
    assert any(
        q.triple.predicate.value.endswith("#triples") for q in ox.parse(void.content, format=ox.RdfFormat.N_TRIPLES)
    )
