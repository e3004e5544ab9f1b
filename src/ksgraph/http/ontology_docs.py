"""HTML documentation of the ontology: ``docs/ontology/index.html`` and ``GET /ontology``.

pyLODE was the first choice and was measured against this ontology: 3.4.1 does not import
(its ``version.py`` reads a ``pyproject.toml`` the wheel does not ship); 3.3.4 gives
different bytes on every run (hash-seed order), takes a ``skos:ConceptScheme`` for the
ontology's own metadata, leaves out the SKOS schemes (levels, tiers, roles, …) and derives
anchors from Swedish labels with ``å``/``ö`` stripped, so ``/ontology#HealthcareRegion``
would land nowhere. This generator is small, deterministic, bilingual, documents every
term and anchors each at its local name, so ``https://w3id.org/ksgraph/ontology#X``
resolves to ``/ontology#X``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import rdflib
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from ksgraph.core.links import LinkMapper
from ksgraph.core.vocab import KS_NS, ONTOLOGY_IRI
from ksgraph.http.site.chrome import Chrome
from ksgraph.http.site.environment import make_environment

VANN = rdflib.Namespace("http://purl.org/vocab/vann/")
DOCS_PATH = Path("docs/ontology/index.html")


@dataclass(frozen=True)
class Ref:
    """A term another term mentions: our own ones link to their anchor, others to their IRI."""

    iri: str
    text: str
    href: str | None


@dataclass
class Term:
    iri: str
    name: str  # the local name: the HTML anchor
    kind: str
    sv: str = ""
    en: str = ""
    definition_sv: str = ""
    definition_en: str = ""
    facts: list[tuple[str, list[Ref | str]]] = field(default_factory=list)


@dataclass
class OntologyDoc:
    iri: str
    title_sv: str
    title_en: str
    description_sv: str
    description_en: str
    metadata: list[tuple[str, str]]
    sections: list[tuple[str, str, list[Term]]]  # (anchor, heading, terms)


def load(ontology_dir: Path) -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in sorted(ontology_dir.glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def _lang(graph: rdflib.Graph, node: rdflib.term.Node, prop: rdflib.URIRef, lang: str) -> str:
    values = sorted(str(o) for o in graph.objects(node, prop) if isinstance(o, rdflib.Literal) and o.language == lang)
    return values[0] if values else ""


def _ref(graph: rdflib.Graph, node: rdflib.term.Node, links: LinkMapper) -> Ref | str:
    if isinstance(node, rdflib.Literal):
        return str(node)
    if isinstance(node, rdflib.BNode):
        prop = graph.value(node, OWL.onProperty)
        value = graph.value(node, OWL.hasValue)
        if prop is not None and value is not None:
            return f"{_qname(graph, prop)} has value {_qname(graph, value)}"
        return "(anonymous class)"
    iri = str(node)
    # Our own terms are on this page: an in-page anchor works in docs/ and on the server alike.
    href = "#" + iri[len(KS_NS) :] if iri.startswith(KS_NS) else links.href(iri)
    return Ref(iri, _qname(graph, node), href)


def _qname(graph: rdflib.Graph, node: rdflib.term.Node) -> str:
    if not isinstance(node, str):  # every concrete rdflib term is a str; Node is their abstract base
        return str(node)
    try:
        return graph.namespace_manager.normalizeUri(node)
    except ValueError:
        return str(node)


def _refs(graph: rdflib.Graph, subject: rdflib.term.Node, prop: rdflib.URIRef, links: LinkMapper) -> list[Ref | str]:
    refs = [_ref(graph, o, links) for o in graph.objects(subject, prop)]
    return sorted(refs, key=lambda r: r.text if isinstance(r, Ref) else r)


def _term(graph: rdflib.Graph, node: rdflib.URIRef, kind: str, links: LinkMapper) -> Term:
    term = Term(
        iri=str(node),
        name=str(node)[len(KS_NS) :],
        kind=kind,
        sv=_lang(graph, node, SKOS.prefLabel, "sv") or _lang(graph, node, RDFS.label, "sv"),
        en=_lang(graph, node, SKOS.prefLabel, "en") or _lang(graph, node, RDFS.label, "en"),
        definition_sv=_lang(graph, node, SKOS.definition, "sv"),
        definition_en=_lang(graph, node, SKOS.definition, "en"),
    )
    facts = [
        ("Subclass of", RDFS.subClassOf),
        ("Disjoint with", OWL.disjointWith),
        ("Subproperty of", RDFS.subPropertyOf),
        ("Inverse of", OWL.inverseOf),
        ("Domain", RDFS.domain),
        ("Range", RDFS.range),
        ("Property chain", OWL.propertyChainAxiom),
        ("In scheme", SKOS.inScheme),
        ("Broader", SKOS.broader),
        ("Also", SKOS.altLabel),
    ]
    for heading, prop in facts:
        if prop == OWL.propertyChainAxiom:
            chain = graph.value(node, prop)
            if chain is not None:
                items = list(rdflib.collection.Collection(graph, chain))
                term.facts.append((heading, [" ∘ ".join(_qname(graph, i) for i in items)]))
            continue
        refs = _refs(graph, node, prop, links)
        if refs:
            term.facts.append((heading, refs))
    characteristics = sorted(
        _qname(graph, t)
        for t in graph.objects(node, RDF.type)
        if t in (OWL.FunctionalProperty, OWL.TransitiveProperty, OWL.SymmetricProperty, OWL.InverseFunctionalProperty)
    )
    if characteristics:
        term.facts.append(("Characteristics", list(characteristics)))
    users = sorted({_qname(graph, s) for s in graph.subjects(RDFS.domain, node) if isinstance(s, rdflib.URIRef)})
    if users:
        term.facts.append(("Domain of", list(users)))
    return term


def build_doc(graph: rdflib.Graph, links: LinkMapper) -> OntologyDoc:
    """The documentation of ``graph``: metadata, then classes, properties and SKOS schemes."""
    ont = rdflib.URIRef(ONTOLOGY_IRI)
    ours = sorted({s for s in graph.subjects() if isinstance(s, rdflib.URIRef) and str(s).startswith(KS_NS)}, key=str)

    def has(node: rdflib.URIRef, cls: rdflib.URIRef) -> bool:
        return (node, RDF.type, cls) in graph

    sections: list[tuple[str, str, list[Term]]] = [
        ("classes", "Classes", [_term(graph, n, "class", links) for n in ours if has(n, OWL.Class)]),
        (
            "object-properties",
            "Object properties",
            [_term(graph, n, "object property", links) for n in ours if has(n, OWL.ObjectProperty)],
        ),
        (
            "datatype-properties",
            "Datatype properties",
            [_term(graph, n, "datatype property", links) for n in ours if has(n, OWL.DatatypeProperty)],
        ),
        (
            "annotation-properties",
            "Annotation properties",
            [_term(graph, n, "annotation property", links) for n in ours if has(n, OWL.AnnotationProperty)],
        ),
        (
            "schemes",
            "Concept schemes",
            [_term(graph, n, "concept scheme", links) for n in ours if has(n, SKOS.ConceptScheme)],
        ),
        (
            "concepts",
            "Concepts",
            [
                _term(graph, n, "concept", links)
                for n in ours
                if has(n, SKOS.Concept) and not has(n, OWL.Class) and not has(n, SKOS.ConceptScheme)
            ],
        ),
    ]
    metadata = []
    for label, prop in (
        ("Version", OWL.versionInfo),
        ("Version IRI", OWL.versionIRI),
        ("Created", DCTERMS.created),
        ("Modified", DCTERMS.modified),
        ("Creator", DCTERMS.creator),
        ("Licence", DCTERMS.license),
        ("Preferred prefix", VANN.preferredNamespacePrefix),
        ("Namespace", VANN.preferredNamespaceUri),
    ):
        for value in sorted(str(v) for v in graph.objects(ont, prop)):
            metadata.append((label, value))
    return OntologyDoc(
        iri=ONTOLOGY_IRI,
        title_sv=_lang(graph, ont, DCTERMS.title, "sv"),
        title_en=_lang(graph, ont, DCTERMS.title, "en"),
        description_sv=_lang(graph, ont, DCTERMS.description, "sv"),
        description_en=_lang(graph, ont, DCTERMS.description, "en"),
        metadata=metadata,
        sections=[s for s in sections if s[2]],
    )


def render(
    ontology_dir: Path,
    links: LinkMapper | None = None,
    environment: jinja2.Environment | None = None,
    site: Chrome | None = None,
) -> str:
    """The documentation page. Same ontology, same bytes: everything is sorted, nothing is dated.

    Without ``site`` (the page of a server) it is a file that stands alone: the stylesheet inline."""
    links = links or LinkMapper()
    return render_doc(build_doc(load(ontology_dir), links), links, environment, site)


def render_doc(
    doc: OntologyDoc, links: LinkMapper, environment: jinja2.Environment | None = None, site: Chrome | None = None
) -> str:
    env = environment or make_environment()
    return env.get_template("ontology.html").render(doc=doc, links=links, site=site or Chrome.standalone(links))


def write(ontology_dir: Path, target: Path) -> bool:
    """Write the documentation to ``target``; True if that changed the file."""
    text = render(ontology_dir)
    if target.is_file() and target.read_text(encoding="utf-8") == text:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return True
