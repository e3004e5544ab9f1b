"""The ``ksgraph`` command: a thin layer over the library (see :mod:`ksgraph.cli.main`)."""

from ksgraph.cli.main import main

__all__ = ["main"]
