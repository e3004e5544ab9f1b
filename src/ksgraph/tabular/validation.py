"""SHACL results of an import, each located at the cell it is about.

EXTENSION POINT: the SHACL engine is ``ksgraph.validate`` (written separately).
This module only adapts its results — focus node, path, value, rule, severity,
messages and source — to :class:`CellViolation` with the cell from the file's
:class:`OriginMap`. Until that module exists, imports are mapped and checked by the
templates' own rules only, and the command says that the shapes were not checked.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable

import pyoxigraph as ox

from ..config import Settings
from .reader import TabularFile
from .rules import CellViolation


def engine_available() -> bool:
    return importlib.util.find_spec("ksgraph.validate") is not None


def shacl_violations(settings: Settings, store: ox.Store, parsed: TabularFile) -> tuple[list[CellViolation], int]:
    """(results the file has a part in, located at their cells; how many other results the store has).

    A result no cell of the file touches was there before this import (or is about
    data the file does not mention): it is counted, not charged to the steward.
    """
    if not engine_available():
        return [], 0
    validate = importlib.import_module("ksgraph.validate")
    results = _results(validate, settings, store)
    located: list[CellViolation] = []
    elsewhere = 0
    for result in results:
        origin = parsed.origins.locate(result.focus, result.path, result.value)
        if origin is None:
            elsewhere += 1
        else:
            located.append(
                CellViolation(
                    result.rule,
                    result.severity,
                    result.message_sv,
                    result.message_en,
                    result.source,
                    origin,
                    result.focus,
                    result.path,
                    result.value,
                )
            )
    return located, elsewhere


def _results(validate: object, settings: Settings, store: ox.Store) -> Iterable[CellViolation]:
    """Run ``ksgraph.validate`` on the store and yield its results as origin-less CellViolations."""
    raise NotImplementedError("adapter to ksgraph.validate: see the module docstring")
