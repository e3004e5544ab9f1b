"""``ksgraph validate`` and ``ksgraph import`` (:mod:`ksgraph.validation.validate`, :mod:`ksgraph.changes.imports`)."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ksgraph.cli.app import ExitCode, StoreOption, err, fail, settings_for
from ksgraph.rdfio.load import LoadError
from ksgraph.store.versions import GraphStore, StoreError


class ReportFormat(StrEnum):
    text = "text"
    json = "json"
    turtle = "turtle"
    junit = "junit"


FormatOption = Annotated[ReportFormat, typer.Option("--format", "-f", help="Report format.")]


def validate_command(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Data files or directories to validate (default: the store's asserted data graphs)."),
    ] = None,
    shapes: Annotated[
        list[Path] | None,
        typer.Option(
            "--shapes",
            help="Validate against these shapes files or directories only (repeatable): no ontology, no store.",
        ),
    ] = None,
    fmt: FormatOption = ReportFormat.text,
    store: StoreOption = None,
) -> None:
    """Check data against the shapes of the founding decision's rules (shapes/), or against other shapes.

    Validates exactly the given files (with the ontology, without inference), or the
    store's asserted graphs. With --shapes, the given files against those shapes alone.
    Exit 0: no violations (warnings and infos allowed); 1: violations; 2: unusable input.
    """
    from ksgraph.rdfio.load import rdf_files
    from ksgraph.validation.output import render, source_titles
    from ksgraph.validation.sparql import ShapesError
    from ksgraph.validation.validate import (
        data_from_files,
        data_from_store,
        located,
        validate,
        validate_files,
    )

    settings = settings_for(store)
    try:
        if shapes:
            if not paths:
                raise fail("--shapes checks files: give the data files or directories to validate")
            report = validate_files(paths, shapes, settings)
        else:
            data = (
                data_from_files(paths, max_bytes=settings.max_file_bytes)
                if paths
                else data_from_store(GraphStore(settings.store_dir).open_read())
            )
            try:
                report = validate(data, settings)
            except ShapesError as exc:
                raise located(exc, rdf_files([settings.shapes_dir])) from None
    except LoadError as exc:
        raise fail(str(exc)) from None
    except StoreError as exc:
        raise fail(str(exc)) from None
    except ShapesError as exc:
        raise fail(f"{exc}\nnothing was validated") from None
    sys.stdout.write(render(report, fmt.value, source_titles(settings.data_dir / "sources.ttl")))
    raise typer.Exit(ExitCode.OK if report.conforms else ExitCode.VIOLATIONS)


def import_command(
    paths: Annotated[list[Path], typer.Argument(help="RDF files or directories to import.")],
    graph: Annotated[
        str | None,
        typer.Option("--graph", help="Put every file into this data graph (default: one graph per file stem)."),
    ] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace the target graph(s) instead of adding to them.")
    ] = False,
    agent: Annotated[str | None, typer.Option("--agent", help="Who imports (provenance); default: the user.")] = None,
    full: Annotated[
        bool, typer.Option("--full", help="Validate every node, not only the ones the import touches.")
    ] = False,
    fmt: FormatOption = ReportFormat.text,
    template: Annotated[
        str | None,
        typer.Option(
            "--template", help="Spreadsheets: the template (groups, posts, memberships, …); default: detected."
        ),
    ] = None,
    add_only: Annotated[
        bool,
        typer.Option(
            "--add-only",
            help="Spreadsheets: keep the values other graphs give the file's subjects instead of replacing "
            "those of single-valued properties.",
        ),
    ] = False,
    store: StoreOption = None,
) -> None:
    """Validate and import RDF files or a steward's spreadsheet (CSV/XLSX) atomically, with a provenance record.

    Exit 0: imported; 1: rejected for violations (report on stdout); 2: unusable input.
    On any failure the store is exactly as before.
    """
    from ksgraph.changes.commit import Inconsistent
    from ksgraph.changes.imports import ImportRejected, import_files
    from ksgraph.cli.commands.tabular import import_tables, is_table
    from ksgraph.rdfio.load import rdf_files
    from ksgraph.validation.output import render, source_titles
    from ksgraph.validation.sparql import ShapesError
    from ksgraph.validation.validate import located

    if any(map(is_table, paths)):
        # Spreadsheets map to RDF first and report against their cells (issue 10).
        return import_tables(paths, graph=graph, fmt=fmt.value, store=store, template=template, add_only=add_only)

    settings = settings_for(store)
    try:
        result = import_files(
            settings,
            paths,
            graph=graph,
            replace=replace,
            agent=agent,
            full=full,
            progress=lambda m: err.print(m, markup=False),
        )
    except LoadError as exc:
        raise fail(f"{exc}\nnothing was imported") from None
    except StoreError as exc:
        raise fail(f"{exc}\nnothing was imported") from None
    except ShapesError as exc:
        raise fail(f"{located(exc, rdf_files([settings.shapes_dir]))}\nnothing was imported") from None
    except ImportRejected as rejected:
        sys.stdout.write(render(rejected.report, fmt.value, source_titles(settings.data_dir / "sources.ttl")))
        raise fail("the import breaks the rules above; nothing was imported", ExitCode.VIOLATIONS) from None
    except Inconsistent as exc:
        raise fail(f"{exc}\nnothing was imported", ExitCode.VIOLATIONS) from None
    warnings = sum(1 for r in result.report.results if r.severity.value != "Violation")
    err.print(
        f"imported {result.added} triples into {', '.join(result.graphs)}"
        + (f" (replacing {result.removed})" if result.removed else "")
        + f"; {result.inferred} inferred; {warnings} warnings/infos on the touched nodes",
        markup=False,
    )
