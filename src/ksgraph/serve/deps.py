"""FastAPI dependencies: the endpoint and settings the app factory put on ``app.state``."""

from __future__ import annotations

from fastapi import Request

from .engine import Endpoint
from .settings import ServerSettings


def get_endpoint(request: Request) -> Endpoint:
    return request.app.state.endpoint


def get_settings(request: Request) -> ServerSettings:
    return request.app.state.settings
