"""The store written back to templates, so a steward can edit the rows and import them again.

Each column is read back along its mapping: the column's property (or its
``ksg:exportPath``), from the row's resource, in the asserted graphs only — an
inference is not something a steward maintains. IRIs are written as names that
resolve back to the same IRI (a label if it is unambiguous, else the id path), so
store → template → RDF gives the same triples.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ksgraph.core.vocab import RDF
from ksgraph.store.dataset import dataset
from ksgraph.tabular.names import NameIndex, id_path
from ksgraph.tabular.sheets import SheetContent, write_csv, write_xlsx
from ksgraph.tabular.spec import Column, Template, expand, templates

ALL = "all"


@dataclass
class ExportReport:
    rows: dict[str, int] = field(default_factory=dict)  # template → rows written
    warnings: list[str] = field(default_factory=list)


class _Graph:
    """The asserted graphs of a store, walked one step at a time."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self.graphs = dataset(store, inferred=False)

    def objects(self, node: ox.NamedNode, predicate: str) -> list[ox.NamedNode | ox.Literal]:
        p = ox.NamedNode(predicate)
        found = {q.object for g in self.graphs for q in self.store.quads_for_pattern(node, p, None, g)}
        return sorted((o for o in found if isinstance(o, ox.NamedNode | ox.Literal)), key=str)

    def subjects(self, predicate: str, obj: ox.NamedNode) -> list[ox.NamedNode]:
        p = ox.NamedNode(predicate)
        found = {q.subject for g in self.graphs for q in self.store.quads_for_pattern(None, p, obj, g)}
        return sorted((s for s in found if isinstance(s, ox.NamedNode)), key=str)

    def instances(self, classes: Sequence[str]) -> list[ox.NamedNode]:
        found: set[ox.NamedNode] = set()
        for cls in classes:
            found.update(self.subjects(RDF + "type", ox.NamedNode(cls)))
        return sorted(found, key=lambda n: n.value)


def template_rows(store: ox.Store, template: Template, index: NameIndex, report: ExportReport) -> list[list[str]]:
    """One row per resource the template describes, in IRI order."""
    graph = _Graph(store)
    subjects: dict[str, ox.NamedNode] = {}
    for rowset in template.rows:
        for node in graph.instances(rowset.cls):
            if rowset.unless is None or not graph.objects(node, rowset.unless):
                subjects.setdefault(node.value, node)
    rows = []
    for iri in sorted(subjects):
        node = subjects[iri]
        row = []
        for column in template.real_columns:
            values = _values(graph, node, column, template, index)
            if len(values) > 1 and not column.separator:
                report.warnings.append(
                    f"{template.name}: <{iri}> has {len(values)} values for {column.heading!r} "
                    f"({', '.join(values)}); the template holds one, so only {values[0]!r} was written"
                )
                values = values[:1]
            row.append("; ".join(values))
        rows.append(row)
    report.rows[template.name] = len(rows)
    return rows


def _values(graph: _Graph, node: ox.NamedNode, column: Column, template: Template, index: NameIndex) -> list[str]:
    if column.equals_var:
        return _derived(graph, node, column, template)
    if column.export_path is not None:
        steps = column.export_path
    elif column.predicate is None:
        return [_id_text(node.value, column)] if column.datatype == "idPath" else []
    else:
        steps = (("^" if column.inverse else "") + column.predicate,)
    nodes: list[ox.NamedNode | ox.Literal] = [node]
    for step in steps:
        if step == "@key":
            return [_id_text(n.value, column) for n in nodes if isinstance(n, ox.NamedNode)]
        if step == "@taskNumber":
            numbers = [m.group(1) for n in nodes if (m := re.search(r"/task-(\d+)$", n.value))]
            return numbers
        optional = step.startswith("?")
        step = step.lstrip("?")
        following: list[ox.NamedNode | ox.Literal] = []
        for n in nodes:
            if not isinstance(n, ox.NamedNode):
                continue
            if step.startswith("^"):
                following += graph.subjects(expand(step[1:]), n)
            else:
                following += graph.objects(n, expand(step))
        nodes = following if following or not optional else nodes
    return sorted(dict.fromkeys(t for n in nodes if (t := _text(n, column, index)) is not None))


def _derived(graph: _Graph, node: ox.NamedNode, column: Column, template: Template) -> list[str]:
    """A column that only checks the others (``ksg:equalsVar``, e.g. tier from type): written from them."""
    source_name, _, key = (column.equals_var or "").partition("_")
    source = template.column(source_name)
    for obj in graph.objects(node, source.predicate or ""):
        choice = source.choice_for(obj.value)
        if choice is not None and choice.vars.get(key):
            mine = column.choice_for(expand(choice.vars[key]))
            return [mine.names[0]] if mine else []
    return []


def _text(term: ox.NamedNode | ox.Literal, column: Column, index: NameIndex) -> str | None:
    if isinstance(term, ox.Literal):
        if column.lang and term.language != column.lang:
            return None
        return term.value
    if column.choices:
        choice = column.choice_for(term.value)
        return choice.names[0] if choice else None
    if column.lookup:
        path = id_path(term.value)
        if column.display == "tail" and path and "/" in path:
            return path.split("/", 1)[1]
        return index.display(term.value, column.lookup)
    return id_path(term.value) or term.value


def _id_text(iri: str, column: Column) -> str:
    return id_path(iri) or iri


def headings(template: Template) -> list[list[str]]:
    """The two heading rows: Swedish, then English (CSVW ``headerRowCount`` 2)."""
    return [[c.sv for c in template.real_columns], [c.en for c in template.real_columns]]


def _choices(template: Template) -> dict[int, list[str]]:
    return {i: [ch.names[0] for ch in c.choices] for i, c in enumerate(template.real_columns) if c.choices}


def export_template(store: ox.Store | None, name: str, output: Path) -> ExportReport:
    """Write the template ``name`` (or ``all``: every template, XLSX only) filled from ``store`` to ``output``.

    With ``store`` None the template is written empty (headings only).
    """
    catalogue = templates()
    chosen = list(catalogue.values()) if name == ALL else [catalogue[name]]
    suffix = output.suffix.lower()
    if suffix not in {".csv", ".xlsx"}:
        raise ValueError(f"unknown template file type {output.suffix!r} (known: .csv, .xlsx)")
    if suffix == ".csv" and len(chosen) > 1:
        raise ValueError("a CSV file holds one template; name one, or write .xlsx for all")
    report = ExportReport()
    index = NameIndex.from_store(store)
    contents = []
    for template in chosen:
        rows = template_rows(store, template, index, report) if store is not None else []
        if store is None:
            report.rows[template.name] = 0
        contents.append(SheetContent(template.name, headings(template), rows, _choices(template)))
    if suffix == ".csv":
        write_csv(output, contents[0].header_rows, contents[0].rows)
    else:
        write_xlsx(output, contents)
    return report
