"""Every ``ksgraph`` command, registered on the Typer app in one place.

The command modules define plain functions and import nothing at module level that a
command does not need to parse its options; registering them here, explicitly, means
importing a module never changes the app (no import side effects), and ``ksgraph --help``
lists the commands in this order.
"""

from __future__ import annotations

from ksgraph.cli.app import app
from ksgraph.cli.commands import (
    build,
    export,
    history,
    publish,
    query,
    reason,
    serve,
    stats,
    structure,
    tabular,
    validate,
)

_REGISTERED = False


def register() -> None:
    """Put every command on :data:`ksgraph.cli.app.app` (idempotent)."""
    global _REGISTERED
    if _REGISTERED:
        return
    app.command()(build.build)
    app.command()(stats.stats)
    app.command()(query.query)
    app.command()(export.export)
    app.command("validate")(validate.validate_command)
    app.command("import")(validate.import_command)
    app.command()(reason.reason)
    app.command()(reason.explain)
    app.command()(history.history)
    app.command()(serve.serve)
    app.command()(publish.push)
    app.command("ontology-docs")(publish.ontology_docs)
    app.command()(structure.structure)
    app.command("import-table")(tabular.import_table_command)
    app.command("export-template")(tabular.export_template_command)
    _REGISTERED = True


def main() -> None:
    register()
    app()
