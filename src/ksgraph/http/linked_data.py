"""The linked-data routers: ``/id/…`` pages, ``/ontology`` and ``/.well-known/void``, over one backend."""

from __future__ import annotations

from fastapi import APIRouter

from ksgraph.core.links import LinkMapper
from ksgraph.core.settings import Settings
from ksgraph.http.ontology import ontology_router
from ksgraph.http.resources import resources_router
from ksgraph.http.void import void_router
from ksgraph.sparql.port import Backend


def linked_data_routers(backend: Backend, settings: Settings) -> list[APIRouter]:
    """The routers for ``/id/…``, ``/ontology`` and ``/.well-known/void``, reading through ``backend``."""
    links = LinkMapper(settings.public_base)
    return [
        resources_router(backend, links),
        ontology_router(settings.ontology_dir, links),
        void_router(backend, public_base=settings.public_base, sparql_endpoint=settings.sparql_endpoint),
    ]
