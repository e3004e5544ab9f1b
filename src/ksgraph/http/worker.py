"""Query execution in worker processes that can be killed.

A pyoxigraph query cannot be stopped from inside its process, and a deeply nested one can
crash the process (shared/HAZARDS.md). So queries never run in the server process: a small
pool of long-lived workers each holds a read-only store, the server sends a :class:`Job`
down a socket and awaits the :class:`Reply` on the event loop itself (the socket is
non-blocking, so no thread carries the exchange). A worker that overruns the timeout is
killed (SIGKILL really stops it); one that dies is noticed by the closed socket. Either way
a fresh worker replaces it and the request gets 503 or 500, never a dead server.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import multiprocessing
import multiprocessing.connection
import os
import pickle
import socket
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields

import pyoxigraph as ox

from ksgraph.core.vocab import PREFIXES
from ksgraph.http.errors import ProtocolError
from ksgraph.rdfio import results
from ksgraph.store.dataset import DefaultGraphs, NamedGraphs, View, default_graph, named_graphs
from ksgraph.temporal.asof import snapshot

# A substitution as plain data, so a job pickles without pyoxigraph objects:
# (variable, "iri" | "literal", value, datatype IRI or None, language or None).
Binding = tuple[str, str, str, str | None, str | None]


@dataclass(frozen=True)
class Job:
    """One query for a worker: the text, the dataset it sees and how to write the answer."""

    sparql: str
    version: str  # path of the store version to query (the server checks CURRENT per request)
    base_iri: str | None = None
    default_graphs: tuple[str, ...] | None = None  # protocol default-graph-uri (None: not given)
    named_graphs: tuple[str, ...] | None = None  # protocol named-graph-uri (None: not given)
    query_dataset: bool = False  # the query has FROM/FROM NAMED and no protocol dataset overrides it
    inferred: bool = True
    stated_only: bool = False  # leave out the interpretations and general knowledge (issue 19)
    substitutions: tuple[Binding, ...] = ()
    tabular: str | None = "application/sparql-results+json"  # media type for SELECT/ASK, None: none acceptable
    graph: str | None = "text/turtle"  # media type for CONSTRUCT/DESCRIBE, None: none acceptable
    max_rows: int = 100_000
    # The day the answer is about (issue 11): the query runs over the structure valid that day
    # (ksgraph.temporal.asof.snapshot). None: the whole graph, every date.
    as_of: str | None = None
    # Above max_rows: cut the answer and say so (True), or refuse it with 400 (False: a graph
    # download, which is the whole graph or nothing).
    truncate: bool = False
    # Where a cut answer points for what the limit is (the JSON and XML results' head link).
    link: str | None = None

    def view(self) -> View:
        return View(inferred=self.inferred, stated_only=self.stated_only)


@dataclass(frozen=True)
class Reply:
    status: int
    media_type: str = "text/plain; charset=utf-8"
    body: bytes = b""
    rows: int = 0
    message: str = ""
    truncated: bool = False  # the answer holds the first max_rows rows of more
    etag: str | None = None  # set by the endpoint for answers that depend only on the version and request
    cache: str | None = None  # "hit" or "miss" where the result cache is on (ksgraph.http.cache)


def binding(variable: str, term: ox.NamedNode | ox.Literal) -> Binding:
    if isinstance(term, ox.NamedNode):
        return (variable, "iri", term.value, None, None)
    return (variable, "literal", term.value, None if term.language else term.datatype.value, term.language)


def binding_term(b: Binding) -> ox.NamedNode | ox.Literal:
    _, kind, value, datatype, language = b
    if kind == "iri":
        return ox.NamedNode(value)
    if language:
        return ox.Literal(value, language=language)
    return ox.Literal(value, datatype=ox.NamedNode(datatype) if datatype else None)


@dataclass
class _State:
    """What a worker keeps between jobs: the open store and, per view, the graphs it reads."""

    version: str | None = None
    store: ox.Store | None = None
    datasets: dict[View, tuple[DefaultGraphs | None, NamedGraphs | None]] = field(default_factory=dict)
    # The last as-of snapshot: (version, day, view) → store. Repeated questions about one
    # day are the common case, and a snapshot costs about as much as reading the store once.
    snapshot_key: tuple[str, str, View] | None = None
    snapshot_store: ox.Store | None = None
    # basis=stated: the stated graphs with their own closure (reasoning.stated), per version. It costs
    # a reasoning run over the stated graphs, so the first such question about a version pays for it.
    stated_version: str | None = None
    stated_store: ox.Store | None = None

    def as_of(self, version: str, day: str, view: View, store: ox.Store, asked: View) -> ox.Store:
        key = (version, day, asked)  # the view asked for: a stated-only one resolves to a plain view
        if key != self.snapshot_key or self.snapshot_store is None:
            self.snapshot_store = snapshot(store, dt.date.fromisoformat(day), view=view).store
            self.snapshot_key = key
        return self.snapshot_store

    def stated(self, version: str, view: View) -> tuple[ox.Store, View]:
        """The store and view of a stated-only question (:func:`ksgraph.reasoning.stated.resolve`)."""
        # The reasoner, imported only where a question needs it.
        from ksgraph.reasoning.stated import stated_store, stated_view

        if self.stated_store is None or version != self.stated_version:
            self.stated_store = stated_store(self.open(version))
            self.stated_version = version
        return self.stated_store, stated_view(view)

    def open(self, version: str) -> ox.Store:
        if self.store is None or version != self.version:
            self.store = ox.Store.read_only(version)
            self.version = version
            self.datasets = {}
        return self.store

    def dataset(self, store: ox.Store, view: View) -> tuple[DefaultGraphs | None, NamedGraphs | None]:
        """(default_graph, named_graphs) of ``Store.query`` for ``view`` (:mod:`ksgraph.store.dataset`)."""
        if store is not self.store:  # a snapshot: computed each time, it is rebuilt per day anyway
            return default_graph(store, view=view), named_graphs(store, view)
        if view not in self.datasets:
            self.datasets[view] = (default_graph(store, view=view), named_graphs(store, view))
        return self.datasets[view]


def execute(job: Job, state: _State) -> Reply:
    """Run one job against the store version it names. Pure function of the job and the store."""
    asked = view = job.view()
    store = state.open(job.version)
    if view.stated_only:
        store, view = state.stated(job.version, view)
    if job.as_of is not None:
        store = state.as_of(job.version, job.as_of, view, store, asked)
    # None for either is Store.query's own default: the store's default graph, every named graph.
    default: DefaultGraphs | None = None
    named: NamedGraphs | None = None
    if job.default_graphs is not None or job.named_graphs is not None:
        # SPARQL 1.1 Protocol §2.1.4: the protocol dataset replaces any FROM/FROM NAMED; a
        # graph the store lacks is an empty graph (never fetched).
        default = [ox.NamedNode(g) for g in job.default_graphs or ()]
        named = [ox.NamedNode(g) for g in job.named_graphs or ()]
    elif not job.query_dataset:
        # None: the store's own default graph, which holds the dataset's merge (ksgraph.store.versions).
        default, named = state.dataset(store, view)
    try:
        result = store.query(
            job.sparql,
            base_iri=job.base_iri,
            prefixes=PREFIXES,
            substitutions={ox.Variable(b[0]): binding_term(b) for b in job.substitutions},
            default_graph=default,
            named_graphs=named,
        )
        return write_answer(result, job)
    except SyntaxError as exc:
        return Reply(400, message=f"malformed query: {exc}")
    except OSError as exc:
        return Reply(500, message=f"the store could not be read: {exc}")


def _too_many(job: Job, what: str) -> Reply:
    return Reply(
        400,
        message=f"the answer has more than {job.max_rows} {what}, the most this endpoint returns at once; "
        "add LIMIT and OFFSET to page through it",
    )


def write_answer(result: ox.QuerySolutions | ox.QueryBoolean | bool | Iterable[ox.Triple], job: Job) -> Reply:
    """The answer in the job's negotiated format, written by pyoxigraph, within ``job.max_rows`` rows.

    Above the limit the answer is cut to its first ``max_rows`` rows and says so (``truncated``),
    or, where the job asks for the whole or nothing (``truncate=False``: a graph download), refused.
    Takes the local store's result types and the remote backend's (a bool, a list of triples)."""
    if not isinstance(result, ox.QuerySolutions | ox.QueryBoolean | bool):
        if job.graph is None:
            return Reply(406, message=_not_acceptable("CONSTRUCT/DESCRIBE", results.GRAPH))
        written = results.graph(result, results.GRAPH[job.graph], job.max_rows)
        if written.truncated and not job.truncate:
            return _too_many(job, "triples")
        return Reply(200, _with_charset(job.graph), written.body, written.rows, truncated=written.truncated)
    if job.tabular is None:
        return Reply(406, message=_not_acceptable("SELECT/ASK", results.TABULAR))
    kind = results.TABULAR[job.tabular]
    media = results.CANONICAL[kind]
    if isinstance(result, ox.QueryBoolean | bool):
        return Reply(200, _with_charset(media), results.write_boolean(bool(result), kind), 1)
    written = results.solutions(result, kind, job.max_rows, link=job.link)
    if written.truncated and not job.truncate:
        return _too_many(job, "rows")
    return Reply(200, _with_charset(media), written.body, written.rows, truncated=written.truncated)


def _with_charset(media: str) -> str:
    return media if media.endswith("json") else f"{media}; charset=utf-8"


def _not_acceptable(form: str, offered: Mapping[str, object]) -> str:
    return f"the Accept header allows no format for a {form} answer; this endpoint offers: {', '.join(offered)}"


def serve_jobs(conn: multiprocessing.connection.Connection) -> None:
    """A worker's main loop: a job in, a reply out, until the pipe closes.

    The reply goes as two messages, its head (pickled) and its body as the bytes pyoxigraph
    wrote, so the answer is never pickled or copied into another object on the way."""
    state = _State()
    while True:
        try:
            job = Job(*pickle.loads(conn.recv_bytes()))
        except (EOFError, OSError):
            return
        try:
            reply = execute(job, state)
        except Exception as exc:  # a reply, not a dead worker, for anything the engine raises
            reply = Reply(500, message=f"query failed: {type(exc).__name__}: {exc}")
        conn.send_bytes(pickle.dumps((reply.status, reply.media_type, reply.rows, reply.message, reply.truncated)))
        conn.send_bytes(reply.body)


# -- the server side -------------------------------------------------------------

_CONTEXT = multiprocessing.get_context("forkserver")
# Workers fork from a small server process that has imported only this module, not the
# web server's threads and sockets; preloading makes each fork start warm.
_CONTEXT.set_forkserver_preload([__name__])


class _Worker:
    """One worker process and the server's end of its socket, read and written on the event loop."""

    def __init__(self) -> None:
        parent, child = _CONTEXT.Pipe()
        self.process = _CONTEXT.Process(target=serve_jobs, args=(child,), daemon=True, name="ksgraph-query")
        self.process.start()
        child.close()
        # The same socket as the Connection's, non-blocking, so the loop waits for it without a thread.
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM, fileno=os.dup(parent.fileno()))
        parent.close()
        self.sock.setblocking(False)
        self._pending = bytearray()

    async def exchange(self, job: Job) -> Reply:
        """Send a job and wait for its reply. Raises EOFError or OSError if the worker died."""
        loop = asyncio.get_running_loop()
        # The fields as a tuple: a third of the cost of pickling the dataclass, both ways.
        data = pickle.dumps(tuple(getattr(job, name) for name in _JOB_FIELDS), protocol=pickle.HIGHEST_PROTOCOL)
        await loop.sock_sendall(self.sock, _header(len(data)) + data)
        status, media, rows, message, truncated = pickle.loads(await self._message(loop))
        body = await self._message(loop)
        return Reply(status, media, body, rows, message, truncated)

    async def _message(self, loop: asyncio.AbstractEventLoop) -> bytes:
        # multiprocessing.Connection's framing, which the worker writes: a signed 32-bit length,
        # or -1 and a 64-bit one.
        size = int.from_bytes(await self._exactly(loop, 4), "big", signed=True)
        if size == -1:
            size = int.from_bytes(await self._exactly(loop, 8), "big")
        return await self._exactly(loop, size)

    async def _exactly(self, loop: asyncio.AbstractEventLoop, size: int) -> bytes:
        pending = self._pending
        while len(pending) < size and size - len(pending) <= _CHUNK:
            chunk = await loop.sock_recv(self.sock, _CHUNK)
            if not chunk:
                raise EOFError("the worker closed its socket")
            pending += chunk
        if len(pending) >= size:
            out = bytes(pending[:size])
            del pending[:size]
            return out
        # A large answer is read straight into a buffer of its size.
        buffer = bytearray(size)
        have = len(pending)
        buffer[:have] = pending
        pending.clear()
        view = memoryview(buffer)
        while have < size:
            got = await loop.sock_recv_into(self.sock, view[have:])
            if not got:
                raise EOFError("the worker closed its socket")
            have += got
        return bytes(buffer)

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.process.kill()
        self.process.join(timeout=5)
        with contextlib.suppress(Exception):
            self.sock.close()

    @property
    def pid(self) -> int | None:
        return self.process.pid


