"""``/.well-known/void`` and ``/dataset``: the dataset's description (:mod:`ksgraph.publish.void`)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ksgraph.http.site.dataset import description_page
from ksgraph.http.web import negotiate, rdf_response
from ksgraph.publish.facts import collect_facts
from ksgraph.publish.void import RDF_OFFERED, describe
from ksgraph.rdfio import formats
from ksgraph.sparql.port import Backend


def void_router(backend: Backend, *, public_base: str = "", sparql_endpoint: str | None = None) -> APIRouter:
    """``/.well-known/void`` (RFC 8615 well-known location, VoID §6.2) and ``/dataset``.

    The endpoint advertised is ``sparql_endpoint`` if set, else ``<public base>/sparql``, else
    ``/sparql`` on the address the request came to.
    """
    router = APIRouter(tags=["linked data"])

    def serve(request: Request) -> Response:
        # HTML last: a client without a preference (*/*) still gets Turtle, a browser the page.
        rep = negotiate(request, (*RDF_OFFERED, formats.HTML))
        if isinstance(rep, Response):
            return rep
        endpoint = sparql_endpoint or (public_base.rstrip("/") or str(request.base_url).rstrip("/")) + "/sparql"
        triples = describe(collect_facts(backend.run_raw), sparql_endpoint=endpoint)
        if rep is formats.HTML:
            return description_page(request, request.app.state.site, triples, request.url.path)
        return rdf_response(triples, rep)

    for path in ("/.well-known/void", "/dataset"):
        router.add_api_route(path, serve, methods=["GET", "HEAD"], summary="Dataset description (VoID, DCAT)")
    return router
