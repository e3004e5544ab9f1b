"""CLI commands beyond the core ones, one module per area (validate, reason, serve, …).

Each module registers its commands on :data:`ksgraph.cli.app` when imported; every
module of this package is imported by :func:`register`, so adding an area is adding a file.
"""

from __future__ import annotations

import importlib
import pkgutil


def register() -> None:
    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")
