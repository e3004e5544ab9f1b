"""FastAPI dependencies: the endpoint and settings of the request's application.

Inside another application (:class:`ksgraph.http.router.SparqlRouter`) they come from the
router's lifespan state, which is in every request's scope; in ``ksgraph serve`` from
``app.state``, where the app factory puts them.

``async`` although they never wait: FastAPI runs a plain ``def`` dependency in its thread
pool, two thread hand-offs per request for two attribute reads (measured with py-spy:
about a tenth of the server's time per small query).
"""

from __future__ import annotations

from fastapi import Request

from ksgraph.core.settings import Settings
from ksgraph.http.endpoint import Endpoint


async def get_endpoint(request: Request) -> Endpoint:
    endpoint = request.scope.get("state", {}).get("ksgraph_endpoint")
    found: Endpoint = request.app.state.endpoint if endpoint is None else endpoint
    return found


async def get_settings(request: Request) -> Settings:
    settings = request.scope.get("state", {}).get("ksgraph_settings")
    found: Settings = request.app.state.settings if settings is None else settings
    return found
