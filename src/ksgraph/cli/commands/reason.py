"""``ksgraph reason`` and ``ksgraph explain``: the OWL 2 RL closure and the derivation of one triple."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer

from ksgraph.cli.app import ExitCode, StoreOption, err, fail, settings_for
from ksgraph.reasoning.engines import DEFAULT_ENGINE, Engine
from ksgraph.store.versions import GraphStore, StoreError


def reason(
    engine: Annotated[
        Engine,
        typer.Option(
            "--engine",
            help="OWL 2 RL engine: rules (the ontology's rules compiled; falls back to reasonable where they do not"
            " cover the axioms), reasonable or owlrl (slow, the reference); all give the same graph.",
        ),
    ] = DEFAULT_ENGINE,
    store: StoreOption = None,
) -> None:
    """Recompute the inferred graph (https://w3id.org/ksgraph/graph/inferred) from the asserted graphs.

    Asserted graphs are not changed; the result replaces the inferred graph atomically.

    Exits 1 if the closure is inconsistent: the inconsistencies are printed and nothing is
    published (an inconsistent graph is never published).
    """
    from ksgraph.changes.commit import Delta, Inconsistent, commit

    settings = settings_for(store)
    if not GraphStore(settings.store_dir).exists():
        raise fail(f"no graph in {settings.store_dir}: run `ksgraph build` first (or pass --store)")
    try:
        done = commit(
            settings, lambda _: Delta(), kind="reason", engine=engine, progress=lambda m: err.print(m, markup=False)
        )
    except StoreError as exc:
        raise fail(str(exc)) from None
    except Inconsistent as exc:
        err.print(
            f"[bold red]inconsistent:[/] {len(exc.problems)} problem(s); the inferred graph was not replaced",
            markup=True,
        )
        for problem in exc.problems:
            err.print(f"  {problem}", markup=False)
        raise typer.Exit(ExitCode.VIOLATIONS) from None
    report = done.reasoning
    assert report is not None
    err.print(
        f"{report.engine}: {report.inferred} inferred triples from {report.asserted} asserted "
        f"in {report.seconds:.1f} s → <https://w3id.org/ksgraph/graph/inferred>",
        markup=False,
    )


class ExplainFormat(StrEnum):
    text = "text"
    json = "json"


def explain(
    subject: Annotated[
        str, typer.Argument(metavar="SUBJECT", help="Subject: a prefixed name (id:npo/akut-vard) or <full IRI>.")
    ],
    predicate: Annotated[
        str, typer.Argument(metavar="PREDICATE", help="Predicate: e.g. ks:level, org:reportsTo, or 'a' for rdf:type.")
    ],
    object_: Annotated[str, typer.Argument(metavar="OBJECT", help='Object: an IRI, or a literal "text"@sv.')],
    fmt: Annotated[ExplainFormat, typer.Option("--format", "-f", help="text (a tree) or json.")] = ExplainFormat.text,
    max_depth: Annotated[int, typer.Option("--max-depth", min=1, help="Longest derivation searched (rules).")] = 40,
    store: StoreOption = None,
) -> None:
    """Why does a triple hold? Prints its derivation down to asserted triples and ontology axioms.

    Says ASSERTED (and in which graph) for an asserted triple, shows the tree of OWL 2 RL rules for an inferred one.

    Says NOT ENTAILED otherwise, with exit code 1.
    """
    from ksgraph.reasoning.explain import Status, parse_triple
    from ksgraph.reasoning.explain import explain as run_explain
    from ksgraph.reasoning.report import render_text, to_json

    settings = settings_for(store)
    try:
        triple = parse_triple(subject, predicate, object_)
        readable = GraphStore(settings.store_dir).open_read()
    except StoreError as exc:
        raise fail(str(exc)) from None
    except ValueError as exc:
        raise fail(f"cannot read the triple: {exc}") from None
    explanation = run_explain(readable, triple, max_depth=max_depth)
    text = to_json(explanation) if fmt is ExplainFormat.json else render_text(explanation)
    sys.stdout.write(text + "\n")
    if explanation.status is Status.not_entailed:
        raise typer.Exit(ExitCode.VIOLATIONS)
