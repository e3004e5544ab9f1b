"""``ksgraph serve``: the SPARQL endpoint (see :mod:`ksgraph.http`)."""

from __future__ import annotations

from typing import Annotated

import typer

from ksgraph.cli.app import StoreOption, err, fail, settings_for
from ksgraph.sparql.port import Backend
from ksgraph.sparql.remote import RemoteError
from ksgraph.store.versions import GraphStore


def serve(
    host: Annotated[str, typer.Option(help="Address to bind; 127.0.0.1 keeps the server local.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    store: StoreOption = None,
    backend: Annotated[
        str | None,
        typer.Option(
            help="Answer from this remote SPARQL 1.1 query endpoint (e.g. Oxigraph's http://host:7878/query) "
            "instead of the local store; read-only. Credentials: KSGRAPH_BACKEND_USER/_PASSWORD/_AUTH.",
            envvar="KSGRAPH_BACKEND",
        ),
    ] = None,
) -> None:
    """Serve the graph over the SPARQL 1.1 Protocol, with named queries and a query UI at /.

    Read-only unless KSGRAPH_WRITE_TOKEN is set. Limits come from the environment:
    KSGRAPH_QUERY_TIMEOUT (s, default 30), KSGRAPH_MAX_QUERY_BYTES, KSGRAPH_MAX_ROWS,
    KSGRAPH_MAX_NESTING, KSGRAPH_WORKERS, KSGRAPH_ALLOW_SERVICE, KSGRAPH_CORS_ORIGINS.
    """
    import logging
    import re

    import uvicorn

    from ksgraph.http import serve_app
    from ksgraph.sparql.backend import open_backend

    settings = settings_for(store, backend=backend)
    if backend:
        if not re.match(r"^https?://[^\s/]+", backend):
            raise fail(f"--backend must be an http(s) URL of a SPARQL query endpoint, not {backend!r}")
    elif not GraphStore(settings.store_dir).exists():
        raise fail(f"no graph in {settings.store_dir}: run `ksgraph build` first (or pass --store or --backend)")
    source = open_backend(settings)
    if backend:
        _check_backend(source)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    # One access-log line per request: spare each record what the format never shows (the logging
    # HOWTO's "Optimization": no caller lookup, thread, process or multiprocessing names).
    logging._srcfile = None
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    # httpx logs every request to the backend at INFO; the access log already has one line per request.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    mode = "read-write (token set)" if settings.writable else "read-only"
    where = f"the remote store {backend}" if backend else str(settings.store_dir)
    err.print(f"serving {where} at http://{host}:{port}/ ({mode}, timeout {settings.query_timeout:g} s)")
    # uvicorn's own access log is off: ksgraph.access logs each request with its duration.
    uvicorn.run(serve_app(settings, source), host=host, port=port, access_log=False, log_level="info")


def _check_backend(backend: Backend) -> None:
    """Exit 2 with the reason when the remote store does not answer a SPARQL query."""
    try:
        graphs = backend.graphs()
    except RemoteError as exc:
        raise fail(f"the backend does not answer SPARQL queries: {exc}") from None
    if not graphs:
        err.print(f"[yellow]warning:[/] {backend.version()} holds no named graphs; load it with `ksgraph push` first")
