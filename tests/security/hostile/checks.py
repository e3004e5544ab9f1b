"""What "nothing from the data runs" means for each kind of output, checked with real parsers.

Each function returns the problems it finds (empty: the output is safe and carries the data).
They parse what they check — HTML with an HTML5 parser (the algorithm browsers run), XML
and SVG with expat, workbooks with openpyxl and their raw sheet XML, RDF with two
independent parsers — and never search the text for strings.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Iterable
from xml.etree import ElementTree as ET

import html5rdf
import openpyxl
import pyoxigraph as ox
import rdflib

from ksgraph.tabular.cells import FORMULA_START

# Everything the page templates write (http/templates: the resource pages and the site's landing,
# search, browse, structure and named-query pages) and the pictures add: an element or attribute
# outside these lists came from the data. No <script>: the pages run none (the editor at /sparql,
# which does, is not fed text from the data).
HTML_ELEMENTS = {
    *"html head meta title link style body header main footer nav section h1 h2 h3 p br code pre".split(),
    *"span div a strong dl dt dd details summary".split(),
    *"table tbody thead tr th td ul ol li".split(),
    *"form label input button select option".split(),
    *"svg defs marker path line g rect text tspan circle".split(),
}
HTML_ATTRIBUTES = {
    *"lang hreflang charset name content rel type href class title role id".split(),
    *"aria-labelledby aria-describedby aria-label aria-current".split(),
    *"action method for value placeholder pattern inputmode scope".split(),
    *"width height viewBox xmlns refX refY markerWidth markerHeight orient d fill x1 y1 x2 y2 stroke".split(),
    *"stroke-width stroke-dasharray marker-end x y dy rx text-anchor font-weight font-style cx cy r".split(),
    *"font-family font-size".split(),
}
SVG_ELEMENTS = {"svg", "title", "g", "circle", "rect", "text", "tspan", "line", "a"}
LINK_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background"}
SAFE_SCHEMES = {None, "http", "https"}
# What a terminal or a reader must never receive raw from the data (the line break only as ksgraph's own).
HIDDEN = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb\ufffe\uffff]"
)
SPARQL_RESULTS = "{http://www.w3.org/2005/sparql-results#}"

Problems = list[str]


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def _attribute(name: str) -> str:
    return "xlink:href" if name == "{http://www.w3.org/1999/xlink}href" else _local(name)


def scheme(url: str) -> str | None:
    """The scheme a browser sees: after dropping the whitespace and controls URL parsing drops."""
    cleaned = re.sub(r"[\x00-\x20\x7f]", "", url).lower()
    found = re.match(r"([a-z][a-z0-9+.-]*):", cleaned)
    return found.group(1) if found else None


def _element_problems(root: ET.Element, allowed_elements: set[str], allowed_attributes: set[str]) -> Problems:
    problems = []
    styles = 0
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # a comment
        name = _local(element.tag)
        styles += name == "style"
        if name not in allowed_elements:
            problems.append(f"element <{name}> from the data")
        for raw, value in element.attrib.items():
            attribute = _attribute(raw)
            if attribute.lower().startswith("on"):
                problems.append(f"event handler {attribute}={value!r} on <{name}>")
            elif attribute not in allowed_attributes:
                problems.append(f"attribute {attribute}={value!r} on <{name}> from the data")
            if attribute in LINK_ATTRIBUTES and scheme(value) not in SAFE_SCHEMES:
                problems.append(f"link with a scripting scheme: <{name} {attribute}={value!r}>")
    if styles > 1:
        problems.append(f"{styles} <style> elements; the template has one")
    return problems


def html_tree(document: str) -> ET.Element:
    return html5rdf.parse(document, treebuilder="etree", namespaceHTMLElements=False)


def html_problems(document: str) -> Problems:
    return _element_problems(html_tree(document), HTML_ELEMENTS, HTML_ATTRIBUTES)


NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ufffd]")


def shown(text: str) -> str:
    """``text`` as a page or picture shows it: line ends normalised (HTML and XML parsers do), and without
    the characters XML cannot carry (the HTML parser drops a NUL, the SVG writer shows them as U+FFFD)."""
    return NOT_XML.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def texts_of(root: ET.Element, tag: str) -> list[str]:
    return [shown("".join(e.itertext())) for e in root.iter() if isinstance(e.tag, str) and _local(e.tag) == tag]


def svg_problems(document: str) -> Problems:
    """A standalone SVG: well-formed XML, only the timeline's own elements and attributes."""
    try:
        root = ET.fromstring(document)
    except ET.ParseError as exc:
        return [f"not well-formed XML: {exc}"]
    return _element_problems(root, SVG_ELEMENTS, HTML_ATTRIBUTES)


def xlsx_problems(path: object) -> Problems:
    """No formula cell, as openpyxl reads it and as the sheet XML says (an <f> element)."""
    problems = []
    workbook = openpyxl.load_workbook(path)  # type: ignore[arg-type]
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            problems += [f"formula cell {c.coordinate}: {c.value!r}" for c in row if c.data_type == "f"]
    with zipfile.ZipFile(path) as archive:  # type: ignore[arg-type]
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                root = ET.fromstring(archive.read(name))
                problems += [f"{name}: <f> element" for e in root.iter() if _local(e.tag) == "f"]
    return problems


