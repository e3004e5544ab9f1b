"""``ksgraph build``."""

from __future__ import annotations

from typing import Annotated

import typer

from ksgraph.cli.app import StoreOption, err, fail, settings_for
from ksgraph.rdfio.load import LoadError
from ksgraph.store.versions import StoreError


def build(
    store: StoreOption = None,
    no_reason: Annotated[bool, typer.Option("--no-reason", help="Skip the OWL 2 RL closure.")] = False,
) -> None:
    """Load the ontology and every data file into a fresh store, reason, and publish it atomically."""
    from ksgraph.changes.build import build as run_build

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
