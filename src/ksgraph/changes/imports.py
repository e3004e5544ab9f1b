"""Atomic imports: parse everything, validate store plus new data, then publish all of it at once.

The order is what makes an import safe:

1. every file is parsed before the store is touched (a broken file: LoadError, nothing changed);
2. inside one :meth:`GraphStore.write` — which holds the writers' lock, so two imports
   are serialised — the new quads go into a private copy of the published version;
3. that copy's asserted data is validated; a violation raises :class:`ImportRejected`,
   which discards the copy;
4. reasoning is re-run and a provenance record added in the same copy, which is then
   published by one atomic rename. A process killed at any point leaves the store
   as before or as after (see :mod:`ksgraph.store.versions`).

Validation is *targeted* by default: the shapes are evaluated only on the IRIs the
import touches and their neighbourhood (:func:`touched_nodes`), over the whole data
graph. ``full=True`` validates every node (bench/results/validate.md compares both).
"""

from __future__ import annotations

import datetime as dt
import getpass
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.term import Node, URIRef

from ksgraph.changes.provenance import record
from ksgraph.core.settings import Settings
from ksgraph.core.vocab import DATA_GRAPH_BASE, KS, ORG, TIME
from ksgraph.rdfio.load import LoadError, ParsedFile, parse_files, rdf_files
from ksgraph.store.versions import GraphStore, StoreMissing
from ksgraph.validation.validate import Report, data_from_store, data_view, validate

Progress = Callable[[str], None]

# The second hop of the neighbourhood follows only these links, forward: the ones
# along which a shape reads two steps from its focus node (a group ← post ←
# membership, a membership → interval → instant, a local group → counterpart →
# scope). Other links end at hubs (roles, statuses, healthcare regions) that
# thousands of nodes point at; following them would turn a targeted validation into
# a full one.
STRUCTURAL_LINKS = frozenset(
    URIRef(iri)
    for iri in (
        ORG + "postIn",
        ORG + "organization",
        KS + "inPost",
        KS + "counterpartOf",
        KS + "workingGroupOf",
        KS + "scope",
        KS + "affiliation",
        ORG + "memberDuring",
        TIME + "hasBeginning",
        TIME + "hasEnd",
    )
)
RDF_TYPE = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


class ImportRejected(Exception):
    """The import would break a rule; the store is unchanged."""

    def __init__(self, report: Report) -> None:
        super().__init__(f"{len(report.violations)} violations")
        self.report = report


@dataclass
class ImportResult:
    files: list[ParsedFile]
    graphs: list[str]
    added: int
    removed: int
    report: Report
    inferred: int


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
    started = dt.datetime.now(dt.UTC)
    if graph is not None and not graph.startswith(DATA_GRAPH_BASE):
        raise LoadError(Path("--graph"), f"<{graph}> is not a data graph (its IRI must start with {DATA_GRAPH_BASE})")
    files = parse_files(rdf_files(paths), graph, max_bytes=settings.max_file_bytes)
    if not files:
        raise LoadError(Path(" ".join(map(str, paths)) or "."), "no RDF files to import")
    _check_graphs(files)
    store = GraphStore(settings.store_dir)
    if not store.exists():
        raise StoreMissing(f"no graph in {settings.store_dir}: run `ksgraph build` first (or pass --store)")
    # A file's target graph, and the graphs a TriG or N-Quads file names itself.
    targets = sorted({f.graph for f in files} | {q.graph_name.value for f in files for q in f.quads})
    with store.write() as copy:
        removed: list[ox.Quad] = []
        if replace:
            for target in targets:
                node = ox.NamedNode(target)
                removed.extend(copy.quads_for_pattern(None, None, None, node))
                copy.remove_graph(node)
        added = [q for f in files for q in f.quads]
        copy.extend(added)
        progress(f"validating {len(added)} new triples ({'full' if full else 'targeted'})")
        # Targeted validation reads only around the focus nodes: from the store, not a copy of it.
        data = data_from_store(copy) if full else data_view(copy)
        focus = None if full else touched_nodes(data, changed_triples(added + removed))
        report = validate(data, settings, focus=focus)
        if not report.conforms:
            raise ImportRejected(report)
        from ksgraph.reasoning.reason import materialise

        progress("reasoning")
        inferred = materialise(copy).inferred
        copy.extend(record("import", files, agent=agent or _agent(), started=started, root=settings.root))
    return ImportResult(files, targets, len(added), len(removed), report, inferred)


def _check_graphs(files: Iterable[ParsedFile]) -> None:
    """Quad files may name their own graphs; an import writes data graphs only."""
    for parsed in files:
        for quad in parsed.quads:
            name = quad.graph_name
            if not isinstance(name, ox.NamedNode) or not name.value.startswith(DATA_GRAPH_BASE):
                raise LoadError(
                    parsed.path, f"quads in graph {name} (an import writes only graphs under {DATA_GRAPH_BASE})"
                )


Triple = tuple[Node, Node, Node]


def changed_triples(quads: Iterable[ox.Quad]) -> list[Triple]:
    """Changed quads as rdflib triples, for :func:`touched_nodes`.

    Blank nodes become fresh rdflib blank nodes: their labels are not kept between
    pyoxigraph and rdflib, so they never match the data; the IRI that owns a blank
    node is changed in the same file and is what gets validated.
    """

    def term(t: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Node:
        if isinstance(t, ox.NamedNode):
            return URIRef(t.value)
        if isinstance(t, ox.Literal):
            return rdflib.Literal(t.value)
        return rdflib.BNode()

    return [(term(q.subject), URIRef(q.predicate.value), term(q.object)) for q in quads]


def changed_terms(quads: Iterable[ox.Quad]) -> set[Node]:
    """The IRIs among the subjects and objects of changed quads.

    The older form of :func:`changed_triples`, kept for callers that pass bare nodes
    to :func:`touched_nodes` (each is then expanded as a changed subject: more focus
    nodes, never fewer).
    """
    return {t for s, _, o in changed_triples(quads) for t in (s, o) if isinstance(t, URIRef)}


def touched_nodes(data: rdflib.Graph, changed: Iterable[Triple | Node]) -> set[str]:
    """The IRIs whose validation a change can affect.

    The subjects and objects of the changed triples; one link away from a changed
    subject in either direction, and from a changed object forward (what points *at*
    an object — every post at a healthcare region, every group at its status — is
    not affected by another node's link to it); then a second hop along
    :data:`STRUCTURAL_LINKS`, forward only (a membership → its post → the post's group).
    Backwards, a second hop would end at every group of a healthcare region (``^ks:scope``)
    and no rule reads that way: what reads a changed node from two links back already
    reaches it in one (see docs/VALIDATION.md). A bare node counts as a changed subject.
    """
    subjects: set[Node] = set()
    objects: set[Node] = set()
    for item in changed:
        if isinstance(item, tuple):
            subjects.add(item[0])
            objects.add(item[2])
        else:
            subjects.add(item)
    subjects = {n for n in subjects if not isinstance(n, rdflib.Literal)}
    objects = {n for n in objects if not isinstance(n, rdflib.Literal)}
    first = subjects | objects
    for node in subjects | objects:
        first.update(o for p, o in data.predicate_objects(node) if p != RDF_TYPE and not isinstance(o, rdflib.Literal))
    for node in subjects:
        first.update(s for s, p in data.subject_predicates(node) if p != RDF_TYPE)
    second = set(first)
    for node in first:
        for link in STRUCTURAL_LINKS:
            second.update(data.objects(node, link))
    return {str(n) for n in second if isinstance(n, URIRef)}


def _agent() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
