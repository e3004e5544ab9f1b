"""The endpoint as a router: ``/sparql`` and ``/queries`` inside another FastAPI application.

::

    from fastapi import FastAPI
    from ksgraph.core.settings import load_settings
    from ksgraph.http.router import SparqlRouter

    app = FastAPI()                      # the application you already have
    kg = SparqlRouter(load_settings("/srv/ksgraph/store"))
    app.include_router(kg, prefix="/kg")  # /kg/sparql, /kg/sparql/limits, /kg/queries, /kg/queries/NAME

The router brings everything the endpoint needs: its lifespan (merged into the application's
by ``include_router``) starts and stops the query workers, the endpoint reaches its routes
through the lifespan state (``request.state``, never the application's own ``app.state``), and
its routes answer refusals themselves (400, 406, 413, 503…, as ``ksgraph serve`` does), so
the application needs no exception handlers of ours. Every limit and defence of ``ksgraph
serve`` holds: the timeout that kills a worker, size, nesting, SERVICE and LOAD refused, the
row limit, read-only unless the settings hold a write token (then ``POST /update`` too).

The application's own middleware and routing run before the router's routes. To answer
queries ahead of them, as ``ksgraph serve`` does, add the lean path with the same prefix::

    from ksgraph.http.fast import FastPath
    app.add_middleware(FastPath, settings=kg.settings, endpoint=kg.current, prefix="/kg")
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import PlainTextResponse
from fastapi.routing import APIRoute

from ksgraph.core.settings import Settings
from ksgraph.http import queries, sparql
from ksgraph.http.endpoint import Endpoint
from ksgraph.http.errors import ProtocolError
from ksgraph.http.fast import error_reply
from ksgraph.sparql.backend import open_backend
from ksgraph.sparql.errors import QueryError
from ksgraph.sparql.port import Backend, Unavailable

STATE_ENDPOINT = "ksgraph_endpoint"
STATE_SETTINGS = "ksgraph_settings"


class _Answering(APIRoute):
    """A route that answers the endpoint's refusals itself, in whatever application it is mounted."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def answering(request: Request) -> Response:
            try:
                return await handler(request)
            except (ProtocolError, QueryError, Unavailable) as exc:
                status, message, headers = error_reply(exc)
                return PlainTextResponse(message + "\n", status_code=status, headers=headers)

        return answering


class SparqlRouter(APIRouter):
    """``/sparql`` (queries, the Service Description, updates where enabled) and ``/queries`` over one backend."""

    def __init__(self, settings: Settings, backend: Backend | None = None, **kwargs: Any) -> None:
        super().__init__(lifespan=self._lifespan, **kwargs)
        self.settings = settings
        self.backend = backend or open_backend(settings)
        self._endpoint: Endpoint | None = None
        for router in (sparql.router, queries.router):
            for route in router.routes:
                assert isinstance(route, APIRoute)
                self.add_api_route(
                    route.path,
                    route.endpoint,
                    methods=sorted(route.methods or ()),
                    name=route.name,
                    summary=route.summary,
                    tags=route.tags,
                    include_in_schema=route.include_in_schema,
                    response_class=route.response_class,
                    route_class_override=_Answering,
                )

    def current(self) -> Endpoint:
        """The running endpoint (between the application's startup and shutdown)."""
        if self._endpoint is None:
            raise Unavailable("the SPARQL endpoint has not started (the application's lifespan starts it)")
        return self._endpoint

    @asynccontextmanager
    async def _lifespan(self, _app: object) -> AsyncIterator[dict[str, object]]:
        endpoint = Endpoint(self.settings, self.backend)
        await endpoint.start()
        self._endpoint = endpoint
        try:
            yield {STATE_ENDPOINT: endpoint, STATE_SETTINGS: self.settings}
        finally:
            self._endpoint = None
            await endpoint.close()