def csv_fields(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def csv_problems(text: str) -> Problems:
    """No field that a spreadsheet program would start to evaluate."""
    return [
        f"field {f!r} begins like a formula" for row in csv_fields(text) for f in row if f.startswith(FORMULA_START)
    ]


def text_problems(text: str, forged: Iterable[str] = ()) -> Problems:
    """Plain text for a terminal: no raw control, bidi or invisible character; no forged line."""
    problems = [f"raw U+{ord(m.group()):04X} at {m.start()}" for m in HIDDEN.finditer(text)]
    lines = text.split("\n")
    problems += [f"a line of the data's own: {line!r}" for line in forged if line in lines]
    return problems


def junit_problems(document: str) -> Problems:
    try:
        root = ET.fromstring(document)
    except ET.ParseError as exc:
        return [f"not well-formed XML: {exc}"]
    problems = [
        f"element <{e.tag}>" for e in root.iter() if e.tag not in {"testsuite", "testcase", "failure", "system-out"}
    ]
    for element in root.iter():
        for text in (element.text or "", *element.attrib.values()):
            problems += text_problems(text)
    return problems


def json_problems(document: str) -> Problems:
    try:
        json.loads(document)
    except ValueError as exc:
        return [f"not JSON: {exc}"]
    return []


# -- RDF: two independent parsers, one graph ---------------------------------------------

RDFLIB_FORMATS = {
    ox.RdfFormat.TURTLE: "turtle",
    ox.RdfFormat.TRIG: "trig",
    ox.RdfFormat.N_QUADS: "nquads",
    ox.RdfFormat.N_TRIPLES: "nt",
    ox.RdfFormat.JSON_LD: "json-ld",
    ox.RdfFormat.RDF_XML: "xml",
}
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _ox(term: rdflib.term.Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    assert isinstance(term, rdflib.Literal)
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD_STRING)))


def parse_both(data: bytes, fmt: ox.RdfFormat) -> tuple[set[ox.Quad], set[ox.Quad]]:
    """The quads as pyoxigraph and as rdflib read them (default graph: ``DefaultGraph``)."""
    by_oxigraph = set(ox.parse(data, format=fmt))
    dataset = rdflib.Dataset()
    dataset.parse(data=data, format=RDFLIB_FORMATS[fmt])
    by_rdflib = set()
    default = dataset.default_graph.identifier
    for s, p, o, g in dataset.quads((None, None, None, None)):
        g = g.identifier if isinstance(g, rdflib.Graph) else g
        name = ox.DefaultGraph() if g is None or g == default else ox.NamedNode(str(g))
        by_rdflib.add(ox.Quad(_ox(s), _ox(p), _ox(o), name))  # type: ignore[arg-type]
    return by_oxigraph, by_rdflib


def rdf_problems(data: bytes, fmt: ox.RdfFormat, expected: set[ox.Quad], *, exact: bool = True) -> Problems:
    """Both parsers read ``expected`` (exactly, or at least with ``exact`` False). No blank nodes here."""
    try:
        by_oxigraph, by_rdflib = parse_both(data, fmt)
    except Exception as exc:  # any parser's refusal is the finding
        return [f"does not parse as {fmt}: {type(exc).__name__}: {exc}"[:500]]
    problems = []
    for parser, found in (("pyoxigraph", by_oxigraph), ("rdflib", by_rdflib)):
        missing = expected - found
        extra = found - expected if exact else set()
        problems += [f"{parser} misses {q}"[:300] for q in sorted(missing, key=str)[:5]]
        problems += [f"{parser} reads an extra {q}"[:300] for q in sorted(extra, key=str)[:5]]
    if by_oxigraph != by_rdflib:
        problems.append(f"the two parsers disagree ({len(by_oxigraph ^ by_rdflib)} quads)")
    return problems


def isomorphic_problems(data: bytes, fmt: ox.RdfFormat, expected: rdflib.Graph) -> Problems:
    """For outputs with blank nodes (the validation report): both parsers give a graph isomorphic to ``expected``."""
    problems = []
    try:
        by_rdflib = rdflib.Graph().parse(data=data, format=RDFLIB_FORMATS[fmt])
        by_oxigraph = rdflib.Graph()
        for quad in ox.parse(data, format=fmt):
            by_oxigraph.add(tuple(_rdflib(t) for t in (quad.subject, quad.predicate, quad.object)))  # type: ignore[arg-type]
    except Exception as exc:
        return [f"does not parse as {fmt}: {type(exc).__name__}: {exc}"[:500]]
    want = _canonical(expected)
    for parser, graph in (("rdflib", by_rdflib), ("pyoxigraph", by_oxigraph)):
        found = _canonical(graph)
        if found != want:
            differ = sorted(set(found) ^ set(want))[:3]
            problems.append(
                f"{parser} reads a graph that is not the report ({len(graph)} vs {len(expected)}): {differ}"
            )
    return problems


