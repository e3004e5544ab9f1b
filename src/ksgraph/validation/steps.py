"""Access paths: how a shape walks from its focus node to the triples it reads (see :mod:`ksgraph.validation.reads`)."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib.term import Node, URIRef

# A step of a path: a predicate (None: any), its direction (True: from subject to object), and the
# node it must arrive at (None: any), as a SPARQL pattern with a constant end reads only such triples.
Step = tuple[URIRef | None, bool, Node | None]
ANY_WAY = frozenset({(None, True, None), (None, False, None)})


@dataclass(frozen=True)
class Segment:
    """Steps that may be taken here, once (``"1"``), ``"*"``, ``"+"`` or ``"?"`` times."""

    steps: frozenset[Step]
    repeat: str = "1"

    def flipped(self) -> Segment:
        """The segment walked the other way: it can no longer promise where it arrives."""
        return Segment(frozenset((p, not f, None) for p, f, _ in self.steps), self.repeat)

    def arriving_at(self, end: Node) -> Segment:
        """The segment that reads only the triples arriving at ``end`` (a single step only)."""
        if self.repeat != "1":
            return self
        return Segment(frozenset((p, f, end) for p, f, _ in self.steps))


Path = tuple[Segment, ...]


def one(predicate: URIRef | None, forward: bool = True) -> Segment:
    return Segment(frozenset({(predicate, forward, None)}))


def invert(path: Path) -> Path:
    """The same path walked from its end to its start."""
    return tuple(seg.flipped() for seg in reversed(path))


def widened(paths: list[Path], repeat: str) -> Path:
    """A repetition of ``paths`` as one segment of all their steps (a superset of the walks it allows)."""
    steps = frozenset((p, f, None) for path in paths for seg in path for p, f, _ in seg.steps)
    return (Segment(steps, repeat),)
