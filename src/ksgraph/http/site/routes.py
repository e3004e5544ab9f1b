"""The pages for people who do not write SPARQL: ``/``, ``/search``, ``/browse``, ``/structure``.

Every page reads through the one backend (local or remote), works without JavaScript, and is
Swedish or English (:mod:`ksgraph.http.site.i18n`). ``/search`` and ``/browse`` answer JSON to
``Accept: application/json``.
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from ksgraph.core.vocab import KS_NS, compact_iri
from ksgraph.http.site import picture
from ksgraph.http.site.browse import class_page, classes_tree, resolve_class
from ksgraph.http.site.chrome import PAGE_HEADERS
from ksgraph.http.site.labels import MATCH_NAMES, Hit, normalise, ref
from ksgraph.http.site.landing import landing
from ksgraph.http.site.state import SiteState
from ksgraph.rdfio.negotiation import negotiate
from ksgraph.sparql.errors import QueryError
from ksgraph.temporal.asof import parse_as_of

SEARCH_LIMIT = 50
SEARCH_MAX = 500
SEARCH_TEXT_MAX = 200


def _json_wanted(request: Request) -> bool | None:
    """True for JSON, False for HTML (the default, also for ``*/*``), None when neither is acceptable."""
    chosen = negotiate(request.headers.get("accept"), ["text/html", "application/json"])
    return None if chosen is None else chosen == "application/json"


def _not_acceptable() -> Response:
    return Response("this page is available as text/html and application/json\n", 406, media_type="text/plain")


def _number(text: str | None, default: int) -> int:
    try:
        return int(text) if text else default
    except ValueError:
        return default


def site_router(state: SiteState) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    renderer, links = state.renderer, state.links

    @router.get("/")
    def home(request: Request) -> Response:
        site = renderer.chrome(request)
        facts = landing(state.backend, state.labels.get(), links, site.lang)
        return renderer.page(request, "landing.html", site=site, landing=facts, active="home")

    @router.get("/search")
    def search(request: Request) -> Response:
        as_json = _json_wanted(request)
        if as_json is None:
            return _not_acceptable()
        # A name is short; a longer text is cut, so a search costs the same whatever is sent.
        text = request.query_params.get("q", "")[:SEARCH_TEXT_MAX]
        within = request.query_params.get("class") or None
        limit = min(max(_number(request.query_params.get("limit"), SEARCH_LIMIT), 1), SEARCH_MAX)
        index = state.labels.get()
        hits = index.search(text, within=resolve_class(within) if within else None)
        site = renderer.chrome(request, query=text)

        def types(hit: Hit) -> list[str]:
            return index.most_specific(hit.entry.types, KS_NS) or index.most_specific(hit.entry.types)

        if as_json:
            results = []
            for hit in hits[:limit]:
                shown = hit.entry.name_for(site.lang)
                results.append(
                    {
                        "iri": hit.entry.iri,
                        "href": links.href(hit.entry.iri),
                        "label": shown.text if shown else None,
                        "labelLanguage": shown.lang if shown else None,
                        "matched": hit.name.text,
                        "matchedLanguage": hit.name.lang,
                        "matchedProperty": compact_iri(hit.name.prop),
                        "match": MATCH_NAMES[hit.how],
                        "types": [compact_iri(t) for t in types(hit)],
                    }
                )
            body = {"query": text, "normalised": normalise(text), "total": len(hits), "results": results}
            return JSONResponse(body, headers={"Vary": PAGE_HEADERS["Vary"]})
        shown_hits = [
            (ref(index, links, h.entry.iri, site.lang), h, [ref(index, links, t, site.lang) for t in types(h)])
            for h in hits[:limit]
        ]
        return renderer.page(
            request, "search.html", site=site, text=text, hits=shown_hits, total=len(hits), limit=limit, active="search"
        )

    @router.get("/browse")
    def browse(request: Request) -> Response:
        as_json = _json_wanted(request)
        if as_json is None:
            return _not_acceptable()
        site = renderer.chrome(request)
        index = state.labels.get()
        asked = request.query_params.get("class")
        if not asked:
            if as_json:
                tree = {c: len(index.instances.get(c, ())) for c in sorted(index.instances)}
                return JSONResponse([{"class": compact_iri(c), "iri": c, "count": n} for c, n in tree.items()])
            return renderer.page(
                request, "browse_index.html", site=site, classes=classes_tree(index, links, site.lang), active="browse"
            )
        cls = resolve_class(asked)
        page = class_page(state.backend, index, links, cls, site.lang, _number(request.query_params.get("page"), 1))
        if page is None:
            if as_json:
                return JSONResponse({"error": f"no class {asked}"}, status_code=404)
            return renderer.page(
                request,
                "browse_index.html",
                site=site,
                status=404,
                unknown=asked,
                classes=classes_tree(index, links, site.lang),
                active="browse",
            )
        if as_json:
            rows = [
                {
                    "iri": r.subject.iri,
                    "label": r.subject.text,
                    "levels": [x.iri for x in r.levels],
                    "hostOrScope": [x.iri for x in r.places],
                    "status": [x.iri for x in r.statuses],
                }
                for r in page.rows
            ]
            body = {
                "class": page.curie,
                "iri": cls,
                "count": page.count,
                "page": page.page,
                "pages": page.pages,
                "instances": rows,
            }
            return JSONResponse(body, headers={"Vary": PAGE_HEADERS["Vary"]})
        return renderer.page(request, "browse.html", site=site, page=page, asked=asked, active="browse")

    def day_asked(request: Request) -> tuple[dt.date | None, str]:
        default = "all" if state.backend.remote else "today"
        text = request.query_params.get("as_of") or default
        return parse_as_of(text, today=state.settings.today()), text

    @router.get("/structure")
    def structure(request: Request) -> Response:
        site = renderer.chrome(request)
        try:
            day, text = day_asked(request)
        except QueryError as exc:
            return renderer.page(
                request,
                "structure.html",
                site=site,
                status=400,
                error=str(exc).replace("--as-of", "as_of"),
                svg="",
                day=None,
                remote=state.backend.remote,
                today=state.settings.today(),
                active="structure",
            )
        drawing, shown = picture.drawing(state.backend, state.labels.get(), site, day, state.snapshots)
        return renderer.page(
            request,
            "structure.html",
            site=site,
            svg=picture.svg(drawing, site, standalone=False),
            day=shown,
            asked=text,
            remote=state.backend.remote,
            today=state.settings.today(),
            error=None,
            active="structure",
        )

    @router.get("/structure.svg")
    def structure_svg(request: Request) -> Response:
        site = renderer.chrome(request)
        try:
            day, _ = day_asked(request)
        except QueryError as exc:
            return Response(f"{exc}\n".replace("--as-of", "as_of"), 400, media_type="text/plain")
        drawing, _ = picture.drawing(state.backend, state.labels.get(), site, day, state.snapshots)
        return Response(picture.svg(drawing, site, standalone=True), media_type="image/svg+xml", headers=PAGE_HEADERS)

    return router
