"""``ksgraph build``: the checkout's ontology and data into a fresh store, validated and reasoned."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from ksgraph.cli.app import ExitCode, StoreOption, err, fail, settings_for
from ksgraph.rdfio.load import LoadError
from ksgraph.store.versions import StoreError


def build(
    store: StoreOption = None,
    no_reason: Annotated[bool, typer.Option("--no-reason", help="Skip the OWL 2 RL closure.")] = False,
    no_validate: Annotated[
        bool, typer.Option("--no-validate", help="Publish without checking the data against the shapes.")
    ] = False,
) -> None:
    """Load the ontology and every data file into a fresh store, validate, reason, and publish it atomically.

    Exit 0: built (warnings and infos allowed); 1: the data breaks a rule (the report is on
    stdout) or its closure is inconsistent; 2: unusable input. On 1 and 2 the store is exactly as before.
    """
    from ksgraph.changes.build import build as run_build
    from ksgraph.changes.commit import Inconsistent, Violations
    from ksgraph.validation.output import render, source_titles
    from ksgraph.validation.validate import Report, Severity

    settings = settings_for(store)
    if no_validate:
        err.print("not validating (--no-validate): the data is published without checking the shapes", markup=False)
    try:
        report = run_build(
            settings, reason=not no_reason, validate=not no_validate, progress=lambda m: err.print(m, markup=False)
        )
    except (LoadError, StoreError) as exc:
        # StoreError: the new version could not be written (a full disk); the old one stays published.
        raise fail(f"{exc}\nnothing was changed in {settings.store_dir}") from None
    except Violations as exc:
        assert isinstance(exc.verdict, Report)
        sys.stdout.write(render(exc.verdict, "text", source_titles(settings.data_dir / "sources.ttl")))
        raise fail(
            f"the data breaks {len(exc.verdict.violations)} rule(s) (report above); nothing was changed in "
            f"{settings.store_dir}",
            ExitCode.VIOLATIONS,
        ) from None
    except Inconsistent as exc:
        raise fail(f"{exc}\nnothing was changed in {settings.store_dir}", ExitCode.VIOLATIONS) from None
    checked = report.validation
    summary = (
        "not validated"
        if checked is None
        else f"{checked.count(Severity.VIOLATION)} violations, {checked.count(Severity.WARNING)} warnings, "
        f"{checked.count(Severity.INFO)} infos"
    )
    err.print(
        f"built {settings.store_dir}: {len(report.files)} files, {report.asserted} asserted and "
        f"{report.inferred} inferred triples; {summary}",
        markup=False,
    )
