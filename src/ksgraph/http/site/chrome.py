"""What every page has around its content: the language, the header with its search box and the
language switch, the one stylesheet, and links within the deployment.

Templates get a :class:`Chrome` as ``site``; ``templates/base.html`` draws it. Every page of the
server renders through :class:`SiteRenderer`, whose Jinja2 environment autoescapes every value.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import urlencode

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse

from ksgraph.core.links import LinkMapper
from ksgraph.http.site.environment import make_environment
from ksgraph.http.site.i18n import VARY, choose_language, message, remember
from ksgraph.rdfio.negotiation import negotiate

STYLESHEET = "/static/site.css"
# HTML pages answer for a short while from caches, keyed on what chose their language.
PAGE_HEADERS = {"Vary": VARY, "Cache-Control": "public, max-age=60"}


@cache
def stylesheet_text() -> str:
    """The stylesheet, for a page written to a file (docs/ontology/index.html) that has no server."""
    return resources.files("ksgraph.http").joinpath("static", "site.css").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Chrome:
    lang: str
    links: LinkMapper
    switch: str | None = None  # this page in the other language
    query: str = ""  # the search box's text
    inline_css: str | None = None  # the stylesheet itself, for a page without a server

    @property
    def other(self) -> str:
        return "en" if self.lang == "sv" else "sv"

    def t(self, key: str, **values: object) -> str:
        text = message(key, self.lang)
        return text.format(**values) if values else text

    def href(self, path: str, **params: object) -> str:
        """``path`` of this server as the browser follows it, with query parameters (None left out)."""
        query = urlencode({k: v for k, v in params.items() if v is not None and v != ""})
        return self.links.public_base.rstrip("/") + path + (f"?{query}" if query else "")

    @property
    def stylesheet(self) -> str:
        return self.href(STYLESHEET)

    @staticmethod
    def standalone(links: LinkMapper, lang: str = "en") -> Chrome:
        return Chrome(lang, links, None, "", stylesheet_text())


def chrome_for(request: Request, links: LinkMapper, *, query: str = "") -> Chrome:
    """The chrome of the page ``request`` asks for; the switch keeps its path and parameters."""
    lang = choose_language(request)
    other = "en" if lang == "sv" else "sv"
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"] + [("lang", other)]
    switch = links.public_base.rstrip("/") + request.url.path + "?" + urlencode(params)
    return Chrome(lang, links, switch, query)


@dataclass(frozen=True)
class SiteRenderer:
    links: LinkMapper
    environment: jinja2.Environment

    @staticmethod
    def create(links: LinkMapper) -> SiteRenderer:
        return SiteRenderer(links, make_environment())

    def text(self, template: str, site: Chrome, **context: Any) -> str:
        return self.environment.get_template(template).render(site=site, links=self.links, **context)

    def chrome(self, request: Request, *, query: str = "") -> Chrome:
        return chrome_for(request, self.links, query=query)

    def page(
        self, request: Request, template: str, *, site: Chrome | None = None, status: int = 200, **context: Any
    ) -> HTMLResponse:
        site = site or chrome_for(request, self.links)
        response = HTMLResponse(self.text(template, site, **context), status_code=status, headers=PAGE_HEADERS)
        remember(request, response)
        return response


def wants_html(request: Request, others: list[str]) -> bool:
    """True when the request prefers HTML to every one of ``others`` (a browser); ``*/*`` does not."""
    offered = [*others, "text/html"]
    return negotiate(request.headers.get("accept"), offered, {"application/xhtml+xml": "text/html"}) == "text/html"
