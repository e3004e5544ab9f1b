"""Dereferenceable IRIs: content negotiation, the HTML page, escaping, the base-URL mapping."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from ksgraph.core.settings import Settings
from ksgraph.core.vocab import DCTERMS, ID, KS, ORG, RDF, RDFS, SKOS, data_graph
from ksgraph.store.versions import GraphStore
from tests.conftest import require_tool, serving

NPO = ID + "npo/akut-vard"
SKS = ID + "group/sks"
RDF_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}


@pytest.fixture(scope="module")
def client(site: httpx.Client) -> httpx.Client:
    """``ksgraph serve`` itself: the pages are tested where users read them."""
    return site


def triples_of(response: httpx.Response, media: str) -> set[ox.Triple]:
    return {q.triple for q in ox.parse(response.content, format=RDF_TYPES[media])}


def t(s: str, p: str, o: ox.NamedNode | ox.Literal) -> ox.Triple:
    return ox.Triple(ox.NamedNode(s), ox.NamedNode(p), o)


def test_npo_iri_gives_its_triples_as_turtle(client: httpx.Client) -> None:
    response = client.get("/id/npo/akut-vard", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    assert "Accept" in response.headers["vary"]
    triples = triples_of(response, "text/turtle")
    assert t(NPO, RDF + "type", ox.NamedNode(KS + "NationalProgrammeArea")) in triples
    assert t(NPO, SKOS + "prefLabel", ox.Literal("NPO Akut vård", language="sv")) in triples
    assert t(NPO, ORG + "reportsTo", ox.NamedNode(SKS)) in triples
    # Inferred (level from the class's owl:hasValue restriction) and incoming (posts) statements too.
    assert t(NPO, KS + "level", ox.NamedNode(KS + "macro")) in triples
    assert any(x.predicate.value == ORG + "postIn" and x.object.value == NPO for x in triples)


@pytest.mark.parametrize("media", list(RDF_TYPES))
def test_every_rdf_representation_carries_the_same_triples(client: httpx.Client, media: str) -> None:
    turtle = triples_of(client.get("/id/npo/akut-vard", headers={"Accept": "text/turtle"}), "text/turtle")
    by_accept = client.get("/id/npo/akut-vard", headers={"Accept": media})
    assert by_accept.status_code == 200
    assert by_accept.headers["content-type"].split(";")[0] == media
    assert triples_of(by_accept, media) == turtle
    name = {"text/turtle": "ttl", "application/ld+json": "jsonld", "application/n-triples": "nt"}.get(media, "rdf")
    by_format = client.get(f"/id/npo/akut-vard?format={name}", headers={"Accept": "text/html"})
    assert by_format.headers["content-type"].split(";")[0] == media
    assert triples_of(by_format, media) == turtle


def test_json_ld_reads_naturally_with_the_context(client: httpx.Client) -> None:
    doc = client.get("/id/npo/akut-vard", headers={"Accept": "application/ld+json"}).json()
    node = doc if "@id" in doc and doc["@id"] == NPO else next(n for n in doc["@graph"] if n["@id"] == NPO)
    assert node["prefLabel"]["sv"] == "NPO Akut vård"
    assert node["reportsTo"] == SKS
    assert "@context" in doc and doc["@context"]["prefLabel"]["@container"] == "@language"


def test_negotiation_prefers_quality_and_falls_back_to_html(client: httpx.Client) -> None:
    weighted = client.get("/id/npo/akut-vard", headers={"Accept": "text/turtle;q=0.5, application/n-triples"})
    assert weighted.headers["content-type"].startswith("application/n-triples")
    browser = client.get("/id/npo/akut-vard", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert browser.headers["content-type"].startswith("text/html")
    assert client.get("/id/npo/akut-vard", headers={"Accept": "*/*"}).headers["content-type"].startswith("text/html")
    assert client.get("/id/npo/akut-vard", headers={"Accept": "image/png"}).status_code == 406
    assert client.get("/id/npo/akut-vard?format=docx").status_code == 400


def test_unknown_iri_is_404_in_every_representation(client: httpx.Client) -> None:
    for accept in ("text/html", "text/turtle", "application/ld+json"):
        response = client.get("/id/npo/no-such-area", headers={"Accept": accept})
        assert response.status_code == 404, accept


def test_html_page_shows_labels_type_level_links_sources_posts_and_diagram(client: httpx.Client) -> None:
    response = client.get("/id/npo/akut-vard", headers={"Accept": "text/html"})
    assert response.status_code == 200
    html = response.text
    assert '<h1 lang="sv">NPO Akut vård</h1>' in html
    assert "NPO Emergency care" in html
    assert "nationellt programområde" in html  # the type's Swedish label
    assert "makronivå" in html and "nationell nivå" in html  # level and tier, from the inferred graph
    assert 'href="/id/group/sks"' in html  # a link out, to the deployment's page
    assert 'href="/id/post/npo/akut-vard/member-norra"' in html  # a post
    assert "Posts (" in html and "Links in (" in html
    assert "Sources" in html and 'href="/id/source/' in html
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert 'href="/id/group/sks"' in svg and "NPO Akut vård" in svg


def test_page_of_a_hub_lists_what_reports_to_it_and_its_members(client: httpx.Client) -> None:
    html = client.get("/id/group/sks").text
    members = html[html.index("<h2>Members") : html.index("</table>", html.index("<h2>Members"))]
    assert 'href="/id/person/mats-bojestig"' in members and "2021-09-20" in members
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert 'href="/id/npo/akut-vard"' in html
    assert "more" in svg  # dozens of groups report to SKS: the diagram shows six and a "+N more" box


def test_text_from_the_data_is_escaped(scratch_settings: Settings, tmp_path: Path) -> None:
    evil = ID + "npo/evil"
    graph = ox.NamedNode(data_graph("national"))
    with GraphStore(scratch_settings.store_dir).write() as store:
        for s, p, o in (
            (evil, RDF + "type", ox.NamedNode(KS + "NationalProgrammeArea")),
            (evil, SKOS + "prefLabel", ox.Literal('<script>alert("sv")</script>', language="sv")),
            (evil, SKOS + "prefLabel", ox.Literal("<img src=x onerror=alert(1)>", language="en")),
            (evil, ORG + "reportsTo", ox.NamedNode(SKS)),
            (evil, RDFS + "seeAlso", ox.NamedNode("javascript:alert(1)")),
            (evil, DCTERMS + "description", ox.Literal('"><script>alert(2)</script>')),
        ):
            store.add(ox.Quad(ox.NamedNode(s), ox.NamedNode(p), o, graph))
    with serving(scratch_settings.store_dir, tmp_path / "server.log") as client:
        pages = {path: client.get(path).text for path in ("/id/npo/evil", "/id/group/sks")}
    for path, html in pages.items():
        assert "<script>" not in html, path
        assert "<img src=x" not in html, path
        assert 'href="javascript:' not in html, path
    page = pages["/id/npo/evil"]
    assert "&lt;script&gt;alert(&#34;sv&#34;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_public_base_maps_the_namespace_onto_the_deployment(built_settings: Settings, tmp_path: Path) -> None:
    env = {"KSGRAPH_PUBLIC_BASE": "https://ks.example.se/graph/"}
    with serving(built_settings.store_dir, tmp_path / "server.log", env) as client:
        html = client.get("/id/npo/akut-vard").text
        void = client.get("/.well-known/void", headers={"Accept": "text/turtle"}).text
        turtle = client.get("/id/npo/akut-vard", headers={"Accept": "application/n-triples"}).text
    assert 'href="https://ks.example.se/graph/id/group/sks"' in html
    assert 'href="/id/group/sks"' not in html
    assert "<https://ks.example.se/graph/sparql>" in void
    # The IRI served is the w3id one whatever the deployment's address.
    assert f"<{NPO}>" in turtle


def test_a_real_server_answers_curl_with_turtle(site: httpx.Client) -> None:
    base = str(site.base_url).rstrip("/")
    if True:  # the whole conversation with the one server
        response = httpx.get(f"{base}/id/npo/akut-vard", headers={"Accept": "text/turtle"}, timeout=30)
        assert response.status_code == 200
        assert t(NPO, RDF + "type", ox.NamedNode(KS + "NationalProgrammeArea")) in triples_of(response, "text/turtle")
        curl = require_tool("curl", "bash scripts/test.sh (Debian package curl)")  # the acceptance criterion, literally
        done = subprocess.run(
            [curl, "-sf", "-H", "Accept: text/turtle", f"{base}/id/npo/akut-vard"],
            capture_output=True,
            timeout=30,
            check=True,
        )
        assert {q.triple for q in ox.parse(done.stdout, format=ox.RdfFormat.TURTLE)} == triples_of(
            response, "text/turtle"
        )
        assert httpx.get(f"{base}/id/npo/nothing-here", timeout=30).status_code == 404
        assert json.loads(httpx.get(f"{base}/id/group/sks?format=jsonld", timeout=30).text)


def test_one_resource_of_every_class_resolves(client: httpx.Client, built_settings: Settings) -> None:
    store = GraphStore(built_settings.store_dir).open_read()
    firsts = {
        row["class"].value: row["s"].value
        for row in store.query(
            "SELECT ?class (MIN(STR(?x)) AS ?s) WHERE { GRAPH ?g { ?x a ?class } "
            f"FILTER(STRSTARTS(STR(?x), '{ID}')) }} GROUP BY ?class"
        )
    }
    assert len(firsts) > 10
    for cls, iri in sorted(firsts.items()):
        path = iri.removeprefix("https://w3id.org/ksgraph")
        html = client.get(path, headers={"Accept": "text/html"})
        assert html.status_code == 200, (cls, iri)
        assert f'<code class="iri">{iri}</code>' in html.text
        assert client.get(path, headers={"Accept": "text/turtle"}).status_code == 200, (cls, iri)
