"""The SPARQL endpoint: SPARQL 1.1 Protocol, Graph Store Protocol, named queries and a query UI.

``create_app(load_settings())`` builds the FastAPI app; ``ksgraph serve`` runs ``serve_app``, the
same app behind the lean path for queries (ksgraph.http.fast). ``ksgraph.http.router.SparqlRouter``
mounts /sparql and /queries into another FastAPI application.
"""

from ksgraph.http.app import create_app, serve_app

__all__ = ["create_app", "serve_app"]
