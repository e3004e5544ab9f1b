"""The validations a commit can run: targeted on what a change touches, or of the whole graph."""

from __future__ import annotations

import pyoxigraph as ox

from ksgraph.changes.commit import Check, Delta
from ksgraph.core.settings import Settings
from ksgraph.validation.focus import validate_change
from ksgraph.validation.validate import Report, data_from_store, validate


def targeted(settings: Settings) -> Check:
    """The shapes on the nodes whose results the change can alter (validation.focus: exact, from the
    shapes' access paths), over the whole data graph read through a view of the store (no copy)."""

    def check(store: ox.Store, delta: Delta) -> Report:
        return validate_change(store, settings, delta.quads)

    return check


def full(settings: Settings) -> Check:
    """The shapes on every node of the data graphs."""

    def check(store: ox.Store, delta: Delta) -> Report:
        return validate(data_from_store(store), settings)

    return check
