"""Checks a query or update must pass before any engine sees it (SSRF, crash depth, dataset clauses)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ksgraph.sparql.errors import QueryError
from ksgraph.sparql.scan import ScanError, Shape, decode_escapes, scan


@dataclass(frozen=True)
class Limits:
    max_nesting: int
    allow_service: bool


@dataclass(frozen=True)
class Checked:
    """A query or update that passed the checks, with what the scanner learnt about it."""

    form: str | None
    has_dataset_clause: bool
    shape: Shape | None


def _fallback_depth(text: str) -> int:
    """Bracket depth counted naively (strings and all): never lower than the real depth."""
    depth = deepest = 0
    for char in text:
        if char in "{([":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "})]":
            depth -= 1
    return deepest


def _check_common(text: str, limits: Limits, refused: dict[str, str]) -> Shape | None:
    try:
        shape: Shape | None = scan(text)
        depth = shape.max_depth if shape else 0
        keywords = shape.keywords if shape else frozenset()
    except ScanError:
        # Text the scanner cannot read is malformed; the engine will say where. Until then
        # judge it conservatively: any bracket counts and any word that looks like a keyword.
        shape = None
        depth = _fallback_depth(text)
        words = re.findall(r"[A-Za-z]+", text) + re.findall(r"[A-Za-z]+", decode_escapes(text))
        keywords = frozenset(w.upper() for w in words)
    if depth > limits.max_nesting:
        raise QueryError(
            f"query nests brackets {depth} deep; this endpoint accepts at most {limits.max_nesting} "
            "(deeper nesting can crash the query engine)"
        )
    for word, why in refused.items():
        if word in keywords:
            raise QueryError(why)
    return shape


_SERVICE = (
    "SERVICE (federated query) is disabled on this endpoint: it would make the server connect to other "
    "addresses. Run the remote part against its own endpoint, or ask the operator to set KSGRAPH_ALLOW_SERVICE."
)


def check_query(text: str, limits: Limits) -> Checked:
    """Raise a 400 ProtocolError for a query the endpoint must not run; else what the scanner saw."""
    shape = _check_common(text, limits, {} if limits.allow_service else {"SERVICE": _SERVICE})
    if shape is None:
        return Checked(None, False, None)
    return Checked(shape.form, bool(shape.top_level("FROM")), shape)


def check_update(text: str, limits: Limits) -> Checked:
    """As :func:`check_query`, for updates: LOAD (a URL fetch) is always refused."""
    refused = {
        "LOAD": "LOAD is disabled on this endpoint: the server never fetches data from the network. "
        "Send the data with the Graph Store Protocol (PUT/POST /rdf-graphs?graph=…) instead."
    }
    if not limits.allow_service:
        refused["SERVICE"] = _SERVICE
    shape = _check_common(text, limits, refused)
    if shape is None:
        return Checked(None, False, None)
    return Checked(None, bool(shape.top_level("USING") or shape.top_level("WITH")), shape)


def with_using(text: str, shape: Shape, default: list[str], named: list[str]) -> str:
    """The update with ``USING``/``USING NAMED`` clauses for the protocol's using-graph-uri parameters.

    pyoxigraph's update API takes no dataset, so the protocol's dataset (SPARQL 1.1 Protocol
    §2.2.3) becomes the clauses it is defined to be equivalent to, inserted before the WHERE
    of every DELETE/INSERT operation. The IRIs were validated by the caller (no ``>`` or spaces).
    """
    clause = " ".join([f"USING <{g}>" for g in default] + [f"USING NAMED <{g}>" for g in named]) + " "
    out, last = [], 0
    previous = None
    for token in shape.tokens:
        if token.depth == 0 and token.keyword == "WHERE" and previous not in ("DELETE", "INSERT"):
            out.append(text[last : token.start])
            out.append(clause)
            last = token.start
        if token.depth == 0:
            previous = token.keyword
    out.append(text[last:])
    return "".join(out)
