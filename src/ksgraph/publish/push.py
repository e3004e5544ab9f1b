"""Load the graph into another SPARQL 1.1 store and check that it arrived whole.

Two ways in, both replacing each named graph rather than adding to it:

- **SPARQL 1.1 Update** (SPARQLWrapper): one request of ``DROP SILENT GRAPH <g>`` and
  ``INSERT DATA`` chunks per graph. Oxigraph runs a request as one transaction, so the
  replacement is atomic there; a request above ``max_request_bytes`` is split, and then
  only each part is atomic (the report says so).
- **Graph Store Protocol** (``graph_store`` URL): one ``PUT ?graph=<g>`` per graph, which the
  protocol defines as an atomic replacement of that graph.

Then every graph's triples are counted remotely and compared with the source; a difference
is a :class:`PushMismatch`. Credentials come from the environment
(``KSGRAPH_PUSH_USER``, ``KSGRAPH_PUSH_PASSWORD``, ``KSGRAPH_PUSH_AUTH=basic|digest``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pyoxigraph as ox
from SPARQLWrapper import BASIC as SW_BASIC
from SPARQLWrapper import DIGEST, JSON, POST, SPARQLWrapper

from ksgraph.core.settings import Credentials
from ksgraph.sparql.remote import httpx_auth
from ksgraph.store.versions import GraphStore, named_quads

FILE_FORMATS = {
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
}


class PushError(RuntimeError):
    """The push could not be done as asked (input, connection, or the store refused)."""


class PushMismatch(PushError):
    """The remote store does not hold what was pushed."""


@dataclass(frozen=True)
class Target:
    endpoint: str  # SPARQL query endpoint (for counting)
    update_endpoint: str | None = None  # SPARQL update endpoint (default: ``endpoint``)
    graph_store: str | None = None  # Graph Store Protocol endpoint; if set, used instead of Update
    credentials: Credentials | None = None
    timeout: float = 120.0
    chunk_triples: int = 2000
    max_request_bytes: int = 32 << 20


@dataclass
class PushReport:
    method: str
    graphs: dict[str, int]  # graph → triples pushed (= counted remotely)
    requests: int = 0
    atomic: bool = True
    notes: list[str] = field(default_factory=list)


def read_source(
    *, file: Path | None = None, store: GraphStore | None = None, graphs: Sequence[str] = ()
) -> dict[str, list[ox.Triple]]:
    """The triples to push, by target graph.

    From a quad file or the store, every named graph (or those in ``graphs``). From a triple
    file (Turtle, N-Triples), the default graph goes to the single graph in ``graphs``.
    """
    if file is not None:
        fmt = FILE_FORMATS.get(file.suffix.lower())
        if fmt is None:
            raise PushError(f"{file}: unknown format (known: {', '.join(FILE_FORMATS)})")
        try:
            quads = list(ox.parse(path=str(file), format=fmt))
        except (OSError, SyntaxError) as exc:
            raise PushError(f"{file}: {exc}") from exc
    elif store is not None:
        quads = list(named_quads(store.open_read()))
    else:
        raise PushError("nothing to push: give a file or a store")
    by_graph: dict[str, set[ox.Triple]] = defaultdict(set)
    default: set[ox.Triple] = set()
    for quad in quads:
        if isinstance(quad, ox.Triple):
            default.add(quad)
        elif isinstance(quad.graph_name, ox.NamedNode):
            by_graph[quad.graph_name.value].add(quad.triple)
        else:
            default.add(quad.triple)
    if default:
        if len(graphs) != 1:
            raise PushError("the input has triples outside named graphs: name exactly one target with --graph")
        by_graph = defaultdict(set, {graphs[0]: default | by_graph.get(graphs[0], set())})
    elif graphs:
        missing = sorted(set(graphs) - set(by_graph))
        if missing:
            raise PushError(f"no such graph in the input: {', '.join(missing)} (it has {', '.join(sorted(by_graph))})")
        by_graph = defaultdict(set, {g: by_graph[g] for g in graphs})
    for graph in by_graph:
        ox.NamedNode(graph)  # raises ValueError on a malformed IRI before anything is sent
    return {g: sorted(ts, key=str) for g, ts in sorted(by_graph.items())}


def units(triples: Iterable[ox.Triple]) -> list[list[ox.Triple]]:
    """Triples grouped so that all triples sharing a blank node are in one group.

    A blank node label is scoped to one INSERT DATA operation: split across two, one node
    would arrive as two. Union-find over the blank nodes keeps each component together.
    """
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    blank: list[tuple[ox.Triple, list[str]]] = []
    plain: list[list[ox.Triple]] = []
    for t in triples:
        nodes = [n.value for n in (t.subject, t.object) if isinstance(n, ox.BlankNode)]
        if not nodes:
            plain.append([t])
            continue
        for n in nodes[1:]:
            parent[find(n)] = find(nodes[0])
        blank.append((t, nodes))
    groups: dict[str, list[ox.Triple]] = defaultdict(list)
    for t, nodes in blank:
        groups[find(nodes[0])].append(t)
    return plain + list(groups.values())


def chunks(triples: Sequence[ox.Triple], size: int) -> list[list[ox.Triple]]:
    out: list[list[ox.Triple]] = [[]]
    for unit in units(triples):
        if out[-1] and len(out[-1]) + len(unit) > size:
            out.append([])
        out[-1].extend(unit)
    return [c for c in out if c]


# Virtuoso 7.2 compiles an INSERT template (the form used for blank nodes, below) to SQL and
# refuses one of over 10000 lines (SP031): measured, a template of the ontology's 1799 triples
# fails and one of 500 passes. A graph with blank nodes is therefore sent in chunks of at most this.
TEMPLATE_CHUNK_TRIPLES = 500


def update_requests(source: Mapping[str, Sequence[ox.Triple]], target: Target) -> list[str]:
    """SPARQL Update requests that replace each graph: as few as ``max_request_bytes`` allows.

    The data part of each ``INSERT DATA`` is written by pyoxigraph's N-Triples serialiser,
    whose output is valid SPARQL term syntax: no term is formatted by hand.
    """
    operations: list[str] = []
    for graph, triples in source.items():
        name = str(ox.NamedNode(graph))
        operations.append(f"DROP SILENT GRAPH {name}")
        size = target.chunk_triples
        if any(isinstance(n, ox.BlankNode) for t in triples for n in (t.subject, t.object)):
            size = min(size, TEMPLATE_CHUNK_TRIPLES)
        for chunk in chunks(triples, size):
            body = (ox.serialize(chunk, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")
            if any(isinstance(n, ox.BlankNode) for t in chunk for n in (t.subject, t.object)):
                # Virtuoso 7.2 rejects blank nodes in INSERT DATA ("not allowed in a constant
                # clause"); an INSERT template with an empty WHERE makes one fresh node per
                # label, which is what INSERT DATA means, on every store.
                operations.append(f"INSERT {{ GRAPH {name} {{\n{body}}} }} WHERE {{}}")
            else:
                operations.append(f"INSERT DATA {{ GRAPH {name} {{\n{body}}} }}")
    requests: list[str] = []
    current: list[str] = []
    size = 0
    for op in operations:
        if current and size + len(op) > target.max_request_bytes:
            requests.append(" ;\n".join(current))
            current, size = [], 0
        current.append(op)
        size += len(op) + 3
    if current:
        requests.append(" ;\n".join(current))
    return requests


def _wrapper(url: str, target: Target) -> SPARQLWrapper:
    sparql = SPARQLWrapper(url)
    sparql.setTimeout(int(target.timeout))
    if target.credentials is not None:
        sparql.setHTTPAuth(DIGEST if target.credentials.scheme == "digest" else SW_BASIC)
        sparql.setCredentials(target.credentials.user, target.credentials.password)
    return sparql


def _send_update(request: str, target: Target) -> None:
    sparql = _wrapper(target.update_endpoint or target.endpoint, target)
    sparql.setMethod(POST)
    sparql.setQuery(request)
    try:
        sparql.query()
    except Exception as exc:  # SPARQLWrapper raises urllib's and its own errors alike
        raise PushError(f"the update endpoint refused the request: {_short(exc)}") from exc


def _put_graph(graph: str, triples: Sequence[ox.Triple], target: Target, client: httpx.Client) -> None:
    assert target.graph_store is not None
    body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    try:
        response = client.put(
            target.graph_store,
            params={"graph": graph},
            content=body,
            headers={"Content-Type": "application/n-triples"},
        )
    except httpx.HTTPError as exc:
        raise PushError(f"cannot reach {target.graph_store}: {exc}") from exc
    if response.status_code not in (200, 201, 204):
        raise PushError(f"PUT {graph} to {target.graph_store}: HTTP {response.status_code}: {response.text[:300]}")


def remote_count(graph: str, target: Target) -> int:
    """Triples in ``graph`` on the remote store."""
    # The graph IRI goes into the query text through pyoxigraph's term syntax: NamedNode
    # rejects anything that is not an IRI, so nothing but an IRI can be written there.
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {ox.NamedNode(graph)} {{ ?s ?p ?o }} }}"
    sparql = _wrapper(target.endpoint, target)
    sparql.setQuery(query)
    sparql.setReturnFormat(JSON)
    try:
        result = sparql.queryAndConvert()
        if not isinstance(result, dict):
            raise TypeError(f"expected SPARQL JSON results, got {type(result).__name__}")
        return int(result["results"]["bindings"][0]["n"]["value"])
    except Exception as exc:
        raise PushError(f"counting {graph} at {target.endpoint} failed: {_short(exc)}") from exc


def push(source: Mapping[str, Sequence[ox.Triple]], target: Target) -> PushReport:
    """Replace each graph of ``source`` on the remote store, then verify the counts."""
    if not source:
        raise PushError("nothing to push: the input has no triples")
    if target.graph_store:
        report = PushReport("graph store protocol", {})
        auth = httpx_auth(target.credentials)
        with httpx.Client(timeout=target.timeout, auth=auth) as client:
            for graph, triples in source.items():
                _put_graph(graph, triples, target, client)
                report.requests += 1
        report.notes.append("each graph replaced atomically by one PUT")
    else:
        report = PushReport("sparql update", {})
        requests = update_requests(source, target)
        for request in requests:
            _send_update(request, target)
        report.requests = len(requests)
        report.atomic = len(requests) == 1
        report.notes.append(
            "one update request for all graphs"
            if report.atomic
            else f"split into {len(requests)} requests (over {target.max_request_bytes} bytes): not atomic as a whole"
        )
    mismatches = []
    for graph, triples in source.items():
        remote = remote_count(graph, target)
        report.graphs[graph] = remote
        if remote != len(triples):
            mismatches.append(f"{graph}: pushed {len(triples)} triples, the store holds {remote}")
    if mismatches:
        raise PushMismatch("the remote store does not hold what was pushed:\n  " + "\n  ".join(mismatches))
    return report


def _short(exc: BaseException) -> str:
    text = str(exc).strip().replace("\n", " ")
    return text[:400] + ("…" if len(text) > 400 else "")
