"""/: the query UI, YASGUI served from this package (vendored by scripts/build-ui.sh; no CDN)."""

from __future__ import annotations

import html
import json
from importlib import resources
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from ksgraph.core.vocab import PREFIXES
from ksgraph.http.deps import get_endpoint
from ksgraph.http.endpoint import Endpoint
from ksgraph.http.queries import listing

router = APIRouter(include_in_schema=False)
EndpointDep = Annotated[Endpoint, Depends(get_endpoint)]
STATIC = Path(str(resources.files(__package__).joinpath("static")))
VENDOR_FILES = ("yasgui.min.js", "yasgui.min.css")


def ui_built() -> bool:
    return all((STATIC / "vendor" / f).is_file() for f in VENDOR_FILES)


@router.get("/", response_class=HTMLResponse)
async def index(request: Request, endpoint: EndpointDep) -> HTMLResponse:
    base = str(request.base_url).rstrip("/")
    config = {
        "endpoint": f"{base}/sparql",
        "prefixes": PREFIXES,
        "queries": [
            {"name": e["name"], "title": e["title"], "question": e["question"], "sparql": e["sparql"]}
            for e in listing(endpoint.named(), base)
        ],
    }
    page = (STATIC / "index.html").read_text(encoding="utf-8")
    if not ui_built():
        notice = (
            "<p class=notice>The query editor is not built: run <code>bash scripts/build-ui.sh</code> "
            '(needs npm). The endpoint itself works: <a href="/sparql">/sparql</a>, '
            '<a href="/queries">/queries</a>.</p>'
        )
        page = page.replace("<!--notice-->", notice)
    # JSON inside <script type=application/json>: "</" is escaped so no value can close the element.
    data = json.dumps(config, ensure_ascii=False).replace("</", "<\\/")
    return HTMLResponse(page.replace("{{config}}", data).replace("{{endpoint}}", html.escape(config["endpoint"])))
