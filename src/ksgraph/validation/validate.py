"""Validation of the data against the SHACL shapes of ``shapes/`` (the founding decision's rules).

One fixed inference mode, on purpose: ``inference="none"``, with the ontology
added to the data graph. The ontology supplies the class hierarchy, so
``sh:targetClass ks:GovernanceGroup`` reaches every NPO and ``sh:class org:Role``
recognises ``ks:chair``, but nothing is entailed: a report is about what the data
states, not about what a reasoner would add. RDFS or OWL RL pre-inference would
multiply validation time 5-22x (shared/HAZARDS.md; bench/results/validate.md)
and the shapes do not need it. The ontology is added by us rather than through
pySHACL's ``ont_graph``, whose partial "inoculation" leaves out the individuals
(``ks:chair a org:Role``) that ``sh:class`` checks need.

Each shape carries its rule id (``ksh:rule``), Swedish and English messages and
``dcterms:source``; :class:`Result` (:mod:`ksgraph.validation.results`) brings these
together with the focus node's label, so a report says which node, which rule and
which source paragraph.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pyshacl
import rdflib
from pyshacl.errors import ConstraintLoadError, ReportableRuntimeError, ShapeLoadError, ValidationFailure
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Result as QueryResult
from rdflib.term import BNode, Literal, Node, URIRef

from ksgraph.core.settings import DEFAULT_MAX_FILE_BYTES, Settings
from ksgraph.rdfio.load import ParsedFile, parse_files, rdf_files
from ksgraph.store.dataset import data_graph_names
from ksgraph.validation import workers as shacl_workers
from ksgraph.validation.results import KSH as KSH
from ksgraph.validation.results import SHACL as SHACL
from ksgraph.validation.results import Report as Report
from ksgraph.validation.results import Result as Result
from ksgraph.validation.results import Severity as Severity
from ksgraph.validation.results import read_results, rules
from ksgraph.validation.sparql import Queryable, Selects, ShapesError, bulk_constraints, evaluate, to_store
from ksgraph.validation.view import StoreView, rdflib_term

INFERENCE_MODE = "none"


@functools.lru_cache(maxsize=256)
def _prepared(text: str) -> Query:
    # Parsing is a pure function of the text, so a bounded cache is safe to share.
    return prepareQuery(text)


class PreparedQueryGraph(rdflib.Graph):
    """A graph that parses each SPARQL text once.

    pySHACL sends a SPARQL-based constraint's text to ``Graph.query`` once per focus
    node; rdflib would parse and translate it every time (~20 ms for our constraints,
    measured: more than the evaluation). The text is the same for every focus node
    ($this is pre-bound), so the parsed query is reused.
    """

    def query(self, query_object: str | Query, *args: Any, **kwargs: Any) -> QueryResult:
        if isinstance(query_object, str):
            query_object = _prepared(query_object)
        return super().query(query_object, *args, **kwargs)


# -- loading -------------------------------------------------------------------


def _turtle_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.glob("*.ttl") if p.is_file())


def load_shapes(settings: Settings) -> rdflib.Graph:
    """All shapes of ``shapes/`` as one graph. Raises LoadError on a broken file."""
    return _graph_from(parse_files(_turtle_files(settings.shapes_dir)))


def load_ontology(settings: Settings) -> rdflib.Graph:
    return _graph_from(parse_files(rdf_files([settings.ontology_dir])))


def data_from_files(paths: Sequence[Path], *, max_bytes: int = DEFAULT_MAX_FILE_BYTES) -> rdflib.Graph:
    """Exactly the given files (directories expanded). Raises LoadError with file, line and column."""
    return _graph_from(parse_files(rdf_files(paths), max_bytes=max_bytes))


def data_from_store(store: ox.Store) -> rdflib.Graph:
    """The store's asserted data graphs (not the ontology, inferences or provenance)."""
    triples = (
        ox.Triple(q.subject, q.predicate, q.object)
        for g in data_graph_names(store)
        for q in store.quads_for_pattern(None, None, None, g)
    )
    return _graph_from_triples(triples)


