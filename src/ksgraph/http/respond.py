"""How an endpoint reply becomes an HTTP answer: status, headers, body, for the lean path and the routes alike."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ksgraph.http.worker import Reply

# Response headers a script on another origin may read (CORS hides the others).
EXPOSED = ("ETag", "Cache-Status", "X-SPARQL-MaxRows", "Link")
_CACHE_STATUS = {"hit": "ksgraph; hit", "miss": "ksgraph; fwd=miss; stored", "bypass": "ksgraph; fwd=miss"}


def answer_headers(reply: Reply, max_rows: int, link: str | None) -> list[tuple[str, str]]:
    """The headers of a query answer (200) or of its ``304 Not Modified``.

    - ``ETag`` and ``Cache-Control: no-cache`` where the answer depends only on the store version
      and the request: a browser or proxy may keep it and ask again with ``If-None-Match``, which
      is answered 304 until a commit changes the version; ``no-store`` otherwise (``NOW()``,
      ``RAND()``…, a remote backend).
    - ``Cache-Status`` (RFC 9211) where the server's own result cache is on.
    - ``X-SPARQL-MaxRows`` and a ``Link`` to the description of the limit when the answer was cut
      at ``KSGRAPH_MAX_ROWS`` rows (the JSON and XML answers also say so in their head).
    """
    headers = [("Vary", "Accept")]
    if reply.status != 304:
        headers.append(("Content-Type", reply.media_type))
    if reply.etag:
        headers += [("ETag", reply.etag), ("Cache-Control", "no-cache")]
    else:
        headers.append(("Cache-Control", "no-store"))
    if reply.cache:
        headers.append(("Cache-Status", _CACHE_STATUS[reply.cache]))
    if reply.truncated:
        headers.append(("X-SPARQL-MaxRows", str(max_rows)))
        if link:
            headers.append(("Link", f'<{link}>; rel="describedby"'))
    return headers


def answer(request: Request, reply: Reply, max_rows: int, link: str) -> Response:
    """A query's reply as a response (the lean path, ksgraph.http.fast, writes the same headers)."""
    request.state.rows = reply.rows
    headers = answer_headers(reply, max_rows, link)
    response = Response(b"" if reply.status == 304 else reply.body, status_code=reply.status)
    response.raw_headers = [
        *(h for h in response.raw_headers if h[0] == b"content-length"),
        *((k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers),
    ]
    return response
