"""Building the graph: ontology and data files into a fresh store version, then reasoning."""

from __future__ import annotations

import datetime as dt
import getpass
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ksgraph.changes.provenance import record
from ksgraph.core.settings import Settings
from ksgraph.core.vocab import ONTOLOGY_GRAPH
from ksgraph.rdfio.load import ParsedFile, parse_file, rdf_files
from ksgraph.store.versions import GraphStore

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


@dataclass
class BuildReport:
    files: list[ParsedFile]
    inferred: int = 0
    # False when the reasoner found the data inconsistent with the ontology (it says where).
    consistent: bool = True
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
        from ksgraph.rdfio.load import LoadError

        raise LoadError(settings.data_dir, f"two data files would share a graph: {', '.join(duplicates)}")
    return ontology + data


def build(
    settings: Settings, *, reason: bool = True, progress: Progress = _quiet, agent: str | None = None
) -> BuildReport:
    """Replace the store's content with the ontology and data of the checkout, and reason over it.

    Idempotent: the asserted and inferred graphs depend only on the files. Nothing is
    published unless every file parses and reasoning succeeds.
    """
    started = dt.datetime.now(dt.UTC)
    progress(f"parsing {settings.ontology_dir} and {settings.data_dir}")
    files = source_files(settings)
    report = BuildReport(files)
    for parsed in files:
        progress(f"  {_short(parsed.path, settings.root)}: {len(parsed.quads)} triples → <{parsed.graph}>")
    with GraphStore(settings.store_dir).write(fresh=True) as store:
        # The bulk loader, not one transaction: 3.5x faster at 400k triples, and the version is
        # private until the write publishes it (a failure removes it whole).
        for parsed in files:
            store.bulk_extend(parsed.quads)
        if reason:
            from ksgraph.reasoning.reason import materialise

            progress("reasoning (OWL 2 RL)")
            reasoned = materialise(store, progress=progress)
            report.inferred = reasoned.inferred
            report.consistent = reasoned.consistent
            progress(f"  {report.inferred} inferred triples in {reasoned.seconds:.1f} s ({reasoned.engine})")
        store.extend(record("build", files, agent=agent or _agent(), started=started, root=settings.root))
    return report


def _agent() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _short(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root))
    except ValueError:
        return str(path)
