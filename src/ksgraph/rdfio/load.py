"""Reading RDF files into quads, with errors a person can act on.

Everything is parsed before anything is written, so a broken file never leaves a
store half-loaded. Parsing is local only: pyoxigraph resolves no remote JSON-LD
context and expands no external XML entity, and ``owl:imports`` is never followed.
pyoxigraph does expand *internal* XML entities without any limit (a 1 KB "billion
laughs" document becomes a 3 GB literal), so :func:`check_xml_entities` refuses those
first; and no file larger than ``max_bytes`` (``Settings.max_file_bytes``, ``KSGRAPH_MAX_FILE_BYTES``) is read.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ksgraph.core.settings import DEFAULT_MAX_FILE_BYTES
from ksgraph.core.vocab import data_graph

# Characters that entity references may add to one RDF/XML document. Real OWL files use
# entities for namespace IRIs (tens of characters, some thousand times).
MAX_ENTITY_EXPANSION = 16 * 1024 * 1024
_ENTITY_DECL = re.compile(
    r"""<!ENTITY\s+(?P<param>%\s+)?(?P<name>[^\s%&;<>"']+)\s+"""
    r"""(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<external>SYSTEM|PUBLIC)\b)"""
)
# A reference to an entity other than the five predefined ones or a character reference.
_NESTED = re.compile(r"&(?!#|(?:lt|gt|amp|apos|quot);)|%")

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


def parse_file(path: Path, graph: str | None = None, *, max_bytes: int = DEFAULT_MAX_FILE_BYTES) -> ParsedFile:
    """Parse one file into quads in ``graph`` (default: the data graph named after the file's stem).

    Quad formats (N-Quads, TriG) keep their own graph names for quads in named graphs.
    """
    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(FORMATS))
        raise LoadError(path, f"unknown RDF file type {path.suffix!r} (known: {known})")
    target = ox.NamedNode(graph or data_graph(path.stem))
    limit = max_bytes
    try:
        # Read at most one byte past the limit: a symlink to /dev/zero ends here too.
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise LoadError(path, f"cannot read: {exc.strerror or exc}") from exc
    if len(data) > limit:
        raise LoadError(
            path, f"the file is larger than the {limit} bytes ksgraph reads from one file (KSGRAPH_MAX_FILE_BYTES)"
        )
    if fmt == ox.RdfFormat.RDF_XML:
        try:
            check_xml_entities(data)
        except ValueError as exc:
            raise LoadError(path, str(exc)) from None
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


def parse_files(
    paths: Sequence[Path], graph: str | None = None, *, max_bytes: int = DEFAULT_MAX_FILE_BYTES
) -> list[ParsedFile]:
    """Parse every file; the first broken one raises LoadError, before anything is stored."""
    return [parse_file(p, graph, max_bytes=max_bytes) for p in paths]


def _syntax_message(exc: SyntaxError) -> str:
    text = str(exc.msg if exc.msg else exc)
    # pyoxigraph puts the position into the message as well; keep only the problem.
    if ": " in text and text.startswith("Parser error"):
        text = text.split(": ", 1)[1]
    if "LoadDocumentCallback" in text:
        # pyoxigraph's words for a remote JSON-LD context it was not allowed to fetch.
        text = 'a remote JSON-LD @context is never fetched; put the context in the file ("@context": {…})'
    return text


def check_xml_entities(data: bytes) -> None:
    """Refuse an RDF/XML document whose entities could blow up or point outside it (ValueError).

    Allowed: internal entities with plain values (``<!ENTITY owl "http://…#">``), as OWL files
    use them. Refused: external (SYSTEM/PUBLIC) and parameter entities, an entity whose value
    refers to another entity (the nesting behind "billion laughs"), a declaration this check
    cannot read, and references that would add more than :data:`MAX_ENTITY_EXPANSION` characters
    in all (the "quadratic blowup"). pyoxigraph reads UTF-8 only, so the bytes are searched as such.
    """
    if b"<!ENTITY" not in data:
        return
    text = data.decode("utf-8", errors="replace")
    declarations = list(_ENTITY_DECL.finditer(text))
    if len(declarations) != text.count("<!ENTITY"):
        raise ValueError("the document declares XML entities in a form ksgraph does not read; declare none")
    expansion = 0
    for decl in declarations:
        name = decl["name"]
        if decl["param"]:
            raise ValueError(f"XML parameter entity %{name}; is refused (ksgraph reads no DTD)")
        if decl["external"]:
            raise ValueError(
                f"XML entity &{name}; is external ({decl['external']}): ksgraph never reads a file or URL a "
                "document names"
            )
        value = decl["dq"] if decl["dq"] is not None else decl["sq"]
        if _NESTED.search(value):
            raise ValueError(
                f"XML entity &{name}; is defined through other entities; nested entities are refused "
                "(they can expand a small file into gigabytes)"
            )
        expansion += len(value) * text.count(f"&{name};")
    if expansion > MAX_ENTITY_EXPANSION:
        raise ValueError(
            f"XML entity references would expand the document by {expansion} characters; "
            f"at most {MAX_ENTITY_EXPANSION} are accepted"
        )


def sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes (provenance records, release checksums)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()
