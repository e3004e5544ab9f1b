"""The hostile corpus: what a data author could write to attack whoever reads ksgraph's output.

Texts go into labels, names, notes and descriptions of real-looking resources; IRIs are
made subjects and link targets. One graph (:data:`GRAPH`) holds what every format can
carry; a second (:data:`CONTROLS_GRAPH`) holds the texts with characters XML cannot carry
at all (NUL and most other C0 controls, U+FFFE, U+FFFF), which only formats with escapes for
them receive. Lone surrogates cannot reach a writer: no RDF store holds them (see
``test_hostile_import.py``).
"""

from __future__ import annotations

import re

import pyoxigraph as ox

from ksgraph.core.vocab import DCTERMS, ID, KS, ORG, RDF, RDFS, SKOS, TIME, XSD, data_graph

FOAF = "http://xmlns.com/foaf/0.1/"
GRAPH = data_graph("hostile")
CONTROLS_GRAPH = data_graph("hostile-controls")
SOURCE = ID + "source/000/sammansattning"
SKS = ID + "group/sks"

# name → text. Each is the prefLabel (sv and en), altLabel, note and description of one NPO,
# the foaf:name of one person (a member of that NPO) and the label of its founding event.
TEXTS: dict[str, str] = {
    # Spreadsheet formulas (OWASP "CSV Injection"), and the escape character itself.
    "hyperlink": '=HYPERLINK("http://evil.example/","click")',
    "plus": "+1+cmd|' /C calc'!A0",
    "minus": "-2+3+cmd|' /C calc'!A0",
    "at": "@SUM(1+1)*cmd|' /C calc'!A0",
    "tab": "\t=1+1",
    "cr": "\r=2+2",
    "apostrophe": "'=looks escaped already",
    "apostrophes": "''two apostrophes",
    "dde": "=cmd|' /C notepad'!'A1'",
    # Markup for HTML and SVG.
    "script": '<script>alert("xss")</script>',
    "img": "<img src=x onerror=alert(1)>",
    "attribute": '"><script>alert(2)</script>',
    "single-quote": "' onmouseover='alert(3)' x='",
    "svg-text": "</text><script>alert(4)</script><text>",
    "svg-title": "</title><script>alert(5)</script><title>",
    "cdata": "]]><script>alert(6)</script><![CDATA[",
    "comment": "--><script>alert(7)</script><!--",
    "style": "</style><script>alert(8)</script>",
    "svg-onload": '<svg onload="alert(9)"><foreignObject><iframe src="javascript:alert(10)"/></foreignObject></svg>',
    "javascript-text": "javascript:alert(11)",
    "entity": "&lt;script&gt;alert(12)&lt;/script&gt; &amp;amp; &#60;b&#62;",
    "jinja": "{{ 7*7 }} {% raw %} ${7*7}",
    # Syntax of the RDF formats and of JSON.
    "turtle": '" . <http://evil.example/s> <http://evil.example/p> "injected" . #',
    "turtle-long": '"""\n<http://evil.example/s> <http://evil.example/p> <http://evil.example/o> .\n"""',
    "json-ld": '{"@context": "http://evil.example/context.jsonld", "@id": "http://evil.example/"}',
    "json": '"}, {"@id": "http://evil.example/", "@type": "@json", "x": "',
    "xml": '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>&e;',
    "backslash": "back\\slash \\u0041 \\n \\",
    "csv": 'a,b;c\r\n"quoted";"=1+1"\n,=2',
    # What a terminal or a reader takes for something else.
    "newline": "Name\n  VIOLATION  forged <https://evil.example/> line",
    "rich": "[link=http://evil.example/]click[/link] [bold red]x[/]",
    "bidi": "abc\u202edcba\u202c \u2066isolate\u2069 \u200fmark \u202bembed\u202c",
    "zero-width": "Akut\u200bvård\u200c\u200d\u2060\ufeff",
    "separators": "line\u2028separator\u2029paragraph\x85next",
    # Sizes and shapes of text.
    "combining": "Z" + "\u0336\u0335\u0334\u0489" * 250,
    "long": "A" * 20_000 + "<script>alert(13)</script>",
    "astral": "\U0001d54f \U0001f9e8 \U0010fffd",
}
# Texts with characters XML cannot carry, not even as character references.
CONTROL_TEXTS: dict[str, str] = {
    # Terminal control sequences: clear the screen, set the title, colour; a terminal hyperlink.
    "ansi": "\x1b[2J\x1b]0;owned\x07\x1b[31mred\x1b[0m",
    "osc8": "\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\",
    "nul": "nul\x00byte",
    "c0": "bell\x07 back\x08 escape\x1b[0m vt\x0b ff\x0c",
    "noncharacter": "non\ufffe\uffffcharacter",
    "nul-formula": "=1+1\x00",
}
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
assert not any(NOT_XML.search(t) for t in TEXTS.values())
assert all(NOT_XML.search(t) for t in CONTROL_TEXTS.values())

# IRIs that are valid (RFC 3987) and still hostile: as pages' subjects and as link targets.
SCRIPT_LINKS = [
    "javascript:alert(document.cookie)",
    "JaVaScRiPt:alert(1)",
    "javascript:%61lert(1)",
    "vbscript:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "data:image/svg+xml,%3Csvg%20onload=alert(1)%3E",
]
SUBJECTS = [
    ID + "npo/x'onmouseover=alert(1)//",
    ID + "npo/rtl\u202eevil",
    ID + "npo/zero\u200bwidth",
    ID + "npo/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
]


