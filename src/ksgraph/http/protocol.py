"""Decoding SPARQL 1.1 Protocol requests: the three ways to send a query or update, bodies, auth.

The decoding works on the raw parts of a request (query string, Content-Type, body) so that
the lean path (:mod:`ksgraph.http.fast`) and the FastAPI routes parse a request the same way,
once; the ``Request`` functions below are thin wrappers for the routes.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from urllib.parse import unquote_plus

from fastapi import Request

from ksgraph.core.settings import Settings
from ksgraph.http.endpoint import QueryRequest, graph_iris
from ksgraph.http.errors import ProtocolError, bad_request

FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"


@dataclass(frozen=True)
class Operation:
    """A decoded request: what it asks (``query`` or ``update``), its text and its parameters."""

    kind: str
    text: str
    params: dict[str, list[str]]

    def values(self, name: str) -> list[str]:
        return self.params.get(name, [])


def media_type(request: Request) -> tuple[str, str | None]:
    """The request's media type (lower case, no parameters) and its charset parameter, if any."""
    return parse_media_type(request.headers.get("content-type", ""))


def parse_media_type(header: str) -> tuple[str, str | None]:
    """A Content-Type header's media type (lower case, no parameters) and its charset parameter, if any."""
    media, *params = [p.strip() for p in header.split(";")]
    charset = None
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return media.lower(), charset


async def read_body(request: Request, limit: int, what: str = "request body") -> bytes:
    """The body, refused with 413 as soon as it exceeds ``limit`` bytes (never read whole first)."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise ProtocolError(413, f"the {what} is {declared} bytes; this endpoint accepts at most {limit}")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ProtocolError(413, f"the {what} exceeds the {limit} bytes this endpoint accepts")
        chunks.append(chunk)
    return b"".join(chunks)


def _utf8(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise bad_request(f"the {what} is not UTF-8: {exc}") from None


def _single(params: dict[str, list[str]], name: str) -> str:
    values = params.get(name, [])
    if len(values) != 1:
        raise bad_request(f"the request must carry exactly one {name} parameter, not {len(values)}")
    return values[0]


def url_params(request: Request) -> dict[str, list[str]]:
    return parse_params(request.scope.get("query_string", b""))


def parse_params(query_string: bytes) -> dict[str, list[str]]:
    """The parameters of a URL's query string, each with its values in order (as Starlette reads them)."""
    return _pairs(query_string.decode("latin-1"))


def _pairs(text: str) -> dict[str, list[str]]:
    """``name=value&…`` decoded as ``urllib.parse.parse_qs(text, keep_blank_values=True)`` does, in a
    fraction of its time (it spends most of it on generality a request does not need)."""
    params: dict[str, list[str]] = {}
    for part in text.split("&"):
        if not part:
            continue
        key, _, value = part.partition("=")
        if "%" in key or "+" in key:
            key = unquote_plus(key, errors="replace")
        if "%" in value or "+" in value:
            value = unquote_plus(value, errors="replace")
        params.setdefault(key, []).append(value)
    return params


def check_post(media: str, charset: str | None) -> None:
    """415 unless the body is one of the protocol's three kinds, in UTF-8."""
    if media not in (FORM, QUERY, UPDATE):
        raise ProtocolError(
            415,
            f"POST a query as {FORM} (query=…) or {QUERY}, or an update as {FORM} (update=…) or {UPDATE}; "
            f"got {media or 'no Content-Type'}",
        )
    if charset not in (None, "utf-8", "utf8"):
        raise ProtocolError(415, f"the body must be UTF-8 (SPARQL 1.1 Protocol), not {charset}")


async def decode_post(request: Request, settings: Settings) -> Operation:
    """A POSTed query or update (SPARQL 1.1 Protocol §2.1.2, §2.1.3, §2.2.1, §2.2.2)."""
    media, charset = media_type(request)
    check_post(media, charset)
    body = await read_body(request, settings.max_query_bytes, "query")
    return decode_body(media, body, url_params(request))


def decode_body(media: str, body: bytes, params: dict[str, list[str]]) -> Operation:
    """The operation a POST body of ``media`` (checked by :func:`check_post`) carries; ``params`` from the URL."""
    if media == FORM:
        form = _pairs(_utf8(body, "form body"))
        for key, values in form.items():
            params.setdefault(key, []).extend(values)
        if "query" in form and "update" in form:
            raise bad_request("a request carries either query or update, not both")
        if "update" in form:
            return Operation("update", _single(form, "update"), params)
        return Operation("query", _single(form, "query"), params)
    kind = "query" if media == QUERY else "update"
    return Operation(kind, _utf8(body, kind), params)


def authorise(request: Request, settings: Settings) -> None:
    """Allow a write only with the configured Bearer token; explain the refusal otherwise."""
    if settings.backend:
        raise ProtocolError(
            403,
            f"this endpoint is read-only: it answers from the remote store {settings.backend} and does not "
            "write to it (KSGRAPH_WRITE_TOKEN has no effect with --backend). Change that store directly, "
            "e.g. with `ksgraph push`.",
        )
    if not settings.write_token:
        raise ProtocolError(
            403,
            "this endpoint is read-only: updates and Graph Store writes are disabled. Change the graph with "
            "`ksgraph import`, or start the server with KSGRAPH_WRITE_TOKEN set and send "
            "'Authorization: Bearer <token>'.",
        )
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(), settings.write_token.encode()):
        raise ProtocolError(
            401,
            "writes need 'Authorization: Bearer <token>' with the server's write token",
            {"WWW-Authenticate": 'Bearer realm="ksgraph"'},
        )


def flag(params: dict[str, list[str]], name: str, default: bool) -> bool:
    values = params.get(name)
    if not values:
        return default
    value = values[-1].strip().lower()
    if value in ("true", "1", "yes", "on"):
        return True
    if value in ("false", "0", "no", "off"):
        return False
    raise bad_request(f"{name}={values[-1]!r}: expected true or false")


def basis(params: dict[str, list[str]]) -> bool:
    """``basis=stated``: only what the sources state (True); ``basis=all`` or none: everything (False)."""
    values = params.get("basis")
    if not values:
        return False
    value = values[-1].strip().lower()
    if value in ("stated", "all"):
        return value == "stated"
    raise bad_request(f"basis={values[-1]!r}: expected stated (only what the sources state) or all")


def query_request(
    op: Operation, accept: str | None, base_iri: str, link: str | None, if_none_match: str | None
) -> QueryRequest:
    """The endpoint's request for a decoded query: its dataset, time, basis and how to answer it."""
    return QueryRequest(
        text=op.text,
        accept=accept,
        default_graphs=graph_iris(op.values("default-graph-uri"), "default-graph-uri"),
        named_graphs=graph_iris(op.values("named-graph-uri"), "named-graph-uri"),
        inferred=flag(op.params, "inference", True),
        base_iri=base_iri,
        as_of=op.values("as_of")[-1] if op.values("as_of") else None,
        stated_only=basis(op.params),
        truncate=True,
        link=link,
        if_none_match=if_none_match,
    )
