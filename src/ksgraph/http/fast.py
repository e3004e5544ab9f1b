"""The lean request path: SPARQL queries and named-query answers straight from the ASGI scope.

On queries Oxigraph answers in a millisecond or two, most of a request's time went to the
HTTP stack around the query (docs/PERFORMANCE.md): Starlette's middleware and routing, the
dependencies, a second parse of the form, the access log. :class:`FastPath` sits in front of
the FastAPI app and answers the requests that are queries itself:

- ``GET``/``HEAD /sparql?query=…`` and ``POST /sparql`` with a query (form or
  ``application/sparql-query``);
- ``GET``/``HEAD /queries/NAME`` for a client that does not ask for HTML.

It decodes the request once (:mod:`ksgraph.http.protocol`), calls :meth:`Endpoint.query` with
the same checks and limits as the routes (size, nesting, SERVICE, Accept, the worker's timeout
and row limit), and writes the answer, its headers (:mod:`ksgraph.http.respond`), CORS and the
access log line itself. Everything else (updates, the Service Description, pages, preflight
requests, protocol errors it does not know how to answer) goes on to the app unchanged; a POST
body it has read is handed on with the request.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

from starlette.datastructures import URL
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ksgraph.core.settings import Settings
from ksgraph.http.endpoint import Endpoint
from ksgraph.http.errors import ProtocolError
from ksgraph.http.protocol import (
    FORM,
    QUERY,
    Operation,
    basis,
    check_post,
    decode_body,
    flag,
    parse_media_type,
    parse_params,
    query_request,
)
from ksgraph.http.respond import EXPOSED, answer_headers
from ksgraph.http.worker import Reply
from ksgraph.sparql.errors import QueryError
from ksgraph.sparql.port import Unavailable

access_log = logging.getLogger("ksgraph.access")
# Query-string names of /queries/NAME that are not parameters of the named query.
RESERVED = ("inference", "as_of", "basis", "format", "lang")
_PLAIN = "text/plain; charset=utf-8"


class _Decline(Exception):
    """The request is not one the lean path answers: the app gets it (with the body already read)."""

    def __init__(self, body: bytes | None = None) -> None:
        self.body = body


def origin(scope: Scope) -> str:
    """``scheme://host[:port]`` of a request, as Starlette's ``URL(scope=…)`` writes it (cheaply, from the
    Host header, when that is a plain host name or address)."""
    host = next((v for k, v in scope["headers"] if k == b"host"), None)
    scheme = scope.get("scheme", "http")
    if host is not None and _PLAIN_HOST.fullmatch(host):
        return f"{scheme}://{host.decode('latin-1')}"
    url = URL(scope=scope).components
    return f"{url.scheme}://{url.netloc}" if url.netloc else ""


_PLAIN_HOST = re.compile(rb"[A-Za-z0-9.-]+(?::[0-9]{1,5})?|\[[0-9A-Fa-f:.]+\](?::[0-9]{1,5})?")


def limits_link(scope: Scope, base: str | None = None) -> str:
    """The absolute URL of the endpoint's description of its limits (what a cut answer links to), for a
    request to ``…/sparql`` or ``…/queries/NAME`` wherever the endpoint is mounted (ksgraph.http.router).
    ``base``: the request's :func:`origin`, where the caller has it."""
    path: str = scope["path"]
    cut = path.rfind("/queries/")
    if cut < 0:
        cut = path.rfind("/sparql")
    return (origin(scope) if base is None else base) + quote(path[: max(cut, 0)]) + "/sparql/limits"


def error_reply(exc: Exception) -> tuple[int, str, dict[str, str]]:
    """Status, message and headers for what the app's exception handlers answer (ksgraph.http.app)."""
    if isinstance(exc, ProtocolError):
        return exc.status, exc.message, exc.headers
    if isinstance(exc, Unavailable):
        return 503, str(exc), {"Retry-After": "5"}
    return 400, str(exc), {}


