"""A SPARQL tokenizer that finds what the endpoint must refuse before the engine sees a request.

pyoxigraph has no parse-only API, and its parser crashes the process on deep nesting
(shared/HAZARDS.md), so the checks cannot ask the engine. A regular expression over the
raw text cannot tell ``SERVICE`` the keyword from ``"SERVICE"`` in a string, ``# SERVICE``
in a comment or ``?service`` the variable; this scanner can, because it follows the
SPARQL 1.1 terminals (§19.8) for strings, comments, IRIs, variables and prefixed names.
It does not parse the grammar: it only needs keywords, their bracket depth and positions.

>>> shape = scan('SELECT * WHERE { ?s ?p "SERVICE" # SERVICE\\n }')
>>> shape.has_keyword("SERVICE"), shape.max_depth, shape.form
(False, 1, 'SELECT')
>>> scan("select * { service <http://127.0.0.1/> { ?s ?p ?o } }").has_keyword("SERVICE")
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

# Terminals of the SPARQL 1.1 grammar (§19.8), in the order a lexer must try them.
_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+)
  | (?P<bnode>_:[\w.\-\u00b7]*)
  | (?P<word>(?:[^\W\d]|_)[\w\-.\u00b7]*(?::[\w\-.:%\\\u00b7]*)?|:[\w\-.:%\\\u00b7]*)
  | (?P<number>[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?))
  | (?P<open>[{(\[])
  | (?P<close>[})\]])
  | (?P<punct>\^\^|&&|\|\||<=|>=|!=|[.,;*=<>!+\-/|^@])
    """,
    re.VERBOSE | re.UNICODE,
)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}


class ScanError(ValueError):
    """Text the scanner cannot split into SPARQL tokens (the engine would reject it too)."""


class Token(NamedTuple):
    # A tuple, not a dataclass: a query has hundreds of tokens and the endpoint scans every
    # query it has not seen before, so creating them is most of a scan's cost.
    kind: str
    text: str
    start: int
    depth: int

    @property
    def keyword(self) -> str | None:
        """The upper-cased keyword if this token is a bare word (not a prefixed name)."""
        return self.text.upper() if self.kind == "word" and ":" not in self.text else None


@dataclass(frozen=True)
class Shape:
    """What the checks need to know about a query or update."""

    tokens: tuple[Token, ...]
    max_depth: int
    keywords: frozenset[str] = field(default_factory=frozenset)

    def has_keyword(self, word: str) -> bool:
        return word.upper() in self.keywords

    @property
    def form(self) -> str | None:
        """SELECT, ASK, CONSTRUCT or DESCRIBE: the first such keyword outside any braces."""
        for token in self.tokens:
            if token.depth == 0 and token.keyword in _FORMS:
                return token.keyword
        return None

    def top_level(self, word: str) -> list[Token]:
        """The tokens of a keyword outside any braces, in order."""
        return [t for t in self.tokens if t.depth == 0 and t.keyword == word.upper()]


def tokens(text: str) -> list[Token]:
    """Split SPARQL text into tokens with their bracket depth. Raises ScanError at the first unknown character."""
    out: list[Token] = []
    append = out.append
    depth = 0
    pos = 0
    # finditer finds the same matches as matching at each position in turn, as long as each one
    # starts where the last ended; a gap is a character no terminal matches.
    for match in _TOKEN.finditer(text):
        start, end = match.span()
        if start != pos or end == start:
            break
        pos = end
        kind = match.lastgroup or ""
        if kind == "ws" or kind == "comment":
            continue
        if kind == "word" and text[end - 1] == ".":
            # A name cannot end with ".", so "ex:a." is the name "ex:a" and the triple's full stop.
            stop = end
            while text[stop - 1] == "." and stop - 1 > start:
                stop -= 1
            append(Token(kind, text[start:stop], start, depth))
            for dot in range(stop, end):
                append(Token("punct", ".", dot, depth))
            continue
        if kind == "close":
            depth -= 1
        append(Token(kind, match.group(), start, depth))
        if kind == "open":
            depth += 1
    if pos < len(text):
        raise ScanError(f"unexpected character {text[pos]!r} at offset {pos}")
    return out


def decode_escapes(text: str) -> str:
    """The text with its ``\\uXXXX`` and ``\\UXXXXXXXX`` escapes decoded (SPARQL 1.1 §19.2)."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


def scan(text: str) -> Shape:
    """Tokens, keywords and the deepest bracket nesting of ``text``.

    SPARQL allows ``\\uXXXX`` escapes anywhere in a query, decoded before parsing (§19.2).
    Our engine does not decode them, but another might, so keywords are collected from the
    decoded text too: ``\\u0053ERVICE`` counts as SERVICE.
    """
    toks = tokens(text)
    keywords = {t.keyword for t in toks if t.keyword}
    decoded = decode_escapes(text)
    if decoded != text:
        try:
            keywords |= {t.keyword for t in tokens(decoded) if t.keyword}
        except ScanError:
            # Decoding can unbalance a string; then look for keywords as bare words.
            keywords |= {w.upper() for w in re.findall(r"[A-Za-z]+", decoded)}
    max_depth = 0
    for token in toks:
        if token.kind == "open":
            max_depth = max(max_depth, token.depth + 1)
    return Shape(tuple(toks), max_depth, frozenset(k for k in keywords if k))
