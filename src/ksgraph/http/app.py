"""The app factory: ``create_app(settings)`` builds the FastAPI app; the lifespan owns the worker pool.

``serve_app(settings)`` is what ``ksgraph serve`` runs: the lean path (:mod:`ksgraph.http.fast`)
in front of that app, outside its middleware, so a query pays for none of it.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import PlainTextResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ksgraph import __version__
from ksgraph.core.settings import Settings
from ksgraph.http import graphs, queries, sparql, ui
from ksgraph.http.endpoint import Endpoint
from ksgraph.http.errors import ProtocolError
from ksgraph.http.fast import FastPath, log_access
from ksgraph.http.linked_data import linked_data_routers
from ksgraph.http.respond import EXPOSED
from ksgraph.http.site.routes import site_router
from ksgraph.http.site.state import SiteState
from ksgraph.sparql.backend import open_backend
from ksgraph.sparql.errors import QueryError
from ksgraph.sparql.port import Backend, Unavailable


class AccessLog:
    """One line per request: client, method, path, status, duration in ms and rows answered."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            log_access(scope, status, started, scope.get("state", {}).get("rows", "-"))


def _error(_: Request, exc: Exception) -> PlainTextResponse:
    assert isinstance(exc, ProtocolError)
    return PlainTextResponse(exc.message + "\n", status_code=exc.status, headers=exc.headers)


def _query_error(_: Request, exc: Exception) -> PlainTextResponse:
    # A query, parameter or date the SPARQL layer refuses (guard, params, as_of): the client's to fix.
    return PlainTextResponse(f"{exc}\n", status_code=400)


def _unavailable(_: Request, exc: Exception) -> PlainTextResponse:
    return PlainTextResponse(f"{exc}\n", status_code=503, headers={"Retry-After": "5"})


def _http_error(_: Request, exc: Exception) -> PlainTextResponse:
    assert isinstance(exc, StarletteHTTPException)
    return PlainTextResponse(f"{exc.detail}\n", status_code=exc.status_code, headers=exc.headers)


def _validation_error(_: Request, exc: Exception) -> PlainTextResponse:
    return PlainTextResponse(f"bad request: {exc}\n", status_code=400)


def create_app(settings: Settings, backend: Backend | None = None) -> FastAPI:
    """The endpoint as an ASGI app over ``backend`` (default: the one ``settings`` name).

    One backend serves the endpoint, the named queries and the pages. Worker processes start
    with the app's lifespan and stop with it."""
    source = backend or open_backend(settings)

    current = _Current()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        endpoint = Endpoint(settings, source)
        await endpoint.start()
        app.state.endpoint = current.endpoint = endpoint
        try:
            yield
        finally:
            current.endpoint = None
            await endpoint.close()

    app = FastAPI(
        title="ksgraph SPARQL endpoint",
        version=__version__,
        description="SPARQL 1.1 Protocol over the kunskapsstyrning knowledge graph. "
        "Default graph: asserted + inferred statements; add inference=false for asserted only.",
        lifespan=lifespan,
        # FastAPI's /docs and /redoc pages load their scripts from a CDN; this server makes its
        # pages work without any outside request, so only the OpenAPI document is served.
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    # The pages for people (/, /search, /browse, /structure, and the HTML of /queries, /sparql and
    # /.well-known/void) share one label index and its caches, over the same backend.
    app.state.site = SiteState.create(settings, source)
    app.state.current = current
    app.add_exception_handler(ProtocolError, _error)
    app.add_exception_handler(QueryError, _query_error)
    app.add_exception_handler(Unavailable, _unavailable)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.include_router(sparql.router)
    app.include_router(graphs.router)
    app.include_router(queries.router)
    app.include_router(site_router(app.state.site))
    # Linked data on the same server: /id/… pages, /ontology and /.well-known/void. They run
    # fixed SELECTs with bound terms in-process, so they need no worker.
    for router in linked_data_routers(source, settings):
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=ui.STATIC), name="static")
    # Any origin may read (it is public data); credentials are never allowed with "*", and the
    # write token travels in a header the browser does not send on its own.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(settings.cors_origins),
        allow_credentials=False,
        allow_methods=["GET", "POST", "PUT", "DELETE", "HEAD"],
        allow_headers=["Accept", "Content-Type", "Authorization", "If-None-Match"],
        expose_headers=list(EXPOSED),
        max_age=3600,
    )
    app.add_middleware(AccessLog)
    return app


class _Current:
    """The running endpoint, for the lean path (a plain attribute: ``app.state`` costs more per request)."""

    endpoint: Endpoint | None = None

    def get(self) -> Endpoint:
        if self.endpoint is None:
            raise Unavailable("the endpoint is starting or stopping")
        return self.endpoint


def serve_app(settings: Settings, backend: Backend | None = None) -> FastPath:
    """The ASGI application ``ksgraph serve`` runs: :func:`create_app`'s, with the lean path in front."""
    app = create_app(settings, backend)
    return FastPath(app, settings=settings, endpoint=app.state.current.get)
