"""The SPARQL endpoint: SPARQL 1.1 Protocol, Graph Store Protocol, named queries and a query UI.

``create_app(ServerSettings.from_env())`` builds the ASGI app; ``ksgraph serve`` runs it with uvicorn.
"""

from ksgraph.http.app import create_app
from ksgraph.http.settings import ServerSettings

__all__ = ["ServerSettings", "create_app"]
