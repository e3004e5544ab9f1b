"""The endpoint's library API: run a query or update as the SPARQL 1.1 Protocol defines it.

Routers translate HTTP into calls of :class:`Endpoint` and its answers back into HTTP; all
decisions (dataset, limits, checks, formats) are made here, so they are testable without HTTP.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox

from ksgraph.core.settings import Settings
from ksgraph.http.cache import ResultCache, deterministic, etag, matches, version_token
from ksgraph.http.errors import ProtocolError, bad_request
from ksgraph.http.remote import RemoteExecutor
from ksgraph.http.worker import Job, Reply, WorkerPool, binding
from ksgraph.rdfio import results
from ksgraph.rdfio.negotiation import negotiate
from ksgraph.sparql.catalogue import NamedQuery, named_queries
from ksgraph.sparql.errors import QueryError
from ksgraph.sparql.guard import Checked, Limits, check_query
from ksgraph.sparql.params import bind_params
from ksgraph.sparql.port import Backend
from ksgraph.temporal.asof import default_as_of, parse_as_of

# An IRI we accept as a graph name in protocol parameters (absolute, nothing that could end it).
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$")


def graph_iris(values: list[str], parameter: str) -> tuple[str, ...]:
    for value in values:
        if not _IRI.match(value):
            raise bad_request(f"{parameter}={value!r} is not an absolute IRI")
    return tuple(values)


@dataclass(frozen=True)
class QueryRequest:
    """A query as the protocol delivers it, decoded from GET, form POST or direct POST."""

    text: str
    accept: str | None = None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    inferred: bool = True
    base_iri: str | None = None
    as_of: str | None = None  # YYYY-MM-DD, "today" or "all" (the default: no time filter)
    stated_only: bool = False  # basis=stated: only what the sources state (store.dataset.View)
    # Above KSGRAPH_MAX_ROWS: cut the answer and say so (queries), or refuse it (False: graph
    # downloads, which are whole or nothing).
    truncate: bool = False
    link: str | None = None  # what a cut answer links to: the endpoint's description of its limits
    if_none_match: str | None = None  # the If-None-Match header of a GET or HEAD


@lru_cache(maxsize=256)
def formats(accept: str | None) -> tuple[str | None, str | None]:
    """The negotiated media types for a tabular (SELECT, ASK) and a graph (CONSTRUCT, DESCRIBE) answer."""
    return negotiate(accept, list(results.TABULAR)), negotiate(accept, list(results.GRAPH))


@lru_cache(maxsize=512)
def _checked(text: str, limits: Limits) -> Checked:
    return check_query(text, limits)


def checked_query(text: str, limits: Limits) -> Checked:
    """:func:`check_query`, remembered for short texts: named queries and UI examples repeat,
    and scanning a 1.5 KB query costs about as much as running a small one."""
    return _checked(text, limits) if len(text) <= 8192 else check_query(text, limits)


class Executor(Protocol):
    """Where a checked query runs: worker processes over the local store, or a remote store."""

    remote: bool

    async def start(self) -> None: ...

    async def close(self) -> None: ...

    def version(self) -> str:
        """What the next job queries: the published version's path, or the remote endpoint."""
        ...

    def graphs(self) -> tuple[str, ...]:
        """The named graphs of that version."""
        ...

    async def run(self, job: Job) -> Reply: ...


class LocalExecutor:
    """The worker pool over the published version of the local store."""

    remote = False

    def __init__(self, settings: Settings, backend: Backend) -> None:
        self.backend = backend
        self.pool = WorkerPool(settings.workers, settings.query_timeout)

    async def start(self) -> None:
        await self.pool.start()

    async def close(self) -> None:
        await self.pool.close()

    def version(self) -> str:
        return self.backend.version()

    def graphs(self) -> tuple[str, ...]:
        return self.backend.graphs()

    async def run(self, job: Job) -> Reply:
        return await self.pool.run(job)


