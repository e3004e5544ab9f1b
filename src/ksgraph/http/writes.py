"""Writes through the endpoint: SPARQL Update and Graph Store Protocol, each one atomic publish.

Every write is committed like ``ksgraph import`` (:mod:`ksgraph.changes.commit`): a copy of the
published version is changed, validated (SHACL, targeted) and reasoned over; only a copy
that passes is published (an atomic switch of CURRENT), so readers never see a half-applied
or unvalidated write, and a failed write leaves the store as it was.

The engine runs updates in this process (they are rare and need the write token), so the
checks of :mod:`.guard` (nesting, LOAD, SERVICE) are what keep an update from crashing the
server or reaching the network.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph as ox

from ksgraph.changes import checks
from ksgraph.changes.commit import Delta, Inconsistent, Violations, commit
from ksgraph.core.settings import Settings
from ksgraph.core.vocab import INFERRED_GRAPH, PREFIXES
from ksgraph.http.errors import ProtocolError, bad_request
from ksgraph.rdfio.load import check_xml_entities
from ksgraph.sparql.guard import Limits, check_update, with_using
from ksgraph.store.dataset import data_graph_names
from ksgraph.store.versions import StoreError
from ksgraph.validation.validate import Report

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
    return {q for g in data_graph_names(store) for q in store.quads_for_pattern(None, None, None, g)}


def _refuse(report: Report) -> ProtocolError:
    lines = [f"{v.rule} {v.focus}: {v.message_en}" for v in report.violations[:MAX_REPORTED]]
    more = len(report.violations) - len(lines)
    return ProtocolError(
        422,
        f"the write breaks {len(report.violations)} rule(s); nothing was changed:\n"
        + "\n".join(lines)
        + (f"\n… and {more} more" if more > 0 else ""),
    )


def _publish(settings: Settings, kind: str, change: Callable[[ox.Store], None]) -> WriteReport:
    """Commit ``change`` as every write is committed (:mod:`ksgraph.changes.commit`), in HTTP's terms:
    violations and inconsistencies are 422, a store that cannot be written 503."""

    def apply(store: ox.Store) -> Delta:
        inferred = ox.NamedNode(INFERRED_GRAPH)
        before = _data_quads(store)
        # The inferred graph is set aside (the commit recomputes it), so a write into it shows.
        store.remove_graph(inferred)
        change(store)
        if any(True for _ in store.quads_for_pattern(None, None, None, inferred)):
            raise ProtocolError(
                403, f"<{INFERRED_GRAPH}> is computed by the reasoner and cannot be written; write asserted graphs only"
            )
        after = _data_quads(store)
        return Delta(added=list(after - before), removed=list(before - after))

    try:
        done = commit(settings, apply, kind=kind, check=checks.targeted(settings))
    except Violations as exc:
        assert isinstance(exc.verdict, Report)  # the check is targeted(): it returns a Report
        raise _refuse(exc.verdict) from None
    except Inconsistent as exc:
        raise ProtocolError(422, str(exc)) from None
    except StoreError as exc:
        # A full disk, typically: the server is fine and the published version unchanged.
        raise ProtocolError(503, f"the write was not applied: {exc}") from None
    assert done.reasoning is not None
    return WriteReport(done.version, done.reasoning.inferred)


def apply_update(
    settings: Settings,
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

    return _publish(settings, "update", change)


def replace_graph(settings: Settings, graph: str, data: bytes, media_type: str) -> WriteReport:
    """Graph Store Protocol PUT: the graph's content becomes ``data``."""
    quads = _parse(data, media_type, graph)

    def change(store: ox.Store) -> None:
        store.remove_graph(ox.NamedNode(graph))
        store.extend(quads)

    return _publish(settings, "graph store PUT", change)


def merge_graph(settings: Settings, graph: str, data: bytes, media_type: str) -> WriteReport:
    """Graph Store Protocol POST: ``data`` is added to the graph."""
    quads = _parse(data, media_type, graph)
    return _publish(settings, "graph store POST", lambda store: store.extend(quads))


def delete_graph(settings: Settings, graph: str) -> WriteReport:
    """Graph Store Protocol DELETE: the graph is removed."""
    return _publish(settings, "graph store DELETE", lambda store: store.remove_graph(ox.NamedNode(graph)))


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
