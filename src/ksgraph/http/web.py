"""Response helpers shared by the routers: negotiation outcomes, RDF responses, 404s."""

from __future__ import annotations

from html import escape

import pyoxigraph as ox
from fastapi import Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response

from ksgraph.rdfio import formats

# Caches may keep a representation for a short while, and must key it on Accept.
CACHE_HEADERS = {"Vary": "Accept", "Cache-Control": "public, max-age=300"}


def negotiate(
    request: Request, offered: tuple[formats.Representation, ...] = formats.ALL
) -> formats.Representation | Response:
    """The chosen representation, or an error response (400 bad ?format=, 406 nothing acceptable)."""
    try:
        rep = formats.choose(request.headers.get("accept"), request.query_params.get("format"), offered)
    except formats.UnknownFormat as exc:
        return PlainTextResponse(str(exc), status_code=400)
    if rep is None:
        kinds = ", ".join(r.media_type for r in offered)
        return PlainTextResponse(f"none of the accepted media types is available; available: {kinds}", status_code=406)
    return rep


def rdf_response(triples: list[ox.Triple], rep: formats.Representation) -> Response:
    media = rep.media_type + ("; charset=utf-8" if rep is not formats.JSONLD else "")
    return Response(formats.serialize(triples, rep), media_type=media, headers=CACHE_HEADERS)


def not_found(iri: str, *, html: bool) -> Response:
    message = f"The graph says nothing about {iri}."
    if html:
        return HTMLResponse(f"<!doctype html><title>Not found</title><p>{escape(message)}</p>", status_code=404)
    return PlainTextResponse(message, status_code=404)
