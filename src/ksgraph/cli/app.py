"""The ``ksgraph`` command: a thin layer over the library modules.

Exit codes: 0 success, 1 the data breaks a rule (validation), 2 unusable input
(a file, query or parameter that cannot be used, or no store yet).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, cast

import typer

from ksgraph import __version__
from ksgraph.core.settings import Settings, SettingsError, load_settings

app = typer.Typer(
    name="ksgraph",
    help="A knowledge graph of Sweden's national system for knowledge governance in health care.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
if TYPE_CHECKING:
    from rich.console import Console


class _Console:
    """A rich Console made on first use: importing rich costs more than a quick command's own work."""

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._console: Console | None = None

    def __getattr__(self, name: str) -> Any:
        if self._console is None:
            from rich.console import Console

            self._console = Console(**self._options)
        return getattr(self._console, name)


# Typed as the Console they stand for: _Console forwards every attribute to one.
err = cast("Console", _Console(stderr=True, highlight=False, soft_wrap=True))
out = cast("Console", _Console(highlight=False, soft_wrap=True))

StoreOption = Annotated[
    Path | None,
    typer.Option("--store", envvar="KSGRAPH_STORE", help="Store directory (default ./.ksgraph).", show_default=False),
]


class ExitCode:
    OK = 0
    VIOLATIONS = 1
    BAD_INPUT = 2


def fail(message: str, code: int = ExitCode.BAD_INPUT) -> typer.Exit:
    from rich.markup import escape

    # The message is text, not markup: an IRI like <urn:x:y> or a "[…]" from the data is shown as it is.
    err.print(f"[bold red]error:[/] {escape(message)}", markup=True, highlight=False, emoji=False)
    return typer.Exit(code)


def settings_for(store: Path | None, *, backend: str | None = None) -> Settings:
    """The settings of this run (``--store`` over ``KSGRAPH_STORE``); exit 2 naming a bad ``KSGRAPH_*`` value."""
    try:
        return load_settings(store, backend=backend)
    except SettingsError as exc:
        raise fail(f"a setting cannot be used: {exc}") from None


def _version(value: bool) -> None:
    if value:
        out.print(f"ksgraph {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """ksgraph: build, query, validate, reason over and publish the kunskapsstyrning graph."""
