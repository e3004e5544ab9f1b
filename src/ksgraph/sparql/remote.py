"""A backend that runs SPARQL on a remote SPARQL 1.1 endpoint, for ``ksgraph serve --backend URL``.

It answers like :func:`ksgraph.sparql.query.run` on a local store, with pyoxigraph's result types,
so the endpoint, the named queries and the pages run unchanged on a store that outgrew one
machine (loaded with ``ksgraph push``):

- the dataset is the same: the asserted graphs plus, unless ``inferred=False``, the inferred
  graph, sent as ``default-graph-uri``/``named-graph-uri`` protocol parameters (SPARQL 1.1
  Protocol §2.1.4), so the provenance graph stays out of the default graph here too;
- ``substitutions`` become a trailing ``VALUES`` block (SPARQL 1.1 Query §10.2): terms written
  by pyoxigraph, which accepts only well-formed IRIs and literals, so a value cannot change
  the query's shape. Virtuoso 7.2 accepts a trailing ``VALUES`` on SELECT only ("BINDINGS is
  not supported at top level for queries other than SELECT"); Oxigraph on every form. And
  Virtuoso 7.2 ignores the binding when the query has ``BIND`` inside ``UNION`` branches
  (measured: every pair came back). The publishing layer's queries are plain SELECTs for
  that reason; Oxigraph server is the reference remote store;
- results are parsed by pyoxigraph (SPARQL JSON for SELECT/ASK, N-Triples for CONSTRUCT).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Mapping

import httpx
import pyoxigraph as ox

from ksgraph.core.settings import Credentials
from ksgraph.core.vocab import PREFIXES
from ksgraph.sparql.binding import with_values
from ksgraph.sparql.packaged import packaged_query
from ksgraph.sparql.port import Bindings, Result
from ksgraph.store.dataset import DEFAULT, View, select, visible_named

ACCEPT_RESULTS = "application/sparql-results+json"
ACCEPT_GRAPH = "application/n-triples, text/turtle;q=0.9"
# The prologue (comments, PREFIX, BASE) before a query's form keyword. Virtuoso answers a
# CONSTRUCT in SPARQL JSON if asked for that first, so the Accept header must fit the form.
_PROLOGUE = re.compile(r"(?:\s+|#[^\n]*(?:\n|$)|PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)*", re.IGNORECASE)
GRAPHS_TTL_SECONDS = 60.0


def httpx_auth(credentials: Credentials | None) -> httpx.Auth | None:
    """The HTTP authentication the credentials ask for (Virtuoso's *-auth endpoints want digest)."""
    if credentials is None:
        return None
    if credentials.scheme == "digest":
        return httpx.DigestAuth(credentials.user, credentials.password)
    return httpx.BasicAuth(credentials.user, credentials.password)


class RemoteError(RuntimeError):
    """The remote endpoint failed or answered something that is not a SPARQL result.

    ``status`` is the remote's HTTP status when it answered one, None when it could not be reached;
    ``body`` the start of its answer.
    """

    def __init__(self, message: str, status: int | None = None, body: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.body = body


class RemoteTimeout(RemoteError):
    """The remote endpoint did not answer within the backend's timeout."""


class RemoteBackend:
    """Runs queries on ``endpoint`` (e.g. Oxigraph's ``/query``, Virtuoso's ``/sparql``)."""

    def __init__(
        self,
        endpoint: str,
        *,
        credentials: Credentials | None = None,
        timeout: float = 30.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.endpoint = endpoint
        self._client = httpx.Client(timeout=timeout, auth=httpx_auth(credentials), transport=transport)
        self._graphs: list[str] | None = None
        self._graphs_at = 0.0
        self._lock = threading.Lock()

    def close(self) -> None:
        self._client.close()

    remote = True

    def version(self) -> str:
        return self.endpoint

    def local_store(self) -> None:
        return None

    def run(self, sparql: str, *, view: View = DEFAULT, substitutions: Bindings | None = None) -> Result:
        graphs = self.graphs()
        named = visible_named(graphs, view)
        # The protocol's dataset is exactly the graphs it names: the named ones must be listed too.
        default, named_list = select(graphs, view), list(graphs) if named is None else named
        return self.query(with_values(with_prefixes(sparql), substitutions or {}), default, named_list)

    def query(
        self,
        sparql: str,
        default_graphs: list[str] | tuple[str, ...] | None,
        named_graphs: list[str] | tuple[str, ...] | None,
        *,
        timeout: float | None = None,
    ) -> Result:
        """Send ``sparql`` as it is, with the protocol dataset (None: the query's or the store's own)."""
        params: list[tuple[str, str | int | float | bool | None]] = [
            ("default-graph-uri", g) for g in default_graphs or ()
        ]
        params += [("named-graph-uri", g) for g in named_graphs or ()]
        return self._query(sparql, params, timeout)

    def run_raw(self, sparql: str) -> ox.QuerySolutions:
        result = self._query(with_prefixes(sparql), [])
        if not isinstance(result, ox.QuerySolutions):
            raise RemoteError("expected SELECT results")
        return result

    def graphs(self) -> tuple[str, ...]:
        """The store's named graphs, rediscovered every minute (a push may add some)."""
        with self._lock:
            if self._graphs is None or time.monotonic() - self._graphs_at > GRAPHS_TTL_SECONDS:
                rows = self.run_raw(packaged_query("graphs"))
                self._graphs = sorted(r["g"].value for r in rows if isinstance(r["g"], ox.NamedNode))
                self._graphs_at = time.monotonic()
            return tuple(self._graphs)

    def _query(
        self, sparql: str, params: list[tuple[str, str | int | float | bool | None]], timeout: float | None = None
    ) -> Result:
        try:
            response = self._client.post(
                self.endpoint,
                params=params,
                data={"query": sparql},
                headers={"Accept": accept_for(sparql)},
                timeout=timeout if timeout is not None else httpx.USE_CLIENT_DEFAULT,
            )
        except httpx.TimeoutException as exc:
            raise RemoteTimeout(f"{self.endpoint} did not answer in time: {exc}") from exc
        except httpx.HTTPError as exc:
            raise RemoteError(f"cannot reach {self.endpoint}: {exc}") from exc
        if response.status_code != 200:
            raise RemoteError(
                f"{self.endpoint} answered HTTP {response.status_code}: {response.text[:300]}",
                response.status_code,
                response.text[:2000],
            )
        media = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if media in ("application/sparql-results+json", "application/json"):
            result = ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON)
            # ASK: a plain bool, as Store.query gives (the parser's QueryBoolean is truthy/falsy).
            return result if isinstance(result, ox.QuerySolutions) else bool(result)
        if media in ("application/n-triples", "text/plain"):
            return [q.triple for q in ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES)]
        if media == "text/turtle":
            return [q.triple for q in ox.parse(response.content, format=ox.RdfFormat.TURTLE)]
        raise RemoteError(f"{self.endpoint} answered {media or 'no content type'}, not a SPARQL result")


def accept_for(sparql: str) -> str:
    """The Accept header for the query's form: graph formats for CONSTRUCT/DESCRIBE, else results."""
    prologue = _PROLOGUE.match(sparql)  # it matches everywhere (perhaps nothing), so it is never None
    keyword = sparql[prologue.end() if prologue else 0 :][:9].upper()
    return ACCEPT_GRAPH if keyword.startswith(("CONSTRUCT", "DESCRIBE")) else ACCEPT_RESULTS


def with_prefixes(sparql: str, prefixes: Mapping[str, str] = PREFIXES) -> str:
    """Declare the standard prefixes, as the local store does with ``prefixes=``. A query's own
    declaration of the same prefix comes later and wins."""
    header = "".join(f"PREFIX {p}: {ox.NamedNode(ns)}\n" for p, ns in prefixes.items())
    return header + sparql
