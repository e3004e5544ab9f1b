"""The triple patterns of a SPARQL SELECT, by scope: a small reader for :mod:`ksgraph.validation.sparql_reads`.

rdflib's SPARQL parser (pyparsing) needs about half a second per constraint query, which made
finding an import's focus cost more than validating it. This reader understands what a
constraint's WHERE clause is made of — triple patterns with property paths, nested groups,
``OPTIONAL``, ``MINUS``, ``UNION``, ``FILTER`` with ``(NOT) EXISTS``, ``BIND``, ``VALUES`` and
sub-selects — and raises :class:`Unreadable` on anything else (blank node syntax, ``GRAPH``,
``SERVICE``), so the caller can fall back on rdflib. tests/validation/test_incremental_focus.py checks that
both give the same reads for every constraint of shapes/.
"""

from __future__ import annotations

import re
from typing import Any, Generic, TypeVar
from typing import Literal as Exactly

from rdflib import paths as rp
from rdflib.namespace import RDF, XSD
from rdflib.term import Literal, Node, URIRef, Variable

_TOKENS = re.compile(
    r"""(?P<ws>\s+|\#[^\n]*)
    |(?P<iri><[^<>"{}|^`\\\s]*>)
    |(?P<string>(?:\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
        (?:@[A-Za-z]+(?:-[A-Za-z0-9]+)*)?)
    |(?P<var>[?$][A-Za-z0-9_]+)
    |(?P<pname>(?:[A-Za-z][\w\-.]*)?:(?:(?:[\w\-:%]|\\[^\s])(?:(?:[\w\-.:%]|\\[^\s])*(?:[\w\-:%]|\\[^\s]))?)?)
    |(?P<number>[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)
    |(?P<name>[A-Za-z_][A-Za-z0-9_]*)
    |(?P<punct>\^\^|&&|\|\||!=|<=|>=|[{}()\[\].;,|/^*+?!=<>\-])""",
    re.VERBOSE,
)
_KEYWORDS = {"optional", "minus", "union", "filter", "bind", "values", "graph", "service", "select", "where", "as"}


class Unreadable(Exception):
    """The query uses syntax this reader does not follow."""


def tokens(text: str) -> list[tuple[str, str]]:
    out, at = [], 0
    while at < len(text):
        m = _TOKENS.match(text, at)
        if m is None:
            raise Unreadable(f"cannot read {text[at : at + 20]!r}")
        at = m.end()
        kind = m.lastgroup or ""
        if kind != "ws":
            out.append((kind, m.group()))
    return out


# The group class of sparql_reads, passed in (it imports this module).
G = TypeVar("G")
_REPEATS: dict[str, Exactly["*", "+", "?"]] = {"*": "*", "+": "+", "?": "?"}


