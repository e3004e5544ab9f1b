"""SHACL results of an import, each located at the cell it is about.

The SHACL engine is :mod:`ksgraph.validation.validate` with the targeted focus of
:mod:`ksgraph.changes.imports` (the nodes an import touches and their neighbourhood);
this module only adapts its :class:`~ksgraph.validation.validate.Result` — focus node, path
(shown as ``ks:counterpartOf`` or ``^org:postIn``), value, rule, severity, messages
and sources — to a :class:`CellViolation` with the cell from the file's
:class:`OriginMap`.
"""

from __future__ import annotations

import pyoxigraph as ox

from ksgraph.core.settings import Settings
from ksgraph.core.vocab import expand_iri
from ksgraph.tabular.origins import Origin
from ksgraph.tabular.reader import TabularFile
from ksgraph.tabular.rules import CellViolation
from ksgraph.validation.focus import validate_change
from ksgraph.validation.validate import Result


def shacl_violations(
    settings: Settings, store: ox.Store, parsed: TabularFile, removed: list[ox.Quad]
) -> tuple[list[CellViolation], int]:
    """(results the file has a part in, at their cells; how many other results the touched nodes have).

    A result that no cell of the file touches is about data the file does not
    mention: it is counted, not charged to the steward.
    """
    report = validate_change(store, settings, [*parsed.quads, *removed])
    located: list[CellViolation] = []
    elsewhere = 0
    for result in report.results:
        path = _path_iri(result.path)
        value = _value_text(result.value)
        origin = parsed.origins.locate(result.focus, path, value)
        if origin is None:
            elsewhere += 1
            continue
        located.append(_violation(result, origin, path, value))
    return located, elsewhere


def _violation(result: Result, origin: Origin, path: str | None, value: str | None) -> CellViolation:
    return CellViolation(
        rule=result.rule,
        severity=result.severity.value,
        message_sv=result.message_sv,
        message_en=result.message_en,
        source=", ".join(result.sources) or None,
        origin=origin,
        focus=result.focus,
        path=path,
        value=value,
    )


def _path_iri(shown: str | None) -> str | None:
    """``ks:counterpartOf`` → its IRI; an inverse path (``^org:postIn``) is located by its property.

    A sequence path (``a/b``) has no single cell of its own: the focus node's row is used.
    """
    if not shown or "/" in shown.replace("://", ""):
        return None
    shown = shown.lstrip("^")
    if shown.startswith("<") and shown.endswith(">"):
        return shown[1:-1]
    return expand_iri(shown)


def _value_text(shown: str | None) -> str | None:
    """An IRI as it is; a literal's N3 (``"2025"^^<…>``, ``"x"@sv``) reduced to its lexical form."""
    if shown is None or not shown.startswith('"'):
        return shown
    return shown[1 : shown.rindex('"')]
