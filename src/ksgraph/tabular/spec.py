"""Templates: CSVW table descriptions (``mappings/*.json``) read into typed objects.

The mapping of each template is data, not code: a W3C CSVW metadata document
(``tableSchema`` with ``columns``, ``titles`` per language, ``required``,
``separator``, ``datatype``, ``lang``, ``aboutUrl``, ``propertyUrl``, ``valueUrl``,
``virtual``, ``suppressOutput``, ``primaryKey``; ``dialect.headerRowCount``) plus a
few ``ksg:`` annotations for what CSVW cannot say — resolving a name to an IRI,
closed lists of values, inverse properties, literals copied from another column,
defaults and export paths. ``data/templates/README.md`` documents them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ksgraph.core.vocab import ID
from ksgraph.core.vocab import PREFIXES as VOCAB_PREFIXES

MAPPINGS_DIR = Path(__file__).parent / "mappings"

# The prefixes a mapping may use in IRIs and templates: the one table, plus ``src:`` for sources.
PREFIXES: dict[str, str] = {**VOCAB_PREFIXES, "src": ID + "source/"}

_VAR = re.compile(r"\{\+?([A-Za-z0-9_]+)\}")


def expand(curie: str) -> str:
    """``ks:status`` → the full IRI; full IRIs are kept."""
    prefix, sep, local = curie.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    return curie


def fill(template: str, context: dict[str, str]) -> str | None:
    """Expand ``{var}`` (and ``{+var}``) from ``context``; None if a variable is missing or empty.

    Values go in as they are: every variable an IRI template uses is a slug or an id
    path, which are IRI-safe by construction (RFC 6570 would percent-encode the '/'
    of an id path, which is why neither CSVW processors nor RML engines can mint
    ``id:lpo/norrbotten/…`` from a path).
    """
    missing = False

    def sub(match: re.Match[str]) -> str:
        nonlocal missing
        value = context.get(match.group(1), "")
        if not value:
            missing = True
        return value

    text = _VAR.sub(sub, template)
    return None if missing else text


def first_filled(templates: tuple[str, ...], context: dict[str, str]) -> str | None:
    """The first template whose variables are all filled (templates are alternatives, in order)."""
    for template in templates:
        text = fill(template, context)
        if text is not None:
            return text
    return None


def _titles(value: object) -> dict[str, tuple[str, ...]]:
    if isinstance(value, str):
        return {"und": (value,)}
    assert isinstance(value, dict), value
    return {lang: tuple([v] if isinstance(v, str) else v) for lang, v in value.items()}


def _templates(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"expected a template name or a list of them, not {value!r}")
    return tuple(value)


@dataclass(frozen=True)
class Choice:
    """One allowed value of a closed list: the IRI, the names a cell may use, and template variables."""

    iri: str
    names: tuple[str, ...]
    vars: dict[str, str] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Column:
    name: str
    titles: dict[str, tuple[str, ...]]
    required: bool = False
    separator: str | None = None
    datatype: str = "string"  # string, date, dateOrYear, integer, idPath (a path under id:, or a slug)
    lang: str | None = None
    predicate: str | None = None
    about: tuple[str, ...] = ()
    value_url: tuple[str, ...] = ()
    virtual: bool = False
    suppress: bool = False
    lookup: tuple[str, ...] = ()  # classes a name in the cell must resolve to
    what: dict[str, str] = field(default_factory=dict, hash=False)  # what the column names, per language
    choices: tuple[Choice, ...] = ()
    inverse: bool = False
    literal_from: str | None = None
    default: tuple[tuple[str | None, str], ...] = ()  # (only when this variable is filled, template)
    slug_drops: tuple[str, ...] = ()
    equals_var: str | None = None
    export_path: tuple[str, ...] | None = None
    only_if: tuple[str, ...] = ()
    id_prefix: str = ""
    display: str = "label"  # how export writes a looked-up IRI: its label, or "tail" (003/sammansattning)

    @property
    def sv(self) -> str:
        return self.titles.get("sv", self.titles.get("und", (self.name,)))[0]

    @property
    def en(self) -> str:
        return self.titles.get("en", self.titles.get("und", (self.name,)))[0]

    @property
    def heading(self) -> str:
        """The combined heading of a one-row header: ``verkar inom / scope``."""
        return self.sv if self.sv == self.en else f"{self.sv} / {self.en}"

    def all_titles(self) -> set[str]:
        titles = {t for ts in self.titles.values() for t in ts} | {self.name, self.heading}
        # A one-row heading may combine the languages: "verkar inom / scope", "person / person".
        titles |= {f"{sv} / {en}" for sv in self.titles.get("sv", ()) for en in self.titles.get("en", ())}
        return titles

    def choice_for(self, iri: str) -> Choice | None:
        return next((c for c in self.choices if c.iri == iri), None)


@dataclass(frozen=True)
class RowSet:
    """Export: which resources of the store become rows (instances of ``cls`` without ``unless``)."""

    cls: tuple[str, ...]
    unless: str | None = None


@dataclass(frozen=True)
class UniqueRule:
    """At most one row per key among the rows matching ``where`` (with overlapping periods, if given)."""

    id: str
    key: tuple[str, ...]
    where: dict[str, str] = field(hash=False)
    period: tuple[str, str] | None
    message: dict[str, str] = field(hash=False)
    source: str | None
    store_check: bool = False


@dataclass(frozen=True)
class Template:
    name: str
    path: Path
    titles: dict[str, str] = field(hash=False)
    sheet_names: tuple[str, ...]
    about: tuple[str, ...]
    primary_key: tuple[str, ...]
    columns: tuple[Column, ...]
    rows: tuple[RowSet, ...]
    header_rows: int = 2
    order: int = 0
    unique: tuple[UniqueRule, ...] = ()

    @property
    def real_columns(self) -> tuple[Column, ...]:
        """The columns a sheet has (virtual columns only make triples)."""
        return tuple(c for c in self.columns if not c.virtual)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _column(raw: dict[str, Any]) -> Column:
    datatype = raw.get("datatype", "string")
    if isinstance(datatype, dict):
        datatype = datatype.get("base", "string")
    if raw.get("ksg:dateOrYear"):
        datatype = "dateOrYear"
    if raw.get("ksg:idPath"):
        datatype = "idPath"
    lookup = raw.get("ksg:lookup") or {}
    values = raw.get("ksg:values") or []
    return Column(
        name=raw["name"],
        titles=_titles(raw.get("titles", raw["name"])),
        required=bool(raw.get("required", False)),
        separator=raw.get("separator"),
        datatype={"date": "date", "integer": "integer", "dateOrYear": "dateOrYear", "idPath": "idPath"}.get(
            datatype, "string"
        ),
        lang=raw.get("lang"),
        predicate=expand(raw["propertyUrl"]) if raw.get("propertyUrl") else None,
        about=tuple(expand(t) for t in _templates(raw.get("aboutUrl"))),
        value_url=tuple(expand(t) for t in _templates(raw.get("valueUrl"))),
        virtual=bool(raw.get("virtual", False)),
        suppress=bool(raw.get("suppressOutput", False)),
        lookup=tuple(expand(c) for c in lookup.get("classes", ())),
        what=lookup.get("what", {}),
        choices=tuple(Choice(expand(v["iri"]), tuple(v["names"]), v.get("vars", {})) for v in values),
        inverse=bool(raw.get("ksg:inverse", False)),
        literal_from=raw.get("ksg:literalFrom"),
        default=tuple(
            (d.get("when"), d["value"]) if isinstance(d, dict) else (None, d)
            for d in (
                [raw["ksg:default"]] if isinstance(raw.get("ksg:default"), str | dict) else raw.get("ksg:default", [])
            )
        ),
        slug_drops=tuple(raw.get("ksg:slugDropsPrefix", ())),
        equals_var=raw.get("ksg:equalsVar"),
        export_path=tuple(raw["ksg:exportPath"]) if "ksg:exportPath" in raw else None,
        only_if=tuple(raw.get("ksg:onlyIf", ())),
        id_prefix=raw.get("ksg:idPrefix", ""),
        display=lookup.get("display", "label"),
    )


def load_template(path: Path) -> Template:
    """Read one CSVW metadata document of ``mappings/``."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    schema = raw["tableSchema"]
    key = schema.get("primaryKey", [])
    return Template(
        name=raw["ksg:template"],
        path=path,
        titles=raw["dc:title"],
        sheet_names=tuple(raw.get("ksg:sheetNames", [raw["ksg:template"]])),
        about=tuple(expand(t) for t in (schema["aboutUrl"], *schema.get("ksg:aboutUrlFallbacks", ()))),
        primary_key=(key,) if isinstance(key, str) else tuple(key),
        columns=tuple(_column(c) for c in schema["columns"]),
        rows=tuple(
            RowSet(tuple(expand(c) for c in _templates(r["class"])), expand(r["unless"]) if r.get("unless") else None)
            for r in raw.get("ksg:rows", [])
        ),
        header_rows=int(raw.get("dialect", {}).get("headerRowCount", 2)),
        order=int(raw.get("ksg:order", 0)),
        unique=tuple(
            UniqueRule(
                id=u["id"],
                key=tuple(u["key"]),
                where={k: expand(v) for k, v in u.get("where", {}).items()},
                period=tuple(u["period"]) if u.get("period") else None,
                message=u["message"],
                source=expand(u["source"]) if u.get("source") else None,
                store_check=bool(u.get("storeCheck", False)),
            )
            for u in raw.get("ksg:unique", [])
        ),
    )


def templates(directory: Path = MAPPINGS_DIR) -> dict[str, Template]:
    """Every template of the mappings directory, by name, in a stable order."""
    # ksg:order: what others refer to comes first (groups before their posts), so a
    # workbook may define a group on one sheet and fill its posts on the next.
    paths = sorted(Path(directory).glob("*.json"))
    found = sorted((load_template(p) for p in paths), key=lambda t: (t.order, t.name))
    return {t.name: t for t in found}