_CHUNK = 256 * 1024
_JOB_FIELDS = tuple(f.name for f in fields(Job))


def _header(size: int) -> bytes:
    if size > 0x7FFFFFFF:
        return (-1).to_bytes(4, "big", signed=True) + size.to_bytes(8, "big")
    return size.to_bytes(4, "big", signed=True)


class WorkerPool:
    """A fixed number of query workers; a killed or crashed one is replaced in the background."""

    def __init__(self, size: int, timeout: float) -> None:
        self.size = size
        self.timeout = timeout
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._all: set[_Worker] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self.replaced = 0

    async def start(self) -> None:
        workers = await asyncio.gather(*(asyncio.to_thread(_Worker) for _ in range(self.size)))
        for worker in workers:
            self._all.add(worker)
            self._idle.put_nowait(worker)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        for worker in list(self._all):
            worker.kill()
        self._all.clear()

    def pids(self) -> list[int]:
        return [w.pid for w in self._all if w.pid is not None]

    async def run(self, job: Job, timeout: float | None = None) -> Reply:
        """Run a job on an idle worker. Raises ProtocolError 503 on timeout, 500 if the worker died."""
        limit = self.timeout if timeout is None else timeout
        loop = asyncio.get_running_loop()
        deadline = loop.time() + limit
        try:
            worker = self._idle.get_nowait()
        except asyncio.QueueEmpty:
            try:
                async with asyncio.timeout(limit):
                    worker = await self._idle.get()
            except TimeoutError:
                raise ProtocolError(
                    503,
                    f"all {self.size} query workers stayed busy for {limit:g} s; try again shortly",
                    {"Retry-After": "5"},
                ) from None
        healthy = False
        try:
            try:
                async with asyncio.timeout_at(deadline):
                    reply = await worker.exchange(job)
            except TimeoutError:
                raise ProtocolError(
                    503,
                    f"the query ran longer than the {limit:g} s this endpoint allows and was stopped; "
                    "narrow it (LIMIT, more specific patterns) or ask the operator for a longer "
                    "KSGRAPH_QUERY_TIMEOUT",
                ) from None
            except (EOFError, OSError):
                raise ProtocolError(
                    500, "the query engine crashed on this query (the server is fine and has restarted it)"
                ) from None
            healthy = True
            return reply
        finally:
            # A worker that timed out, crashed or was abandoned (request cancelled) may still be
            # busy: it is killed, never reused, so no reply can reach the wrong request.
            if healthy:
                self._idle.put_nowait(worker)
            else:
                self._retire(worker)

    def _retire(self, worker: _Worker) -> None:
        self._all.discard(worker)
        worker.kill()
        self.replaced += 1
        task = asyncio.get_running_loop().create_task(self._replace())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _replace(self) -> None:
        worker = await asyncio.to_thread(_Worker)
        self._all.add(worker)
        self._idle.put_nowait(worker)
