"""Every citation names a section of data/sources.ttl that exists in its seed file, and when each source speaks.

A section cited by any fact (data/*.ttl, ontology/*.ttl) is a ks:SourceSection of one of the five documents,
whose ks:seedFile is a file of shared/seeds/ and whose heading occurs in that file, or a general-knowledge
section that says it is none of them.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import pytest
import rdflib
from rdflib.namespace import DCTERMS, RDF, SKOS, TIME

from ksgraph.core.vocab import KS_NS as KS
from tests.conftest import ROOT
from tests.data.support import ID, SEEDS

KSN = rdflib.Namespace(KS)
GENERAL = ID + "source/general-knowledge/"


@pytest.fixture(scope="module")
def graph() -> rdflib.Graph:
    g = rdflib.Graph()
    for path in [*(ROOT / "data").glob("*.ttl"), *(ROOT / "ontology").glob("*.ttl")]:
        g.parse(path)
    return g


def normalised(text: str) -> str:
    """Case, dashes and white space do not matter: slides set headings in capitals and with en dashes."""
    text = unicodedata.normalize("NFC", text).casefold()
    text = re.sub(r"[\u2010-\u2015-]", "-", text)
    text = re.sub(r"\s*-\s*", "-", text)
    return re.sub(r"\s+", " ", text)


def test_every_cited_section_exists_and_names_its_seed_file(graph: rdflib.Graph) -> None:
    sections = set(graph.subjects(RDF.type, KSN.SourceSection))
    seeds = {p.name for p in SEEDS.glob("*.txt")} if SEEDS.is_dir() else None
    problems = []
    for cited in sorted(set(graph.objects(None, DCTERMS.source)), key=str):
        if cited not in sections:
            problems.append(f"{cited}: not a ks:SourceSection of data/sources.ttl")
            continue
        document = graph.value(cited, DCTERMS.isPartOf)
        if document is None:
            if not str(cited).startswith(GENERAL):
                problems.append(f"{cited}: part of no source document and not a general-knowledge section")
            continue
        seed = graph.value(document, KSN.seedFile)
        if seed is None:
            problems.append(f"{cited}: its document {document} names no seed file")
        elif seeds is not None and str(seed) not in seeds:
            problems.append(f"{cited}: seed file {seed} is not in shared/seeds")
    assert problems == []


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed files are not in this checkout")
def test_every_sections_heading_occurs_in_its_seed_file(graph: rdflib.Graph) -> None:
    texts = {p.name: normalised(p.read_text(encoding="utf-8")) for p in SEEDS.glob("*.txt")}
    missing = []
    for section in graph.subjects(RDF.type, KSN.SourceSection):
        document = graph.value(section, DCTERMS.isPartOf)
        if document is None:
            continue
        title = str(graph.value(section, DCTERMS.title))
        if normalised(title) not in texts[str(graph.value(document, KSN.seedFile))]:
            missing.append(f"{section}: '{title}'")
    assert sorted(missing) == []


def test_general_knowledge_sections_say_they_are_not_the_sources(graph: rdflib.Graph) -> None:
    for section in graph.subjects(RDF.type, KSN.SourceSection):
        if str(section).startswith(GENERAL):
            labels = [str(o) for o in graph.objects(section, SKOS.prefLabel)]
            assert any("ingen av de fem källorna" in label for label in labels), section


def _bounds(graph: rdflib.Graph, instant: rdflib.term.Node) -> tuple[dt.date | None, dt.date | None]:
    position = graph.value(instant, TIME.inXSDDate) or graph.value(instant, TIME.inXSDgYear)
    earliest, latest = graph.value(instant, KSN.earliest), graph.value(instant, KSN.latest)
    if position is not None and position.datatype == rdflib.XSD.date:
        day = dt.date.fromisoformat(str(position))
        return (day, day)
    return (
        dt.date.fromisoformat(str(earliest)) if earliest is not None else None,
        dt.date.fromisoformat(str(latest)) if latest is not None else None,
    )


def test_every_source_document_says_when_it_speaks(graph: rdflib.Graph) -> None:
    documents = {str(graph.value(d, DCTERMS.identifier)): d for d in graph.subjects(RDF.type, KSN.SourceDocument)}
    assert sorted(documents) == ["000", "001", "002", "003", "004"]
    when = {n: _bounds(graph, graph.value(d, KSN.attestedAt)) for n, d in documents.items()}
    # 000 "Publicerad 15 februari 2024"; 003 the webinar of Monday 20 September; 004 dated 2026-02-09.
    assert when["000"] == (dt.date(2024, 2, 15),) * 2
    assert when["003"] == (dt.date(2021, 9, 20),) * 2
    assert when["004"] == (dt.date(2026, 2, 9),) * 2
    # 001: the appendix is dated 2017-02-23, the board decided on 2017-05-12 (its process plan).
    assert when["001"] == (dt.date(2017, 2, 23), dt.date(2017, 5, 12))
    # 002 is undated: after the 2018 start it reports, latest day unknown.
    assert when["002"] == (dt.date(2018, 1, 1), None)


def test_a_dated_slide_speaks_for_its_own_day(graph: rdflib.Graph) -> None:
    slide = rdflib.URIRef(ID + "source/003/28-vardforlopp-i-olika-faser")
    assert _bounds(graph, graph.value(slide, KSN.attestedAt)) == (dt.date(2021, 8, 23),) * 2


def test_slides_without_sentences_say_so_where_facts_rest_on_them(graph: rdflib.Graph) -> None:
    for slug in (
        "28-vardforlopp-i-olika-faser",
        "nulage-strukturer",
        "tidslinje-nationellt-system-for-kunskapsstyrning",
        "kort-introduktion-kunskapsstyrning",
        "kunskapsstod",
        "samspel-for-kunskapsstyrning",
    ):
        notes = [str(o) for o in graph.objects(rdflib.URIRef(ID + "source/003/" + slug), SKOS.note)]
        assert any(n.startswith("Bild utan hela meningar") for n in notes), slug
