"""The named queries of ``queries/*.rq``: each file's text and what its header comment says.

The header is the contract with the people who run a query (``ksgraph query --list``,
``/queries``): ``# title:``, ``# question:``, ``# param: NAME TYPE required|optional — description``
and ``# returns:``; a ``# temporal:`` line marks a query that compares dates itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ksgraph.sparql.errors import QueryError

PARAM_TYPES = ("iri", "string", "date", "integer", "langstring")


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
