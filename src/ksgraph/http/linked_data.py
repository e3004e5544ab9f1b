"""A FastAPI app with the publishing routers alone, over a local store or a remote endpoint.

The main app (``ksgraph.http``) mounts the same routers with :func:`publish_routers`; this
app lets them run and be tested on their own.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import RedirectResponse

from ksgraph.core.links import LinkMapper
from ksgraph.core.settings import Settings
from ksgraph.http.ontology import ontology_router
from ksgraph.http.publish_settings import PublishSettings
from ksgraph.http.resources import resources_router
from ksgraph.publish.void import void_router
from ksgraph.store.backend import LocalBackend, SparqlRunner
from ksgraph.store.versions import GraphStore


def publish_routers(runner: SparqlRunner, ontology_dir: Path, publish: PublishSettings) -> list[APIRouter]:
    """The routers for ``/id/…``, ``/ontology`` and ``/.well-known/void``, reading through ``runner``."""
    links = LinkMapper(publish.public_base)
    return [
        resources_router(runner, links),
        ontology_router(ontology_dir, links),
        void_router(runner, public_base=publish.public_base, sparql_endpoint=publish.sparql_endpoint),
    ]


def create_publish_app(
    settings: Settings, publish: PublishSettings | None = None, runner: SparqlRunner | None = None
) -> FastAPI:
    """The linked-data app over ``runner`` (default: the local store of ``settings``)."""
    publish = publish or PublishSettings.from_env()
    runner = runner or LocalBackend(GraphStore(settings.store_dir))
    app = FastAPI(title="ksgraph linked data", docs_url=None, redoc_url=None)
    for router in publish_routers(runner, settings.ontology_dir, publish):
        app.include_router(router)

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/ontology", status_code=303)

    return app
