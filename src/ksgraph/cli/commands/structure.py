"""``ksgraph structure``: the whole structure as one SVG picture (also served at ``/structure``).

``docs/structure.svg`` (shown in the README) is this command's output over the checkout's data,
for the whole graph; ``--check`` fails when the file is not what the store gives, and the test
suite runs that check.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ksgraph.cli.app import ExitCode, StoreOption, err, fail, settings_for

DOCS_PATH = Path("docs/structure.svg")
# The picture's links, written into a file that is read anywhere: the IRIs themselves.
W3ID_BASE = "https://w3id.org/ksgraph"


def structure(
    output: Annotated[Path, typer.Option("--output", "-o", help="SVG file to write.")] = DOCS_PATH,
    as_of: Annotated[
        str, typer.Option("--as-of", help="The structure valid on YYYY-MM-DD, 'today', or 'all' (the whole graph).")
    ] = "all",
    lang: Annotated[str, typer.Option("--lang", help="Language of the names and words: sv or en.")] = "en",
    check: Annotated[
        bool, typer.Option("--check", help="Write nothing; exit 1 if the file is not what the store gives.")
    ] = False,
    store: StoreOption = None,
) -> None:
    """Draw the structure (SKS and its groups, the NPOs and NSGs by host, the regional and local groups) as SVG."""
    from ksgraph.core.links import LinkMapper
    from ksgraph.http.site.labels import build_index
    from ksgraph.http.site.picture import document
    from ksgraph.sparql.backend import open_backend
    from ksgraph.sparql.errors import QueryError
    from ksgraph.sparql.port import Unavailable
    from ksgraph.temporal.asof import parse_as_of

    settings = settings_for(store)
    if lang not in ("sv", "en"):
        raise fail(f"--lang {lang!r}: expected sv or en")
    try:
        day = parse_as_of(as_of, today=settings.today())
        backend = open_backend(settings)
        text = document(backend, build_index(backend), LinkMapper(W3ID_BASE), lang, day)
    except (QueryError, Unavailable) as exc:
        raise fail(str(exc)) from None
    target = output if output.is_absolute() else settings.root / output
    if check:
        current = target.read_text(encoding="utf-8") if target.is_file() else None
        if current != text:
            raise fail(f"{target} is out of date: run `ksgraph build && ksgraph structure`", ExitCode.VIOLATIONS)
        err.print(f"{target} is up to date", markup=False)
        return
    if target.is_file() and target.read_text(encoding="utf-8") == text:
        err.print(f"unchanged: {target}", markup=False)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    err.print(f"wrote {target}", markup=False)
