"""The structure picture as SVG text, for the page, for ``/structure.svg`` and for ``docs/structure.svg``."""

from __future__ import annotations

import datetime as dt
from functools import cache

import jinja2

from ksgraph.core.links import LinkMapper
from ksgraph.http.site.chrome import Chrome
from ksgraph.http.site.environment import make_environment
from ksgraph.http.site.labels import LabelIndex
from ksgraph.http.site.structure import BOX_HEIGHT, LINE, Drawing, NeedsLocalStore, SnapshotCache, Words, draw
from ksgraph.http.site.structure import structure_groups as groups_of
from ksgraph.sparql.port import Backend


def words(site: Chrome, day: dt.date | None) -> Words:
    title = site.t("structure_title") + (" — " + site.t("as_of_day", day=day.isoformat()) if day else "")
    legend: tuple[tuple[str, str, str | None, bool], ...] = (
        (site.t("legend_leading"), "leading", None, False),
        (site.t("legend_programme"), "programme", None, False),
        (site.t("legend_collaboration"), "collaboration", None, False),
        (site.t("legend_dormant"), "programme", "dormant", False),
        (site.t("legend_ended"), "collaboration", "ended", False),
    )
    if day is not None:
        legend += ((site.t("legend_unknown"), "programme", None, True),)
    return Words(title, site.t("no_host"), site.t("unknown_validity"), legend)


def drawing(
    backend: Backend, index: LabelIndex, site: Chrome, day: dt.date | None, snapshots: SnapshotCache
) -> tuple[Drawing, dt.date | None]:
    """The drawing of ``day`` (None: the whole graph), and the day it shows: None when the backend
    is remote, which has no snapshot of a day."""
    try:
        groups = groups_of(backend, day, snapshots)
    except NeedsLocalStore:
        day = None
        groups = groups_of(backend, None, snapshots)
    return draw(groups, index, site.links, site.lang, words(site, day)), day


@cache
def _environment() -> jinja2.Environment:
    return make_environment()


def svg(d: Drawing, site: Chrome, *, standalone: bool) -> str:
    return (
        _environment()
        .get_template("structure.svg")
        .render(d=d, site=site, standalone=standalone, box_height=BOX_HEIGHT, line_height=LINE)
    )


def document(backend: Backend, index: LabelIndex, links: LinkMapper, lang: str, day: dt.date | None) -> str:
    """The standalone SVG file (``ksgraph structure``, ``docs/structure.svg``)."""
    site = Chrome(lang, links)
    d, _ = drawing(backend, index, site, day, SnapshotCache(1))
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + svg(d, site, standalone=True)