def _canonical(graph: rdflib.Graph) -> list[str]:
    """The triples, each blank node named by a hash of what hangs below it: equal lists are isomorphic
    graphs when blank nodes form no cycle (a SHACL report is a tree; a cycle raises)."""
    names: dict[rdflib.term.Node, str] = {}

    def name(node: rdflib.term.Node, seen: frozenset = frozenset()) -> str:
        if not isinstance(node, rdflib.BNode):
            return node.n3()
        if node in seen:
            raise ValueError("blank nodes in a cycle")
        if node not in names:
            below = sorted(f"{p.n3()} {name(o, seen | {node})}" for p, o in graph.predicate_objects(node))
            names[node] = "_:" + hashlib.sha256("\n".join(below).encode("utf-8", "surrogatepass")).hexdigest()
        return names[node]

    return sorted(f"{name(s)} {p.n3()} {name(o)}" for s, p, o in graph)


def _rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> rdflib.term.Node:
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    datatype = None if term.datatype.value == XSD_STRING else rdflib.URIRef(term.datatype.value)
    return rdflib.Literal(term.value, datatype=datatype, normalize=False)


# -- SPARQL results: each format read back by its own grammar ---------------------------

Row = tuple[object, ...]


def results_rows(data: bytes, kind: str) -> list[Row]:
    """The solutions of a SELECT answer: RDF terms (JSON, XML, TSV) or strings (CSV, as its spec has them)."""
    text = data.decode("utf-8")
    if kind == "json":
        doc = json.loads(text)
        names = doc["head"]["vars"]
        return [tuple(_json_term(b.get(v)) for v in names) for b in doc["results"]["bindings"]]
    if kind == "xml":
        root = ET.fromstring(data)
        names = [v.get("name") for v in root.iter(SPARQL_RESULTS + "variable")]
        out = []
        for result in root.iter(SPARQL_RESULTS + "result"):
            bound = {b.get("name"): _xml_term(b[0]) for b in result.iter(SPARQL_RESULTS + "binding")}
            out.append(tuple(bound.get(v) for v in names))
        return out
    if kind == "csv":
        return [tuple(row) for row in csv_fields(text)[1:]]
    assert kind == "tsv"
    rows = []
    for line in text.split("\n")[1:]:
        if line:
            # Each cell is one term in its N-Triples form; three cells make an N-Triples statement.
            statement = " ".join(line.split("\t")) + " ."
            triple = next(iter(ox.parse(statement.encode(), format=ox.RdfFormat.N_TRIPLES))).triple
            rows.append((triple.subject, triple.predicate, triple.object))
    return rows


def _json_term(binding: dict | None) -> object:
    if binding is None:
        return None
    if binding["type"] == "uri":
        return ox.NamedNode(binding["value"])
    if binding["type"] == "bnode":
        return ox.BlankNode(binding["value"])
    if "xml:lang" in binding:
        return ox.Literal(binding["value"], language=binding["xml:lang"])
    return ox.Literal(binding["value"], datatype=ox.NamedNode(binding.get("datatype", XSD_STRING)))


def _xml_term(element: ET.Element) -> object:
    name, text = _local(element.tag), element.text or ""
    if name == "uri":
        return ox.NamedNode(text)
    if name == "bnode":
        return ox.BlankNode(text)
    language = element.get("{http://www.w3.org/XML/1998/namespace}lang")
    if language:
        return ox.Literal(text, language=language)
    return ox.Literal(text, datatype=ox.NamedNode(element.get("datatype", XSD_STRING)))


def results_problems(data: bytes, kind: str, expected: set[ox.Triple]) -> Problems:
    """The answer reads back, by its format's own rules, as exactly the expected solutions."""
    if kind == "xml":
        try:
            root = ET.fromstring(data)
        except ET.ParseError as exc:
            return [f"not well-formed XML: {exc}"]
        allowed = {"sparql", "head", "variable", "results", "result", "binding", "uri", "bnode", "literal"}
        bad = [_local(e.tag) for e in root.iter() if _local(e.tag) not in allowed]
        if bad:
            return [f"elements from the data: {sorted(set(bad))}"]
    try:
        found = set(results_rows(data, kind))
    except Exception as exc:
        return [f"does not read back as {kind}: {type(exc).__name__}: {exc}"[:500]]
    if kind == "csv":  # SPARQL 1.1 CSV: the plain strings of the terms, nothing else
        want: set[Row] = {(t.subject.value, t.predicate.value, t.object.value) for t in expected}  # type: ignore[union-attr]
    else:
        want = {(t.subject, t.predicate, t.object) for t in expected}
    problems = [f"misses {row}"[:300] for row in sorted(want - found, key=str)[:5]]
    problems += [f"reads an extra {row}"[:300] for row in sorted(found - want, key=str)[:5]]
    return problems