class Endpoint:
    """Runs queries over the backend's published version and answers them as the protocol says."""

    def __init__(self, settings: Settings, backend: Backend) -> None:
        self.settings = settings
        self.backend = backend
        self.limits = Limits(max_nesting=settings.max_nesting, allow_service=settings.allow_service)
        self.executor: Executor = (
            RemoteExecutor(settings, backend) if backend.remote else LocalExecutor(settings, backend)
        )
        self._queries: tuple[tuple[tuple[str, int], ...], dict[str, NamedQuery]] | None = None
        # A remote store may change without ksgraph seeing it: its answers are never kept.
        self.cache = ResultCache(0 if backend.remote else settings.cache_bytes)

    async def start(self) -> None:
        await self.executor.start()

    async def close(self) -> None:
        await self.executor.close()

    # -- queries -------------------------------------------------------------

    async def query(
        self, request: QueryRequest, substitutions: Mapping[ox.Variable, ox.NamedNode | ox.Literal] | None = None
    ) -> Reply:
        """Check, dispatch and answer a query. Raises ProtocolError for what the protocol refuses.

        On the local store an answer that depends only on the version and the request carries an
        ETag; it is answered 304 when ``if_none_match`` names it, and from the cache when kept."""
        self.check_size(request.text)
        checked = checked_query(request.text, self.limits)
        tabular, graph = formats(request.accept)
        # Refuse before running when the scanner already knows the form the answer takes.
        if checked.form in ("SELECT", "ASK") and tabular is None:
            raise ProtocolError(406, _not_acceptable(checked.form, results.TABULAR))
        if checked.form in ("CONSTRUCT", "DESCRIBE") and graph is None:
            raise ProtocolError(406, _not_acceptable(checked.form, results.GRAPH))
        protocol_dataset = bool(request.default_graphs or request.named_graphs)
        version = self.executor.version()
        job = Job(
            sparql=request.text,
            version=version,
            base_iri=request.base_iri,
            default_graphs=request.default_graphs if protocol_dataset else None,
            named_graphs=request.named_graphs if protocol_dataset else None,
            query_dataset=checked.has_dataset_clause,
            inferred=request.inferred,
            stated_only=request.stated_only,
            substitutions=tuple(binding(v.value, t) for v, t in (substitutions or {}).items()),
            tabular=tabular,
            graph=graph,
            max_rows=self.settings.max_rows,
            as_of=as_of_day(request.as_of, self.settings.today()) if request.as_of else None,
            truncate=request.truncate,
            link=request.link,
        )
        if self.executor.remote or not deterministic(checked.shape):
            return self._checked_reply(await self.executor.run(job))
        token = version_token(version)
        cache = self.cache
        if cache.enabled:
            cache.version(token)
            kept = cache.get(job)
            if kept is not None:
                assert kept.etag is not None
                return Reply(304, etag=kept.etag) if matches(request.if_none_match, kept.etag) else kept
        tag = etag(token, job)
        if matches(request.if_none_match, tag):
            return Reply(304, etag=tag)
        reply = replace(self._checked_reply(await self.executor.run(job)), etag=tag)
        if cache.enabled:
            stored = cache.put(job, replace(reply, cache="hit"))
            reply = replace(reply, cache="miss" if stored else "bypass")
        return reply

    @staticmethod
    def _checked_reply(reply: Reply) -> Reply:
        if reply.status != 200:
            raise ProtocolError(reply.status, reply.message)
        return reply

    def check_size(self, text: str) -> None:
        size = len(text.encode("utf-8"))
        if size > self.settings.max_query_bytes:
            raise ProtocolError(
                413, f"the query is {size} bytes; this endpoint accepts at most {self.settings.max_query_bytes}"
            )

    def graphs(self) -> tuple[str, ...]:
        """The named graphs of the published version."""
        return self.executor.graphs()

    # -- named queries -------------------------------------------------------

    def named(self) -> dict[str, NamedQuery]:
        """The named queries, re-read when a file in queries/ changes (they are edited while serving)."""
        directory = self.settings.queries_dir
        stamp = tuple((p.name, p.stat().st_mtime_ns) for p in sorted(Path(directory).glob("*.rq")))
        if self._queries is None or self._queries[0] != stamp:
            try:
                self._queries = (stamp, named_queries(directory))
            except QueryError as exc:
                raise ProtocolError(500, f"a named query file is broken: {exc}") from None
        return self._queries[1]

    async def run_named(
        self,
        name: str,
        params: Mapping[str, str],
        accept: str | None,
        inferred: bool,
        as_of: str | None = None,
        *,
        stated_only: bool = False,
        truncate: bool = False,
        link: str | None = None,
        if_none_match: str | None = None,
    ) -> Reply:
        """A named query with its parameters bound, answered as :meth:`query` answers (the same fields)."""
        catalogue = self.named()
        if name not in catalogue:
            raise ProtocolError(404, f"no named query {name!r}; GET /queries lists them")
        query = catalogue[name]
        try:
            substitutions = bind_params(query, params)
        except QueryError as exc:
            raise bad_request(str(exc)) from None
        # Like `ksgraph query`: a named query answers about today unless it handles dates itself
        # (issue 11); /sparql keeps the protocol's plain dataset unless as_of is given.
        if not as_of and not self.executor.remote:
            as_of = default_as_of(query.text)
        # On a remote backend there is no default day: the as-of snapshot is computed from a local
        # store (ksgraph.temporal.asof), so the whole graph is answered unless as_of is given (then 501).
        request = QueryRequest(
            query.text,
            accept=accept,
            inferred=inferred,
            as_of=as_of or None,
            stated_only=stated_only,
            truncate=truncate,
            link=link,
            if_none_match=if_none_match,
        )
        return await self.query(request, substitutions)


def as_of_day(value: str | None, today: dt.date) -> str | None:
    """The ``as_of`` parameter as an ISO day, or None for the whole graph; 400 when malformed."""
    if value is None or value == "":
        return None
    try:
        day = parse_as_of(value, today=today)
    except QueryError as exc:
        raise bad_request(str(exc).replace("--as-of", "as_of")) from None
    return None if day is None else day.isoformat()


def _not_acceptable(form: str, offered: Mapping[str, object]) -> str:
    return f"the Accept header allows no format for a {form} answer; this endpoint offers: {', '.join(offered)}"
