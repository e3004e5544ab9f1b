"""Result formats: the media types of query answers and their serialisation (negotiated by rdfio.negotiation).

The endpoint's answers are written by pyoxigraph's own writers, within a row limit
(:func:`solutions`, :func:`graph`): pyoxigraph writes SPARQL TSV (or N-Triples for graphs)
into :class:`_Lines`, where every solution (every triple) is exactly one line, because both
formats escape line breaks in literals. Counting lines is therefore counting rows, and the
writer is stopped by an exception as soon as it has written one row more than the limit, so
the query stops too. The lines kept are then read back by pyoxigraph and written in the
format asked for, unless that is TSV (N-Triples) itself. This costs a few per cent over a
single pass and is 3–5x faster than writing the terms in Python.

:func:`write_solutions` writes rows the CLI already holds, in Python.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import IO, cast
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from ksgraph.core.namespaces import PREFIXES, XSD
from ksgraph.rdfio import rdfxml

# Media types per answer kind, the first one the default. Aliases map to the same writer.
TABULAR: dict[str, str] = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    # Clients that ask any JSON for any query (SPARQLWrapper's JSON for CONSTRUCT) get JSON-LD.
    "application/json": ox.RdfFormat.JSON_LD,
}
# What a reply says it is, per writer (aliases are answered with the canonical type).
CANONICAL = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
# Short names for ?format= (handy in a browser address bar, where Accept cannot be set).
SHORT = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "text/turtle",
    "ttl": "text/turtle",
    "ntriples": "application/n-triples",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}


# -- SELECT and ASK ----------------------------------------------------------


def _json_term(term: object) -> dict[str, object]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, object] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD + "string":
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": _json_term(term.subject),
                "predicate": _json_term(term.predicate),
                "object": _json_term(term.object),
            },
        }
    raise TypeError(f"not an RDF term: {term!r}")


# A raw carriage return is read as a line feed by every XML parser (XML 1.0 § 2.11): keep it.
_CR = {"\r": "&#13;"}


def _xml_term(term: object) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        text = escape(term.value, _CR)
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{text}</literal>"
        if term.datatype.value != XSD + "string":
            return f"<literal datatype={quoteattr(term.datatype.value)}>{text}</literal>"
        return f"<literal>{text}</literal>"
    if isinstance(term, ox.Triple):
        return (
            f"<triple><subject>{_xml_term(term.subject)}</subject><predicate>{_xml_term(term.predicate)}"
            f"</predicate><object>{_xml_term(term.object)}</object></triple>"
        )
    raise TypeError(f"not an RDF term: {term!r}")


def _csv_term(term: object) -> str:
    # SPARQL 1.1 CSV (§ 3.2): IRIs and literals as their plain strings, blank nodes as _:label.
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.NamedNode | ox.Literal):
        return term.value
    return str(term)


def write_solutions(variables: list[str], rows: Iterable[Sequence[object]], kind: str) -> bytes:
    """SELECT solutions in one of the four SPARQL results formats (``kind`` from :data:`TABULAR`)."""
    if kind == "json":
        bindings = [{v: _json_term(t) for v, t in zip(variables, row, strict=True) if t is not None} for row in rows]
        doc = {"head": {"vars": variables}, "results": {"bindings": bindings}}
        return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if kind == "xml":
        parts = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>']
        parts += [f"<variable name={quoteattr(v)}/>" for v in variables]
        parts.append("</head><results>")
        for row in rows:
            parts.append("<result>")
            parts += [
                f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                for v, t in zip(variables, row, strict=True)
                if t is not None
            ]
            parts.append("</result>")
        parts.append("</results></sparql>\n")
        return "".join(parts).encode("utf-8")
    if kind == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(variables)
        for row in rows:
            writer.writerow([_csv_term(t) for t in row])
        return out.getvalue().encode("utf-8")
    if kind == "tsv":
        # SPARQL 1.1 TSV (§ 4): ?-prefixed header, terms in their N-Triples/Turtle form.
        lines = ["\t".join(f"?{v}" for v in variables)]
        lines += ["\t".join("" if t is None else str(t) for t in row) for row in rows]
        return ("\n".join(lines) + "\n").encode("utf-8")
    raise ValueError(f"unknown results format {kind!r}")


def write_boolean(value: bool, kind: str) -> bytes:
    """An ASK answer. CSV and TSV have no boolean form in the spec; like Oxigraph, write the bare word."""
    word = "true" if value else "false"
    if kind == "json":
        return json.dumps({"head": {}, "boolean": value}).encode("utf-8")
    if kind == "xml":
        return (
            '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/>'
            f"<boolean>{word}</boolean></sparql>\n"
        ).encode()
    return f"{word}\n".encode()


def write_triples(triples: list[ox.Triple], fmt: ox.RdfFormat) -> bytes:
    """CONSTRUCT or DESCRIBE answers, with the standard prefixes where the format has them."""
    if fmt == ox.RdfFormat.RDF_XML:  # with its carriage returns kept (rdfxml.py)
        return rdfxml.serialize(triples, PREFIXES)
    if fmt == ox.RdfFormat.TURTLE:
        data = ox.serialize(triples, format=fmt, prefixes=PREFIXES)
    else:
        data = ox.serialize(triples, format=fmt)
    return data or b""


# -- the endpoint's answers, by pyoxigraph within a row limit -------------------


@dataclass(frozen=True)
class Written:
    """An answer's bytes, how many rows (solutions or triples) it holds, and whether the limit cut it."""

    body: bytes
    rows: int
    truncated: bool = False


