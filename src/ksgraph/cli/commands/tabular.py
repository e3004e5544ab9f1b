"""``ksgraph import-table`` and ``ksgraph export-template``: the data steward's spreadsheets.

Exit codes as everywhere: 0 committed (with a provenance record), 1 the rows break a
rule (each reported at its cell), 2 the file cannot be used as it is (each cell to
fix) or there is no store.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated
from xml.etree import ElementTree as ET

import typer

from ksgraph.changes.commit import Inconsistent
from ksgraph.cli.app import ExitCode, StoreOption, err, fail, out, settings_for
from ksgraph.core.vocab import data_graph
from ksgraph.store.versions import GraphStore, StoreError
from ksgraph.tabular import SUFFIXES, CellProblem, CellViolation, TabularError, templates
from ksgraph.tabular.export import ALL, export_template
from ksgraph.tabular.importing import ImportOutcome, import_table


class ReportFormat(StrEnum):
    text = "text"
    json = "json"
    junit = "junit"


def _template_names() -> str:
    return ", ".join(templates())


def import_table_command(
    file: Annotated[Path, typer.Argument(help="A .csv file or .xlsx workbook filled in from a template.")],
    template: Annotated[
        str | None,
        typer.Option("--template", "-t", help="groups, posts, memberships, mandates or decisions (default: detected)."),
    ] = None,
    graph: Annotated[
        str | None, typer.Option("--graph", help="Data graph to replace (default: …/graph/data/<file stem>).")
    ] = None,
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f", help="Report format.")] = ReportFormat.text,
    no_reason: Annotated[bool, typer.Option("--no-reason", help="Skip recomputing the OWL 2 RL closure.")] = False,
    add_only: Annotated[
        bool,
        typer.Option(
            "--add-only",
            help="Keep the values other graphs give the file's subjects; by default the file's values of "
            "single-valued properties (status, host, names per language, …) replace them.",
        ),
    ] = False,
    store: StoreOption = None,
) -> None:
    """Import a spreadsheet: map it, validate it with the store and commit it atomically, or change nothing."""
    settings = settings_for(store)
    if not file.is_file():
        raise fail(f"{file}: no such file")
    if graph is not None and "://" not in graph:
        graph = data_graph(graph)
    try:
        outcome = import_table(
            settings, file, template=template, graph=graph, reason=not no_reason, replace=not add_only
        )
    except TabularError as exc:
        _report_problems(file, exc.problems, fmt)
        err.print(f"nothing was changed in {settings.store_dir}", markup=False)
        raise typer.Exit(ExitCode.BAD_INPUT) from None
    except StoreError as exc:
        raise fail(str(exc)) from None
    except Inconsistent as exc:
        raise fail(f"{exc}\nnothing was changed in {settings.store_dir}", ExitCode.VIOLATIONS) from None
    except Exception as exc:  # the steward must never see a traceback (KSGRAPH_DEBUG=1 shows it)
        if settings.debug:
            raise
        raise fail(f"internal error while importing {file}: {exc!r}; nothing was changed (please report)") from None
    _report_outcome(file, outcome, fmt, settings.store_dir)
    if not outcome.committed:
        raise typer.Exit(ExitCode.VIOLATIONS)


def is_table(path: Path) -> bool:
    """True for the files ``ksgraph import`` should route here (see :func:`import_tables`)."""
    return Path(path).suffix.lower() in SUFFIXES


def import_tables(
    paths: list[Path],
    *,
    graph: str | None = None,
    fmt: str = "text",
    store: Path | None = None,
    template: str | None = None,
    add_only: bool = False,
) -> None:
    """Entry point for ``ksgraph import`` when it is given spreadsheets; always ends with typer.Exit.

    The hook in ``commands/validate.py`` (first line of ``import_command``)::

        if any(map(is_table, paths)): return import_tables(paths, graph=graph, fmt=fmt.value, store=store)
    """
    if len(paths) != 1 or not is_table(paths[0]):
        raise fail("import one spreadsheet at a time, without RDF files (one workbook may fill every template)")
    if fmt not in {f.value for f in ReportFormat}:
        raise fail(f"--format {fmt} is not available for spreadsheets (text, json or junit)")
    import_table_command(
        paths[0], template=template, graph=graph, fmt=ReportFormat(fmt), no_reason=False, add_only=add_only, store=store
    )
    raise typer.Exit(ExitCode.OK)


def export_template_command(
    name: Annotated[str, typer.Argument(help="A template name, or 'all' (every template, one sheet each; XLSX).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The .xlsx or .csv file to write.")],
    empty: Annotated[bool, typer.Option("--empty", help="Headings only, no rows (a blank template).")] = False,
    store: StoreOption = None,
) -> None:
    """Write the store's groups, posts, memberships, mandates or decisions to a template to edit and re-import."""
    if name != ALL and name not in templates():
        raise fail(f"unknown template {name!r} (known: {_template_names()}, {ALL})")
    settings = settings_for(store)
    try:
        source = None if empty else GraphStore(settings.store_dir).open_read()
        report = export_template(source, name, output)
    except StoreError as exc:
        raise fail(str(exc)) from None
    except (OSError, ValueError) as exc:
        raise fail(f"{output}: {exc}") from None
    for warning in report.warnings:
        err.print(f"warning: {warning}", markup=False)
    counts = ", ".join(f"{n} {t}" for t, n in report.rows.items())
    err.print(f"wrote {output}: {counts}", markup=False)


