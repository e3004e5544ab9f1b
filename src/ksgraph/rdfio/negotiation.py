"""Content negotiation, decided once: which of the offered media types a request's Accept header prefers.

Every answer of the server is chosen here — SPARQL results and graphs (``/sparql``), resource
pages and their RDF (``/id/…``, ``/ontology``, ``/.well-known/void``), the named-query listing —
so ``Accept: */*``, ``q=0``, wildcards and aliases mean the same everywhere (RFC 9110 §12.5.1).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Media ranges of an Accept header, best first (RFC 9110 §12.5.1); no header means ``*/*``.

    >>> parse_accept("text/*;q=0.5, text/csv, */*;q=0.1")
    [('text/csv', 1.0), ('text/*', 0.5), ('*/*', 0.1)]
    """
    if not header or not header.strip():
        return [("*/*", 1.0)]
    ranges: list[tuple[str, float, int]] = []
    for i, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        ranges.append((media, q, i))
    ranges.sort(key=lambda r: (-r[1], -_specificity(r[0]), r[2]))
    return [(m, q) for m, q, _ in ranges]


def _specificity(media: str) -> int:
    if media == "*/*":
        return 0
    return 1 if media.endswith("/*") else 2


def negotiate(header: str | None, offered: Sequence[str], aliases: Mapping[str, str] | None = None) -> str | None:
    """The offered media type the Accept header prefers, or None if it accepts none of them.

    ``aliases`` maps a media type a client may ask for to the offered one that answers it
    (``application/xhtml+xml`` → ``text/html``). ``*/*`` takes the first offered.

    >>> negotiate("application/xhtml+xml", ["text/html", "text/turtle"], {"application/xhtml+xml": "text/html"})
    'text/html'
    """
    for media, q in parse_accept(header):
        if q <= 0:
            continue
        if media == "*/*":
            return offered[0] if offered else None
        if media.endswith("/*"):
            for candidate in offered:
                if candidate.startswith(media[:-1]):
                    return candidate
            continue
        chosen = (aliases or {}).get(media, media)
        if chosen in offered:
            return chosen
    return None
