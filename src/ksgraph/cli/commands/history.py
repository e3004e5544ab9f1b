"""``ksgraph history IRI``: the timeline of a group, post or person (see :mod:`ksgraph.temporal.history`)."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer

from ksgraph.cli.app import StoreOption, fail, out, settings_for
from ksgraph.core.vocab import expand_iri
from ksgraph.sparql.errors import QueryError
from ksgraph.store.versions import GraphStore, StoreError


class HistoryFormat(StrEnum):
    text = "text"
    json = "json"
    svg = "svg"


def history(
    iri: Annotated[str, typer.Argument(help="The resource, as a full IRI or a prefixed name (id:npo/akut-vard).")],
    fmt: Annotated[HistoryFormat, typer.Option("--format", "-f", help="text, json or svg.")] = HistoryFormat.text,
    store: StoreOption = None,
) -> None:
    """The history of a resource from its change events, intervals, statuses and dated decisions, oldest first."""
    from ksgraph.temporal.history import timeline, timeline_svg

    settings = settings_for(store)
    resource = expand_iri(iri)
    try:
        line = timeline(GraphStore(settings.store_dir).open_read(), resource)
    except (StoreError, QueryError) as exc:
        raise fail(str(exc)) from None
    if not line.entries and line.label is None and line.label_en is None:
        raise fail(f"{resource} has no label and no history in the graph; is the IRI right?")
    if fmt is HistoryFormat.json:
        sys.stdout.write(line.to_json() + "\n")
    elif fmt is HistoryFormat.svg:
        sys.stdout.write(timeline_svg(line) + "\n")
    else:
        out.print(line.to_text(), markup=False)
