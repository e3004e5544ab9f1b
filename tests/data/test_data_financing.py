"""The financing of 001 "Finansiering": the parts and their yearly levels, the total, and the rules.

The expected answers are read off 001 ("De landstingsgemensamma medlen … består i nuläget av följande delar
och nivåer", "Totalt: 154 100 000 kr", "Kostnaden fördelas per landsting och region utifrån befolkningsmängd",
"Finansieringsnivån höjs årligen utifrån LPI-index (exkl. läkemedelskostnader)").
"""

from __future__ import annotations

from decimal import Decimal

import pyoxigraph as ox

from tests.data.support import ID, KS, answer, seed_text

FRAME = ID + "financing/landstingsgemensamma-medel-2017"
# part → (SEK a year, the heading it stands under), as 001 lists them.
PARTS = {
    "Nationella programrådsstrukturen": (Decimal("7000000"), "Kunskapsstöd"),
    "Biobanksrådet": (Decimal("800000"), "Kunskapsstöd"),
    "Landstingens samverkansmodell för ordnat införande av läkemedel": (Decimal("11000000"), "Kunskapsstöd"),
    "Stöd till uppföljning, Öppna jämförelser och analys": (
        Decimal("30000000"),
        "Uppföljning, Öppna jämförelser och analys",
    ),
    "Stödstruktur för Nationell Patientenkät": (Decimal("5300000"), "Uppföljning, Öppna jämförelser och analys"),
    "Nationella kvalitetsregister": (Decimal("100000000"), "Uppföljning, Öppna jämförelser och analys"),
}


def test_the_expected_parts_are_the_sources_words() -> None:
    text = seed_text("001")
    for label in PARTS:
        assert label in text, label
    assert "Totalt: 154 100 000 kr" in text


def test_the_parts_with_their_yearly_amounts(store: ox.Store) -> None:
    result = answer(store, "financing-parts", financing=FRAME)
    got = {r["partLabel"]: (Decimal(r["amount"] or "0"), r["areaLabel"]) for r in result}
    assert got == PARTS
    assert {(r["currency"], r["period"]) for r in result} == {("SEK", "http://www.w3.org/2006/time#unitYear")}


def test_the_total_is_154_100_000_and_the_sum_of_the_parts(store: ox.Store) -> None:
    result = answer(store, "financing-parts", financing=FRAME)
    totals = {Decimal(r["total"] or "0") for r in result}
    assert totals == {Decimal("154100000")}
    assert sum(Decimal(r["amount"] or "0") for r in result) == Decimal("154100000")


def test_amounts_are_typed_literals_not_prose(store: ox.Store) -> None:
    amounts = list(store.quads_for_pattern(None, ox.NamedNode(KS + "amount"), None, None))
    assert amounts
    assert {q.object.datatype.value for q in amounts} == {"http://www.w3.org/2001/XMLSchema#decimal"}
    periods = list(store.quads_for_pattern(None, ox.NamedNode(KS + "amountPeriod"), None, None))
    assert {q.object.value for q in periods} == {"http://www.w3.org/2006/time#unitYear"}


def test_the_cost_is_shared_by_population_and_raised_by_lpi(store: ox.Store) -> None:
    rules = {(r["kind"] or "").removeprefix(KS): r for r in answer(store, "financing-rules", financing=FRAME)}
    assert set(rules) == {"costSharedByPopulation", "annualIndexation"}
    # "per landsting och region": the 21 regions, who also finance it.
    assert rules["costSharedByPopulation"]["sharedAmong"] == "21"
    assert rules["costSharedByPopulation"]["financedBy"] == "21"
    assert rules["annualIndexation"]["index"] == "LPI"
    assert rules["annualIndexation"]["excluded"] == "läkemedelskostnader"


def test_the_2014_decision_established_three_of_the_parts(store: ox.Store) -> None:
    # 001 "Finansiering" (Bakgrund): "Under 2014 tog landsting och regioner beslut om att gemensamt etablera
    # och finansiera … samverkansmodell … läkemedelsområdet, … Nationell Patientenkät och den nationella
    # programrådsstrukturen." (003's timeline adds Biobanksrådet: an interpretation, see test_data_basis.)
    decision = ox.NamedNode(ID + "decision/regions-2014-samverkansstrukturer")
    date = next(store.quads_for_pattern(decision, ox.NamedNode("http://purl.org/dc/terms/date"), None, None)).object
    assert date.value == "2014"
    stated = ox.NamedNode("https://w3id.org/ksgraph/graph/data/financing")
    concerns = {
        q.object.value.removeprefix(ID)
        for q in store.quads_for_pattern(decision, ox.NamedNode(KS + "concerns"), None, stated)
    }
    assert concerns == {
        "org/samverkansmodell-lakemedel",
        "org/stodstruktur-nationell-patientenkat",
        "org/programradsstrukturen",
    }
    parts_concern = {
        q.object.value.removeprefix(ID)
        for part in store.quads_for_pattern(ox.NamedNode(FRAME), ox.NamedNode(KS + "financedPart"), None, None)
        for q in store.quads_for_pattern(part.object, ox.NamedNode(KS + "concerns"), None, None)
    }
    assert concerns <= parts_concern


def test_the_patient_survey_part_is_the_existing_financing_period(store: ox.Store) -> None:
    part = ox.NamedNode(FRAME + "/stodstruktur-nationell-patientenkat")
    period = next(store.quads_for_pattern(part, ox.NamedNode("http://purl.org/dc/terms/temporal"), None, None)).object
    assert period == ox.NamedNode(ID + "activity/stodstruktur-patientenkat-2015-2018/time")
    bounds = {
        q.predicate.value.removeprefix(KS): q.object.value for q in store.quads_for_pattern(period, None, None, None)
    }
    assert (bounds["earliest"], bounds["latest"]) == ("2015-01-01", "2018-12-31")
