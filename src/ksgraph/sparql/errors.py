"""The error of the SPARQL layer: a query, parameter or date that cannot be used as given."""

from __future__ import annotations


class QueryError(ValueError):
    """A query or parameter that cannot be run as given; the message says why and what to do."""
