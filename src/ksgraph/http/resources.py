"""``GET /id/{path}``: every resource of the ``https://w3id.org/ksgraph/id/`` namespace resolves.

Content negotiation (``Accept``, overridden by ``?format=``) picks HTML, Turtle, JSON-LD,
N-Triples or RDF/XML. The RDF is the resource's description: the statements about it
(asserted and inferred, one level into blank nodes) and the statements that point at it.
An IRI the graph does not mention is 404.
"""

from __future__ import annotations

from urllib.parse import quote

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response

from ksgraph.core.links import LinkMapper
from ksgraph.http.pages import PageRenderer, build_page
from ksgraph.http.site.chrome import chrome_for
from ksgraph.http.site.environment import make_environment
from ksgraph.http.site.i18n import VARY, remember
from ksgraph.http.web import CACHE_HEADERS, negotiate, not_found, rdf_response
from ksgraph.rdfio import formats
from ksgraph.sparql.packaged import select
from ksgraph.sparql.port import Backend


def describe(runner: Backend, iri: str) -> list[ox.Triple]:
    """The triples served for ``iri``: out (with one level of blank nodes) and in."""
    resource = ox.NamedNode(iri)
    triples: set[ox.Triple] = set()
    for row in select(runner, "resource-out", resource=resource):
        triples.add(ox.Triple(resource, row["p"], row["o"]))
        if row["bp"] is not None:
            triples.add(ox.Triple(row["o"], row["bp"], row["bo"]))
    for row in select(runner, "resource-in", resource=resource):
        triples.add(ox.Triple(row["s"], row["p"], resource))
    return list(triples)


def alternates(href: str) -> dict[str, str]:
    """Links to every representation of a page, keyed by media type."""
    return {rep.media_type: f"{href}?format={rep.name}" for rep in formats.ALL}


def resources_router(runner: Backend, links: LinkMapper) -> APIRouter:
    """Routes for ``/id/{path}``, reading through ``runner``."""
    router = APIRouter(tags=["linked data"])
    renderer = PageRenderer(make_environment(), links)

    # HEAD too: link checkers and w3id redirect tests ask with HEAD first.
    @router.api_route("/id/{path:path}", methods=["GET", "HEAD"], summary="A resource, by content negotiation")
    def resource(path: str, request: Request) -> Response:
        iri = links.iri_for_id_path(path)
        try:
            ox.NamedNode(iri)
        except ValueError:
            return PlainTextResponse(f"not an IRI: {iri}", status_code=400)
        rep = negotiate(request)
        if isinstance(rep, Response):
            return rep
        if rep is formats.HTML:
            site = chrome_for(request, links)
            page = build_page(runner, iri, links, lang=site.lang)
            if page is None:
                # A page with the search box, and a search for the path's last part one click away.
                guess = path.rstrip("/").rsplit("/", 1)[-1].replace("-", " ")
                text = renderer.environment.get_template("not_found.html").render(site=site, iri=iri, guess=guess)
                return HTMLResponse(text, status_code=404, headers={"Vary": VARY})
            href = links.href(iri) or "/id/" + quote(path)
            # The page's words follow the reader's language too.
            body = renderer.resource(page, alternates(href), site)
            html = HTMLResponse(body, headers={**CACHE_HEADERS, "Vary": VARY})
            remember(request, html)
            return html
        triples = describe(runner, iri)
        if not triples:
            return not_found(iri, html=False)
        return rdf_response(triples, rep)

    return router
