"""The values a named query's form offers for an IRI parameter, chosen by label.

First the values the query itself answers with when the parameter is left unbound (so the
drop-down holds what the question can be about); when that gives none (a query that needs its
other parameters, say), the instances of the most specific class of the example its header
names ("e.g. id:healthcare-region/norra").
"""

from __future__ import annotations

import re
import threading

import pyoxigraph as ox

from ksgraph.core.vocab import KS_NS, expand_iri
from ksgraph.http.endpoint import Endpoint, QueryRequest
from ksgraph.http.errors import ProtocolError
from ksgraph.http.site.labels import LabelIndex
from ksgraph.sparql.catalogue import NamedQuery, QueryParam
from ksgraph.sparql.errors import QueryError

JSON = "application/sparql-results+json"
_EXAMPLE = re.compile(r"e\.g\.\s*([^\s),;]+)")


def example_iri(param: QueryParam) -> str | None:
    found = _EXAMPLE.search(param.description)
    return expand_iri(found.group(1)) if found else None


class Candidates:
    """The values offered for IRI parameters, per store version, query text and parameter."""

    def __init__(self) -> None:
        self._found: dict[tuple[str, str, str], tuple[str, ...]] = {}
        self._lock = threading.Lock()

    async def of(self, endpoint: Endpoint, query: NamedQuery, param: QueryParam, index: LabelIndex) -> tuple[str, ...]:
        key = (endpoint.backend.version(), query.text, param.name)
        with self._lock:
            if key in self._found:
                return self._found[key]
        found: set[str] = set()
        try:
            reply = await endpoint.query(QueryRequest(query.text, accept=JSON))
            parsed = ox.parse_query_results(reply.body, format=ox.QueryResultsFormat.JSON)
            if isinstance(parsed, ox.QuerySolutions):
                found = {s[param.name].value for s in parsed if isinstance(s[param.name], ox.NamedNode)}
        except (ProtocolError, QueryError, SyntaxError):
            found = set()  # a query that cannot run unbound: the example's class below
        if not found:
            found = self.like_example(param, index)
        with self._lock:
            self._found[key] = tuple(sorted(found))
        return self._found[key]

    @staticmethod
    def like_example(param: QueryParam, index: LabelIndex) -> set[str]:
        """The instances of the most specific class of the parameter's example."""
        example = example_iri(param)
        entry = index.entries.get(example) if example else None
        if entry is None:
            return set()
        ours = [c for c in entry.types if c.startswith(KS_NS)] or list(entry.types)
        if not ours:
            return {entry.iri}
        smallest = min(ours, key=lambda c: (len(index.instances.get(c, ())), c))
        return set(index.instances.get(smallest, ()))
