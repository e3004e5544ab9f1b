"""/queries: the named queries of queries/*.rq, listed with their header comments and run by name."""

from __future__ import annotations

import html
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse

from ksgraph.http.deps import get_endpoint
from ksgraph.http.endpoint import Endpoint
from ksgraph.http.fast import RESERVED, limits_link
from ksgraph.http.protocol import basis, flag, url_params
from ksgraph.http.sparql import answer
from ksgraph.rdfio.negotiation import negotiate
from ksgraph.sparql.catalogue import NamedQuery

router = APIRouter(tags=["Named queries"])
EndpointDep = Annotated[Endpoint, Depends(get_endpoint)]


def listing(catalogue: dict[str, NamedQuery], base: str) -> list[dict[str, object]]:
    return [{**q.describe(), "url": f"{base}/queries/{q.name}", "sparql": q.text} for q in catalogue.values()]


def _html(entries: list[dict[str, object]]) -> str:
    items = []
    for e in entries:
        params = "".join(
            f"<li><code>{html.escape(p['name'])}</code> ({html.escape(p['type'])}, "
            f"{'required' if p['required'] else 'optional'}): {html.escape(p['description'])}</li>"
            for p in e["parameters"]  # type: ignore[attr-defined]
        )
        items.append(
            f'<section><h2><a href="{html.escape(str(e["url"]))}">{html.escape(str(e["name"]))}</a></h2>'
            f"<p><strong>{html.escape(str(e['title']))}</strong></p><p>{html.escape(str(e['question']))}</p>"
            f"<p>Returns: {html.escape(str(e['returns']))}</p>{'<ul>' + params + '</ul>' if params else ''}"
            f"<pre>{html.escape(str(e['sparql']))}</pre></section>"
        )
    return (
        "<!doctype html><html lang=en><meta charset=utf-8><title>ksgraph named queries</title>"
        "<h1>Named queries</h1><p>Run one with <code>GET /queries/NAME?param=value</code>; "
        "add <code>inference=false</code> for asserted data only.</p>" + "".join(items) + "</html>"
    )


@router.get("/queries", summary="The named queries with their questions and parameters")
async def list_queries(request: Request, endpoint: EndpointDep) -> Response:
    # Where the listing is, not the server's root: the router may be mounted under a prefix.
    entries = listing(endpoint.named(), str(request.url.replace(query="")).removesuffix("/queries"))
    if negotiate(request.headers.get("accept"), ["application/json", "text/html"]) == "text/html":
        return HTMLResponse(_html(entries), headers={"Vary": "Accept"})
    return JSONResponse(entries, headers={"Vary": "Accept"})


@router.get("/queries/{name}", summary="Run a named query; its parameters come from the query string")
async def run_query(name: str, request: Request, endpoint: EndpointDep) -> Response:
    raw = url_params(request)
    params = {k: v[-1] for k, v in raw.items() if k not in RESERVED}
    as_of = raw["as_of"][-1] if raw.get("as_of") else None
    link = limits_link(request.scope)
    reply = await endpoint.run_named(
        name,
        params,
        request.headers.get("accept"),
        flag(raw, "inference", True),
        as_of,
        stated_only=basis(raw),
        truncate=True,
        link=link,
        if_none_match=request.headers.get("if-none-match"),
    )
    return answer(request, reply, endpoint.settings.max_rows, link)
