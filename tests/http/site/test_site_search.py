"""Search (issue 20): names in both languages and alternative names, ignoring case and diacritics,
ranked exact > prefix > word > substring, over the label index of the real store."""

from __future__ import annotations

import httpx
import pyoxigraph as ox
import pytest

from ksgraph.core.settings import Settings
from ksgraph.core.vocab import ID, SKOS
from ksgraph.http.site.labels import EXACT, PREFIX, SUBSTRING, WORD, LabelIndex, build_index, match, normalise
from ksgraph.sparql.local import LocalBackend
from ksgraph.store.versions import GraphStore


@pytest.fixture(scope="module")
def index(built_settings: Settings) -> LabelIndex:
    return build_index(LocalBackend(GraphStore(built_settings.store_dir)))


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("halsa", "Barn och ungdomars hälsa"),
        ("oron", "Öron-, näsa-, halssjukdomar"),
        ("ÖRON näsa", "Öron-, näsa-, halssjukdomar"),
        ("Ogonsjukdomar", "NPO Ögonsjukdomar"),
        ("hud- och kons", "Hud- och könssjukdomar"),
        ("sodra", "Södra sjukvårdsregionen"),
    ],
)
def test_case_diacritics_and_punctuation_are_ignored(typed: str, name: str) -> None:
    # Names as the data spells them (data/national.ttl, data/actors.ttl).
    assert match(normalise(typed), normalise(name)) is not None


def test_how_a_name_matches() -> None:
    assert match("akut vard", normalise("Akut vård")) == EXACT
    assert match("akut", normalise("Akut vård")) == PREFIX
    assert match("vard", normalise("Akut vård")) == WORD
    assert match("ard", normalise("Akut vård")) == SUBSTRING
    assert match("vard akut", normalise("Akut vård")) is not None  # every word, in any order
    assert match("kardiologi", normalise("Akut vård")) is None
    assert match("", normalise("Akut vård")) is None


def test_the_npo_is_found_by_a_reader_without_a_swedish_keyboard(index: LabelIndex) -> None:
    hits = [h.entry.iri for h in index.search("ungdomars halsa")]
    assert ID + "npo/barn-och-ungdomars-halsa" in hits
    assert ID + "npo/oron-nasa-halssjukdomar" in [h.entry.iri for h in index.search("oron")]


def test_exact_names_come_before_prefixes_before_substrings(index: LabelIndex) -> None:
    hits = index.search("akut vård")
    hows = [h.how for h in hits]
    assert hows == sorted(hows) and hows[0] == EXACT
    assert hits[0].entry.iri == ID + "field/akut-vard"  # the field's name is exactly "Akut vård"
    assert ID + "npo/akut-vard" in [h.entry.iri for h in hits]


def test_alternative_names_and_english_names_are_searched(index: LabelIndex) -> None:
    sks = index.search("SKS")
    assert sks[0].entry.iri == ID + "group/sks" and sks[0].name.prop == SKOS + "altLabel" and sks[0].how == EXACT
    english = [h.entry.iri for h in index.search("Emergency care")]
    assert ID + "npo/akut-vard" in english


def test_a_preferred_name_outranks_an_alternative_one_that_matches_as_well(index: LabelIndex) -> None:
    # "Beredningsgrupp" is the group's preferred label; "Beredningsgruppen" an alternative one.
    hit = index.search("beredningsgrupp")[0]
    assert hit.entry.iri == ID + "group/beredningsgrupp" and hit.name.prop == SKOS + "prefLabel"


def test_a_class_restricts_the_search_and_an_iri_finds_its_resource(index: LabelIndex) -> None:
    within = index.search("barn", within="https://w3id.org/ksgraph/ontology#NationalProgrammeArea")
    assert within and all(ID + "npo/" in h.entry.iri for h in within)
    assert index.search("id:group/sks")[0].entry.iri == ID + "group/sks"


def test_the_index_knows_every_labelled_resource(index: LabelIndex, built_settings: Settings) -> None:
    store = GraphStore(built_settings.store_dir).open_read()
    labelled = {
        q.subject.value
        for q in store.quads_for_pattern(None, ox.NamedNode(SKOS + "prefLabel"), None, None)
        if isinstance(q.subject, ox.NamedNode)
    }
    assert labelled and labelled <= set(index.entries)


def test_search_over_http_answers_json_and_html(site: httpx.Client) -> None:
    as_json = site.get("/search", params={"q": "ungdomars halsa"}, headers={"Accept": "application/json"})
    assert as_json.headers["content-type"].startswith("application/json")
    body = as_json.json()
    assert body["normalised"] == "ungdomars halsa" and body["total"] == len(body["results"]) > 0
    npo = next(r for r in body["results"] if r["iri"] == ID + "npo/barn-och-ungdomars-halsa")
    assert npo["href"] == "/id/npo/barn-och-ungdomars-halsa" and "ks:NationalProgrammeArea" in npo["types"]
    assert "hälsa" in npo["matched"]
    html = site.get("/search", params={"q": "ungdomars halsa"}, headers={"Accept": "text/html"}).text
    assert 'href="/id/npo/barn-och-ungdomars-halsa"' in html
    assert site.get("/search", params={"q": "x"}, headers={"Accept": "image/png"}).status_code == 406
    nothing = site.get("/search", params={"q": "qqqqzzzz"}, headers={"Accept": "application/json"}).json()
    assert nothing["total"] == 0 and nothing["results"] == []
