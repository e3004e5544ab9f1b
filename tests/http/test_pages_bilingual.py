"""A resource page's role and occupancy cells: both labels, one, or none (an empty cell, not "None")."""

from __future__ import annotations

import pytest

from ksgraph.http.pages import _bilingual


@pytest.mark.parametrize(
    ("sv", "en", "shown"),
    [
        ("ordförande", "chair", "ordförande / chair"),
        ("ordförande", None, "ordförande"),
        (None, "chair", "chair"),
        ("ordförande", "ordförande", "ordförande"),
        (None, None, ""),
    ],
)
def test_a_cell_shows_the_labels_it_has(sv: str | None, en: str | None, shown: str) -> None:
    assert _bilingual(sv, en) == shown
