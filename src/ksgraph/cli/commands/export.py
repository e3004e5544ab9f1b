"""``ksgraph export``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ksgraph.cli.app import StoreOption, err, fail, settings_for
from ksgraph.core.settings import Settings
from ksgraph.store.versions import GraphStore, StoreError


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
    from ksgraph.rdfio.export import FORMATS
    from ksgraph.rdfio.export import export as run_export

    if template is not None:
        if output is None:
            raise fail("--template needs --output FILE.xlsx (or .csv)")
        from ksgraph.cli.commands.tabular import export_template_command

        export_template_command(template, output, store=store)
        return
    if release is not None:
        _write_release(settings_for(store), release, release_version)
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


def _write_release(settings: Settings, target_dir: Path, version: str | None) -> None:
    """``ksgraph export --release DIR``: write the release, report it, exit 2 on unusable input."""
    from ksgraph import __version__
    from ksgraph.publish.release import ReleaseError, write_release

    try:
        release = write_release(settings, target_dir, version or __version__)
    except (ReleaseError, StoreError) as exc:
        raise fail(str(exc)) from None
    err.print(
        f"wrote release {release.version} to {release.path}: {len(release.files)} files, "
        f"{release.facts.triples} triples in {len(release.facts.graphs)} graphs; check with "
        f"`cd {release.path} && sha256sum -c SHA256SUMS`",
        markup=False,
    )
