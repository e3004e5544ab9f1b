"""Which backend a server reads from: :func:`open_backend` (see :mod:`ksgraph.sparql.port`)."""

from __future__ import annotations

from ksgraph.core.settings import Settings
from ksgraph.sparql.local import LocalBackend
from ksgraph.sparql.port import Backend
from ksgraph.sparql.remote import RemoteBackend
from ksgraph.store.versions import GraphStore


def open_backend(settings: Settings) -> Backend:
    """The backend ``settings`` ask for: the remote store of ``settings.backend``, else the local store."""
    if settings.backend:
        return RemoteBackend(
            settings.backend, credentials=settings.backend_credentials, timeout=settings.backend_timeout
        )
    return LocalBackend(GraphStore(settings.store_dir))
