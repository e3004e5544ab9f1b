"""Writes through the endpoint: SPARQL Update and Graph Store Protocol, each one atomic publish.

Every write changes a copy of the published version inside :meth:`GraphStore.write`, then
validates it (SHACL, targeted like ``ksgraph import``) and recomputes the inferred graph; only a copy
that passes is published (an atomic switch of CURRENT), so readers never see a half-applied
or unvalidated write, and a failed write leaves the store as it was.

The engine runs updates in this process (they are rare and need the write token), so the
checks of :mod:`.guard` (nesting, LOAD, SERVICE) are what keep an update from crashing the
server or reaching the network.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from ksgraph.changes.imports import changed_terms, touched_nodes
from ksgraph.core.settings import Settings
from ksgraph.core.vocab import DATA_GRAPH_BASE, INFERRED_GRAPH, PREFIXES
from ksgraph.http.errors import ProtocolError, bad_request
from ksgraph.rdfio.load import check_xml_entities
from ksgraph.reasoning.reason import materialise
from ksgraph.sparql.guard import Limits, check_update, with_using
from ksgraph.store.versions import GraphStore, StoreError
from ksgraph.validation.validate import data_view, validate

RDF_UPLOAD_FORMATS: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}


# Violations listed in a 422 answer; the count says how many more there are.
MAX_REPORTED = 20


@dataclass(frozen=True)
class WriteReport:
    version: str
    inferred: int


def _data_quads(store: ox.Store) -> set[ox.Quad]:
    """The quads of the asserted data graphs: what validation looks at."""
    return {
        q
        for g in store.named_graphs()
        if isinstance(g, ox.NamedNode) and g.value.startswith(DATA_GRAPH_BASE)
        for q in store.quads_for_pattern(None, None, None, g)
    }


def check_published(store: ox.Store, changed: Iterable[ox.Quad], paths: Settings) -> None:
    """Validate a changed copy before it is published, as ``ksgraph import`` does; raising discards it.

    The inferred graph is derived, so a write into it is refused. The data graphs are checked
    against the SHACL shapes on the nodes the write touched and their neighbourhood
    (:func:`ksgraph.changes.imports.touched_nodes`); a violation is a 422 that lists each one.
    """
    inferred = ox.NamedNode(INFERRED_GRAPH)
    if any(True for _ in store.quads_for_pattern(None, None, None, inferred)):
        raise ProtocolError(
            403, f"<{INFERRED_GRAPH}> is computed by the reasoner and cannot be written; write asserted graphs only"
        )
    data = data_view(store)
    report = validate(data, paths, focus=touched_nodes(data, changed_terms(changed)))
    if not report.conforms:
        lines = [f"{v.rule} {v.focus}: {v.message_en}" for v in report.violations[:MAX_REPORTED]]
        more = len(report.violations) - len(lines)
        raise ProtocolError(
            422,
            f"the write breaks {len(report.violations)} rule(s); nothing was changed:\n"
            + "\n".join(lines)
            + (f"\n… and {more} more" if more > 0 else ""),
        )


def _publish(root: GraphStore, paths: Settings, change: Callable[[ox.Store], None]) -> WriteReport:
    try:
        with root.write() as store:
            before = _data_quads(store)
            # The inferred graph is set aside so the check sees only what the write asserted.
            store.remove_graph(ox.NamedNode(INFERRED_GRAPH))
            change(store)
            check_published(store, before ^ _data_quads(store), paths)
            report = materialise(store)
            if not report.consistent:
                # Raising inside write() discards the copy: an inconsistent graph is never published.
                problems = [str(p) for p in report.inconsistencies] + list(report.engine_messages)
                raise ProtocolError(422, "the write would make the graph inconsistent:\n" + "\n".join(problems))
    except StoreError as exc:
        # A full disk, typically: the server is fine and the published version unchanged.
        raise ProtocolError(503, f"the write was not applied: {exc}") from None
    version = root.current()
    return WriteReport(version.name if version else "", report.inferred)


def apply_update(
    root: GraphStore,
    paths: Settings,
    text: str,
    *,
    limits: Limits,
    base_iri: str | None,
    using: tuple[str, ...] = (),
    using_named: tuple[str, ...] = (),
) -> WriteReport:
    """Apply a SPARQL 1.1 Update (with the protocol's using-graph-uri parameters) atomically."""
    checked = check_update(text, limits)
    if using or using_named:
        if checked.has_dataset_clause:
            # SPARQL 1.1 Protocol §2.2.3: both is an error, not a precedence rule.
            raise bad_request("using-graph-uri/using-named-graph-uri cannot be combined with USING or WITH")
        if checked.shape is not None:
            text = with_using(text, checked.shape, list(using), list(using_named))

    def change(store: ox.Store) -> None:
        try:
            store.update(text, base_iri=base_iri, prefixes=PREFIXES)
        except SyntaxError as exc:
            raise bad_request(f"malformed update: {exc}") from None

    return _publish(root, paths, change)


def replace_graph(root: GraphStore, paths: Settings, graph: str, data: bytes, media_type: str) -> WriteReport:
    """Graph Store Protocol PUT: the graph's content becomes ``data``."""
    quads = _parse(data, media_type, graph)

    def change(store: ox.Store) -> None:
        store.remove_graph(ox.NamedNode(graph))
        store.extend(quads)

    return _publish(root, paths, change)


def merge_graph(root: GraphStore, paths: Settings, graph: str, data: bytes, media_type: str) -> WriteReport:
    """Graph Store Protocol POST: ``data`` is added to the graph."""
    quads = _parse(data, media_type, graph)
    return _publish(root, paths, lambda store: store.extend(quads))


def delete_graph(root: GraphStore, paths: Settings, graph: str) -> WriteReport:
    """Graph Store Protocol DELETE: the graph is removed."""
    return _publish(root, paths, lambda store: store.remove_graph(ox.NamedNode(graph)))


def _parse(data: bytes, media_type: str, graph: str) -> list[ox.Quad]:
    fmt = RDF_UPLOAD_FORMATS.get(media_type)
    if fmt is None:
        raise ProtocolError(415, f"cannot read {media_type!r}; send one of {', '.join(RDF_UPLOAD_FORMATS)}")
    if fmt == ox.RdfFormat.RDF_XML:
        # The parser runs in the server process and expands entities without limit.
        try:
            check_xml_entities(data)
        except ValueError as exc:
            raise bad_request(f"the {media_type} body is refused: {exc}") from None
    try:
        parsed = ox.parse(data, format=fmt, base_iri=graph, without_named_graphs=True, rename_blank_nodes=True)
        target = ox.NamedNode(graph)
        return [ox.Quad(q.subject, q.predicate, q.object, target) for q in parsed]
    except SyntaxError as exc:
        raise bad_request(f"the {media_type} body does not parse: {exc}") from None
