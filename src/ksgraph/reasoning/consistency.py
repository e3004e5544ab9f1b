"""The OWL 2 RL consistency rules the ontology can trigger, checked the same way whichever engine ran."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from rdflib.term import Node

from ksgraph.core.terms import Triple
from ksgraph.reasoning.axioms import (
    _ALL_DIFFERENT,
    _ALL_DISJOINT_CLASSES,
    _CONSISTENCY_AXIOMS,
    _DISJOINT_WITH,
    _DISTINCT_MEMBERS,
    _LIST_PREDICATES,
    _MEMBERS,
    DIFFERENT_FROM,
    NIL,
    NOTHING,
    SAME_AS,
    TYPE,
    rdf_list,
    subject_index,
)


@dataclass(frozen=True)
class Inconsistency:
    """A violated OWL 2 RL consistency rule (the ``false`` rules of the spec's tables)."""

    rule: str
    message: str
    resources: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.rule}: {self.message}"


def inconsistencies(closure: set[Triple], asserted: set[Triple]) -> list[Inconsistency]:
    """The OWL 2 RL consistency rules our ontology can trigger, checked on a full closure.

    cax-dw, cax-adc (disjoint classes), eq-diff1/2/3 (different individuals entailed
    equal) and cls-nothing2. Engine-independent, because reasonable reports none of
    them through its Python API and owlrl only as free text. Axioms are read from
    ``asserted`` (see :func:`closure_reasonable` for why).
    """
    index = subject_index(asserted, _LIST_PREDICATES)
    types: dict[Node, set[Node]] = defaultdict(set)
    same: set[tuple[Node, Node]] = set()
    type_only, same_only = {TYPE}, {SAME_AS}
    for s, p, o in closure:
        if p in type_only:
            types[s].add(o)
        elif p in same_only and s != o:
            same.add((s, o))
    disjoint: set[frozenset[Node]] = set()
    different: set[frozenset[Node]] = set()

    def pairs(members: list[Node]) -> set[frozenset[Node]]:
        return {frozenset((a, b)) for i, a in enumerate(members) for b in members[i + 1 :] if a != b}

    for s, p, o in asserted:
        if p not in _CONSISTENCY_AXIOMS:
            continue
        if p == _DISJOINT_WITH and s != o:
            disjoint.add(frozenset((s, o)))
        elif p == DIFFERENT_FROM and s != o:
            different.add(frozenset((s, o)))
        elif p == TYPE and o == _ALL_DISJOINT_CLASSES:
            disjoint |= pairs(rdf_list(index, next(iter(index[s].get(_MEMBERS, {NIL})))))
        elif p == TYPE and o == _ALL_DIFFERENT:
            for key in (_MEMBERS, _DISTINCT_MEMBERS):
                different |= pairs(rdf_list(index, next(iter(index[s].get(key, {NIL})))))
    in_some_pair = {c for pair in disjoint for c in pair}
    found: set[Inconsistency] = set()
    for x, classes in types.items():
        if NOTHING in classes:
            found.add(Inconsistency("cls-nothing2", f"{x} is an instance of owl:Nothing", (str(x),)))
        # Only the classes that are disjoint with something can clash: a few per resource at most.
        relevant = sorted(classes & in_some_pair, key=str)
        for i, a in enumerate(relevant):
            for b in relevant[i + 1 :]:
                if frozenset((a, b)) in disjoint:
                    message = f"{x} is an instance of disjoint classes {a} and {b}"
                    found.add(Inconsistency("cax-dw", message, (str(x), str(a), str(b))))
    for a, b in same:
        if frozenset((a, b)) in different and str(a) < str(b):
            found.add(
                Inconsistency("eq-diff", f"{a} and {b} are declared different but entailed equal", (str(a), str(b)))
            )
    return sorted(found, key=lambda i: (i.rule, i.resources))
