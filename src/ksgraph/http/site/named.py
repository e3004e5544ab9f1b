"""A named query in the browser: its question, a form for its typed parameters, the answer as a
table whose resources link to their pages, downloads, and the query in the editor.

The answer is the one ``GET /queries/NAME`` gives (the endpoint's worker processes, the same
dataset and default day), read as SPARQL JSON. An IRI parameter is chosen by label from the
values the query itself can answer with (the query run with the parameter unbound), or, when
that gives none, from the instances of the class of the example its header names ("e.g. id:…").
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from ksgraph.core.links import LinkMapper
from ksgraph.core.vocab import PREFIXES, compact_iri, expand_iri
from ksgraph.http.endpoint import Endpoint
from ksgraph.http.errors import ProtocolError
from ksgraph.http.fast import RESERVED
from ksgraph.http.protocol import basis, flag, url_params
from ksgraph.http.site.labels import LabelIndex, Ref, normalise, ref
from ksgraph.http.site.state import SiteState
from ksgraph.sparql.binding import bind_in_where
from ksgraph.sparql.catalogue import NamedQuery, QueryParam
from ksgraph.sparql.errors import QueryError
from ksgraph.sparql.params import bind_params
from ksgraph.temporal.asof import default_as_of

JSON = "application/sparql-results+json"
INPUTS = {"date": "date", "integer": "number"}


@dataclass(frozen=True)
class Field:
    param: QueryParam
    value: str  # what the request gave, as given
    options: tuple[tuple[str, str, bool], ...] = ()  # (value, label, selected) of a drop-down

    @property
    def input(self) -> str:
        if self.options:
            return "select"
        return INPUTS.get(self.param.type, "text")


@dataclass(frozen=True)
class Cell:
    ref: Ref | None = None
    text: str = ""
    lang: str | None = None


@dataclass
class Answer:
    variables: list[str]
    rows: list[list[Cell]] = field(default_factory=list)


def answer_cells(body: bytes, index: LabelIndex, links: LinkMapper, lang: str) -> Answer:
    """A SPARQL JSON answer as rows of cells: resources by their names, linked; literals as they are."""
    parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    if not isinstance(parsed, ox.QuerySolutions):
        return Answer(["result"], [[Cell(text=str(bool(parsed)).lower())]])
    variables = [v.value for v in parsed.variables]
    out = Answer(variables)
    for solution in parsed:
        row = []
        for name in variables:
            term = solution[name]
            if term is None:
                row.append(Cell())
            elif isinstance(term, ox.NamedNode):
                row.append(Cell(ref=ref(index, links, term.value, lang)))
            elif isinstance(term, ox.Literal):
                row.append(Cell(text=term.value, lang=term.language))
            else:
                row.append(Cell(text=f"_:{term.value}"))
        out.rows.append(row)
    return out


def fields(
    query: NamedQuery, given: Mapping[str, str], options: Mapping[str, tuple[str, ...]], index: LabelIndex, lang: str
) -> list[Field]:
    out = []
    for param in query.params:
        value = given.get(param.name, "")
        chosen = expand_iri(value) if value else ""
        choices = options.get(param.name, ())
        listed = sorted(choices, key=lambda iri: (normalise(index.label(iri, lang) or iri), iri))
        out.append(
            Field(
                param,
                value,
                tuple((compact_iri(iri), index.label(iri, lang) or compact_iri(iri), iri == chosen) for iri in listed),
            )
        )
    return out


def ready(query: NamedQuery, given: Mapping[str, str]) -> bool:
    """True when every required parameter has a value: then the page runs the query."""
    return all(given.get(p.name) for p in query.params if p.required)


def temporal(query: NamedQuery) -> bool:
    return default_as_of(query.text) == "all"


def editor_text(query: NamedQuery, given: Mapping[str, str]) -> str:
    """The query for the editor: the prefixes declared and the parameters bound by a VALUES block
    (written by :mod:`ksgraph.sparql.binding`, terms only)."""
    try:
        bound = bind_params(query, {k: v for k, v in given.items() if v})
    except QueryError:
        bound = {}
    prologue = "\n".join(f"PREFIX {p}: <{iri}>" for p, iri in PREFIXES.items())
    return f"{prologue}\n\n{bind_in_where(query.text, bound)}"


# -- the page ------------------------------------------------------------------------------------

DOWNLOADS = (("CSV", "csv"), ("TSV", "tsv"), ("JSON", "json"), ("XLSX", "xlsx"))


async def named_page(request: Request, endpoint: Endpoint, state: SiteState, name: str) -> Response:
    """``/queries/NAME`` for a browser: the form, and the answer once the required parameters are given."""
    catalogue = endpoint.named()
    site = state.renderer.chrome(request)
    if name not in catalogue:
        return HTMLResponse(
            state.renderer.text("queries.html", site, entries=[q.describe() for q in catalogue.values()]),
            status_code=404,
        )
    query = catalogue[name]
    raw = url_params(request)
    given = {k: v[-1] for k, v in raw.items() if k not in RESERVED}
    as_of = raw["as_of"][-1] if raw.get("as_of") else ""
    index = await asyncio.to_thread(state.labels.get)
    options = {p.name: await state.candidates.of(endpoint, query, p, index) for p in query.params if p.type == "iri"}
    answer: Answer | None = None
    error, status = None, 200
    if ready(query, given):
        try:
            inferred = flag(raw, "inference", True)
            reply = await endpoint.run_named(name, given, JSON, inferred, as_of or None, stated_only=basis(raw))
            answer = answer_cells(reply.body, index, state.links, site.lang)
        except ProtocolError as exc:
            error, status = exc.message, exc.status
        except QueryError as exc:
            error, status = str(exc), 400
    kept = {k: v for k, v in given.items() if v}
    extra = {k: raw[k][-1] for k in ("as_of", "inference", "basis") if raw.get(k)}
    downloads = [(label, site.href(f"/queries/{name}", **kept, **extra, format=fmt)) for label, fmt in DOWNLOADS]
    editor = site.href("/sparql") + "#" + urlencode({"query": editor_text(query, given)})
    return state.renderer.page(
        request,
        "query.html",
        site=site,
        status=status,
        query=query,
        fields=fields(query, given, options, index, site.lang),
        as_of=as_of,
        temporal=temporal(query),
        remote=endpoint.backend.remote,
        answer=answer,
        error=error,
        downloads=downloads,
        editor=editor,
        active="queries",
    )
