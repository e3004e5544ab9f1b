"""The query editor (YASGUI, vendored by scripts/build-ui.sh; no CDN), served at ``/sparql`` to a browser.

``GET /sparql`` without a query answers the Service Description to RDF clients and this page to
a browser (``http/sparql.py``). The page shows the same service description as HTML below the
editor; the editor autocompletes the ontology's classes and properties from the local ontology
and offers the named queries as examples. ``/sparql#query=…`` opens a query in a new tab: YASGUI
reads it from the address, and ``static/ui.js`` keeps the endpoint this one. (``/sparql?query=…``
runs the query, for a browser too: the protocol's answer is not replaced by a page.)
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse

from ksgraph.core.vocab import PREFIXES
from ksgraph.http import description
from ksgraph.http.endpoint import Endpoint
from ksgraph.http.queries import listing
from ksgraph.http.site.described import describe
from ksgraph.http.site.state import SiteState
from ksgraph.http.site.vocabulary import vocabulary

STATIC = Path(str(resources.files(__package__).joinpath("static")))
VENDOR_FILES = ("yasgui.min.js", "yasgui.min.css")


def ui_built() -> bool:
    return all((STATIC / "vendor" / f).is_file() for f in VENDOR_FILES)


def editor_page(request: Request, endpoint: Endpoint, state: SiteState) -> HTMLResponse:
    base = str(request.base_url).rstrip("/")
    iri = str(request.url.replace(query="", fragment=""))
    site = state.renderer.chrome(request)
    config = {
        "endpoint": iri,
        "prefixes": PREFIXES,
        "queries": [
            {"name": e["name"], "title": e["title"], "question": e["question"], "sparql": e["sparql"]}
            for e in listing(endpoint.named(), base)
        ],
        "vocabulary": vocabulary(state.settings.ontology_dir, endpoint.backend),
        "lang": site.lang,
        "words": {
            "query": site.t("editor_query"),
            "endpoint": site.t("editor_endpoint"),
            "tabName": site.t("editor_tab_name"),
            "newTab": site.t("editor_new_tab"),
        },
    }
    triples = description.triples(iri, endpoint.graphs(), state.settings)
    service = describe(triples, state.labels.get(), state.links, site.lang, iri + "#service")
    return state.renderer.page(
        request, "editor.html", site=site, config=config, built=ui_built(), service=service, active="editor"
    )
