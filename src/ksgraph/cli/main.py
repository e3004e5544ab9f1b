"""Every ``ksgraph`` command, registered on the Typer app in one place.

The command modules define plain functions and import nothing at module level that a
command does not need to parse its options; registering them here, explicitly, means
importing a module never changes the app (no import side effects), and ``ksgraph --help``
lists the commands in this order.

A run imports only the module of the command it runs (``ksgraph query`` never imports the
validator, the reasoner or the web server): that is most of the difference between 0.5 s
and 0.2 s of start-up. Help, an unknown command or no command registers them all.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence

from ksgraph.cli.app import app

# name on the command line → (module in ksgraph.cli.commands, function), in the order of --help.
COMMANDS: dict[str, tuple[str, str]] = {
    "build": ("build", "build"),
    "stats": ("stats", "stats"),
    "query": ("query", "query"),
    "export": ("export", "export"),
    "validate": ("validate", "validate_command"),
    "import": ("validate", "import_command"),
    "reason": ("reason", "reason"),
    "explain": ("reason", "explain"),
    "history": ("history", "history"),
    "serve": ("serve", "serve"),
    "push": ("publish", "push"),
    "ontology-docs": ("publish", "ontology_docs"),
    "structure": ("structure", "structure"),
    "import-table": ("tabular", "import_table_command"),
    "export-template": ("tabular", "export_template_command"),
}

_REGISTERED: set[str] = set()


def register(names: Sequence[str] | None = None) -> None:
    """Put the named commands (default: every one) on :data:`ksgraph.cli.app.app`; idempotent."""
    for name in COMMANDS if names is None else names:
        if name in _REGISTERED:
            continue
        module, function = COMMANDS[name]
        command = getattr(importlib.import_module(f"ksgraph.cli.commands.{module}"), function)
        app.command(name)(command)
        _REGISTERED.add(name)


def _command(argv: Sequence[str]) -> str | None:
    """The command a command line runs, if it names one and asks for no list of them."""
    for arg in argv:
        if arg.startswith("-"):
            return None  # --help, --version: the app's own options come before any command
        return arg if arg in COMMANDS else None
    return None


def main() -> None:
    argv = sys.argv[1:]
    command = _command(argv)
    if command is not None:
        register([command])
    elif argv != ["--version"]:  # --version needs no command; --help and a bad name list them all
        register()
    app()
