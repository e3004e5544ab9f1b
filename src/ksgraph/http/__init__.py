"""The SPARQL endpoint: SPARQL 1.1 Protocol, Graph Store Protocol, named queries and a query UI.

``create_app(load_settings())`` builds the ASGI app; ``ksgraph serve`` runs it with uvicorn.
"""

from ksgraph.http.app import create_app

__all__ = ["create_app"]
