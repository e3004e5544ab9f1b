"""/queries: the named queries of queries/*.rq, listed with their header comments and run by name."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse

from ksgraph.http.deps import get_endpoint
from ksgraph.http.endpoint import Endpoint
from ksgraph.http.errors import bad_request
from ksgraph.http.protocol import flag, url_params
from ksgraph.http.site.chrome import wants_html
from ksgraph.http.site.downloads import XLSX, xlsx_answer
from ksgraph.http.site.named import RESERVED, named_page
from ksgraph.http.site.state import SiteState
from ksgraph.rdfio import results
from ksgraph.rdfio.negotiation import negotiate
from ksgraph.sparql.catalogue import NamedQuery

router = APIRouter(tags=["Named queries"])
EndpointDep = Annotated[Endpoint, Depends(get_endpoint)]


def listing(catalogue: dict[str, NamedQuery], base: str) -> list[dict[str, object]]:
    return [{**q.describe(), "url": f"{base}/queries/{q.name}", "sparql": q.text} for q in catalogue.values()]


@router.get("/queries", summary="The named queries with their questions and parameters")
async def list_queries(request: Request, endpoint: EndpointDep) -> Response:
    entries = listing(endpoint.named(), str(request.base_url).rstrip("/"))
    if negotiate(request.headers.get("accept"), ["application/json", "text/html"]) == "text/html":
        state: SiteState = request.app.state.site
        return state.renderer.page(request, "queries.html", entries=entries, active="queries")
    return JSONResponse(entries, headers={"Vary": "Accept"})


@router.get("/queries/{name}", summary="Run a named query; its parameters come from the query string")
async def run_query(name: str, request: Request, endpoint: EndpointDep) -> Response:
    raw = url_params(request)
    # ?format= names the answer's format in a link, where a browser cannot set Accept.
    fmt = raw["format"][-1].strip().lower() if raw.get("format") else None
    if fmt is None and wants_html(request, [*results.TABULAR, *results.GRAPH]):
        return await named_page(request, endpoint, request.app.state.site, name)
    params = {k: v[-1] for k, v in raw.items() if k not in RESERVED}
    as_of = raw["as_of"][-1] if raw.get("as_of") else None
    accept = request.headers.get("accept")
    if fmt == "xlsx":
        accept = results.CANONICAL["json"]
    elif fmt is not None:
        if fmt not in results.SHORT:
            raise bad_request(f"unknown format {fmt!r}; known: {', '.join(sorted({*results.SHORT, 'xlsx'}))}")
        accept = results.SHORT[fmt]
    reply = await endpoint.run_named(name, params, accept, flag(raw, "inference", True), as_of)
    request.state.rows = reply.rows
    headers = {"Vary": "Accept"}
    if fmt is not None:
        headers["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    if fmt == "xlsx":
        return Response(await asyncio.to_thread(xlsx_answer, reply.body, name), media_type=XLSX, headers=headers)
    return Response(reply.body, media_type=reply.media_type, headers=headers)