def shapes_from_files(paths: Sequence[Path]) -> rdflib.Graph:
    """Shapes from the given files (directories expanded). Raises LoadError, or ShapesError if they hold no shape."""
    shapes = _graph_from(parse_files(rdf_files(paths)))
    if not any(True for prop in (*TARGETS, SHACL.sparql) for _ in shapes.triples((None, prop, None))) and not any(
        True for kind in (SHACL.NodeShape, SHACL.PropertyShape) for _ in shapes.subjects(RDF.type, kind)
    ):
        shown = ", ".join(str(p) for p in paths)
        raise ShapesError(None, f"{shown}: no SHACL shapes (no sh:NodeShape, sh:PropertyShape or target)")
    return shapes


def data_view(store: ox.Store) -> rdflib.Graph:
    """The same data as :func:`data_from_store`, read from the store as it is asked for, not copied.

    For targeted validation, which reads little of the data: a full validation reads all of
    it and is faster from the copy. The store must not change while the view is used.
    """
    return PreparedQueryGraph(store=StoreView(store))


def _graph_from(files: Iterable[ParsedFile]) -> rdflib.Graph:
    return _graph_from_triples(ox.Triple(q.subject, q.predicate, q.object) for f in files for q in f.quads)


def _graph_from_triples(triples: Iterable[ox.Triple]) -> rdflib.Graph:
    # Terms converted once each (most recur) and added in one addN: half the time of writing
    # N-Triples and parsing them with rdflib (2.7 s against 1.3 s for 100k triples), same graph.
    graph = PreparedQueryGraph()
    terms: dict[object, Node] = {}

    def term(t: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Node:  # a quoted triple fails in rdflib_term
        found = terms.get(t)
        if found is None:
            found = terms[t] = rdflib_term(t)
        return found

    graph.addN((term(t.subject), term(t.predicate), term(t.object), graph) for t in triples)
    return graph


# -- validating ------------------------------------------------------------------


def validate_files(data: Sequence[Path], shapes: Sequence[Path], settings: Settings) -> Report:
    """``ksgraph validate DATA... --shapes PATH...``: the data files against these shapes only.

    No ontology is added and no store is read, so a steward can try a new rule, or another
    authority's shapes, on their own. Raises LoadError (file, line, column) for a file that does
    not parse and ShapesError for shapes that cannot be used (with the file and line, if known).
    """
    shapes_graph = shapes_from_files(shapes)
    graph = data_from_files(data)
    try:
        return validate(graph, settings, shapes=shapes_graph, ontology=rdflib.Graph())
    except ShapesError as exc:
        raise located(exc, rdf_files(shapes)) from None


def located(error: ShapesError, files: Sequence[Path]) -> ShapesError:
    """``error`` with the file and line where the query it is about starts, if one of ``files`` holds it."""
    wanted = [line.strip() for line in (error.select or "").splitlines() if line.strip()]
    if not wanted or error.where:
        return error
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        lines = [(n, line.strip()) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
        for i in range(len(lines) - len(wanted) + 1):
            if all(w in lines[i + k][1] for k, w in enumerate(wanted)):
                error.where = f"{path}:{lines[i][0]}"
                return error
    return error


def validate(
    data: rdflib.Graph,
    settings: Settings,
    *,
    focus: Iterable[str] | None = None,
    shapes: rdflib.Graph | None = None,
    ontology: rdflib.Graph | None = None,
    processes: int | None = None,
    parallel_from: int | None = None,
) -> Report:
    """Validate ``data`` (plus the ontology) against the shapes.

    pySHACL's share runs in ``processes`` processes (default: ``KSGRAPH_VALIDATE_WORKERS``
    or the usable cores) once ``data`` has ``parallel_from`` triples; see
    :mod:`ksgraph.validation.workers`.

    ``focus`` restricts validation to these IRIs (the nodes an import touched and
    their neighbourhood, see :mod:`ksgraph.changes.imports`); the data graph stays whole,
    so constraints still see every neighbour. ``data`` is extended in place with
    the ontology: pass a graph you own.

    Raises :class:`ShapesError` for shapes that cannot be used (a SPARQL query SHACL forbids or
    that does not parse, or shapes pySHACL refuses).
    """
    shapes = shapes if shapes is not None else load_shapes(settings)
    ontology = ontology if ontology is not None else load_ontology(settings)
    if not isinstance(data, PreparedQueryGraph):
        own = PreparedQueryGraph()
        own += data
        data = own
    triples = len(data)
    data += ontology
    started = time.perf_counter()
    focus_count = 0
    if focus is not None:
        # pySHACL's own focus_nodes option also filters the value nodes of nested
        # shapes (a qualified shape on an NPO's posts then sees none of them and
        # reports false violations), so the focus is applied by rewriting each
        # shape's targets into sh:targetNode instead: exact, and plain SHACL.
        shapes, focus_count = _focused(shapes, data, {URIRef(f) for f in focus})
    report_graph = rdflib.Graph()
    if focus is None or focus_count:
        # SPARQL constraints run once each in pyoxigraph (ksgraph.validation.sparql);
        # pySHACL keeps the core constraints and any SPARQL constraint that module declines.
        extra = rdflib.Graph()
        core_shapes = rdflib.Graph()
        core_shapes += shapes
        bulk = bulk_constraints(shapes, settings.cache_dir)
        if bulk:
            store = _queryable(data, shapes if any(c.needs_shapes_graph for c in bulk) else None)
            for constraint in bulk:
                if evaluate(constraint, targets(shapes, constraint.shape, data), store, extra) is not None:
                    core_shapes.remove((constraint.shape, SHACL.sparql, constraint.node))

        def run_pyshacl(share: rdflib.Graph) -> rdflib.Graph:
            try:
                _, report, _ = pyshacl.validate(
                    data,
                    shacl_graph=share,
                    inference=INFERENCE_MODE,
                    inplace=True,
                    allow_warnings=True,
                    allow_infos=True,
                )
            except (ReportableRuntimeError, ConstraintLoadError, ShapeLoadError) as exc:
                raise ShapesError(None, f"pySHACL cannot use the shapes: {exc.message}") from None
            if isinstance(report, ValidationFailure):
                # pySHACL returns, rather than raises, the failures SHACL requires (e.g. a forbidden query form).
                raise ShapesError(None, f"pySHACL refuses the shapes: {report.message}")
            if not isinstance(report, rdflib.Graph):  # pySHACL is untyped: its answer is checked here
                raise TypeError(f"pySHACL answered {type(report).__name__}, not a report graph")
            return report

        def weight(shape: Node) -> int:
            return len(targets(core_shapes, shape, data))

        # A focused validation checks a few nodes: not worth a fork, and a store view must not cross one.
        share_among = 1 if focus is not None else (processes or settings.validate_workers)
        report_graph = shacl_workers.run(run_pyshacl, data, core_shapes, weight, share_among, parallel_from)
        _merge(report_graph, extra)
    _set_conforms(report_graph)
    seconds = time.perf_counter() - started
    results = read_results(report_graph, shapes, data)
    return Report(results, report_graph, triples, seconds, None if focus is None else focus_count, rules(shapes))


def _queryable(data: rdflib.Graph, shapes: rdflib.Graph | None = None) -> Queryable:
    """The data for SPARQL constraints evaluated in pyoxigraph: a view's own store, else a copy.

    ``shapes``: a constraint reads $shapesGraph, so the copy holds the shapes as a named graph too.
    """
    if isinstance(data.store, StoreView) and shapes is None:
        return data.store.sparql()
    return Selects(to_store(data, shapes))


def _merge(report: rdflib.Graph, extra: rdflib.Graph) -> None:
    """Add results evaluated outside pySHACL to its report's sh:result."""
    report += extra
    node = report.value(None, RDF.type, SHACL.ValidationReport, any=False)
    if node is None:
        return
    for result in extra.subjects(RDF.type, SHACL.ValidationResult):
        report.add((node, SHACL.result, result))


def _set_conforms(report: rdflib.Graph) -> None:
    """sh:conforms as SHACL defines it (3.6.1): false if there is any result, of any severity.

    pySHACL says true when there are only warnings and infos (``allow_warnings``); ksgraph's exit
    code and text report still treat those as conforming (:attr:`Report.conforms`).
    """
    node = report.value(None, RDF.type, SHACL.ValidationReport, any=False)
    if node is None:
        node = BNode()
        report.add((node, RDF.type, SHACL.ValidationReport))
    report.set((node, SHACL.conforms, Literal((node, SHACL.result, None) not in report)))


TARGETS = shacl_workers.TARGETS


def targets(shapes: rdflib.Graph, shape: Node, data: rdflib.Graph) -> set[Node]:
    """The nodes ``shape`` targets in ``data`` (SHACL 2.1.3, with implicit class targets)."""
    found: set[Node] = set()
    for cls in [*shapes.objects(shape, SHACL.targetClass), *_implicit_class(shapes, shape)]:
        for sub in data.transitive_subjects(RDFS.subClassOf, cls):
            found.update(data.subjects(RDF.type, sub))
    for prop in shapes.objects(shape, SHACL.targetSubjectsOf):
        found.update(data.subjects(prop, None))
    for prop in shapes.objects(shape, SHACL.targetObjectsOf):
        found.update(data.objects(None, prop))
    found.update(shapes.objects(shape, SHACL.targetNode))
    return found


def _implicit_class(shapes: rdflib.Graph, shape: Node) -> list[Node]:
    """The shape itself if it is also a class (SHACL 2.1.3.3)."""
    return [shape] if any((shape, RDF.type, c) in shapes for c in (RDFS.Class, OWL.Class)) else []


def _focused(shapes: rdflib.Graph, data: rdflib.Graph, focus: set[URIRef]) -> tuple[rdflib.Graph, int]:
    """A copy of ``shapes`` whose shapes target only the focus nodes they targeted before."""
    focused = rdflib.Graph()
    focused += shapes
    kept: set[Node] = set()
    types = {node: set(data.objects(node, RDF.type)) for node in focus}
    for shape in {s for prop in TARGETS for s in shapes.subjects(prop, None)}:
        mine = _targets_among(shapes, shape, data, types)
        for prop in TARGETS:
            focused.remove((shape, prop, None))
        for node in mine:
            focused.add((shape, SHACL.targetNode, node))
        kept |= mine
    return focused, len(kept)


def _targets_among(shapes: rdflib.Graph, shape: Node, data: rdflib.Graph, types: dict[URIRef, set[Node]]) -> set[Node]:
    """``targets(shapes, shape, data)`` among the focus nodes (``types``: each one's classes).

    Asks about the focus nodes only: enumerating every instance of a class reads a large part of the data.
    """
    found: set[Node] = {n for n in shapes.objects(shape, SHACL.targetNode) if n in types}
    for cls in shapes.objects(shape, SHACL.targetClass):
        classes = set(data.transitive_subjects(RDFS.subClassOf, cls))
        found.update(n for n, mine in types.items() if not mine.isdisjoint(classes))
    for prop in shapes.objects(shape, SHACL.targetSubjectsOf):
        found.update(n for n in types if (n, prop, None) in data)
    for prop in shapes.objects(shape, SHACL.targetObjectsOf):
        found.update(n for n in types if (None, prop, n) in data)
    return found