# -- reports ---------------------------------------------------------------


def _report_problems(file: Path, problems: list[CellProblem], fmt: ReportFormat) -> None:
    if fmt is ReportFormat.json:
        out.print_json(
            json.dumps({"file": str(file), "status": "unusable", "problems": [p.as_dict() for p in problems]})
        )
    elif fmt is ReportFormat.junit:
        sys.stdout.write(_junit(file, [(p.origin.where(), "unusable-input", "error", str(p)) for p in problems]))
    else:
        err.print(f"error: {file} cannot be imported as it is ({len(problems)} to fix):", markup=False)
        for problem in problems:
            err.print(f"  {problem}", markup=False)


_SRC = "https://w3id.org/ksgraph/id/source/"


def _violation_text(v: CellViolation) -> str:
    where = v.origin.where() if v.origin else "(no cell)"
    value = f" (value {v.origin.value!r})" if v.origin and v.origin.value else ""
    source = f" — source: {v.source.replace(_SRC, 'src:')}" if v.source else ""
    return f"{where}{value}: [{v.rule} {v.severity}] {v.message_en} / {v.message_sv}{source}"


def _report_outcome(file: Path, outcome: ImportOutcome, fmt: ReportFormat, store_dir: Path) -> None:
    parsed = outcome.parsed
    assert parsed is not None
    if fmt is ReportFormat.json:
        out.print_json(
            json.dumps(
                {
                    "file": str(file),
                    "status": "committed" if outcome.committed else "violations",
                    "graph": parsed.graph,
                    "rows": parsed.rows,
                    "triples": len(parsed.quads),
                    "provenance": outcome.provenance,
                    "violations": [v.as_dict() for v in outcome.violations],
                    "results_elsewhere": outcome.elsewhere,
                    "superseded": [
                        {
                            "subject": str(q.subject),
                            "predicate": str(q.predicate),
                            "object": str(q.object),
                            "graph": str(q.graph_name),
                        }
                        for q in outcome.superseded
                    ],
                }
            )
        )
    elif fmt is ReportFormat.junit:
        cases = [
            (v.origin.where() if v.origin else str(file), v.rule, v.severity, _violation_text(v))
            for v in outcome.violations
        ]
        sys.stdout.write(_junit(file, cases))
    else:
        for v in outcome.violations:
            err.print(("  " if not outcome.committed else "  warning: ") + _violation_text(v), markup=False)
        if outcome.committed:
            err.print(
                f"imported {parsed.rows} rows ({len(parsed.quads)} triples) from {file} into <{parsed.graph}>; "
                + (f"{len(outcome.superseded)} values of other graphs replaced; " if outcome.superseded else "")
                + f"provenance <{outcome.provenance}>",
                markup=False,
            )
        else:
            err.print(
                f"error: {file} breaks {sum(v.severity == 'Violation' for v in outcome.violations)} rule(s); "
                f"nothing was changed in {store_dir}",
                markup=False,
            )


def _junit(file: Path, cases: list[tuple[str, str, str, str]]) -> str:
    """JUnit XML: one test case per cell to fix, so CI systems list them."""
    suite = ET.Element("testsuite", name=f"ksgraph import {file}", tests=str(max(1, len(cases))))
    suite.set("failures", str(len(cases)))
    if not cases:
        ET.SubElement(suite, "testcase", name=str(file), classname="ksgraph.import")
    for where, rule, severity, text in cases:
        case = ET.SubElement(suite, "testcase", name=where, classname=f"ksgraph.import.{rule}")
        failure = ET.SubElement(case, "failure", type=severity, message=text)
        failure.text = text
    return ET.tostring(suite, encoding="unicode") + "\n"
