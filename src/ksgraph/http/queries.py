"""/queries: the named queries of queries/*.rq, listed with their header comments and run by name."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse

from ksgraph.http.deps import get_endpoint
from ksgraph.http.endpoint import Endpoint
from ksgraph.http.errors import bad_request
from ksgraph.http.fast import limits_link, named_options
from ksgraph.http.protocol import url_params
from ksgraph.http.respond import answer
from ksgraph.http.site.chrome import wants_html
from ksgraph.http.site.downloads import XLSX, xlsx_answer
from ksgraph.http.site.named import named_page
from ksgraph.http.site.state import SiteState
from ksgraph.rdfio import results
from ksgraph.rdfio.negotiation import negotiate
from ksgraph.sparql.catalogue import NamedQuery

router = APIRouter(tags=["Named queries"])
EndpointDep = Annotated[Endpoint, Depends(get_endpoint)]


def listing(catalogue: dict[str, NamedQuery], base: str) -> list[dict[str, object]]:
    return [{**q.describe(), "url": f"{base}/queries/{q.name}", "sparql": q.text} for q in catalogue.values()]


def _site(request: Request) -> SiteState | None:
    # The pages exist in ksgraph's own app; the endpoint mounted as a router in another app has none.
    site: SiteState | None = getattr(request.app.state, "site", None)
    return site


@router.get("/queries", summary="The named queries with their questions and parameters")
async def list_queries(request: Request, endpoint: EndpointDep) -> Response:
    # Where the listing is, not the server's root: the router may be mounted under a prefix.
    entries = listing(endpoint.named(), str(request.url.replace(query="")).removesuffix("/queries"))
    state = _site(request)
    if state is not None and negotiate(request.headers.get("accept"), ["application/json", "text/html"]) == "text/html":
        return state.renderer.page(request, "queries.html", entries=entries, active="queries")
    return JSONResponse(entries, headers={"Vary": "Accept"})


@router.get("/queries/{name}", summary="Run a named query; its parameters come from the query string")
async def run_query(name: str, request: Request, endpoint: EndpointDep) -> Response:
    raw = url_params(request)
    # ?format= names the answer's format in a link, where a browser cannot set Accept.
    fmt = raw["format"][-1].strip().lower() if raw.get("format") else None
    state = _site(request)
    if fmt is None and state is not None and wants_html(request, [*results.TABULAR, *results.GRAPH]):
        return await named_page(request, endpoint, state, name)
    accept = request.headers.get("accept")
    if fmt == "xlsx":
        accept = results.CANONICAL["json"]
    elif fmt is not None:
        if fmt not in results.SHORT:
            raise bad_request(f"unknown format {fmt!r}; known: {', '.join(sorted({*results.SHORT, 'xlsx'}))}")
        accept = results.SHORT[fmt]
    link = limits_link(request.scope)
    reply = await endpoint.run_named(
        name,
        accept=accept,
        truncate=True,
        link=link,
        # A download is asked for by a link: always the answer itself, never a 304.
        if_none_match=request.headers.get("if-none-match") if fmt is None else None,
        **named_options(raw),
    )
    response = answer(request, reply, endpoint.settings.max_rows, link)
    if fmt is None:
        return response
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    if fmt == "xlsx":
        body = await asyncio.to_thread(xlsx_answer, reply.body, name)
        response.body = body
        response.headers["Content-Type"] = XLSX
        response.headers["Content-Length"] = str(len(body))
        # The ETag names the JSON answer, not this workbook.
        if "etag" in response.headers:
            del response.headers["etag"]
    return response