class _Full(Exception):
    """Raised into pyoxigraph's writer to stop it: the answer has more lines than it may."""


class _Lines:
    """A binary file for pyoxigraph's writers that counts lines and stops the writer past ``limit`` lines."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.parts: list[bytes] = []
        self.lines = 0

    def write(self, data: bytes) -> int:
        if self.full:  # pyoxigraph flushes its buffer once more while unwinding: not part of the answer
            raise _Full
        self.parts.append(data)
        self.lines += data.count(b"\n")
        if self.lines > self.limit:
            raise _Full
        return len(data)

    def flush(self) -> None:
        return None

    @property
    def full(self) -> bool:
        return self.lines > self.limit

    def text(self) -> bytes:
        """What was written, cut after line ``limit`` when there is more."""
        if not self.full:
            return b"".join(self.parts)
        last = self.parts[-1]
        keep = self.limit - (self.lines - last.count(b"\n"))  # lines of the last part to keep
        end = -1
        for _ in range(keep):
            end = last.index(b"\n", end + 1)
        return b"".join(self.parts[:-1]) + last[: end + 1]


def solutions(result: ox.QuerySolutions, kind: str, max_rows: int, *, link: str | None = None) -> Written:
    """SELECT solutions as ``kind`` (json, xml, csv, tsv): at most ``max_rows`` of them.

    A cut answer says so in its head where the format has one (``link`` in JSON and XML,
    to a document about the limit); the HTTP layer adds a header for every format."""
    lines = _Lines(max_rows + 1)  # the header line, then one line per solution
    with contextlib.suppress(_Full):
        result.serialize(cast(IO[bytes], lines), ox.QueryResultsFormat.TSV)
    tsv = lines.text()
    if kind == "tsv":
        body = tsv
    else:
        parsed = ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV)
        assert isinstance(parsed, ox.QuerySolutions)
        if kind == "json":
            body = parsed.serialize(format=ox.QueryResultsFormat.JSON) or b""
        else:
            # pyoxigraph's XML writer leaves a carriage return raw (read back as a line feed) and its CSV
            # writer does not quote an IRI holding a comma (HAZARDS): ours keep both (tests/security/test_hostile_*).
            variables = [v.value for v in parsed.variables]
            body = write_solutions(variables, ([s[v] for v in variables] for s in parsed), kind)
    if lines.full and link:
        body = _with_link(body, kind, link)
    return Written(body, max_rows if lines.full else max(0, lines.lines - 1), lines.full)


def _with_link(body: bytes, kind: str, link: str) -> bytes:
    """The answer with ``link`` in its head (SPARQL 1.1 JSON results §3.1; XML results §2.3)."""
    if kind == "json":
        # pyoxigraph writes {"head":{"vars":[...]}: variable names hold no "]".
        end = body.index(b"]", body.index(b'"vars":[')) + 1
        return body[:end] + b',"link":' + json.dumps([link]).encode() + body[end:]
    if kind == "xml":
        end = body.index(b"</head>")
        return body[:end] + f"<link href={quoteattr(link)}/>".encode() + body[end:]
    return body


def graph(result: Iterable[ox.Triple], fmt: ox.RdfFormat, max_rows: int) -> Written:
    """CONSTRUCT or DESCRIBE triples in ``fmt``: at most ``max_rows`` of them, prefixes where the format has them."""
    lines = _Lines(max_rows)  # N-Triples: one line per triple
    with contextlib.suppress(_Full):
        ox.serialize(result, cast(IO[bytes], lines), format=ox.RdfFormat.N_TRIPLES)
    nt = lines.text()
    count = max_rows if lines.full else lines.lines
    if fmt == ox.RdfFormat.N_TRIPLES:
        return Written(nt, count, lines.full)
    parsed = ox.parse(nt, format=ox.RdfFormat.N_TRIPLES)
    if fmt == ox.RdfFormat.RDF_XML:  # with its carriage returns kept (rdfxml.py)
        return Written(rdfxml.serialize(list(parsed), PREFIXES), count, lines.full)
    if fmt == ox.RdfFormat.TURTLE:
        body = ox.serialize(parsed, format=fmt, prefixes=PREFIXES)
    else:
        body = ox.serialize(parsed, format=fmt)
    return Written(body or b"", count, lines.full)
