"""The endpoint on a remote SPARQL store: ``ksgraph serve --backend URL``.

Every request is checked exactly as on the local store (size, nesting, SERVICE, Accept), then
sent to the remote endpoint with the same dataset the local store would use: the asserted
graphs plus, unless ``inference=false``, the inferred graph, as ``default-graph-uri`` /
``named-graph-uri`` parameters (SPARQL 1.1 Protocol §2.1.4). The answer comes back in one
format (SPARQL JSON, N-Triples), is parsed by pyoxigraph and written in the format the client
negotiated by the same code as a local answer, with the same row limit.

What differs from the local store, and why:

- ``FROM``/``FROM NAMED`` may only name graphs the remote store holds. Locally pyoxigraph never
  dereferences a graph name; a remote store might (Virtuoso's sponger does when enabled), which
  would make this server a tool against others.
- ``as_of`` answers 501: the as-of snapshot is computed from a local copy of the dataset
  (:mod:`ksgraph.temporal.asof`), which a store that outgrew one machine is not meant to provide.
- ``basis=stated`` with inferences answers 501 too: the stated facts' own closure is computed locally
  (reasoning.stated); with ``inference=false`` the stated graphs are queried as they are.
- A timeout stops waiting; stopping the remote query is the remote store's own timeout's job
  (Oxigraph: ``serve --timeout-s``).
"""

from __future__ import annotations

import asyncio
import re
import time

import pyoxigraph as ox
from rdflib.plugins.sparql import prepareQuery

from ksgraph.core.settings import Settings
from ksgraph.core.vocab import PREFIXES
from ksgraph.http.errors import ProtocolError, bad_request
from ksgraph.http.worker import Job, Reply, binding_term, write_answer
from ksgraph.sparql.binding import bind_in_where
from ksgraph.sparql.port import Backend
from ksgraph.sparql.remote import RemoteBackend, RemoteError, RemoteTimeout, with_prefixes
from ksgraph.store.dataset import select, visible_named

# "error at LINE:COLUMN", as Oxigraph's parser reports a position.
_POSITION = re.compile(r"(?i)error at (\d+):\d+")


class RemoteExecutor:
    """Runs jobs on a remote SPARQL endpoint, at most ``settings.workers`` at a time."""

    remote = True

    def __init__(self, settings: Settings, backend: Backend) -> None:
        if not isinstance(backend, RemoteBackend):
            raise TypeError("RemoteExecutor runs on a RemoteBackend")
        self.endpoint = backend.endpoint
        self.timeout = settings.query_timeout
        self.backend = backend
        self.size = settings.workers
        self._slots = asyncio.Semaphore(settings.workers)

    async def start(self) -> None:
        # Fail at startup, not at the first request, when the store cannot be reached.
        try:
            await asyncio.to_thread(self.backend.graphs)
        except RemoteError as exc:
            raise RuntimeError(f"the backend {self.endpoint} does not answer SPARQL queries: {exc}") from exc

    async def close(self) -> None:
        self.backend.close()

    def version(self) -> str:
        return self.endpoint

    def graphs(self) -> tuple[str, ...]:
        try:
            return tuple(self.backend.graphs())
        except RemoteError as exc:
            raise ProtocolError(502, f"the backend store failed: {exc}") from None

    async def run(self, job: Job) -> Reply:
        if job.as_of is not None:
            raise ProtocolError(
                501,
                "as_of needs the time model, which ksgraph computes from a local store; this server answers "
                f"from the remote store {self.endpoint}. Leave out as_of for the whole graph.",
            )
        if job.stated_only and job.inferred:
            # The remote store's inferred graph is the closure of everything, interpretations included.
            raise ProtocolError(
                501,
                "basis=stated with inferences needs the stated facts' own closure, which ksgraph computes from a "
                f"local store; this server answers from the remote store {self.endpoint}. Add inference=false "
                "for the stated facts as asserted.",
            )
        started = time.monotonic()
        try:
            await asyncio.wait_for(self._slots.acquire(), timeout=self.timeout)
        except TimeoutError:
            raise ProtocolError(
                503,
                f"all {self.size} query slots stayed busy for {self.timeout:g} s; try again shortly",
                {"Retry-After": "5"},
            ) from None
        try:
            left = max(0.1, self.timeout - (time.monotonic() - started))
            return await asyncio.to_thread(self._execute, job, left)
        finally:
            self._slots.release()

    def _execute(self, job: Job, timeout: float) -> Reply:
        default, named = self._dataset(job)
        text = with_prefixes(job.sparql)
        if job.base_iri:
            text = f"BASE <{job.base_iri}>\n{text}"
        header_lines = text.count("\n") - job.sparql.count("\n")
        text = bind_in_where(text, {ox.Variable(b[0]): binding_term(b) for b in job.substitutions})
        try:
            result = self.backend.query(text, default, named, timeout=timeout)
        except RemoteTimeout:
            raise ProtocolError(
                503,
                f"the query ran longer than the {self.timeout:g} s this endpoint allows; it stopped waiting for it; "
                "narrow it (LIMIT, more specific patterns) or ask the operator for a longer KSGRAPH_QUERY_TIMEOUT",
            ) from None
        except RemoteError as exc:
            if exc.status == 400:
                raise bad_request(f"malformed query: {_shift_position(exc.body, header_lines)}") from None
            raise ProtocolError(502, f"the backend store failed: {exc}") from None
        return write_answer(result, job)

    def _dataset(self, job: Job) -> tuple[list[str] | None, list[str] | None]:
        if job.default_graphs is not None or job.named_graphs is not None:
            return list(job.default_graphs or ()), list(job.named_graphs or ())
        graphs = self.graphs()
        if job.query_dataset:
            unknown = sorted(set(_dataset_clause(job.sparql, job.base_iri)) - set(graphs))
            if unknown:
                raise bad_request(
                    f"FROM/FROM NAMED <{unknown[0]}> is not a graph of the store; on this server a query's "
                    "dataset may name only the store's graphs (GET /sparql lists them)"
                )
            return None, None
        view = job.view()
        named = visible_named(graphs, view)
        return select(graphs, view), list(graphs) if named is None else named


def _dataset_clause(sparql: str, base_iri: str | None) -> list[str]:
    """The IRIs of a query's FROM and FROM NAMED clauses, prefixes and base resolved."""
    try:
        parsed = prepareQuery(sparql, initNs=PREFIXES, base=base_iri)
    except Exception as exc:  # rdflib raises pyparsing's and its own errors alike
        raise bad_request(f"malformed query: {exc}") from None
    clauses = getattr(parsed.algebra, "datasetClause", None) or []
    return [str(c["default"] if "default" in c else c["named"]) for c in clauses]


def _shift_position(message: str, lines: int) -> str:
    """The remote's parser error with its line number counted in the client's query, not in the
    text sent (which starts with ``lines`` lines of PREFIX and BASE declarations)."""
    match = _POSITION.search(message)
    if match is None or int(match[1]) <= lines:
        return message.strip()
    return (message[: match.start(1)] + str(int(match[1]) - lines) + message[match.end(1) :]).strip()
