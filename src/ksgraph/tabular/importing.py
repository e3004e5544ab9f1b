"""Importing a spreadsheet: map, validate with the store, and commit atomically — or change nothing.

The file is committed like every change (:mod:`ksgraph.changes.commit`): it is read against
the very version it will be committed on (inside the writers' lock), its graph replaces the
graph of the same name (the file is the unit, like a ``data/*.ttl`` file), the shapes are
checked on the nodes it touches, then the closure is recomputed and a provenance record added.
A violation the file has a part in — a SHACL result or a template rule such as one chair at a
time — makes the check's verdict fail, which discards the copy: the published store is untouched.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib.term import Literal, URIRef

from ksgraph.changes.commit import Delta, Violations, commit
from ksgraph.core.settings import Settings
from ksgraph.core.vocab import DATA_GRAPH_BASE, RDF, SKOS
from ksgraph.store.versions import GraphStore
from ksgraph.tabular.reader import TabularFile, read
from ksgraph.tabular.rules import CellViolation
from ksgraph.tabular.validation import shacl_violations
from ksgraph.validation.validate import load_ontology, load_shapes


@dataclass
class ImportOutcome:
    parsed: TabularFile | None
    violations: list[CellViolation] = field(default_factory=list)  # the file has a part in these
    elsewhere: int = 0  # results about the store that no cell of the file touches
    committed: bool = False
    provenance: str | None = None
    seconds: dict[str, float] = field(default_factory=dict)  # per stage: read, validate, reason, commit
    superseded: list[ox.Quad] = field(default_factory=list)  # statements of other data graphs it replaced

    @property
    def conforms(self) -> bool:
        """No violation the file has a part in (what decides whether the commit publishes it)."""
        return not any(v.severity == "Violation" for v in self.violations)


def import_table(
    settings: Settings,
    path: Path,
    *,
    template: str | None = None,
    graph: str | None = None,
    reason: bool = True,
    agent: str | None = None,
    replace: bool = True,
) -> ImportOutcome:
    """Import one CSV file or workbook. Raises TabularError (unusable file) or StoreError (no store).

    With ``replace`` (the default) the file's values of single-valued properties replace those of
    the same subjects in the other data graphs (:func:`superseded_quads`): a steward who exported the
    store to a template, changed a status and re-imported it changes that status, rather than
    adding a second one beside the seed data's.
    """
    store_dir = GraphStore(settings.store_dir)
    store_dir.open_read()  # fail early, with the store's own message, before the first build
    outcome = ImportOutcome(None)
    single = single_valued(settings) if replace else frozenset()

    def change(store: ox.Store) -> Delta:
        parsed = read(path, template, store=store, graph=graph)
        outcome.parsed = parsed
        target = ox.NamedNode(parsed.graph)
        removed = list(store.quads_for_pattern(None, None, None, target))
        store.remove_graph(target)
        superseded = superseded_quads(store, parsed.quads, target, single) if replace else []
        for quad in superseded:
            store.remove(quad)
        outcome.superseded = superseded
        store.extend(parsed.quads)
        return Delta(parsed.quads, removed + superseded, files=(parsed,))

    def check(store: ox.Store, delta: Delta) -> ImportOutcome:
        assert outcome.parsed is not None
        located, elsewhere = shacl_violations(settings, store, outcome.parsed, list(delta.removed))
        outcome.violations = [*outcome.parsed.violations, *located]
        outcome.elsewhere = elsewhere
        return outcome

    try:
        done = commit(settings, change, kind="import", check=check, reason=reason, agent=agent)
    except Violations:
        return outcome
    outcome.committed = True
    outcome.provenance = done.provenance
    outcome.seconds = {
        "read": done.seconds.get("change", 0.0),
        "validate": done.seconds.get("validate", 0.0),
        "reason": done.seconds.get("reason", 0.0),
        "commit": done.seconds.get("publish", 0.0),
    }
    return outcome


def superseded_quads(
    store: ox.Store, quads: Iterable[ox.Quad], target: ox.NamedNode, single: frozenset[str]
) -> list[ox.Quad]:
    """The statements of the other data graphs that the file's statements replace.

    Only properties that hold one value are replaced (``single``: see :func:`single_valued`), and
    ``skos:prefLabel`` per language (SKOS allows one per language): a row with a Swedish name leaves
    the English one alone, and a changed status replaces the old one. Properties with many values
    (sources, tasks, mandates) only accumulate, so a file naming one task of a mandate does not
    remove its others. The subject must be an IRI, and only the data graphs are touched: the
    ontology, the inferred graph and provenance are not data.
    """
    keys: set[tuple[str, str, str | None]] = set()
    quads = list(quads)
    # The same statement in another graph is no change: it stays, and is not counted as replaced.
    stated = {ox.Triple(q.subject, q.predicate, q.object) for q in quads}
    for quad in quads:
        predicate = quad.predicate.value
        if not isinstance(quad.subject, ox.NamedNode):
            continue
        if predicate == _PREF_LABEL and isinstance(quad.object, ox.Literal) and quad.object.language:
            keys.add((quad.subject.value, predicate, quad.object.language))
        elif predicate in single:
            keys.add((quad.subject.value, predicate, None))
    graphs = {
        g
        for g in store.named_graphs()
        if isinstance(g, ox.NamedNode) and g != target and g.value.startswith(DATA_GRAPH_BASE)
    }
    subjects = {k[0] for k in keys}
    found: list[ox.Quad] = []
    # One scan per property, not one lookup per subject, property and graph: a 5,000-row file
    # names 5,000 subjects, and each lookup in the on-disk store costs about as much as a short scan.
    for predicate in {k[1] for k in keys}:
        for quad in store.quads_for_pattern(None, ox.NamedNode(predicate), None, None):
            subject = quad.subject
            if quad.graph_name not in graphs or not isinstance(subject, ox.NamedNode) or subject.value not in subjects:
                continue
            language = quad.object.language if isinstance(quad.object, ox.Literal) else None
            key = (subject.value, predicate, language if predicate == _PREF_LABEL else None)
            if key in keys and ox.Triple(quad.subject, quad.predicate, quad.object) not in stated:
                found.append(quad)
    return found


def single_valued(settings: Settings) -> frozenset[str]:
    """The properties that hold one value: functional in the ontology, or ``sh:maxCount 1`` on a
    property shape whose path is that property, in the shapes."""
    owl = "http://www.w3.org/2002/07/owl#"
    sh = "http://www.w3.org/ns/shacl#"
    ontology, shapes = load_ontology(settings), load_shapes(settings)
    found = {str(p) for p in ontology.subjects(URIRef(RDF + "type"), URIRef(owl + "FunctionalProperty"))}
    for shape in shapes.subjects(URIRef(sh + "maxCount"), Literal(1)):
        found.update(str(p) for p in shapes.objects(shape, URIRef(sh + "path")) if isinstance(p, URIRef))
    return frozenset(found)


_PREF_LABEL = SKOS + "prefLabel"
