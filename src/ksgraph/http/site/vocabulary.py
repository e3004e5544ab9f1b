"""The terms the query editor autocompletes: the ontology's classes and properties (read from the
ontology's own files, so no lookup leaves the server) and the ones the data uses."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pyoxigraph as ox

from ksgraph.http.ontology import ontology_triples
from ksgraph.sparql.packaged import select, select_local
from ksgraph.sparql.port import Backend
from ksgraph.store.dataset import DEFAULT


@cache
def ontology_terms(ontology_dir: Path) -> dict[str, frozenset[str]]:
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in ontology_triples(ontology_dir))
    return _by_kind(select_local(store, "site-vocabulary"))


def _by_kind(rows: list[ox.QuerySolution]) -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {"class": set(), "property": set()}
    for row in rows:
        found.setdefault(row["kind"].value, set()).add(row["term"].value)
    return {kind: frozenset(terms) for kind, terms in found.items()}


def vocabulary(ontology_dir: Path, backend: Backend) -> dict[str, list[str]]:
    """``{"classes": [IRI, …], "properties": [IRI, …]}``, sorted: the ontology's terms and the data's."""
    declared = ontology_terms(ontology_dir)
    used = _by_kind(select(backend, "site-used-terms", view=DEFAULT))
    return {
        "classes": sorted(declared["class"] | used["class"]),
        "properties": sorted(declared["property"] | used["property"]),
    }
