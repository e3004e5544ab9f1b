"""``ksgraph stats``."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from ksgraph.cli.app import StoreOption, fail, out, settings_for
from ksgraph.store.versions import GraphStore, StoreError


def stats(
    store: StoreOption = None,
    asserted_only: Annotated[
        bool, typer.Option("--asserted-only", help="Count classes over asserted graphs only.")
    ] = False,
    fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table",
) -> None:
    """Triples per named graph and instances per class."""
    import json

    from ksgraph.sparql.stats import collect

    settings = settings_for(store)
    try:
        result = collect(GraphStore(settings.store_dir).open_read(), inferred=not asserted_only)
    except StoreError as exc:
        raise fail(str(exc)) from None
    if fmt == "json":
        out.print_json(json.dumps({"graphs": result.graphs, "classes": result.classes, "triples": result.triples}))
        return
    graphs = Table("graph", "triples", title="Named graphs")
    for name, n in result.graphs.items():
        graphs.add_row(name, str(n))
    graphs.add_row("[bold]total[/]", f"[bold]{result.triples}[/]")
    out.print(graphs)
    classes = Table("class", "instances", title="Instances per class" + (" (asserted)" if asserted_only else ""))
    import pyoxigraph as ox

    from ksgraph.core.terms import term_text

    for cls, n in result.classes.items():
        classes.add_row(term_text(ox.NamedNode(cls)), str(n))
    out.print(classes)
