"""Atomic imports of RDF files: parse everything, then commit the new data like every change.

The order is what makes an import safe:

1. every file is parsed before the store is touched (a broken file: LoadError, nothing changed);
2. :func:`ksgraph.changes.commit.commit` puts the new quads into a private copy of the published
   version, under the writers' lock (so two imports are serialised);
3. the copy is validated — *targeted* by default: the shapes on the IRIs the import touches and
   their neighbourhood (:mod:`ksgraph.validation.focus`), over the whole data graph; ``full=True``
   validates every node — and a violation raises :class:`ImportRejected` (nothing published);
4. reasoning, the consistency policy, a provenance record, and one atomic publish (see the commit).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ksgraph.changes import checks
from ksgraph.changes.commit import Delta, Violations, commit
from ksgraph.core.settings import Settings
from ksgraph.core.vocab import DATA_GRAPH_BASE
from ksgraph.rdfio.load import LoadError, ParsedFile, parse_files, rdf_files
from ksgraph.store.versions import GraphStore, StoreMissing
from ksgraph.validation.validate import Report

Progress = Callable[[str], None]


class ImportRejected(Violations):
    """The import would break a rule; the store is unchanged."""

    def __init__(self, report: Report) -> None:
        super().__init__(report)
        self.report = report


@dataclass
class ImportResult:
    files: list[ParsedFile]
    graphs: list[str]
    added: int
    removed: int
    report: Report
    inferred: int
    # Wall seconds per stage: parse, validate, reason, commit (the copy, the change and the publish).
    seconds: dict[str, float] = field(default_factory=dict)


def _quiet(_: str) -> None:
    return None


def import_files(
    settings: Settings,
    paths: Sequence[Path],
    *,
    graph: str | None = None,
    replace: bool = False,
    agent: str | None = None,
    full: bool = False,
    progress: Progress = _quiet,
) -> ImportResult:
    """Import RDF files into the store, all or nothing.

    Raises LoadError (unusable input), StoreMissing (no store yet) or ImportRejected
    (violations); in every such case the published store is untouched.
    """
    if graph is not None and not graph.startswith(DATA_GRAPH_BASE):
        raise LoadError(Path("--graph"), f"<{graph}> is not a data graph (its IRI must start with {DATA_GRAPH_BASE})")
    started = time.perf_counter()
    files = parse_files(rdf_files(paths), graph, max_bytes=settings.max_file_bytes)
    parsed = time.perf_counter() - started
    if not files:
        raise LoadError(Path(" ".join(map(str, paths)) or "."), "no RDF files to import")
    _check_graphs(files)
    if not GraphStore(settings.store_dir).exists():
        raise StoreMissing(f"no graph in {settings.store_dir}: run `ksgraph build` first (or pass --store)")
    # A file's target graph, and the graphs a TriG or N-Quads file names itself (named: _check_graphs).
    named = {q.graph_name.value for f in files for q in f.quads if isinstance(q.graph_name, ox.NamedNode)}
    targets = sorted({f.graph for f in files} | named)

    def change(copy: ox.Store) -> Delta:
        removed: list[ox.Quad] = []
        if replace:
            for target in targets:
                node = ox.NamedNode(target)
                removed.extend(copy.quads_for_pattern(None, None, None, node))
                copy.remove_graph(node)
        added = [q for f in files for q in f.quads]
        copy.extend(added)
        progress(f"validating {len(added)} new triples ({'full' if full else 'targeted'})")
        return Delta(added, removed)

    check = checks.full(settings) if full else checks.targeted(settings)
    try:
        done = commit(settings, change, kind="import", files=files, check=check, agent=agent, progress=progress)
    except Violations as exc:
        # checks.full and checks.targeted answer with Reports.
        assert isinstance(exc.verdict, Report)
        raise ImportRejected(exc.verdict) from None
    assert isinstance(done.verdict, Report) and done.reasoning is not None
    seconds = {"parse": parsed, **{k: done.seconds.get(k, 0.0) for k in ("validate", "reason")}}
    seconds["commit"] = done.seconds.get("change", 0.0) + done.seconds.get("publish", 0.0)
    progress("seconds: " + ", ".join(f"{stage} {value:.2f}" for stage, value in seconds.items()))
    return ImportResult(
        files,
        targets,
        len(done.delta.added),
        len(done.delta.removed),
        done.verdict,
        done.reasoning.inferred,
        seconds,
    )


def _check_graphs(files: Iterable[ParsedFile]) -> None:
    """Quad files may name their own graphs; an import writes data graphs only."""
    for parsed in files:
        for quad in parsed.quads:
            name = quad.graph_name
            if not isinstance(name, ox.NamedNode) or not name.value.startswith(DATA_GRAPH_BASE):
                raise LoadError(
                    parsed.path, f"quads in graph {name} (an import writes only graphs under {DATA_GRAPH_BASE})"
                )
