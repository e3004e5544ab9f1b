"""FastAPI dependencies: the endpoint and settings the app factory put on ``app.state``.

``async`` although they never wait: FastAPI runs a plain ``def`` dependency in its thread
pool, two thread hand-offs per request for two attribute reads (measured with py-spy:
about a tenth of the server's time per small query).
"""

from __future__ import annotations

from fastapi import Request

from ksgraph.core.settings import Settings
from ksgraph.http.endpoint import Endpoint


async def get_endpoint(request: Request) -> Endpoint:
    return request.app.state.endpoint


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings
