"""``ksgraph push`` and ``ksgraph ontology-docs`` (see :mod:`ksgraph.publish`).

The release is ``ksgraph export --release DIR`` (in :mod:`ksgraph.cli.app`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ksgraph.cli.app import ExitCode, StoreOption, err, fail, out, settings_for


def push(
    endpoint: Annotated[str, typer.Option("--endpoint", help="SPARQL query endpoint of the remote store.")],
    graph: Annotated[
        list[str] | None,
        typer.Option(
            "--graph",
            help="Named graph to replace; repeatable. Default: every graph of the input. For a Turtle or "
            "N-Triples file: the one graph to load it into.",
        ),
    ] = None,
    graph_store: Annotated[
        str | None,
        typer.Option("--graph-store", help="Graph Store Protocol endpoint: replace each graph with one PUT."),
    ] = None,
    update_endpoint: Annotated[
        str | None, typer.Option("--update-endpoint", help="SPARQL Update endpoint (default: --endpoint).")
    ] = None,
    file: Annotated[
        Path | None,
        typer.Option("--file", help="Push this export (.nq, .trig, .ttl, .nt) instead of the store.", exists=True),
    ] = None,
    chunk: Annotated[int, typer.Option("--chunk", min=1, help="Triples per INSERT DATA operation.")] = 2000,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds per HTTP request.")] = 120.0,
    store: StoreOption = None,
) -> None:
    """Replace graphs in a remote SPARQL 1.1 store with the graph's, then count them there.

    Credentials from the environment: KSGRAPH_PUSH_USER, KSGRAPH_PUSH_PASSWORD and
    KSGRAPH_PUSH_AUTH (basic or digest). Exit 1 if the remote counts differ from the input.
    """
    from ksgraph.publish.push import PushError, PushMismatch, Target, read_source
    from ksgraph.publish.push import push as run_push
    from ksgraph.store.versions import GraphStore, StoreError

    settings = settings_for(store)
    try:
        source = read_source(file=file, store=None if file else GraphStore(settings.store_dir), graphs=graph or [])
        target = Target(
            endpoint=endpoint,
            update_endpoint=update_endpoint,
            graph_store=graph_store,
            credentials=settings.push_credentials,
            timeout=timeout,
            chunk_triples=chunk,
        )
        report = run_push(source, target)
    except PushMismatch as exc:
        raise fail(str(exc), ExitCode.VIOLATIONS) from None
    except (PushError, StoreError, ValueError) as exc:
        raise fail(str(exc)) from None
    for name, n in report.graphs.items():
        out.print(f"{n:>8}  {name}", markup=False, highlight=False)
    err.print(
        f"pushed {sum(report.graphs.values())} triples in {len(report.graphs)} graphs by {report.method} "
        f"({report.requests} requests; {'; '.join(report.notes)}); remote counts match",
        markup=False,
    )


def ontology_docs(
    output: Annotated[Path, typer.Option("--output", "-o", help="HTML file to write.")] = Path(
        "docs/ontology/index.html"
    ),
    check: Annotated[
        bool, typer.Option("--check", help="Write nothing; exit 1 if the file is not what the ontology gives.")
    ] = False,
    store: StoreOption = None,
) -> None:
    """Generate the ontology's HTML documentation (also served at /ontology)."""
    from ksgraph.http.ontology_docs import render, write

    settings = settings_for(store)
    target = output if output.is_absolute() else settings.root / output
    if check:
        current = target.read_text(encoding="utf-8") if target.is_file() else None
        if current != render(settings.ontology_dir):
            raise fail(f"{target} is out of date: run `ksgraph ontology-docs`", ExitCode.VIOLATIONS)
        err.print(f"{target} is up to date", markup=False)
        return
    changed = write(settings.ontology_dir, target)
    err.print(f"{'wrote' if changed else 'unchanged:'} {target}", markup=False)
