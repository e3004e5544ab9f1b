"""Building the graph: the ontology and data files of the checkout into a fresh store version,
committed like every other change (:mod:`ksgraph.changes.commit`): validated, reasoned, published."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ksgraph.changes.checks import full
from ksgraph.changes.commit import Delta, commit
from ksgraph.core.settings import Settings
from ksgraph.core.vocab import ONTOLOGY_GRAPH
from ksgraph.rdfio.load import LoadError, ParsedFile, parse_file, rdf_files
from ksgraph.validation.validate import Report

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


@dataclass
class BuildReport:
    files: list[ParsedFile]
    inferred: int = 0
    # The validation report of the built data (None with validate=False).
    validation: Report | None = None
    graphs: dict[str, int] = field(default_factory=dict)

    @property
    def asserted(self) -> int:
        return sum(len(f.quads) for f in self.files)


def source_files(settings: Settings) -> list[ParsedFile]:
    """Parse the ontology (one graph) and every data file (a graph each). Raises LoadError on the first bad file."""
    ontology = [
        parse_file(p, ONTOLOGY_GRAPH, max_bytes=settings.max_file_bytes) for p in rdf_files([settings.ontology_dir])
    ]
    data_paths = [
        p for p in rdf_files([settings.data_dir]) if "templates" not in p.relative_to(settings.data_dir).parts
    ]
    data = [parse_file(p, max_bytes=settings.max_file_bytes) for p in data_paths]
    stems = [p.path.stem for p in data]
    duplicates = sorted({s for s in stems if stems.count(s) > 1})
    if duplicates:
        raise LoadError(settings.data_dir, f"two data files would share a graph: {', '.join(duplicates)}")
    return ontology + data


def build(
    settings: Settings,
    *,
    reason: bool = True,
    validate: bool = True,
    progress: Progress = _quiet,
    agent: str | None = None,
) -> BuildReport:
    """Replace the store's content with the ontology and data of the checkout, validate it, reason over it.

    Idempotent: the asserted and inferred graphs depend only on the files. Nothing is published
    unless every file parses, the data conforms to the shapes (unless ``validate=False``) and the
    closure is consistent: :class:`~ksgraph.changes.commit.Violations` or
    :class:`~ksgraph.changes.commit.Inconsistent` say why, and the published store is unchanged.
    """
    progress(f"parsing {settings.ontology_dir} and {settings.data_dir}")
    files = source_files(settings)
    report = BuildReport(files)
    for parsed in files:
        progress(f"  {_short(parsed.path, settings.root)}: {len(parsed.quads)} triples → <{parsed.graph}>")

    def load(store: ox.Store) -> Delta:
        # The bulk loader, not one transaction: 3.5x faster at 400k triples, and the version is
        # private until the commit publishes it (a failure removes it whole).
        added = [q for parsed in files for q in parsed.quads]
        store.bulk_extend(added)
        if validate:
            progress("validating (SHACL, every node)")
        return Delta(added=added)

    done = commit(
        settings,
        load,
        kind="build",
        files=files,
        check=full(settings) if validate else None,
        reason=reason,
        fresh=True,
        agent=agent,
        progress=progress,
    )
    # The check is full() or none: a Report, or no verdict.
    assert done.verdict is None or isinstance(done.verdict, Report)
    report.validation = done.verdict
    if done.reasoning is not None:
        report.inferred = done.reasoning.inferred
        progress(f"  {report.inferred} inferred triples in {done.reasoning.seconds:.1f} s ({done.reasoning.engine})")
    return report


def _short(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root))
    except ValueError:
        return str(path)
