"""Pages of RDF descriptions: the dataset's description (``/.well-known/void``, ``/dataset``) as HTML."""

from __future__ import annotations

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import HTMLResponse

from ksgraph.http.site.described import describe
from ksgraph.http.site.state import SiteState
from ksgraph.publish.void import DATASET_IRI, RDF_OFFERED


def description_page(request: Request, state: SiteState, triples: list[ox.Triple], path: str) -> HTMLResponse:
    site = state.renderer.chrome(request)
    subjects = describe(triples, state.labels.get(), state.links, site.lang, DATASET_IRI)
    formats = [(rep.media_type, site.href(path, format=rep.name)) for rep in RDF_OFFERED]
    return state.renderer.page(
        request,
        "described.html",
        site=site,
        title=site.t("description_title"),
        subjects=subjects,
        formats=formats,
        active="dataset",
    )
