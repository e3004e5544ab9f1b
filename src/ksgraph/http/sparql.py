"""/sparql and /update: the SPARQL 1.1 Protocol query and update operations."""

from __future__ import annotations

import asyncio
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse

from ksgraph.core.settings import Settings
from ksgraph.http import description
from ksgraph.http.deps import get_endpoint, get_settings
from ksgraph.http.endpoint import Endpoint, graph_iris
from ksgraph.http.errors import ProtocolError, bad_request
from ksgraph.http.fast import limits_link, origin
from ksgraph.http.protocol import Operation, authorise, decode_post, query_request, url_params
from ksgraph.http.respond import answer
from ksgraph.http.site.chrome import wants_html
from ksgraph.http.ui import editor_page
from ksgraph.http.writes import apply_update
from ksgraph.rdfio import results

router = APIRouter(tags=["SPARQL 1.1 Protocol"])
EndpointDep = Annotated[Endpoint, Depends(get_endpoint)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def _endpoint_iri(request: Request) -> str:
    # As the lean path computes it (a query's base IRI is part of its answer).
    return origin(request.scope) + quote(request.scope["path"])


async def _query(request: Request, endpoint: Endpoint, op: Operation) -> Response:
    link = limits_link(request.scope)
    if_none_match = request.headers.get("if-none-match") if request.method != "POST" else None
    reply = await endpoint.query(
        query_request(op, request.headers.get("accept"), _endpoint_iri(request), link, if_none_match)
    )
    return answer(request, reply, endpoint.settings.max_rows, link)


async def _update(request: Request, endpoint: Endpoint, settings: Settings, op: Operation) -> Response:
    authorise(request, settings)
    for name in ("default-graph-uri", "named-graph-uri"):
        if op.values(name):
            raise bad_request(f"{name} applies to queries; an update takes using-graph-uri/using-named-graph-uri")
    endpoint.check_size(op.text)
    report = await asyncio.to_thread(
        apply_update,
        settings,
        op.text,
        limits=endpoint.limits,
        base_iri=_endpoint_iri(request),
        using=graph_iris(op.values("using-graph-uri"), "using-graph-uri"),
        using_named=graph_iris(op.values("using-named-graph-uri"), "using-named-graph-uri"),
    )
    return Response(
        f"update applied; published version {report.version} ({report.inferred} inferred triples)\n",
        media_type="text/plain; charset=utf-8",
    )


@router.get("/sparql", summary="Query (GET ?query=…), or the Service Description without a query")
async def sparql_get(request: Request, endpoint: EndpointDep, settings: SettingsDep) -> Response:
    params = url_params(request)
    if "update" in params:
        raise bad_request("an update must be POSTed (SPARQL 1.1 Protocol §2.2), to /update or /sparql")
    if "query" not in params:
        # A browser gets the query editor (with the description as HTML); RDF clients the description.
        # Mounted as a router in another app there are no pages: the description for everyone.
        site = getattr(request.app.state, "site", None)
        if site is not None and wants_html(request, list(results.GRAPH)):
            return await asyncio.to_thread(editor_page, request, endpoint, site)
        return description.response(request, endpoint, settings)
    queries = params["query"]
    if len(queries) != 1:
        raise bad_request(f"the request must carry exactly one query parameter, not {len(queries)}")
    return await _query(request, endpoint, Operation("query", queries[0], params))


@router.post("/sparql", summary="Query or update by POST (form, application/sparql-query or -update)")
async def sparql_post(request: Request, endpoint: EndpointDep, settings: SettingsDep) -> Response:
    op = await decode_post(request, settings)
    if op.kind == "update":
        return await _update(request, endpoint, settings, op)
    return await _query(request, endpoint, op)


@router.get("/sparql/limits", summary="The limits of this endpoint: what a cut answer links to")
async def sparql_limits(settings: SettingsDep) -> JSONResponse:
    return JSONResponse(
        {
            "max_rows": settings.max_rows,
            "truncation": f"A query's answer with more than {settings.max_rows} rows (solutions or triples) holds "
            "its first max_rows rows; the response says so with the header X-SPARQL-MaxRows and, in SPARQL JSON "
            "and XML results, a link to this document in the head. Page through the rest with ORDER BY, LIMIT and "
            "OFFSET. A graph download (/rdf-graphs) is refused (400) instead: it is the whole graph or nothing.",
            "query_timeout_s": settings.query_timeout,
            "max_query_bytes": settings.max_query_bytes,
            "max_nesting": settings.max_nesting,
            "service": settings.allow_service,
        }
    )


@router.post("/update", summary="Update by POST (needs the write token)")
async def update_post(request: Request, endpoint: EndpointDep, settings: SettingsDep) -> Response:
    if not settings.writable:
        authorise(request, settings)  # 403 with the explanation, before reading any body
    op = await decode_post(request, settings)
    if op.kind != "update":
        raise ProtocolError(400, "this is the update endpoint; send queries to /sparql")
    return await _update(request, endpoint, settings, op)


@router.get("/update", include_in_schema=False)
async def update_get() -> Response:
    raise ProtocolError(405, "an update must be POSTed (SPARQL 1.1 Protocol §2.2)", {"Allow": "POST"})
