"""Errors that name the cell to fix."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ksgraph.rdfio.load import LoadError
from ksgraph.tabular.origins import Origin


@dataclass(frozen=True)
class CellProblem:
    """One thing wrong with one cell (or row, or heading) of a spreadsheet."""

    origin: Origin
    message: str
    suggestions: tuple[str, ...] = ()

    def __str__(self) -> str:
        text = f"{self.origin.where()}: {self.message}"
        if self.origin.value and repr(self.origin.value) not in self.message:
            text += f" (value {self.origin.value!r})"
        if self.suggestions:
            text += "; did you mean " + " or ".join(repr(s) for s in self.suggestions) + "?"
        return text

    def as_dict(self) -> dict[str, object]:
        return {**self.origin.as_dict(), "message": self.message, "suggestions": list(self.suggestions)}


@dataclass
class TabularError(LoadError):
    """A spreadsheet that cannot be imported as it is: every problem found, each with its cell.

    A :class:`~ksgraph.rdfio.load.LoadError`, so a caller that handles unusable RDF files
    handles unusable spreadsheets the same way (exit 2). ``line``/``column`` are the
    first problem's row and column; ``problems`` has them all.
    """

    problems: list[CellProblem] = field(default_factory=list)

    @classmethod
    def of(cls, problems: Sequence[CellProblem]) -> TabularError:
        first = problems[0].origin
        summary = "\n".join(str(p) for p in problems)
        return cls(first.file, summary, first.row, first.column, list(problems))

    @property
    def sheet(self) -> str | None:
        return self.problems[0].origin.sheet if self.problems else None

    @property
    def row(self) -> int | None:
        return self.line

    @property
    def value(self) -> str | None:
        return self.problems[0].origin.value if self.problems else None

    @property
    def suggestion(self) -> str | None:
        first = self.problems[0].suggestions if self.problems else ()
        return first[0] if first else None

    def __str__(self) -> str:
        return self.message
