"""The command modules of ``ksgraph``, one per area; :mod:`ksgraph.cli.main` registers them."""
