"""The Jinja2 environment of every page: the templates of ``http/templates``, autoescaped."""

from __future__ import annotations

import jinja2


def make_environment() -> jinja2.Environment:
    """Templates of ``http/templates``; autoescaping on for every template, whatever its name."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("ksgraph.http", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
