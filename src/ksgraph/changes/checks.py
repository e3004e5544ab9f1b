"""The validations a commit can run: targeted on what a change touches, or of the whole graph."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib.graph import ReadOnlyGraphAggregate

from ksgraph.changes.commit import Check, Delta
from ksgraph.core.settings import Settings
from ksgraph.validation.focus import changed_triples, touched_nodes
from ksgraph.validation.validate import Report, data_from_store, data_view, load_ontology, load_shapes, validate


def targeted(settings: Settings) -> Check:
    """The shapes on the nodes whose results the change can alter (validation.focus: exact, from the
    shapes' access paths), over the whole data graph read through a view of the store (no copy).
    Where that is every node (the change touches the class hierarchy) every node is validated."""

    def check(store: ox.Store, delta: Delta) -> Report:
        shapes, ontology = load_shapes(settings), load_ontology(settings)
        data = data_view(store)
        # The focus is found in what validation reads: the data and the ontology.
        focus = touched_nodes(ReadOnlyGraphAggregate([data, ontology]), changed_triples(delta.quads), shapes)
        if focus is None:
            return validate(data_from_store(store), settings, shapes=shapes, ontology=ontology)
        return validate(data, settings, focus=focus, shapes=shapes, ontology=ontology)

    return check


def full(settings: Settings) -> Check:
    """The shapes on every node of the data graphs."""

    def check(store: ox.Store, delta: Delta) -> Report:
        return validate(data_from_store(store), settings)

    return check
