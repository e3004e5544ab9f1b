"""``ksgraph serve``: the SPARQL endpoint (see :mod:`ksgraph.serve`)."""

from __future__ import annotations

from typing import Annotated

import typer

from ..cli import StoreOption, app, err, fail, settings_for
from ..store import GraphStore


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to bind; 127.0.0.1 keeps the server local.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    store: StoreOption = None,
) -> None:
    """Serve the graph over the SPARQL 1.1 Protocol, with named queries and a query UI at /.

    Read-only unless KSGRAPH_WRITE_TOKEN is set. Limits come from the environment:
    KSGRAPH_QUERY_TIMEOUT (s, default 30), KSGRAPH_MAX_QUERY_BYTES, KSGRAPH_MAX_ROWS,
    KSGRAPH_MAX_NESTING, KSGRAPH_WORKERS, KSGRAPH_ALLOW_SERVICE, KSGRAPH_CORS_ORIGINS.
    """
    import logging

    import uvicorn

    from ..serve import ServerSettings, create_app

    paths = settings_for(store)
    if not GraphStore(paths.store_dir).exists():
        raise fail(f"no graph in {paths.store_dir}: run `ksgraph build` first (or pass --store)")
    try:
        settings = ServerSettings.from_env(paths.store_dir)
    except ValueError as exc:
        raise fail(f"a KSGRAPH_* setting is not a number: {exc}") from None
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    mode = "read-write (token set)" if settings.writable else "read-only"
    err.print(f"serving {paths.store_dir} at http://{host}:{port}/ ({mode}, timeout {settings.query_timeout:g} s)")
    # uvicorn's own access log is off: ksgraph.access logs each request with its duration.
    uvicorn.run(create_app(settings), host=host, port=port, access_log=False, log_level="info")
