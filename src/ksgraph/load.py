"""Reading RDF files into quads, with errors a person can act on.

Everything is parsed before anything is written, so a broken file never leaves a
store half-loaded. Parsing is local only: pyoxigraph resolves no remote JSON-LD
context and expands no external XML entity, and ``owl:imports`` is never followed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .namespaces import data_graph

FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
}
QUAD_SUFFIXES = {".nq", ".trig"}


@dataclass
class LoadError(Exception):
    """A file that cannot be used: where, and what is wrong with it."""

    path: Path
    message: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = str(self.path)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class ParsedFile:
    path: Path
    graph: str
    quads: list[ox.Quad]


def rdf_files(paths: Iterable[Path]) -> list[Path]:
    """Expand directories to the RDF files they contain (sorted); keep files as given."""
    found: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix in FORMATS and p.is_file()))
        elif path.exists():
            found.append(path)
        else:
            raise LoadError(path, "no such file or directory")
    return found


def parse_file(path: Path, graph: str | None = None) -> ParsedFile:
    """Parse one file into quads in ``graph`` (default: the data graph named after the file's stem).

    Quad formats (N-Quads, TriG) keep their own graph names for quads in named graphs.
    """
    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(FORMATS))
        raise LoadError(path, f"unknown RDF file type {path.suffix!r} (known: {known})")
    target = ox.NamedNode(graph or data_graph(path.stem))
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LoadError(path, f"cannot read: {exc.strerror or exc}") from exc
    try:
        # A base IRI makes relative IRIs in a file resolve predictably instead of failing.
        parsed = ox.parse(data, format=fmt, base_iri=path.resolve().as_uri())
        quads = [
            q
            if (path.suffix in QUAD_SUFFIXES and not isinstance(q.graph_name, ox.DefaultGraph))
            else ox.Quad(q.subject, q.predicate, q.object, target)
            for q in parsed
        ]
    except SyntaxError as exc:
        raise LoadError(path, _syntax_message(exc), exc.lineno, exc.offset) from exc
    except (ValueError, OSError) as exc:
        raise LoadError(path, str(exc)) from exc
    return ParsedFile(path, target.value, quads)


def parse_files(paths: Sequence[Path], graph: str | None = None) -> list[ParsedFile]:
    """Parse every file; the first broken one raises LoadError, before anything is stored."""
    return [parse_file(p, graph) for p in paths]


def _syntax_message(exc: SyntaxError) -> str:
    text = str(exc.msg if exc.msg else exc)
    # pyoxigraph puts the position into the message as well; keep only the problem.
    if ": " in text and text.startswith("Parser error"):
        text = text.split(": ", 1)[1]
    return text
