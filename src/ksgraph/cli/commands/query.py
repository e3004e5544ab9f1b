"""``ksgraph query``."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ksgraph.cli.app import StoreOption, err, fail, out, settings_for
from ksgraph.sparql.catalogue import named_queries
from ksgraph.sparql.errors import QueryError
from ksgraph.store.versions import GraphStore, StoreError

if TYPE_CHECKING:  # pyoxigraph is imported where a query runs, to keep the CLI's start fast
    from ksgraph.sparql.port import Bindings


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


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
    stated_only: Annotated[
        bool,
        typer.Option(
            "--stated-only",
            help="Only what the sources state: leave out the editor's interpretations and general knowledge, "
            "and answer with the inferences the stated facts alone support.",
        ),
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
    """Run a SPARQL query over asserted plus inferred graphs (or --asserted-only, --stated-only), as of a date."""
    import pyoxigraph as ox

    from ksgraph.rdfio.results import write_solutions
    from ksgraph.sparql.catalogue import NamedQuery, parse_named_query
    from ksgraph.sparql.params import bind_params
    from ksgraph.sparql.run import rows, run
    from ksgraph.store.dataset import View

    settings = settings_for(store)
    try:
        catalogue = named_queries(settings.queries_dir)
    except QueryError as exc:
        raise fail(str(exc)) from None
    if list_:
        from rich.table import Column, Table

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
        if as_of is not None and as_of.strip().lower() == "all":
            # The whole graph: the time model (and rdflib, which its vocabulary imports) is not needed.
            on = None
        else:
            from ksgraph.temporal.asof import default_as_of, parse_as_of

            on = parse_as_of(as_of or default_as_of(named.text), today=settings.today())
        source = GraphStore(settings.store_dir).open_read()
        view = View(inferred=not asserted_only, stated_only=stated_only)
        if stated_only:
            # The stated graphs with their own closure (reasoning.stated), not the full one; only then is
            # the reasoner imported.
            from ksgraph.reasoning.stated import resolve

            source, view = resolve(source, view)
        if on is None:
            result = run(source, named.text, view=view, substitutions=substitutions)
        else:
            from ksgraph.temporal.asof import query_as_of, summary

            answer = query_as_of(source, named.text, on, view=view, substitutions=substitutions)
            result = answer.result
            err.print(summary(answer.snapshot), markup=False)
    except (QueryError, StoreError) as exc:
        raise fail(str(exc)) from None
    if isinstance(result, ox.QueryBoolean):
        out.print("true" if bool(result) else "false")
        return
    if isinstance(result, ox.QueryTriples):
        turtle = result.serialize(format=ox.RdfFormat.TURTLE)
        assert turtle is not None  # returned, not written, when no output is given
        sys.stdout.write(turtle.decode("utf-8"))
        return
    variables, table_rows = rows(result)
    if fmt is OutputFormat.json or fmt is OutputFormat.csv:
        # The same writers as the endpoint: SPARQL 1.1 Query Results JSON and CSV.
        sys.stdout.buffer.write(write_solutions(variables, table_rows, fmt.value))
        sys.stdout.buffer.flush()
    else:
        from rich.table import Table
        from rich.text import Text

        from ksgraph.core.printable import printable
        from ksgraph.core.terms import term_text

        table = Table(*variables, title=named.question or None, title_justify="left")
        for row in table_rows:
            # Text, not markup: a label "[link=http://…]" from the data must not become a terminal link.
            table.add_row(*(Text(printable(term_text(t))) for t in row))
        out.print(table)
        err.print(f"{len(table_rows)} rows", markup=False)


def _has_header(path: Path) -> bool:
    return any(line.lower().startswith("# question:") for line in path.read_text(encoding="utf-8").splitlines()[:20])


def _no_params(named: object, raw: dict[str, str]) -> Bindings:
    if raw:
        raise QueryError(f"this query declares no parameters, but got {', '.join(raw)}")
    return {}
