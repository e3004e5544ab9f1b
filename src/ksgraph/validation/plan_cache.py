"""A disk cache of :func:`ksgraph.validation.prebinding.plan`'s answers, so each process does not re-parse the shapes.

One small JSON file per query, named by a hash of the query, its prefixes, rdflib's version and
the source of the modules that decide (:mod:`ksgraph.validation.prebinding` and this one): a change
to any of them is a different name, so an answer is never used for another question. Where:
``Settings.cache_dir`` (``KSGRAPH_CACHE_DIR``, else ``$XDG_CACHE_HOME/ksgraph``, else
``~/.cache/ksgraph``; ``KSGRAPH_CACHE_DIR=off`` keeps nothing). A cache that cannot be read or written is ignored:
the answer is then computed again, which only costs time.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import rdflib

Prefixes = tuple[tuple[str, str], ...]


@functools.cache
def _version() -> str:
    here = Path(__file__).parent
    digest = hashlib.sha256(rdflib.__version__.encode())
    for name in ("prebinding.py", "plan_cache.py"):
        digest.update((here / name).read_bytes())
    return digest.hexdigest()


def _file(folder: Path | None, select: str, prefixes: Prefixes) -> Path | None:
    if folder is None:
        return None
    key = json.dumps([_version(), select, prefixes]).encode()
    return folder / "prebinding" / (hashlib.sha256(key).hexdigest() + ".json")


def read(folder: Path | None, select: str, prefixes: Prefixes) -> tuple[str, Any] | None:
    """The decision cached in ``folder`` (``Settings.cache_dir``; None: no cache) for this query."""
    path = _file(folder, select, prefixes)
    if path is None:
        return None
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
        return str(entry["kind"]), entry["value"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write(folder: Path | None, select: str, prefixes: Prefixes, kind: str, value: Any) -> None:
    path = _file(folder, select, prefixes)
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written aside and renamed: a reader sees the whole file or none.
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump({"kind": kind, "value": value}, out)
        os.replace(temporary, path)
    except OSError:
        return
