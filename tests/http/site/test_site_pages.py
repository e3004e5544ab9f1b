"""The pages for people (issue 20) over HTTP, on the real ``ksgraph serve``: what a browser gets,
what RDF and JSON clients still get, the language, the downloads, escaping, and the same pages
answered from a remote store (``ksgraph serve --backend``)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import openpyxl
import pyoxigraph as ox
import pytest

from ksgraph.core.settings import Settings
from ksgraph.core.vocab import DCTERMS, ID, KS, ORG, SD, SKOS, data_graph
from ksgraph.publish.push import Target, push, read_source
from ksgraph.sparql.catalogue import named_queries
from ksgraph.sparql.run import run
from ksgraph.store.versions import GraphStore
from ksgraph.tabular import sheets
from ksgraph.temporal.asof import query_as_of
from tests.conftest import serving
from tests.publish_servers import oxigraph_server

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
ACCEPTANCE = [
    "/",
    "/search?q=ungdomars%20halsa",
    "/browse?class=ks:NationalProgrammeArea",
    "/queries/npo-hosts",
    "/structure",
    "/sparql",
    "/.well-known/void",
]


def count(store: ox.Store, sparql: str) -> int:
    return len(list(run(store, sparql)))  # type: ignore[arg-type]


def table_rows(html: str, table_id: str) -> list[str]:
    body = html.split(f'id="{table_id}"', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)


@pytest.mark.parametrize("path", ACCEPTANCE)
def test_every_page_of_the_acceptance_answers_a_browser_with_html(site: httpx.Client, path: str) -> None:
    page = site.get(path, headers=BROWSER)
    assert page.status_code == 200, page.text[:500]
    assert page.headers["content-type"].startswith("text/html")
    assert '<link rel="stylesheet" href="/static/site.css">' in page.text
    assert 'action="/search"' in page.text  # the search box on every page


def test_rdf_and_json_clients_get_what_they_got_before(site: httpx.Client) -> None:
    description = site.get("/sparql")  # no Accept: the service description, in Turtle
    assert description.headers["content-type"].startswith("text/turtle")
    triples = list(ox.parse(description.content, format=ox.RdfFormat.TURTLE))
    assert any(t.object == ox.NamedNode(SD + "Service") for t in triples)
    as_xml = site.get("/sparql", headers={"Accept": "application/rdf+xml"})
    assert as_xml.headers["content-type"].startswith("application/rdf+xml")
    for accept in (None, "*/*", "text/turtle"):
        void = site.get("/.well-known/void", headers={"Accept": accept} if accept else {})
        assert void.headers["content-type"].startswith("text/turtle"), accept
    listing = site.get("/queries")
    assert listing.headers["content-type"].startswith("application/json") and listing.json()
    answer = site.get("/queries/npo-hosts")
    assert answer.headers["content-type"].startswith("application/sparql-results+json")
    assert len(answer.json()["results"]["bindings"]) == 26
    as_csv = site.get("/queries/npo-hosts", headers={"Accept": "text/csv"})
    assert as_csv.headers["content-type"].startswith("text/csv") and "content-disposition" not in as_csv.headers
    # A query from a browser still runs: only /sparql without a query is the editor.
    ran = site.get("/sparql", params={"query": "ASK {}"}, headers=BROWSER)
    assert ran.headers["content-type"].startswith("application/sparql-results+")  # XML: the browser names it


def test_browse_lists_a_class_with_its_subclasses_and_pages(site: httpx.Client, store: ox.Store) -> None:
    page = site.get("/browse?class=ks:NationalProgrammeArea", headers=BROWSER).text
    assert len(table_rows(page, "instance-table")) == 26
    assert 'href="/id/healthcare-region/sodra"' in page  # the host column
    as_json = site.get(
        "/browse", params={"class": KS + "NationalProgrammeArea"}, headers={"Accept": "application/json"}
    )
    assert as_json.json()["count"] == 26 and len(as_json.json()["instances"]) == 26
    parent = site.get("/browse?class=ks:ProgrammeArea", headers=BROWSER).text
    subclasses = parent.split('id="subclasses"', 1)[1].split("</ul>", 1)[0]
    for cls in ("NationalProgrammeArea", "RegionalProgrammeArea", "LocalProgrammeArea"):
        assert f"/browse?class=ks%3A{cls}" in subclasses
    # A class with more instances than a page holds is paged, and the pages together list them all.
    tasks = count(store, "SELECT DISTINCT ?t WHERE { ?t a ks:Task }")
    assert tasks > 50
    seen: list[str] = []
    for number in (1, 2, 3):
        got = site.get("/browse", params={"class": "ks:Task", "page": number}, headers={"Accept": "application/json"})
        seen += [row["iri"] for row in got.json()["instances"]]
    assert len(seen) == len(set(seen)) == tasks
    assert site.get("/browse?class=ks:NoSuchClass", headers=BROWSER).status_code == 404


def test_the_named_query_page_has_a_form_and_its_answer(
    site: httpx.Client, built_settings: Settings, store: ox.Store
) -> None:
    page = site.get("/queries/npo-hosts", headers=BROWSER).text
    form = page.split('id="query-form"', 1)[1].split("</form>", 1)[0]
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', form)
    assert ("id:healthcare-region/sodra", "Southern healthcare region") in options
    assert len([v for v, _ in options if v]) == 7
    named = named_queries(built_settings.queries_dir)["npo-hosts"]
    expected = list(query_as_of(store, named.text, built_settings.today()).result)
    assert len(table_rows(page, "answer-table")) == len(expected) == 26
    assert 'href="/id/npo/akut-vard"' in page  # resources link to their pages
    # A required parameter not given: the form, no answer; a bad one: the error, 400.
    mandate = site.get("/queries/group-mandate", headers=BROWSER)
    assert mandate.status_code == 200 and 'id="answer-table"' not in mandate.text
    assert 'name="group"' in mandate.text and "<select" in mandate.text
    bad = site.get("/queries/npos-as-of", params={"date": "not-a-date"}, headers=BROWSER)
    assert bad.status_code == 400 and 'role="alert"' in bad.text and "not a valid date" in bad.text


def test_downloads_of_an_answer(site: httpx.Client) -> None:
    params = {"host": "id:healthcare-region/norra"}
    as_csv = site.get("/queries/npo-hosts", params={**params, "format": "csv"}, headers=BROWSER)
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert as_csv.headers["content-disposition"] == 'attachment; filename="npo-hosts.csv"'
    rows = list(csv.reader(io.StringIO(as_csv.text)))
    as_json = site.get("/queries/npo-hosts", params={**params, "format": "json"}, headers=BROWSER).json()
    assert len(as_json["results"]["bindings"]) == len(rows) - 1 > 0
    as_tsv = site.get("/queries/npo-hosts", params={**params, "format": "tsv"}, headers=BROWSER)
    assert as_tsv.headers["content-type"].startswith("text/tab-separated-values")
    xlsx = site.get("/queries/npo-hosts", params={**params, "format": "xlsx"}, headers=BROWSER)
    assert xlsx.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    # The writer formats empty rows below the answer as text too: only the filled ones count.
    cells = [[c or "" for c in row] for row in book.active.iter_rows(values_only=True) if any(row)]
    assert cells == rows  # the same values as the CSV answer, every one a text cell
    assert all(c.data_type == "s" for row in book.active.iter_rows() for c in row if c.value is not None)
    assert site.get("/queries/npo-hosts", params={"format": "pdf"}).status_code == 400


@pytest.mark.skipif(not hasattr(sheets, "write_cell"), reason="needs the spreadsheet writer's formula guard (issue 23)")
def test_an_answer_cell_that_looks_like_a_formula_is_text() -> None:
    from ksgraph.http.site.downloads import xlsx_answer

    body = b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal","value":"=HYPERLINK(\\"x\\")"}}]}}'
    book = openpyxl.load_workbook(io.BytesIO(xlsx_answer(body, "t")))
    cell = book.active["A2"]
    assert cell.value == '=HYPERLINK("x")' and cell.data_type == "s"


def test_the_language_by_accept_language_the_switch_and_its_cookie(site: httpx.Client) -> None:
    swedish = site.get("/", headers={**BROWSER, "Accept-Language": "sv-SE,sv;q=0.9,en;q=0.5"})
    assert '<html lang="sv">' in swedish.text and ">Bläddra</a>" in swedish.text
    assert 'href="/?lang=en"' in swedish.text  # the switch: a plain link
    assert "Accept-Language" in swedish.headers["vary"]
    english = site.get("/", headers={**BROWSER, "Accept-Language": "en-GB"})
    assert '<html lang="en">' in english.text and ">Browse</a>" in english.text
    base = str(site.base_url).rstrip("/")
    switched = httpx.get(f"{base}/browse?lang=sv", headers={**BROWSER, "Accept-Language": "en"})
    assert '<html lang="sv">' in switched.text
    assert switched.cookies.get("ksgraph_lang") == "sv"
    kept = httpx.get(
        f"{base}/search?q=sks", headers={**BROWSER, "Accept-Language": "en"}, cookies={"ksgraph_lang": "sv"}
    )
    assert '<html lang="sv">' in kept.text
    # The resource pages and the ontology's documentation follow the reader too.
    npo = site.get("/id/npo/akut-vard", headers={**BROWSER, "Accept-Language": "sv"}).text
    assert "<h2>Poster (" in npo and '<h1 lang="sv">NPO Akut vård</h1>' in npo
    assert site.get("/ontology", headers={**BROWSER, "Accept-Language": "sv"}).text.startswith(
        '<!doctype html>\n<html lang="sv">'
    )


def test_the_landing_page_counts_what_the_graph_holds(site: httpx.Client, store: ox.Store) -> None:
    page = site.get("/", headers=BROWSER).text
    for cls, n in (("NationalProgrammeArea", 26), ("NationalCollaborationGroup", 8), ("RegionalProgrammeArea", 27)):
        assert count(store, f"SELECT DISTINCT ?s WHERE {{ ?s a ks:{cls} }}") == n
        assert re.search(rf'href="/browse\?class=ks%3A{cls}">[^<]+</a></td><td class="n">{n}</td>', page), cls
    assert re.search(r'27 · <a href="/id/healthcare-region/norra"', page)  # 27 RPO in Norra
    for doc in ("000", "001", "002", "003", "004"):
        assert f'href="/id/source/{doc}"' in page
    assert 'href="/rdf-graphs?graph=https%3A%2F%2Fw3id.org%2Fksgraph%2Fgraph%2Finferred"' in page
    assert 'href="/structure"' in page and 'href="/sparql"' in page and 'href="/.well-known/void?format=ttl"' in page


def test_the_void_page_shows_the_description(site: httpx.Client) -> None:
    page = site.get("/.well-known/void", headers=BROWSER).text
    assert "CC BY" in page or "creativecommons.org/licenses/by/4.0" in page
    assert 'href="/id/group/sks"' in page  # the root resource, a link to its page
    assert 'href="/.well-known/void?format=turtle"' in page


def test_text_from_the_data_is_escaped_on_every_new_page(scratch_settings: Settings, tmp_path: Path) -> None:
    evil = ID + "npo/evil"
    graph = ox.NamedNode(data_graph("national"))
    with GraphStore(scratch_settings.store_dir).write() as store:
        for p, o in (
            (KS + "hostedBy", ox.NamedNode(ID + "healthcare-region/norra")),
            (ORG + "reportsTo", ox.NamedNode(ID + "group/sks")),
            (SKOS + "prefLabel", ox.Literal('<script>alert("sv")</script> evil', language="sv")),
            (SKOS + "altLabel", ox.Literal("<img src=x onerror=alert(1)>", language="en")),
            (DCTERMS + "source", ox.NamedNode("javascript:alert(1)")),
        ):
            store.add(ox.Quad(ox.NamedNode(evil), ox.NamedNode(p), o, graph))
        # The types the reasoner would add too, written here: this store is changed behind its back.
        for cls in ("NationalProgrammeArea", "ProgrammeArea", "GovernanceGroup"):
            store.add(ox.Quad(ox.NamedNode(evil), ox.NamedNode(RDF_TYPE), ox.NamedNode(KS + cls), graph))
        store.add(ox.Quad(ox.NamedNode(evil), ox.NamedNode(KS + "tier"), ox.NamedNode(KS + "nationalTier"), graph))
    with serving(scratch_settings.store_dir, tmp_path / "server.log") as client:
        pages = {
            path: client.get(path, headers=BROWSER).text
            for path in (
                "/search?q=evil",
                "/browse?class=ks:NationalProgrammeArea",
                "/structure?as_of=all",
                "/queries/npo-hosts?as_of=all",
                '/search?q="><script>alert(3)</script>',
            )
        }
        as_json = client.get("/search?q=evil", headers={"Accept": "application/json"}).json()
    assert as_json["results"][0]["iri"] == evil
    for path, html in pages.items():
        assert "<script>alert" not in html, path
        assert "<img src=x" not in html, path
        assert 'href="javascript:' not in html, path
    assert "&lt;script&gt;alert(&#34;sv&#34;)&lt;/script&gt; evil" in pages["/search?q=evil"]
    assert "&lt;script&gt;" in pages["/structure?as_of=all"]


RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@pytest.fixture(scope="module")
def remote(tmp_path_factory: pytest.TempPathFactory, built_settings: Settings) -> Iterator[httpx.Client]:
    """``ksgraph serve --backend`` on an Oxigraph server holding the same graphs (pushed there)."""
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as base:
        push(
            read_source(store=GraphStore(built_settings.store_dir)),
            Target(f"{base}/query", graph_store=f"{base}/store"),
        )
        with serving(None, tmp_path_factory.mktemp("remote") / "server.log", backend=f"{base}/query") as client:
            yield client


@pytest.mark.parametrize("path", [*ACCEPTANCE, "/id/npo/akut-vard", "/browse", "/structure.svg"])
def test_the_pages_answer_from_a_remote_store(remote: httpx.Client, path: str) -> None:
    page = remote.get(path, headers=BROWSER)
    assert page.status_code == 200, page.text[:1000]


def test_a_remote_store_gives_the_same_search_and_lists_and_says_what_it_cannot_do(
    remote: httpx.Client, site: httpx.Client
) -> None:
    for q in ("ungdomars halsa", "oron", "SKS"):
        here = site.get("/search", params={"q": q}, headers={"Accept": "application/json"}).json()
        there = remote.get("/search", params={"q": q}, headers={"Accept": "application/json"}).json()
        assert [r["iri"] for r in there["results"]] == [r["iri"] for r in here["results"]], q
    browse = remote.get("/browse?class=ks:NationalProgrammeArea", headers=BROWSER).text
    assert len(table_rows(browse, "instance-table")) == 26
    structure = remote.get("/structure", headers=BROWSER).text
    assert "The store is remote" in structure  # no snapshot of a day: the whole graph, and it says so
    assert remote.get("/structure.svg?as_of=all").text == site.get("/structure.svg?as_of=all").text
    named = remote.get("/queries/npo-hosts", headers=BROWSER).text
    assert len(table_rows(named, "answer-table")) == 26 and 'name="as_of"' not in named
    assert "remote store" in remote.get("/", headers=BROWSER).text
