"""``python -m ksgraph.cli``: the same command as ``ksgraph``."""

from ksgraph.cli.main import main

main()
