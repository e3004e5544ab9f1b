"""Spreadsheets in, linked data out: the data steward's templates (CSV and XLSX).

    >>> from ksgraph.tabular import read
    >>> parsed = read("lpo-norrbotten.xlsx", store=store)      # doctest: +SKIP
    >>> parsed.graph, len(parsed.quads)                        # doctest: +SKIP
    ('https://w3id.org/ksgraph/graph/data/lpo-norrbotten', 412)
    >>> parsed.origins.locate(focus, path).where()             # doctest: +SKIP
    "lpo-norrbotten.xlsx, sheet 'groups', cell F7, column 'motsvarar'"

- :func:`read` maps a file to a :class:`TabularFile` — a :class:`~ksgraph.rdfio.load.ParsedFile`
  whose ``origins`` say which cell every triple and resource came from — or raises
  :class:`TabularError` (a :class:`~ksgraph.rdfio.load.LoadError`) listing every cell to fix.
- :meth:`OriginMap.locate` maps a validation result (focus node, path, value) to its cell.
- :func:`~ksgraph.tabular.export.export_template` writes the store back to a template.

The mappings are CSVW metadata documents in ``mappings/``; ``data/templates/README.md``
documents every column.
"""

from __future__ import annotations

from ksgraph.tabular.errors import CellProblem, TabularError
from ksgraph.tabular.origins import Origin, OriginMap
from ksgraph.tabular.reader import TabularFile, read
from ksgraph.tabular.rules import CellViolation
from ksgraph.tabular.sheets import SUFFIXES
from ksgraph.tabular.spec import Template, templates

__all__ = [
    "SUFFIXES",
    "CellProblem",
    "CellViolation",
    "Origin",
    "OriginMap",
    "TabularError",
    "TabularFile",
    "Template",
    "read",
    "templates",
]
