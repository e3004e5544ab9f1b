"""Errors the endpoint answers with: an HTTP status and a message a person can act on."""

from __future__ import annotations


class ProtocolError(Exception):
    """A request the endpoint refuses, with the status the SPARQL 1.1 Protocol (or HTTP) gives it."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def bad_request(message: str) -> ProtocolError:
    return ProtocolError(400, message)
