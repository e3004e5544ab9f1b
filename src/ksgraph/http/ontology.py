"""``GET /ontology``: the ontology's documentation (HTML) or the ontology itself (RDF).

Terms are ``https://w3id.org/ksgraph/ontology#Term``; the fragment never reaches a server,
so every term resolves through this one route, to the anchor ``#Term`` of the page.
The version IRI ``…/ontology/<version>`` is served the same way while it is the current one.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response

from ksgraph.core.links import LinkMapper
from ksgraph.http.ontology_docs import build_doc, load, render_doc
from ksgraph.http.site.chrome import chrome_for
from ksgraph.http.site.environment import make_environment
from ksgraph.http.site.i18n import VARY, remember
from ksgraph.http.web import CACHE_HEADERS, negotiate, rdf_response
from ksgraph.rdfio import formats


def ontology_triples(ontology_dir: Path) -> list[ox.Triple]:
    triples: list[ox.Triple] = []
    for path in sorted(ontology_dir.glob("*.ttl")):
        triples.extend(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    return triples


def current_version(triples: list[ox.Triple]) -> str | None:
    for t in triples:
        if t.predicate.value == "http://www.w3.org/2002/07/owl#versionInfo" and isinstance(t.object, ox.Literal):
            return t.object.value
    return None


def ontology_router(ontology_dir: Path, links: LinkMapper) -> APIRouter:
    """Routes for ``/ontology``. The ontology is read once, when the router is made: it is part
    of the deployment (a file of the checkout), not of the data a build publishes."""
    router = APIRouter(tags=["linked data"])
    triples = ontology_triples(ontology_dir)
    version = current_version(triples)
    doc = build_doc(load(ontology_dir), links)
    environment = make_environment()

    def serve(request: Request) -> Response:
        rep = negotiate(request)
        if isinstance(rep, Response):
            return rep
        if rep is formats.HTML:
            # Rendered per request: the page's words and its language switch follow the reader.
            html = render_doc(doc, links, environment, chrome_for(request, links))
            page = HTMLResponse(html, headers={**CACHE_HEADERS, "Vary": VARY})
            remember(request, page)
            return page
        return rdf_response(triples, rep)

    router.add_api_route("/ontology", serve, methods=["GET", "HEAD"], summary="The ontology: documentation or RDF")

    @router.api_route("/ontology/{version_name}", methods=["GET", "HEAD"], summary="The ontology by its version IRI")
    def versioned(version_name: str, request: Request) -> Response:
        if version_name != version:
            return PlainTextResponse(f"this deployment serves ontology version {version}", status_code=404)
        return serve(request)

    return router
