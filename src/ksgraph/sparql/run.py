"""Running a query over the default dataset of a store (:mod:`ksgraph.store.dataset` decides it)."""

from __future__ import annotations

from collections.abc import Mapping

import pyoxigraph as ox

from ksgraph.core.namespaces import PREFIXES
from ksgraph.sparql.errors import QueryError
from ksgraph.store.dataset import View, default_graph, named_graphs

Substitutions = Mapping[ox.Variable, ox.NamedNode | ox.Literal]
Result = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples


def run(
    store: ox.Store,
    sparql: str,
    *,
    inferred: bool = True,
    view: View | None = None,
    substitutions: Substitutions | None = None,
) -> Result:
    """Run a query over the default dataset (asserted graphs, plus inferences unless ``inferred=False``).

    ``view`` chooses the graphs otherwise (stated-only, provenance); the standard prefixes are
    declared; ``substitutions`` bind variables to terms before evaluation."""
    chosen = view or View(inferred=inferred)
    try:
        return store.query(
            sparql,
            prefixes=PREFIXES,
            default_graph=default_graph(store, view=chosen),
            named_graphs=named_graphs(store, chosen),
            substitutions=dict(substitutions or {}),
        )
    except SyntaxError as exc:
        raise QueryError(f"malformed query: {exc}") from exc


def select(
    store: ox.Store,
    sparql: str,
    *,
    inferred: bool = True,
    view: View | None = None,
    substitutions: Substitutions | None = None,
) -> list[ox.QuerySolution]:
    """All solutions of a SELECT (as :func:`run`); TypeError for another query form."""
    result = run(store, sparql, inferred=inferred, view=view, substitutions=substitutions)
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError("select() runs SELECT queries only")
    return list(result)


def rows(result: ox.QuerySolutions) -> tuple[list[str], list[list[ox.NamedNode | ox.BlankNode | ox.Literal | None]]]:
    """Materialise SELECT solutions as (variables, rows of terms)."""
    variables = [v.value for v in result.variables]
    return variables, [[solution[v] for v in variables] for solution in result]
