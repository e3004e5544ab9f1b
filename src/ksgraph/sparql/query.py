"""SPARQL over the store: the dataset a query sees, named queries and their typed parameters.

Parameters are bound with pyoxigraph's ``substitutions`` (SEP-0007): a value is a
term, never text spliced into the query, so no parameter can change a query's shape.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ksgraph.core.vocab import PREFIXES, XSD, in_dataset
from ksgraph.store.versions import graph_names, has_materialised_default

PARAM_TYPES = ("iri", "string", "date", "integer", "langstring")


class QueryError(ValueError):
    """A query or parameter that cannot be run as given."""


@dataclass(frozen=True)
class QueryParam:
    name: str
    type: str
    required: bool
    description: str


@dataclass(frozen=True)
class NamedQuery:
    """A query of ``queries/*.rq`` with what its header comment says about it."""

    name: str
    path: Path
    text: str
    title: str
    question: str
    returns: str
    params: tuple[QueryParam, ...] = field(default=())

    def describe(self) -> dict[str, object]:
        return {
            "name": self.name,
            "title": self.title,
            "question": self.question,
            "returns": self.returns,
            "parameters": [p.__dict__ for p in self.params],
        }


_HEADER = re.compile(r"^#\s*(?P<key>[A-Za-z]+)\s*:\s*(?P<value>.*)$")
_PARAM = re.compile(
    r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+(?P<type>[a-z]+)\s+(?P<req>required|optional)\s*(?:[—–-]+\s*(?P<desc>.*))?$"
)


def parse_named_query(path: Path) -> NamedQuery:
    """Read a ``.rq`` file and its header comment (``# title:``, ``# question:``, ``# param:``, ``# returns:``)."""
    text = path.read_text(encoding="utf-8")
    fields: dict[str, list[str]] = {}
    params: list[QueryParam] = []
    last: str | None = None
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        match = _HEADER.match(line)
        if match and match["key"].lower() in {"title", "question", "returns", "param"}:
            key, value = match["key"].lower(), match["value"].strip()
            if key == "param":
                pm = _PARAM.match(value)
                if not pm or pm["type"] not in PARAM_TYPES:
                    raise QueryError(
                        f"{path}: bad parameter line {value!r}; expected "
                        f"'# param: NAME TYPE required|optional — description' with TYPE in {PARAM_TYPES}"
                    )
                params.append(QueryParam(pm["name"], pm["type"], pm["req"] == "required", (pm["desc"] or "").strip()))
                last = None
            else:
                fields.setdefault(key, []).append(value)
                last = key
        elif last is not None and line.strip("# ").strip():
            fields[last].append(line.lstrip("#").strip())
    if "question" not in fields:
        raise QueryError(f"{path}: the header comment must state the question ('# question: …')")
    return NamedQuery(
        name=path.stem,
        path=path,
        text=text,
        title=" ".join(fields.get("title", [path.stem])),
        question=" ".join(fields["question"]),
        returns=" ".join(fields.get("returns", [])),
        params=tuple(params),
    )


def named_queries(directory: Path) -> dict[str, NamedQuery]:
    """All named queries of a directory, by name (the file stem)."""
    return {p.stem: parse_named_query(p) for p in sorted(Path(directory).glob("*.rq"))}


def expand_iri(value: str) -> str:
    """Expand a prefixed name (``id:npo/akut-vard``) with the standard prefixes; keep full IRIs."""
    value = value.strip()
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    prefix, sep, local = value.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    return value


def bind_params(query: NamedQuery, raw: Mapping[str, str]) -> dict[ox.Variable, ox.NamedNode | ox.Literal]:
    """Turn ``name=value`` strings into typed RDF terms for the query's declared parameters."""
    declared = {p.name: p for p in query.params}
    unknown = sorted(set(raw) - set(declared))
    if unknown:
        allowed = ", ".join(declared) or "none"
        raise QueryError(f"query {query.name!r} has no parameter {', '.join(unknown)} (parameters: {allowed})")
    bound: dict[ox.Variable, ox.NamedNode | ox.Literal] = {}
    for param in query.params:
        if param.name not in raw or raw[param.name] == "":
            if param.required:
                raise QueryError(
                    f"query {query.name!r} needs parameter {param.name} ({param.type}): {param.description}"
                )
            continue
        bound[ox.Variable(param.name)] = to_term(param, raw[param.name])
    return bound


def to_term(param: QueryParam, value: str) -> ox.NamedNode | ox.Literal:
    """One parameter value as a term of the declared type, or QueryError saying why not."""
    try:
        if param.type == "iri":
            iri = expand_iri(value)
            if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$", iri):
                raise ValueError("not an absolute IRI")
            return ox.NamedNode(iri)
        if param.type == "date":
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                raise ValueError("expected YYYY-MM-DD")
            import datetime as _dt

            _dt.date.fromisoformat(value)
            return ox.Literal(value, datatype=ox.NamedNode(XSD + "date"))
        if param.type == "integer":
            return ox.Literal(str(int(value)), datatype=ox.NamedNode(XSD + "integer"))
        if param.type == "langstring":
            text, _, lang = value.rpartition("@")
            if not text or not re.fullmatch(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*", lang):
                raise ValueError("expected text@lang, e.g. Akut vård@sv")
            return ox.Literal(text, language=lang)
        return ox.Literal(value)
    except ValueError as exc:
        raise QueryError(f"parameter {param.name}={value!r} is not a valid {param.type}: {exc}") from exc


def dataset(store: ox.Store, *, inferred: bool = True) -> list[ox.NamedNode]:
    """The graphs a query's default graph is the union of: asserted graphs, plus the inferred one if asked."""
    return [ox.NamedNode(g) for g in graph_names(store) if in_dataset(g, inferred=inferred)]


def default_graph(store: ox.Store, *, inferred: bool = True) -> list[ox.NamedNode] | None:
    """The ``default_graph`` argument for a query over the default dataset.

    None (the store's own default graph) where the store holds the merge materialised, which
    is several times faster than a list of graphs; the list otherwise, and for asserted-only
    queries, whose default graph is not the one materialised."""
    if inferred and has_materialised_default(store):
        return None
    return dataset(store, inferred=inferred) or None


def run(
    store: ox.Store,
    sparql: str,
    *,
    inferred: bool = True,
    substitutions: Mapping[ox.Variable, ox.NamedNode | ox.Literal] | None = None,
) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
    """Run a query over the default dataset (asserted graphs, plus inferences unless ``inferred=False``)."""
    graphs = dataset(store, inferred=inferred)
    try:
        return store.query(
            sparql,
            prefixes=PREFIXES,
            default_graph=default_graph(store, inferred=inferred),
            named_graphs=graphs or None,
            substitutions=dict(substitutions or {}),
        )
    except SyntaxError as exc:
        raise QueryError(f"malformed query: {exc}") from exc


def term_text(term: object, *, compact: bool = True) -> str:
    """A term as a person reads it: prefixed IRIs, bare literal values."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        if compact:
            for prefix, ns in PREFIXES.items():
                if term.value.startswith(ns) and len(term.value) > len(ns):
                    return f"{prefix}:{term.value[len(ns) :]}"
        return term.value
    if isinstance(term, ox.Literal):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(term)


def rows(result: ox.QuerySolutions) -> tuple[list[str], list[list[object]]]:
    """Materialise SELECT solutions as (variables, rows of terms)."""
    variables = [v.value for v in result.variables]
    return variables, [[solution[v] for v in variables] for solution in result]


def to_json(variables: list[str], table: list[list[object]]) -> str:
    """SPARQL 1.1 Query Results JSON."""

    def encode(term: object) -> dict[str, str] | None:
        if term is None:
            return None
        if isinstance(term, ox.NamedNode):
            return {"type": "uri", "value": term.value}
        if isinstance(term, ox.BlankNode):
            return {"type": "bnode", "value": term.value}
        assert isinstance(term, ox.Literal)
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD + "string":
            out["datatype"] = term.datatype.value
        return out

    bindings = []
    for row in table:
        bindings.append({v: enc for v, t in zip(variables, row, strict=True) if (enc := encode(t)) is not None})
    return json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}}, ensure_ascii=False, indent=1)


def to_csv(variables: list[str], table: list[list[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(variables)
    for row in table:
        writer.writerow([term_text(t, compact=False) for t in row])
    return out.getvalue()
