"""The one rule for the graphs a query sees: which named graphs make up its default graph.

Every reader asks this module — the CLI's queries, the endpoint's workers, the remote backend,
the pages, export, stats, the reasoner and the validator — so the rule is written once:

- the *asserted* graphs are the ontology and the data graphs (``…/graph/data/<stem>``);
- the *default dataset* of a query is the asserted graphs plus, unless ``inferred=False``, the
  inferred graph; the provenance graph joins only where a reader asks for it (resource pages:
  build records are resources too), never the endpoint's default graph;
- ``stated_only`` leaves out the graphs of facts no source states in words — the editor's
  interpretations and general knowledge (DOMAIN.md, "The basis of a fact"), so "only what the
  sources state" is one switch.

Each published version also keeps the default dataset (asserted + inferred) materialised in
the store's own default graph (:mod:`ksgraph.store.versions`); :func:`default_graph` says when a
query may read that copy instead of naming the graphs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

import pyoxigraph as ox

from ksgraph.core.namespaces import DATA_GRAPH_BASE, INFERRED_GRAPH, ONTOLOGY_GRAPH, PROVENANCE_GRAPH

# The element types pyoxigraph's Store.query takes for default_graph and named_graphs.
DefaultGraphs = list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph]
NamedGraphs = list[ox.NamedNode | ox.BlankNode]

INTERPRETATIONS_GRAPH: Final = DATA_GRAPH_BASE + "interpretations"
GENERAL_KNOWLEDGE_GRAPH: Final = DATA_GRAPH_BASE + "general-knowledge"
# The graphs whose facts stand on another basis than a source's words.
NOT_STATED: Final = frozenset({INTERPRETATIONS_GRAPH, GENERAL_KNOWLEDGE_GRAPH})


def is_data_graph(iri: str) -> bool:
    """A graph of asserted data (one per data file or import), as opposed to the ontology."""
    return iri.startswith(DATA_GRAPH_BASE)


def is_asserted_graph(iri: str) -> bool:
    """True for the graphs that hold asserted statements: the ontology and the data graphs."""
    return iri == ONTOLOGY_GRAPH or is_data_graph(iri)


@dataclass(frozen=True)
class View:
    """Which graphs a reader's default graph is the merge of."""

    inferred: bool = True
    provenance: bool = False
    stated_only: bool = False

    def includes(self, iri: str) -> bool:
        if self.stated_only and iri in NOT_STATED:
            return False
        if is_asserted_graph(iri):
            return True
        if iri == INFERRED_GRAPH:
            # Inferences may rest on interpretations: a stated-only reader gets none of them
            # unless a closure of the stated graphs alone is computed for it (temporal snapshot).
            return self.inferred and not self.stated_only
        return self.provenance and iri == PROVENANCE_GRAPH

    @property
    def materialised(self) -> bool:
        """True when this is exactly the default dataset the store keeps in its own default graph."""
        return self.inferred and not self.provenance and not self.stated_only


DEFAULT: Final = View()
ASSERTED: Final = View(inferred=False)


def in_dataset(iri: str, *, inferred: bool = True) -> bool:
    """True for the graphs whose merge is the default graph of queries (see :class:`View`)."""
    return View(inferred=inferred).includes(iri)


def graph_names(store: ox.Store) -> list[str]:
    """The IRIs of the store's named graphs, sorted."""
    return sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))


def select(graphs: Iterable[str], view: View = DEFAULT) -> list[str]:
    """The graphs among ``graphs`` (IRIs) that ``view`` sees, in order."""
    return [g for g in graphs if view.includes(g)]


def dataset(store: ox.Store, *, inferred: bool = True, view: View | None = None) -> list[ox.NamedNode]:
    """The named graphs of ``store`` a query's default graph is the union of."""
    chosen = view or View(inferred=inferred)
    return [ox.NamedNode(g) for g in select(graph_names(store), chosen)]


def data_graph_names(store: ox.Store) -> tuple[ox.NamedNode, ...]:
    """The store's data graphs (what validation reads besides the ontology)."""
    return tuple(g for g in store.named_graphs() if isinstance(g, ox.NamedNode) and is_data_graph(g.value))


def in_default_graph(graph: object) -> bool:
    """True for the named graphs whose merge is the materialised default graph."""
    return isinstance(graph, ox.NamedNode) and DEFAULT.includes(graph.value)


def has_materialised_default(store: ox.Store) -> bool:
    """True when the store's default graph holds the published dataset (any version ksgraph writes).

    The dataset always holds the ontology, so an empty default graph means a store written before
    the default graph was materialised; readers then fall back to naming the graphs."""
    return next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is not None


def default_graph(store: ox.Store, *, inferred: bool = True, view: View | None = None) -> DefaultGraphs | None:
    """The ``default_graph`` argument of ``Store.query`` for a query over ``view``.

    None (the store's own default graph) where the store holds that merge materialised, which is
    several times faster than a list of graphs (docs/PERFORMANCE.md); the list otherwise."""
    chosen = view or View(inferred=inferred)
    if chosen.materialised and has_materialised_default(store):
        return None
    graphs: DefaultGraphs = [*dataset(store, view=chosen)]
    return graphs or None


def hidden(view: View) -> frozenset[str]:
    """The graphs a ``GRAPH`` pattern must not reach under ``view``.

    Any graph of the store may be addressed by name, except that an asserted-only or stated-only
    query must not reach the inferred graph (or the unstated graphs) that way."""
    out = set(NOT_STATED) if view.stated_only else set()
    if not view.inferred or view.stated_only:
        out.add(INFERRED_GRAPH)
    return frozenset(out)


def visible_named(graphs: Iterable[str], view: View) -> list[str] | None:
    """The named graphs ``view`` lets a query address, or None for all of them."""
    hide = hidden(view)
    return [g for g in graphs if g not in hide] if hide else None


def named_graphs(store: ox.Store, view: View | None = None) -> NamedGraphs | None:
    """The ``named_graphs`` argument of ``Store.query`` for ``view`` (None: every named graph)."""
    visible = visible_named(graph_names(store), view or DEFAULT)
    return None if visible is None else [ox.NamedNode(g) for g in visible]