# IRIs that a template writes as a cell beginning like a formula: an id path, a source's tail.
DECISION = ID + "decision/hostile-iris"
FORMULA_ACTORS = [ID + "=SUM(1+1)*cmd", ID + "@SUM(1)", ID + "+1+1", ID + "-1+1"]
FORMULA_SOURCE = ID + "source/=HYPERLINK(1)/x"


def npo(key: str) -> str:
    return ID + f"npo/hostile-{key}"


def person(key: str) -> str:
    return ID + f"person/hostile-{key}"


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _resource_quads(key: str, text: str, graph: ox.NamedNode) -> list[ox.Quad]:
    group, who, event = _n(npo(key)), _n(person(key)), _n(ID + f"event/hostile-{key}/founding")
    membership, instant = _n(ID + f"membership/hostile-{key}"), _n(ID + f"event/hostile-{key}/founding/time")
    triples = [
        (group, RDF + "type", _n(KS + "NationalProgrammeArea")),
        (group, SKOS + "prefLabel", ox.Literal(text, language="sv")),
        (group, SKOS + "prefLabel", ox.Literal(text, language="en")),
        (group, SKOS + "altLabel", ox.Literal(text)),
        (group, SKOS + "note", ox.Literal(text, language="sv")),
        (group, DCTERMS + "description", ox.Literal(text)),
        (group, ORG + "reportsTo", _n(SKS)),
        (group, DCTERMS + "source", _n(SOURCE)),
        (who, RDF + "type", _n(FOAF + "Person")),
        (who, FOAF + "name", ox.Literal(text)),
        (membership, RDF + "type", _n(ORG + "Membership")),
        (membership, ORG + "member", who),
        (membership, ORG + "organization", group),
        (membership, ORG + "role", _n(KS + "ordinaryMember")),
        (membership, DCTERMS + "source", _n(SOURCE)),
        (event, RDF + "type", _n(KS + "Founding")),
        (event, SKOS + "prefLabel", ox.Literal(text, language="sv")),
        (event, ORG + "resultingOrganization", group),
        (event, TIME + "hasTime", instant),
        (event, DCTERMS + "source", _n(SOURCE)),
        (instant, RDF + "type", _n(TIME + "Instant")),
        (instant, TIME + "inXSDDate", ox.Literal("2020-01-01", datatype=_n(XSD + "date"))),
    ]
    return [ox.Quad(s, _n(p), o, graph) for s, p, o in triples]


def quads() -> list[ox.Quad]:
    """The XML-safe corpus, in :data:`GRAPH`."""
    graph = _n(GRAPH)
    out = [q for key, text in TEXTS.items() for q in _resource_quads(key, text, graph)]
    first = _n(npo("hyperlink"))
    for link in SCRIPT_LINKS:
        out.append(ox.Quad(first, _n(RDFS + "seeAlso"), _n(link), graph))
        out.append(ox.Quad(_n(link), _n(SKOS + "prefLabel"), ox.Literal(f"link {link}", language="sv"), graph))
    # Units, not groups: no template has rows for them, whose ids must be slugs.
    for n, subject in enumerate(SUBJECTS):
        node = _n(subject)
        out += [
            ox.Quad(node, _n(RDF + "type"), _n(ORG + "OrganizationalUnit"), graph),
            ox.Quad(node, _n(SKOS + "prefLabel"), ox.Literal(f"hostile IRI {n}", language="sv"), graph),
            ox.Quad(node, _n(ORG + "reportsTo"), _n(SKS), graph),
            ox.Quad(node, _n(RDFS + "seeAlso"), _n(SCRIPT_LINKS[n % len(SCRIPT_LINKS)]), graph),
            ox.Quad(node, _n(DCTERMS + "source"), _n(SOURCE), graph),
        ]
    decision = _n(DECISION)
    out += [
        ox.Quad(decision, _n(RDF + "type"), _n(KS + "Decision"), graph),
        ox.Quad(decision, _n(SKOS + "prefLabel"), ox.Literal("hostile IRIs", language="sv"), graph),
        ox.Quad(decision, _n(DCTERMS + "source"), _n(FORMULA_SOURCE), graph),
        ox.Quad(_n(FORMULA_SOURCE), _n(RDF + "type"), _n(KS + "SourceSection"), graph),
    ]
    for actor in FORMULA_ACTORS:
        out.append(ox.Quad(decision, _n(KS + "decidedBy"), _n(actor), graph))
        out.append(ox.Quad(_n(actor), _n(RDF + "type"), _n(ORG + "Organization"), graph))
    # A link in a diagram's row above, with no page of its own.
    out.append(ox.Quad(_n(SUBJECTS[0]), _n(ORG + "reportsTo"), _n(SCRIPT_LINKS[0]), graph))
    return out


def control_quads() -> list[ox.Quad]:
    """The texts XML cannot carry, in :data:`CONTROLS_GRAPH`."""
    graph = _n(CONTROLS_GRAPH)
    return [q for key, text in CONTROL_TEXTS.items() for q in _resource_quads(key, text, graph)]


def all_texts(with_controls: bool) -> dict[str, str]:
    return {**TEXTS, **CONTROL_TEXTS} if with_controls else dict(TEXTS)
