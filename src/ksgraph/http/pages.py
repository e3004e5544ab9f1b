"""The HTML page of a resource: what the data says about it, for a person.

:func:`build_page` turns query solutions into a :class:`ResourcePage`; :class:`PageRenderer`
renders it with Jinja2 templates whose autoescaping covers every string from the data, in
the page and in the SVG diagram alike (see ``templates/resource.html``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import jinja2
import pyoxigraph as ox

from ksgraph.core.links import LinkMapper
from ksgraph.core.terms import term_text
from ksgraph.core.vocab import DCTERMS, INFERRED_GRAPH, KS, ORG, RDF, RDFS, SKOS, XSD
from ksgraph.http.site.chrome import Chrome
from ksgraph.sparql.packaged import select
from ksgraph.sparql.port import Backend
from ksgraph.temporal.history import resource_svg

LABEL_PROPERTIES = (SKOS + "prefLabel", RDFS + "label")


@dataclass(frozen=True)
class Link:
    """A resource as the page shows it: its labels, IRI and where a click goes."""

    iri: str
    href: str | None
    sv: str | None = None
    en: str | None = None

    @property
    def text(self) -> str:
        if self.sv or self.en:
            return self.sv or self.en or ""
        return self.iri if self.iri.startswith("_:") else term_text(ox.NamedNode(self.iri))

    @property
    def lang(self) -> str | None:
        return "sv" if self.sv else "en" if self.en else None

    @property
    def secondary(self) -> str | None:
        """The English label shown beside a Swedish one, when they differ."""
        return self.en if self.sv and self.en and self.en != self.sv else None


@dataclass(frozen=True)
class Value:
    """The object of a statement: a link, or a literal with its language or datatype."""

    link: Link | None = None
    text: str = ""
    lang: str | None = None
    datatype: str | None = None


@dataclass(frozen=True)
class Statement:
    prop: Link
    value: Value
    inferred: bool


@dataclass(frozen=True)
class Incoming:
    subject: Link
    prop: Link
    inferred: bool


@dataclass(frozen=True)
class Source:
    section: Link
    title: str
    document: Link | None
    document_title: str


@dataclass(frozen=True)
class Post:
    post: Link
    role: str
    occupancy: str
    holder: Link | None
    represents: Link | None


@dataclass(frozen=True)
class Member:
    member: Link
    role: str
    represents: Link | None
    start: str
    end: str
    as_of: str


@dataclass(frozen=True)
class Node:
    link: Link | None  # None for the "+N more" box
    label: str
    x: float
    y: float
    width: float
    relation: str = ""  # "reportsTo" or "counterpartOf", for the edge style
    more: int = 0


@dataclass(frozen=True)
class Diagram:
    width: int
    height: int
    centre: Node
    up: tuple[Node, ...]
    down: tuple[Node, ...]

    @property
    def empty(self) -> bool:
        return not self.up and not self.down


@dataclass
class ResourcePage:
    subject: Link
    alt_labels: list[tuple[str, str | None]] = field(default_factory=list)
    types: list[Link] = field(default_factory=list)
    levels: list[Link] = field(default_factory=list)
    tiers: list[Link] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    incoming: list[Incoming] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    posts: list[Post] = field(default_factory=list)
    members: list[Member] = field(default_factory=list)
    diagram: Diagram | None = None
    # The resource's timeline (ksgraph.temporal.history), an SVG whose text history.py escapes itself.
    timeline_svg: str | None = None


def _text(solution: ox.QuerySolution, name: str) -> str | None:
    term = solution[name]
    return term.value if term is not None else None


def _link(links: LinkMapper, term: ox.NamedNode | ox.BlankNode, sv: str | None, en: str | None) -> Link:
    if isinstance(term, ox.BlankNode):
        return Link(f"_:{term.value}", None, sv, en)
    return Link(term.value, links.href(term.value), sv, en)


def _bilingual(sv: str | None, en: str | None) -> str:
    # Neither label: an empty cell, not the text "None".
    return (sv or "") if not en or en == sv else en if not sv else f"{sv} / {en}"


def build_page(runner: Backend, iri: str, links: LinkMapper, *, lang: str = "sv") -> ResourcePage | None:
    """Everything the page shows about ``iri``, or None if the graph does not mention it."""
    resource = ox.NamedNode(iri)
    out_rows = select(runner, "resource-out", resource=resource)
    in_rows = select(runner, "resource-in", resource=resource)
    if not out_rows and not in_rows:
        return None
    labels: dict[str, str] = {}
    page = ResourcePage(subject=Link(iri, links.href(iri)))
    seen: set[tuple[str, str, bool]] = set()
    for row in out_rows:
        p, o, g = row["p"], row["o"], row["g"]
        inferred = isinstance(g, ox.NamedNode) and g.value == INFERRED_GRAPH
        if p.value in LABEL_PROPERTIES and isinstance(o, ox.Literal) and o.language in ("sv", "en"):
            labels.setdefault(o.language, o.value)
        is_alt = p.value == SKOS + "altLabel" and isinstance(o, ox.Literal)
        if is_alt and (o.value, o.language) not in page.alt_labels:
            page.alt_labels.append((o.value, o.language))
        key = (p.value, str(o), inferred)
        if key in seen:  # one row per blank-node statement or extra label: show the statement once
            continue
        seen.add(key)
        prop = _link(links, p, _text(row, "p_sv"), _text(row, "p_en"))
        if isinstance(o, ox.Literal):
            datatype = o.datatype.value if o.datatype and not o.language else None
            value = Value(text=o.value, lang=o.language, datatype=None if datatype == XSD + "string" else datatype)
        elif isinstance(o, ox.BlankNode):
            # A blank node has no page of its own: show what it says inline, "[ p o ; … ]".
            inner = sorted(
                f"{term_text(r['bp'])} {term_text(r['bo'])}" for r in out_rows if r["o"] == o and r["bp"] is not None
            )
            value = Value(text="[ " + " ; ".join(dict.fromkeys(inner)) + " ]")
        else:
            target = _link(links, o, _text(row, "o_sv"), _text(row, "o_en"))
            value = Value(link=target)
            if p.value == RDF + "type":
                page.types.append(target)
            elif p.value == KS + "level":
                page.levels.append(target)
            elif p.value == KS + "tier":
                page.tiers.append(target)
        page.statements.append(Statement(prop, value, inferred))
    page.subject = Link(iri, links.href(iri), labels.get("sv"), labels.get("en"))
    # Stores return solutions in any order: sort everything, so a page is the same on every backend.
    for found in (page.types, page.levels, page.tiers):
        found.sort(key=lambda link: (link.text.lower(), link.iri))
    page.alt_labels.sort(key=lambda label: (label[1] or "", label[0]))
    page.statements.sort(key=lambda s: (s.prop.text.lower(), s.value.link.text if s.value.link else s.value.text))
    seen_in: set[tuple[str, str, bool]] = set()
    for row in in_rows:
        s, p, g = row["s"], row["p"], row["g"]
        inferred = isinstance(g, ox.NamedNode) and g.value == INFERRED_GRAPH
        if (str(s), p.value, inferred) in seen_in:
            continue
        seen_in.add((str(s), p.value, inferred))
        page.incoming.append(
            Incoming(
                _link(links, s, _text(row, "s_sv"), _text(row, "s_en")),
                _link(links, p, _text(row, "p_sv"), _text(row, "p_en")),
                inferred,
            )
        )
    page.incoming.sort(key=lambda i: (i.prop.text.lower(), i.subject.text.lower()))
    page.sources = _sources(runner, resource, links)
    page.posts = _posts(runner, resource, links)
    page.members = _members(runner, resource, links)
    page.diagram = _diagram(runner, resource, page.subject, links)
    local = runner.local_store()
    if local is not None:
        # The timeline reads change events and intervals with its own queries; on a remote
        # backend the page goes without it rather than sending them to another store.
        page.timeline_svg = resource_svg(local, iri, lang=lang)
    return page


def _sources(runner: Backend, resource: ox.NamedNode, links: LinkMapper) -> list[Source]:
    found: dict[str, Source] = {}
    for row in select(runner, "resource-sources", resource=resource):
        section = row["section"]
        if str(section) in found:
            continue
        title = _text(row, "section_title") or ""
        document = row["document"]
        found[str(section)] = Source(
            section=_link(links, section, title or None, None),
            title=title,
            document=_link(links, document, _text(row, "document_title"), None) if document is not None else None,
            document_title=_text(row, "document_title") or "",
        )
    return list(found.values())


def _posts(runner: Backend, resource: ox.NamedNode, links: LinkMapper) -> list[Post]:
    found: dict[str, Post] = {}
    for row in select(runner, "resource-posts", resource=resource):
        post = row["post"]
        if str(post) in found:
            continue
        holder, represents = row["holder"], row["represents"]
        found[str(post)] = Post(
            post=_link(links, post, _text(row, "post_sv"), _text(row, "post_en")),
            role=_bilingual(_text(row, "role_sv"), _text(row, "role_en")),
            occupancy=_bilingual(_text(row, "occupancy_sv"), _text(row, "occupancy_en")),
            holder=_link(links, holder, _text(row, "holder_label"), None) if holder is not None else None,
            represents=(
                _link(links, represents, _text(row, "represents_sv"), _text(row, "represents_en"))
                if represents is not None
                else None
            ),
        )
    return list(found.values())


def _members(runner: Backend, resource: ox.NamedNode, links: LinkMapper) -> list[Member]:
    found: dict[str, Member] = {}
    for row in select(runner, "resource-members", resource=resource):
        membership = row["membership"]
        if str(membership) in found:
            continue
        represents = row["represents"]
        found[str(membership)] = Member(
            member=_link(links, row["member"], _text(row, "member_label"), None),
            role=_bilingual(_text(row, "role_sv"), _text(row, "role_en")),
            represents=(
                _link(links, represents, _text(row, "represents_sv"), _text(row, "represents_en"))
                if represents is not None
                else None
            ),
            start=_text(row, "start") or "",
            end=_text(row, "end") or "",
            as_of=_text(row, "as_of") or "",
        )
    return list(found.values())


# The diagram: the resource in the middle, what it reports to or is the counterpart of above,
# what reports to it or is its counterpart below. Wide enough for a laptop, and a row holds at
# most MAX_PER_ROW boxes, so a hub such as SKS (dozens of groups report to it) stays legible.
DIAGRAM_WIDTH = 880
MAX_PER_ROW = 6
ROW_GAP = 110  # vertical distance between the rows' tops
BOX_HEIGHT = 46
CHAR_WIDTH = 7.4  # average width of a character at the diagram's 13 px font


def _row(entries: Sequence[tuple[Link, str]], y: float) -> tuple[Node, ...]:
    shown = list(entries[:MAX_PER_ROW])
    more = len(entries) - len(shown)
    count = len(shown) + (1 if more else 0)
    if count == 0:
        return ()
    gap = 12
    width = (DIAGRAM_WIDTH - gap * (count + 1)) / count
    nodes = []
    for i, (link, relation) in enumerate(shown):
        nodes.append(Node(link, _fit(link.text, width), gap + i * (width + gap), y, width, relation))
    if more:
        x = gap + len(shown) * (width + gap)
        nodes.append(Node(None, f"+{more} more", x, y, width, "", more))
    return tuple(nodes)


def _fit(text: str, width: float) -> str:
    """Shorten ``text`` to fit a box ``width`` pixels wide; the full label goes in a tooltip."""
    room = max(4, int((width - 12) / CHAR_WIDTH))
    return text if len(text) <= room else text[: room - 1].rstrip() + "…"


def _diagram(runner: Backend, resource: ox.NamedNode, subject: Link, links: LinkMapper) -> Diagram:
    up: list[tuple[Link, str]] = []
    down: list[tuple[Link, str]] = []
    for direction, target in (("up", up), ("down", down)):
        for row in select(runner, f"resource-neighbourhood-{direction}", resource=resource):
            relation = "reportsTo" if row["relation"].value == ORG + "reportsTo" else "counterpartOf"
            entry = (_link(links, row["other"], _text(row, "other_sv"), _text(row, "other_en")), relation)
            if entry not in target:
                target.append(entry)
    # Rows only where there is something to show, so a leaf's diagram is not half empty.
    centre_y = 16 + (ROW_GAP if up else 0)
    down_y = centre_y + ROW_GAP
    height = (down_y if down else centre_y) + BOX_HEIGHT + 16
    for row_entries in (up, down):  # stores order IRIs differently (Virtuoso by internal id)
        row_entries.sort(key=lambda entry: (entry[1], entry[0].text.lower(), entry[0].iri))
    centre_width = 380.0
    centre = Node(subject, _fit(subject.text, centre_width), (DIAGRAM_WIDTH - centre_width) / 2, centre_y, centre_width)
    return Diagram(DIAGRAM_WIDTH, height, centre, _row(up, 16), _row(down, down_y))


@dataclass(frozen=True)
class PageRenderer:
    environment: jinja2.Environment
    links: LinkMapper

    def resource(self, page: ResourcePage, alternates: dict[str, str], site: Chrome) -> str:
        return self.environment.get_template("resource.html").render(
            page=page, alternates=alternates, box_height=BOX_HEIGHT, links=self.links, DCTERMS=DCTERMS, site=site
        )
