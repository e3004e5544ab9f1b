"""The package's own queries (``sparql/queries/*.rq``): text in files, parameters bound as terms."""

from __future__ import annotations

from importlib import resources

import pyoxigraph as ox

from ksgraph.sparql.port import Backend
from ksgraph.sparql.run import select as run_select
from ksgraph.store.dataset import View

# Resource pages describe build records too (they are ``id:`` resources), so they see provenance.
PAGES = View(provenance=True)


def packaged_query(name: str) -> str:
    """The text of ``sparql/queries/<name>.rq``.

    Read on every call, deliberately uncached: a few hundred bytes, and no module-level state.
    """
    return resources.files("ksgraph.sparql").joinpath("queries", f"{name}.rq").read_text(encoding="utf-8")


def select(
    backend: Backend, name: str, *, view: View = PAGES, **params: ox.NamedNode | ox.Literal
) -> list[ox.QuerySolution]:
    """Run a packaged SELECT query with keyword parameters bound as terms; all solutions.

    Because pyoxigraph substitutes only in triple patterns and requires the variable in a
    SELECT's projection, the packaged queries project every bound variable."""
    result = backend.run(packaged_query(name), view=view, substitutions={ox.Variable(k): v for k, v in params.items()})
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError(f"query {name} is not a SELECT query")
    return list(result)


def select_local(
    store: ox.Store, name: str, *, view: View | None = None, **params: ox.NamedNode | ox.Literal
) -> list[ox.QuerySolution]:
    """:func:`select` on a store at hand (the time model, history, stats)."""
    return run_select(
        store, packaged_query(name), view=view or View(), substitutions={ox.Variable(k): v for k, v in params.items()}
    )
