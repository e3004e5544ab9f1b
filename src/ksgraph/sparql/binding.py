"""Binding variables for stores that take no ``substitutions``: a ``VALUES`` block of terms.

Every term is written by pyoxigraph (``str(term)``), which accepts only well-formed IRIs and
literals, so a value cannot change the query's shape. The one place ksgraph writes parameter
values into query text, for remote stores (:mod:`ksgraph.sparql.remote`, the endpoint's remote
executor); the local store binds with pyoxigraph's substitutions instead.
"""

from __future__ import annotations

from ksgraph.sparql.port import Bindings
from ksgraph.sparql.scan import ScanError, tokens


def with_values(sparql: str, substitutions: Bindings) -> str:
    """Bind variables with a trailing ``VALUES`` block; terms are written by pyoxigraph."""
    if not substitutions:
        return sparql
    names = " ".join(str(v) for v in substitutions)
    row = " ".join(str(t) for t in substitutions.values())
    # A newline first: the query may end in a comment, which would swallow the block.
    return f"{sparql}\nVALUES ({names}) {{ ({row}) }}\n"


def bind_in_where(sparql: str, substitutions: Bindings) -> str:
    """Bind variables with a ``VALUES`` block placed first in the query's WHERE group.

    There it binds them for the whole group, FILTERs included, as pyoxigraph's substitutions do
    on the local store; a trailing ``VALUES`` (:func:`with_values`) joins only after the group's
    FILTERs have run, so a FILTER on a parameter would see it unbound. Terms are written by
    pyoxigraph and cannot change the query's shape. Falls back to the trailing block when the
    scanner finds no WHERE group.
    """
    if not substitutions:
        return sparql
    try:
        found = tokens(sparql)
    except ScanError:
        return with_values(sparql, substitutions)
    top = [t for t in found if t.depth == 0]
    where = next((i for i, t in enumerate(top) if t.keyword == "WHERE"), None)
    if where is None:  # SELECT * { … }, ASK { … }: the first top-level group after the form keyword
        where = next((i for i, t in enumerate(top) if t.keyword in ("SELECT", "ASK", "DESCRIBE")), None)
    brace = next((t for t in top[(where or 0) + 1 :] if t.kind == "open" and t.text == "{"), None)
    if where is None or brace is None:
        return with_values(sparql, substitutions)
    names = " ".join(str(v) for v in substitutions)
    row = " ".join(str(t) for t in substitutions.values())
    at = brace.start + 1
    return f"{sparql[:at]} VALUES ({names}) {{ ({row}) }} {sparql[at:]}"
