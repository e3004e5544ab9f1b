"""What the sources state, with what follows from it alone: the dataset of a stated-only question.

The inferred graph is the closure of *every* asserted graph, interpretations and general knowledge
included, so it holds conclusions that rest on them (an NPO ultimately reporting to the HSD network
through its interpreted line to SKS). A question asked with ``--stated-only`` must not see those,
yet should see what follows from the stated facts (SKS's stated line to the HSD network, a group's
level). So it is answered over a private copy: the stated graphs, and their own OWL 2 RL closure
in the inferred graph (computed by the same engine, so the same rules explain it).

The copy depends only on the store version; a caller answering many stated-only questions about
one version keeps it (the endpoint's workers do).
"""

from __future__ import annotations

import pyoxigraph as ox

from ksgraph.reasoning.reason import materialise
from ksgraph.store.dataset import View, dataset


def stated_store(store: ox.Store) -> ox.Store:
    """An in-memory copy of the stated graphs of ``store``, with their own closure as the inferred graph."""
    copy = ox.Store()
    graphs = dataset(store, view=View(inferred=False, stated_only=True))
    copy.bulk_extend(q for graph in graphs for q in store.quads_for_pattern(None, None, None, graph))
    materialise(copy)
    return copy


def stated_view(view: View) -> View:
    """The view of the stated copy that answers a stated-only ``view``: its graphs, inferences as asked."""
    return View(inferred=view.inferred, provenance=False)


def resolve(store: ox.Store, view: View) -> tuple[ox.Store, View]:
    """The store and view a question over ``view`` is answered with: for a stated-only view, the
    stated copy (:func:`stated_store`) and :func:`stated_view` over it."""
    if not view.stated_only:
        return store, view
    return stated_store(store), stated_view(view)
