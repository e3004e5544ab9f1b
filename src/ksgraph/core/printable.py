"""Text from the data made safe for a terminal or a plain-text report.

Whoever can write one data file can put into a label what a terminal or a reader takes for
something else: control sequences (``ESC [ …``, which recolour, retitle or hide text and
make links in many terminals), line breaks that forge lines of a report, bidi overrides
that show text in another order than it is stored ("Trojan Source"), and invisible
characters that make two different names look the same. The text reports (``ksgraph
validate``, ``explain`` and ``history`` as text, the JUnit report) show each such character
as a visible ``\\uXXXX`` instead. Machine formats (JSON, RDF) carry the data exactly, with
their own escapes.
"""

from __future__ import annotations

import re

# C0 and C1 controls and DEL; Arabic letter mark; zero-width space, joiners and the
# left-to-right/right-to-left marks; line and paragraph separators; the bidi embeddings,
# overrides and isolates; word joiner and invisible operators; the byte-order mark;
# interlinear annotation marks; the two non-characters XML forbids; lone surrogates.
_HIDDEN = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb\ufffe\uffff\ud800-\udfff]"
)


def printable(text: str) -> str:
    """``text`` with every control, bidi and invisible character written as ``\\uXXXX``."""
    return _HIDDEN.sub(lambda m: f"\\u{ord(m.group()):04X}", text)
