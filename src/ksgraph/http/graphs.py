"""/rdf-graphs: the SPARQL 1.1 Graph Store HTTP Protocol (indirect graph identification).

Reads (GET, HEAD) are open; writes (PUT, POST, DELETE) need the write token and are applied
like updates: on a copy, checked, reasoned, published atomically.
"""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from ksgraph.core.settings import Settings
from ksgraph.core.vocab import INFERRED_GRAPH
from ksgraph.http.deps import get_endpoint, get_settings
from ksgraph.http.endpoint import Endpoint, QueryRequest, graph_iris
from ksgraph.http.errors import ProtocolError, bad_request
from ksgraph.http.protocol import authorise, media_type, read_body, url_params
from ksgraph.http.writes import WriteReport, delete_graph, merge_graph, replace_graph

router = APIRouter(tags=["Graph Store Protocol"])
EndpointDep = Annotated[Endpoint, Depends(get_endpoint)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
_ALL = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"


def _graph(request: Request) -> str | None:
    """The graph IRI of ?graph=…, or None for ?default (the endpoint's default graph)."""
    params = url_params(request)
    if "default" in params and "graph" not in params:
        return None
    values = params.get("graph", [])
    if len(values) != 1 or "default" in params:
        raise bad_request("name exactly one graph: ?graph=<IRI> or ?default")
    return graph_iris(values, "graph")[0]


async def _read(request: Request, endpoint: Endpoint) -> Response:
    graph = _graph(request)
    accept = request.headers.get("accept")
    if graph is None:
        reply = await endpoint.query(QueryRequest(_ALL, accept=accept))
    else:
        if graph not in endpoint.graphs():
            raise ProtocolError(404, f"the store has no graph <{graph}>")
        reply = await endpoint.query(QueryRequest(_ALL, accept=accept, default_graphs=(graph,)))
    request.state.rows = reply.rows
    return Response(reply.body, media_type=reply.media_type, headers={"Vary": "Accept"})


@router.get("/rdf-graphs", summary="Read a graph (?graph=IRI or ?default)")
async def graph_get(request: Request, endpoint: EndpointDep) -> Response:
    return await _read(request, endpoint)


@router.head("/rdf-graphs", include_in_schema=False)
async def graph_head(request: Request, endpoint: EndpointDep) -> Response:
    response = await _read(request, endpoint)
    return Response(status_code=response.status_code, headers=dict(response.headers))


async def _write(request: Request, settings: Settings, method: str) -> Response:
    authorise(request, settings)
    graph = _graph(request)
    if graph is None:
        raise bad_request("the default graph is the union of the store's graphs; write a named graph (?graph=IRI)")
    if graph == INFERRED_GRAPH:
        raise ProtocolError(403, f"<{INFERRED_GRAPH}> is computed by the reasoner and cannot be written")
    report: WriteReport
    if method == "DELETE":
        report = await asyncio.to_thread(delete_graph, settings, graph)
        return Response(status_code=204, headers={"X-Ksgraph-Version": report.version})
    media, _ = media_type(request)
    data = await read_body(request, settings.max_upload_bytes, "upload")
    action = replace_graph if method == "PUT" else merge_graph
    report = await asyncio.to_thread(action, settings, graph, data, media)
    return Response(status_code=204, headers={"X-Ksgraph-Version": report.version})


@router.put("/rdf-graphs", summary="Replace a graph (needs the write token)")
async def graph_put(request: Request, settings: SettingsDep) -> Response:
    return await _write(request, settings, "PUT")


@router.post("/rdf-graphs", summary="Add to a graph (needs the write token)")
async def graph_post(request: Request, settings: SettingsDep) -> Response:
    return await _write(request, settings, "POST")


@router.delete("/rdf-graphs", summary="Delete a graph (needs the write token)")
async def graph_delete(request: Request, settings: SettingsDep) -> Response:
    return await _write(request, settings, "DELETE")