class Reader(Generic[G]):
    """Reads one SELECT query into a :class:`~ksgraph.validation.sparql_reads.Group` tree."""

    def __init__(self, text: str, prefixes: dict[str, str], group: type[G]) -> None:
        self.toks = tokens(text)
        self.at = 0
        self.prefixes = dict(prefixes)
        self.Group = group

    # -- tokens ------------------------------------------------------------------------

    def peek(self, ahead: int = 0) -> tuple[str, str]:
        i = self.at + ahead
        return self.toks[i] if i < len(self.toks) else ("end", "")

    def word(self, ahead: int = 0) -> str:
        kind, value = self.peek(ahead)
        return value.lower() if kind == "name" else ""

    def take(self, expected: str | None = None) -> tuple[str, str]:
        tok = self.peek()
        if tok[0] == "end" or (expected is not None and tok[1] != expected and tok[1].lower() != expected):
            raise Unreadable(f"expected {expected!r}, found {tok[1]!r}")
        self.at += 1
        return tok

    # -- the query ---------------------------------------------------------------------

    def query(self) -> G:
        while self.word() in ("prefix", "base"):
            if self.word() == "base":
                raise Unreadable("BASE")
            self.take()
            name = self.take()[1]
            self.prefixes[name[:-1]] = self.take()[1][1:-1]
        if self.word() != "select":
            raise Unreadable("not a SELECT query")
        top = self.Group()
        self.subselect(top)
        return top

    def subselect(self, group: Any) -> None:
        """SELECT … WHERE { … } and its solution modifiers; the WHERE clause's patterns go into ``group``."""
        self.take("select")
        while self.peek()[1] != "{":
            self.take()
        self.take("{")
        self.body(group)

    def body(self, group: Any) -> None:
        """The inside of a group graph pattern, up to and including its ``}``."""
        while self.peek()[1] != "}":
            kind, value = self.peek()
            word = self.word()
            if value == "{":
                self.braced(group)
            elif word in ("optional", "minus"):
                self.take()
                self.take("{")
                inner = self.Group()
                self.body(inner)
                group.children.append(inner)
            elif word == "filter":
                self.take()
                self.constraint(group)
            elif word == "bind":
                self.take()
                self.take("(")
                found = self.expression(group, stop="as")
                self.take("as")
                target = Variable(self.take()[1][1:])
                self.take(")")
                group.links.extend((v, target) for v in found)
            elif word == "values":
                self.take()
                self.values()
            elif word in ("graph", "service") or kind == "end":
                raise Unreadable(word or "unexpected end")
            elif value == ".":
                self.take()
            else:
                self.triples(group)
        self.take("}")

    def braced(self, group: Any) -> None:
        """``{ … }``, a sub-select, or ``{ … } UNION { … }``: the same scope, its own, or one per branch."""
        branches: list[Any] = []  # groups, as ``group`` (the Group class is sparql_reads')
        while True:
            self.take("{")
            inner = self.Group()
            if self.word() == "select":
                self.subselect(inner)
                while self.peek()[1] != "}":
                    self.take()  # GROUP BY, ORDER BY, LIMIT … of the sub-select
                self.take("}")
                group.children.append(inner)
                return
            self.body(inner)
            branches.append(inner)
            if self.word() != "union":
                break
            self.take()
        if len(branches) > 1:
            group.children.extend(branches)
            return
        group.patterns.extend(branches[0].patterns)
        group.links.extend(branches[0].links)
        group.children.extend(branches[0].children)

    def values(self) -> None:
        if self.peek()[1] == "(":
            while self.take()[1] != ")":
                pass
        else:
            self.take()
        self.take("{")
        depth = 1
        while depth:
            value = self.take()[1]
            depth += {"{": 1, "}": -1}.get(value, 0)

    def constraint(self, group: Any) -> None:
        if self.peek()[1] == "(":
            self.take()
            self.expression(group)
            self.take(")")
        elif self.word() in ("not", "exists"):
            self.exists(group)
        else:
            self.take()  # a function's name
            self.take("(")
            self.expression(group)
            self.take(")")

    def exists(self, group: Any) -> None:
        if self.word() == "not":
            self.take()
        self.take("exists")
        self.take("{")
        inner = self.Group()
        self.body(inner)
        group.children.append(inner)

    def expression(self, group: Any, stop: str | None = None) -> set[Variable]:
        """Tokens up to the ``)`` that closes the current one (or ``stop``); its variables, and EXISTS as scopes."""
        found: set[Variable] = set()
        depth = 0
        while True:
            kind, value = self.peek()
            if kind == "end":
                raise Unreadable("unclosed expression")
            if depth == 0 and (value == ")" or (stop is not None and self.word() == stop)):
                return found
            if self.word() in ("not", "exists") and (self.word() == "exists" or self.word(1) == "exists"):
                self.exists(group)
                continue
            if value == "(":
                depth += 1
            elif value == ")":
                depth -= 1
            elif kind == "var":
                found.add(Variable(value[1:]))
            elif value in ("{", "}"):
                raise Unreadable("a group inside an expression")
            self.take()

    # -- triples -----------------------------------------------------------------------

    def triples(self, group: Any) -> None:
        subject = self.term()
        while True:
            verb = self.path()
            while True:
                group.patterns.append((subject, verb, self.term()))
                if self.peek()[1] != ",":
                    break
                self.take()
            if self.peek()[1] != ";":
                return
            while self.peek()[1] == ";":
                self.take()
            if self.peek()[1] in (".", "}", "{") or self.word() in _KEYWORDS:
                return

    def term(self) -> Node:
        kind, value = self.take()
        if kind == "var":
            return Variable(value[1:])
        if kind in ("iri", "pname"):
            return self.iri(kind, value)
        if kind == "string":
            return self.literal(value)
        if kind == "number":
            return Literal(value, datatype=XSD.decimal if "." in value else XSD.integer)
        if kind == "name" and value in ("true", "false"):
            return Literal(value, datatype=XSD.boolean)
        raise Unreadable(f"a term {value!r}")

    def literal(self, value: str) -> Literal:
        quote = 3 if value[:3] in ('"""', "'''") else 1
        end = value.rindex(value[0] * quote)
        lexical, rest = value[quote:end], value[end + quote :]
        if self.peek()[1] == "^^":
            self.take()
            kind, iri = self.take()
            return Literal(lexical, datatype=self.iri(kind, iri))
        return Literal(lexical, lang=rest[1:] or None)

    def iri(self, kind: str, value: str) -> URIRef:
        if kind == "iri":
            return URIRef(value[1:-1])
        prefix, _, local = value.partition(":")
        if prefix not in self.prefixes:
            raise Unreadable(f"unknown prefix {prefix}:")
        return URIRef(self.prefixes[prefix] + re.sub(r"\\(.)", r"\1", local))

    def path(self) -> Any:
        kind, value = self.peek()
        if kind == "var":
            self.take()
            return Variable(value[1:])
        alternatives = [self.sequence()]
        while self.peek()[1] == "|":
            self.take()
            alternatives.append(self.sequence())
        return alternatives[0] if len(alternatives) == 1 else rp.AlternativePath(*alternatives)

    def sequence(self) -> Any:
        steps = [self.inverse()]
        while self.peek()[1] == "/":
            self.take()
            steps.append(self.inverse())
        return steps[0] if len(steps) == 1 else rp.SequencePath(*steps)

    def inverse(self) -> Any:
        if self.peek()[1] == "^":
            self.take()
            return rp.InvPath(self.element())
        return self.element()

    def element(self) -> Any:
        kind, value = self.take()
        if value == "(":
            primary = self.path()
            self.take(")")
        elif value == "!":
            primary = rp.NegatedPath(RDF.nil)
            if self.take()[1] == "(":
                while self.take()[1] != ")":
                    pass
        elif kind == "name" and value == "a":
            primary = RDF.type
        elif kind in ("iri", "pname"):
            primary = self.iri(kind, value)
        else:
            raise Unreadable(f"a path {value!r}")
        if self.peek()[0] == "punct" and self.peek()[1] in ("*", "+", "?"):
            return rp.MulPath(primary, _REPEATS[self.take()[1]])
        return primary
