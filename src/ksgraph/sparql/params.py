"""Typed parameters of named queries, bound as RDF terms.

Parameters are bound with pyoxigraph's ``substitutions`` (SEP-0007): a value is a term, never
text spliced into the query, so no parameter can change a query's shape.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

import pyoxigraph as ox

from ksgraph.core.namespaces import XSD, expand_iri
from ksgraph.sparql.catalogue import NamedQuery, QueryParam
from ksgraph.sparql.errors import QueryError


def bind_params(query: NamedQuery, raw: Mapping[str, str]) -> dict[ox.Variable, ox.NamedNode | ox.Literal]:
    """Turn ``name=value`` strings into typed RDF terms for the query's declared parameters."""
    declared = {p.name: p for p in query.params}
    unknown = sorted(set(raw) - set(declared))
    if unknown:
        allowed = ", ".join(declared) or "none"
        raise QueryError(f"query {query.name!r} has no parameter {', '.join(unknown)} (parameters: {allowed})")
    bound: dict[ox.Variable, ox.NamedNode | ox.Literal] = {}
    for param in query.params:
        if param.name not in raw or raw[param.name] == "":
            if param.required:
                raise QueryError(
                    f"query {query.name!r} needs parameter {param.name} ({param.type}): {param.description}"
                )
            continue
        bound[ox.Variable(param.name)] = to_term(param, raw[param.name])
    return bound


def to_term(param: QueryParam, value: str) -> ox.NamedNode | ox.Literal:
    """One parameter value as a term of the declared type, or QueryError saying why not."""
    try:
        if param.type == "iri":
            iri = expand_iri(value)
            if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$", iri):
                raise ValueError("not an absolute IRI")
            return ox.NamedNode(iri)
        if param.type == "date":
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                raise ValueError("expected YYYY-MM-DD")
            dt.date.fromisoformat(value)
            return ox.Literal(value, datatype=ox.NamedNode(XSD + "date"))
        if param.type == "integer":
            return ox.Literal(str(int(value)), datatype=ox.NamedNode(XSD + "integer"))
        if param.type == "langstring":
            text, _, lang = value.rpartition("@")
            if not text or not re.fullmatch(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*", lang):
                raise ValueError("expected text@lang, e.g. Akut vård@sv")
            return ox.Literal(text, language=lang)
        return ox.Literal(value)
    except ValueError as exc:
        raise QueryError(f"parameter {param.name}={value!r} is not a valid {param.type}: {exc}") from exc
