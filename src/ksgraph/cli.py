"""The ``ksgraph`` command: a thin layer over the library modules.

Exit codes: 0 success, 1 the data breaks a rule (validation), 2 unusable input
(a file, query or parameter that cannot be used, or no store yet).
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Column, Table

from . import __version__
from .config import Settings, load_settings
from .load import LoadError
from .query import QueryError, named_queries
from .store import GraphStore, StoreError

app = typer.Typer(
    name="ksgraph",
    help="A knowledge graph of Sweden's national system for knowledge governance in health care.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)

StoreOption = Annotated[
    Path | None,
    typer.Option("--store", envvar="KSGRAPH_STORE", help="Store directory (default ./.ksgraph).", show_default=False),
]


class ExitCode:
    OK = 0
    VIOLATIONS = 1
    BAD_INPUT = 2


def fail(message: str, code: int = ExitCode.BAD_INPUT) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", markup=True, highlight=False)
    return typer.Exit(code)


def settings_for(store: Path | None) -> Settings:
    return load_settings(store)


def _version(value: bool) -> None:
    if value:
        out.print(f"ksgraph {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """ksgraph: build, query, validate, reason over and publish the kunskapsstyrning graph."""


@app.command()
def build(
    store: StoreOption = None,
    no_reason: Annotated[bool, typer.Option("--no-reason", help="Skip the OWL 2 RL closure.")] = False,
) -> None:
    """Load the ontology and every data file into a fresh store, reason, and publish it atomically."""
    from .build import build as run_build

    settings = settings_for(store)
    try:
        report = run_build(settings, reason=not no_reason, progress=lambda m: err.print(m, markup=False))
    except (LoadError, StoreError) as exc:
        # StoreError: the new version could not be written (a full disk); the old one stays published.
        raise fail(f"{exc}\nnothing was changed in {settings.store_dir}") from None
    err.print(
        f"built {settings.store_dir}: {len(report.files)} files, {report.asserted} asserted and "
        f"{report.inferred} inferred triples",
        markup=False,
    )
    if not report.consistent:
        err.print(
            "warning: the reasoner found inconsistencies (listed above); `ksgraph validate` says more", markup=False
        )


@app.command()
def stats(
    store: StoreOption = None,
    asserted_only: Annotated[
        bool, typer.Option("--asserted-only", help="Count classes over asserted graphs only.")
    ] = False,
    fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table",
) -> None:
    """Triples per named graph and instances per class."""
    import json

    from .stats import collect

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

    from .query import term_text

    for cls, n in result.classes.items():
        classes.add_row(term_text(ox.NamedNode(cls)), str(n))
    out.print(classes)


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


@app.command()
def query(
    query_: Annotated[
        str, typer.Argument(metavar="FILE_OR_NAME", help="A .rq file, a named query (see --list) or '-' for stdin.")
    ] = "",
    param: Annotated[
        list[str] | None, typer.Option("--param", "-p", help="A parameter as NAME=VALUE; repeatable.")
    ] = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = OutputFormat.table,
    asserted_only: Annotated[
        bool, typer.Option("--asserted-only", help="Query asserted graphs only, without the inferred graph.")
    ] = False,
    list_: Annotated[bool, typer.Option("--list", help="List the named queries with their questions.")] = False,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            metavar="DATE",
            help="Answer over the structure valid on DATE (YYYY-MM-DD; default today); 'all' queries the whole "
            "graph without a time filter, the default for named queries that take their own dates "
            "('# temporal:'). Resources of unknown validity are left out and counted on stderr.",
            show_default=False,
        ),
    ] = None,
    store: StoreOption = None,
) -> None:
    """Run a SPARQL query over asserted plus inferred graphs (or --asserted-only), as of a date (default today)."""
    import pyoxigraph as ox
    from rich.text import Text

    from .asof import default_as_of, parse_as_of, query_as_of, summary
    from .printable import printable
    from .query import NamedQuery, bind_params, parse_named_query, rows, run, term_text, to_csv, to_json

    settings = settings_for(store)
    try:
        catalogue = named_queries(settings.queries_dir)
    except QueryError as exc:
        raise fail(str(exc)) from None
    if list_:
        # Names are what users copy into the next command: never truncated or wrapped.
        table = Table(
            Column("name", no_wrap=True, min_width=max(len(n) for n in catalogue)),
            "question",
            "parameters",
            title="Named queries",
        )
        for q in catalogue.values():
            table.add_row(q.name, q.question, ", ".join(f"{p.name} ({p.type})" for p in q.params))
        out.print(table)
        return
    if not query_:
        raise fail("give a .rq file, a named query or '-' (ksgraph query --list shows the named queries)")
    raw: dict[str, str] = {}
    for item in param or []:
        name, sep, value = item.partition("=")
        if not sep:
            raise fail(f"--param {item!r}: expected NAME=VALUE")
        raw[name.strip()] = value
    try:
        if query_ == "-":
            named = NamedQuery("stdin", Path("-"), sys.stdin.read(), "stdin", "(from standard input)", "")
        elif query_ in catalogue:
            named = catalogue[query_]
        elif Path(query_).is_file():
            named = (
                parse_named_query(Path(query_))
                if _has_header(Path(query_))
                else NamedQuery(
                    Path(query_).stem, Path(query_), Path(query_).read_text(encoding="utf-8"), query_, "", ""
                )
            )
        else:
            known = ", ".join(catalogue) or "none"
            raise fail(f"no query file or named query {query_!r} (named queries: {known})")
        substitutions = bind_params(named, raw) if named.params else _no_params(named, raw)
        on = parse_as_of(as_of or default_as_of(named.text))
        source = GraphStore(settings.store_dir).open_read()
        if on is None:
            result = run(source, named.text, inferred=not asserted_only, substitutions=substitutions)
        else:
            answer = query_as_of(source, named.text, on, inferred=not asserted_only, substitutions=substitutions)
            result = answer.result
            err.print(summary(answer.snapshot), markup=False)
    except (QueryError, StoreError) as exc:
        raise fail(str(exc)) from None
    if isinstance(result, ox.QueryBoolean):
        out.print("true" if bool(result) else "false")
        return
    if isinstance(result, ox.QueryTriples):
        sys.stdout.write(result.serialize(format=ox.RdfFormat.TURTLE).decode("utf-8"))
        return
    variables, table_rows = rows(result)
    if fmt is OutputFormat.json:
        sys.stdout.write(to_json(variables, table_rows) + "\n")
    elif fmt is OutputFormat.csv:
        sys.stdout.write(to_csv(variables, table_rows))
    else:
        table = Table(*variables, title=named.question or None, title_justify="left")
        for row in table_rows:
            # Text, not markup: a label "[link=http://…]" from the data must not become a terminal link.
            table.add_row(*(Text(printable(term_text(t))) for t in row))
        out.print(table)
        err.print(f"{len(table_rows)} rows", markup=False)


def _has_header(path: Path) -> bool:
    return any(line.lower().startswith("# question:") for line in path.read_text(encoding="utf-8").splitlines()[:20])


def _no_params(named: object, raw: dict[str, str]) -> dict:
    if raw:
        raise QueryError(f"this query declares no parameters, but got {', '.join(raw)}")
    return {}


@app.command()
def export(
    fmt: Annotated[str, typer.Option("--format", help="nquads, trig, turtle, ntriples, jsonld or rdfxml.")] = "nquads",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")] = None,
    graph: Annotated[str | None, typer.Option("--graph", help="Export only this named graph.")] = None,
    asserted_only: Annotated[
        bool, typer.Option("--asserted-only", help="Triple formats: leave out inferences.")
    ] = False,
    release: Annotated[
        Path | None,
        typer.Option(
            "--release",
            help="Write a versioned release into DIR/<version>/: N-Quads, TriG, JSON-LD, Turtle per graph, "
            "ontology, shapes, VoID/DCAT and SHA256SUMS (other options are then ignored).",
            metavar="DIR",
        ),
    ] = None,
    release_version: Annotated[
        str | None, typer.Option("--release-version", help="Version of the release (default: ksgraph's).")
    ] = None,
    template: Annotated[
        str | None,
        typer.Option(
            "--template",
            help="Write a steward's template (groups, posts, memberships, mandates, decisions or 'all') "
            "to --output (.xlsx or .csv) instead of RDF; the same as `ksgraph export-template NAME`.",
        ),
    ] = None,
    store: StoreOption = None,
) -> None:
    """Serialise the store. Quad formats (nquads, trig) carry every named graph."""
    from .export import FORMATS
    from .export import export as run_export

    if template is not None:
        if output is None:
            raise fail("--template needs --output FILE.xlsx (or .csv)")
        from .commands.tabular import export_template_command

        export_template_command(template, output, store=store)
        return
    if release is not None:
        from .publish.release import write_release_cli

        write_release_cli(settings_for(store), release, release_version)
        return
    if fmt not in FORMATS:
        raise fail(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")
    settings = settings_for(store)
    try:
        source = GraphStore(settings.store_dir).open_read()
    except StoreError as exc:
        raise fail(str(exc)) from None
    if output is None:
        n = run_export(source, fmt, sys.stdout.buffer, graph=graph, inferred=not asserted_only)
    else:
        tmp = output.with_name(output.name + ".partial")
        with open(tmp, "wb") as handle:
            n = run_export(source, fmt, handle, graph=graph, inferred=not asserted_only)
        tmp.replace(output)
    err.print(f"wrote {n} statements" + (f" to {output}" if output else ""), markup=False)


def main() -> None:
    from .commands import register

    register()
    app()


if __name__ == "__main__":
    # Under ``python -m ksgraph.cli`` this file runs as ``__main__``, while the command modules
    # register on ``ksgraph.cli.app``, a second copy: run that one, or they would be missing.
    from ksgraph.cli import main as _main

    _main()
