"""/sparql and /update: the SPARQL 1.1 Protocol query and update operations."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from ksgraph.core.settings import Settings
from ksgraph.http import description
from ksgraph.http.deps import get_endpoint, get_settings
from ksgraph.http.endpoint import Endpoint, QueryRequest, graph_iris
from ksgraph.http.errors import ProtocolError, bad_request
from ksgraph.http.protocol import Operation, authorise, decode_post, flag, url_params
from ksgraph.http.site.chrome import wants_html
from ksgraph.http.ui import editor_page
from ksgraph.http.worker import Reply
from ksgraph.http.writes import apply_update
from ksgraph.rdfio import results

router = APIRouter(tags=["SPARQL 1.1 Protocol"])
EndpointDep = Annotated[Endpoint, Depends(get_endpoint)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def _answer(request: Request, reply: Reply) -> Response:
    request.state.rows = reply.rows
    return Response(reply.body, media_type=reply.media_type, headers={"Vary": "Accept"})


def _endpoint_iri(request: Request) -> str:
    return str(request.url.replace(query="", fragment=""))


async def _query(request: Request, endpoint: Endpoint, op: Operation) -> Response:
    reply = await endpoint.query(
        QueryRequest(
            text=op.text,
            accept=request.headers.get("accept"),
            default_graphs=graph_iris(op.values("default-graph-uri"), "default-graph-uri"),
            named_graphs=graph_iris(op.values("named-graph-uri"), "named-graph-uri"),
            inferred=flag(op.params, "inference", True),
            base_iri=_endpoint_iri(request),
            as_of=(op.values("as_of") or [None])[-1],
        )
    )
    return _answer(request, reply)


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
        if wants_html(request, list(results.GRAPH)):
            return await asyncio.to_thread(editor_page, request, endpoint, request.app.state.site)
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