class FastPath:
    """ASGI middleware answering queries without the app's routing (see the module)."""

    def __init__(self, app: ASGIApp, settings: Settings, endpoint: Callable[[], Endpoint], prefix: str = "") -> None:
        self.app = app
        self.settings = settings
        self.endpoint = endpoint
        self.prefix = prefix.rstrip("/")
        origins = settings.cors_origins
        self._any_origin = "*" in origins
        self._origins = frozenset(origins)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        root = scope.get("root_path", "")
        if root and path.startswith(root):
            path = path[len(root) :]
        if self.prefix:
            if not path.startswith(self.prefix + "/"):
                await self.app(scope, receive, send)
                return
            path = path[len(self.prefix) :]
        method = scope["method"]
        handler: Callable[..., Awaitable[Reply]]
        if path == "/sparql" and method in ("GET", "HEAD", "POST"):
            handler = self._sparql
        elif path.startswith("/queries/") and method in ("GET", "HEAD") and "/" not in path[9:]:
            handler = self._named
        else:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        headers = _headers(scope)
        base = origin(scope)
        link = limits_link(scope, base)
        try:
            reply = await handler(scope, receive, headers, base, link)
        except _Decline as declined:
            await self.app(scope, _replay(declined.body, receive) if declined.body is not None else receive, send)
            return
        except (ProtocolError, QueryError, Unavailable) as exc:
            status, message, extra = error_reply(exc)
            await self._send(
                scope,
                send,
                headers,
                status,
                [("Content-Type", _PLAIN), *extra.items()],
                (message + "\n").encode("utf-8"),
            )
            log_access(scope, status, started, "-")
            return
        out = answer_headers(reply, self.settings.max_rows, link)
        await self._send(scope, send, headers, reply.status, out, reply.body)
        log_access(scope, reply.status, started, reply.rows)

    async def _sparql(self, scope: Scope, receive: Receive, headers: dict[str, str], base: str, link: str) -> Reply:
        params = parse_params(scope.get("query_string", b""))
        if scope["method"] == "POST":
            media, charset = parse_media_type(headers.get("content-type", ""))
            check_post(media, charset)
            body = await _read_body(receive, headers, self.settings.max_query_bytes)
            if media not in (FORM, QUERY):
                raise _Decline(body)  # an update: the route checks the token and applies it
            try:
                op = decode_body(media, body, params)
            except ProtocolError:
                raise _Decline(body) from None
            if op.kind != "query":
                raise _Decline(body)
        else:
            queries = params.get("query")
            if "update" in params or not queries or len(queries) != 1:
                raise _Decline()  # the Service Description, a page, or a protocol error the route explains
            op = Operation("query", queries[0], params)
        request = query_request(
            op,
            headers.get("accept"),
            base + quote(scope["path"]),
            link,
            headers.get("if-none-match") if scope["method"] != "POST" else None,
        )
        return await self.endpoint().query(request)

    async def _named(self, scope: Scope, receive: Receive, headers: dict[str, str], base: str, link: str) -> Reply:
        accept = headers.get("accept")
        if accept and ("html" in accept):
            raise _Decline()  # a browser: the page of the named query
        raw = parse_params(scope.get("query_string", b""))
        if "format" in raw:
            raise _Decline()  # a download (CSV, XLSX, …) named in a link: the route writes it
        return await self.endpoint().run_named(
            scope["path"].rpartition("/queries/")[2],
            accept=accept,
            truncate=True,
            link=link,
            if_none_match=headers.get("if-none-match"),
            **named_options(raw),
        )

    async def _send(
        self,
        scope: Scope,
        send: Send,
        request_headers: dict[str, str],
        status: int,
        headers: list[tuple[str, str]],
        body: bytes,
    ) -> None:
        origin = request_headers.get("origin")
        if origin is not None:
            # What CORSMiddleware adds to a simple request's answer (credentials are never allowed).
            if self._any_origin:
                headers.append(("Access-Control-Allow-Origin", "*"))
            elif origin in self._origins:
                headers += [("Access-Control-Allow-Origin", origin), ("Vary", "Origin")]
            headers.append(("Access-Control-Expose-Headers", ", ".join(EXPOSED)))
        if status == 304:
            body = b""
        raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers]
        raw.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": raw})
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})


def log_access(scope: Scope, status: int, started: float, rows: object) -> None:
    """One line of ``ksgraph.access`` per request, as the lean path and the app's middleware both write it."""
    if access_log.isEnabledFor(logging.INFO):
        client = scope.get("client") or ("-", 0)
        access_log.info(
            '%s "%s %s" %d %.1fms rows=%s',
            client[0],
            scope["method"],
            scope["path"],
            status,
            (time.perf_counter() - started) * 1000,
            rows,
        )


def named_options(raw: dict[str, list[str]]) -> dict[str, Any]:
    """The keyword arguments of ``Endpoint.run_named`` a ``/queries/NAME`` query string gives."""
    return {
        "params": {k: v[-1] for k, v in raw.items() if k not in RESERVED},
        "inferred": flag(raw, "inference", True),
        "as_of": raw["as_of"][-1] if raw.get("as_of") else None,
        "stated_only": basis(raw),
    }


# The request headers the lean path reads.
_WANTED = frozenset({b"accept", b"content-type", b"content-length", b"origin", b"if-none-match"})


def _headers(scope: Scope) -> dict[str, str]:
    """The headers the lean path reads, each the first of its name (as Starlette's ``Headers.get``)."""
    found: dict[str, str] = {}
    for key, value in scope["headers"]:
        if key in _WANTED:
            name = key.decode("latin-1")
            if name not in found:
                found[name] = value.decode("latin-1")
    return found


async def _read_body(receive: Receive, headers: dict[str, str], limit: int) -> bytes:
    """The request body, refused with 413 as soon as it exceeds ``limit`` bytes (as protocol.read_body)."""
    declared = headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise ProtocolError(413, f"the query is {declared} bytes; this endpoint accepts at most {limit}")
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ProtocolError(400, "the client went away before sending the whole request")
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise ProtocolError(413, f"the query exceeds the {limit} bytes this endpoint accepts")
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that hands the app the body already read, then whatever the client sends next."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed
