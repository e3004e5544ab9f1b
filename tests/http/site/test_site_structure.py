"""The structure picture (issue 20): drawn from the graph, every box a link, the NPOs and NSGs under
their hosts, the regional and local groups under their scopes, as of a day; ``docs/structure.svg``
(the README's picture) is the same drawing, and up to date."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict

import httpx
import pyoxigraph as ox
import pytest

from ksgraph.core.settings import Settings
from ksgraph.sparql.run import run
from tests.conftest import ROOT, run_cli

SVG = "{http://www.w3.org/2000/svg}"
ENDED_RSG = "/id/rsg/norra/strukturerad-vardinformation"


def rows(store: ox.Store, sparql: str) -> list[ox.QuerySolution]:
    return list(run(store, sparql))  # type: ignore[arg-type]


def path(iri: str) -> str:
    return "/" + iri.removeprefix("https://w3id.org/ksgraph/")


def boxes(svg: str) -> dict[str, tuple[float, float, str]]:
    """href → (centre x, top y, text) of every box of the picture."""
    found = {}
    for a in ET.fromstring(svg).iter(f"{SVG}a"):
        rect = a.find(f"{SVG}rect")
        assert rect is not None
        text = "".join(a.find(f"{SVG}text").itertext())  # type: ignore[union-attr]
        found[a.attrib["href"]] = (
            float(rect.attrib["x"]) + float(rect.attrib["width"]) / 2,
            float(rect.attrib["y"]),
            text,
        )
    return found


def headings(svg: str) -> dict[str, float]:
    """The centred headings (the hosts' names) → their x."""
    return {
        "".join(t.itertext()): float(t.attrib["x"])
        for t in ET.fromstring(svg).iter(f"{SVG}text")
        if t.attrib.get("text-anchor") == "middle" and t.attrib.get("font-weight") == "bold"
    }


@pytest.fixture(scope="module")
def whole(site: httpx.Client) -> str:
    response = site.get("/structure.svg", params={"as_of": "all"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("image/svg+xml")
    return response.text


def test_every_group_but_the_working_groups_is_a_box_linking_to_its_page(whole: str, store: ox.Store) -> None:
    groups = rows(store, "SELECT ?g WHERE { ?g a ks:GovernanceGroup FILTER NOT EXISTS { ?g a ks:WorkingGroup } }")
    assert sorted(boxes(whole)) == sorted(path(r["g"].value) for r in groups)


def test_the_national_groups_stand_under_their_host(whole: str, store: ox.Store) -> None:
    placed = boxes(whole)
    columns = headings(whole)
    hosted = rows(
        store,
        "SELECT ?g ?host ?name WHERE { VALUES ?c { ks:NationalProgrammeArea ks:NationalCollaborationGroup } "
        '?g a ?c ; ks:hostedBy ?host . ?host skos:prefLabel ?name FILTER(LANG(?name) = "en") }',
    )
    assert len({r["g"] for r in hosted}) == 34
    by_host: dict[float, set[str]] = defaultdict(set)
    for r in hosted:
        x = placed[path(r["g"].value)][0]
        name = r["name"].value
        title = name[:1].upper() + name[1:]
        # A host's name is its column's heading, wrapped: its first line starts the name.
        heading = max((h for h in columns if title.startswith(h.rstrip("…"))), key=len)
        assert x == pytest.approx(columns[heading], abs=0.2), (r["g"].value, name)
        by_host[x].add(r["host"].value)
    assert all(len(hosts) == 1 for hosts in by_host.values())  # one host per column


def test_the_regional_and_local_groups_are_drawn_below_the_national_ones(whole: str, store: ox.Store) -> None:
    placed = boxes(whole)
    tier_of = {
        path(r["g"].value): r["tier"].value.rsplit("#", 1)[-1]
        for r in rows(store, "SELECT ?g ?tier WHERE { ?g a ks:GovernanceGroup ; ks:tier ?tier }")
        if path(r["g"].value) in placed
    }
    lowest = {tier: max(placed[g][1] for g, t in tier_of.items() if t == tier) for tier in set(tier_of.values())}
    highest = {tier: min(placed[g][1] for g, t in tier_of.items() if t == tier) for tier in set(tier_of.values())}
    assert lowest["nationalTier"] < highest["healthcareRegionalTier"]
    assert lowest["healthcareRegionalTier"] < highest["localTier"]


def test_as_of_a_day_the_picture_is_that_days_structure(site: httpx.Client, whole: str) -> None:
    assert "(ended)" in boxes(whole)[ENDED_RSG][2]  # the whole graph: with its recorded status
    before = boxes(site.get("/structure.svg", params={"as_of": "2024-06-30"}).text)
    after = boxes(site.get("/structure.svg", params={"as_of": "2026-01-01"}).text)
    assert ENDED_RSG in before and "(ended)" not in before[ENDED_RSG][2]  # it still worked then (004)
    assert ENDED_RSG not in after  # ended in spring 2025 (004)
    # Before the NPOs were set up (2018, 002), there were none; nothing is drawn as if it were.
    early = boxes(site.get("/structure.svg", params={"as_of": "2017-06-30"}).text)
    assert not [g for g in early if g.startswith("/id/npo/")]
    assert site.get("/structure.svg", params={"as_of": "2017-13-45"}).status_code == 400
    page = site.get("/structure", params={"as_of": "nonsense"}, headers={"Accept": "text/html"})
    assert page.status_code == 400 and "as_of" in page.text


def test_groups_of_uncertain_validity_are_drawn_as_such_not_as_dated(site: httpx.Client) -> None:
    today = site.get("/structure.svg").text
    dashed = [
        a.attrib["href"]
        for a in ET.fromstring(today).iter(f"{SVG}a")
        if a.find(f"{SVG}rect").attrib.get("stroke-dasharray") == "3 3"
    ]  # type: ignore[union-attr]
    # Norrbotten's LPOs: no source dates them (002, undated, written after 2018): today they are
    # assumed to exist, drawn as uncertain with the assumption in the box's title.
    assert dashed and all(h.startswith(("/id/lpo/norrbotten/", "/id/council/norrbotten")) for h in dashed)
    assert "uncertain on that day" in today and "assumed valid" in today


def test_the_readme_picture_is_the_same_drawing_and_up_to_date(built_settings: Settings, whole: str) -> None:
    result = run_cli("structure", "--check", store=built_settings.store_dir)
    assert result.returncode == 0, result.stderr + "\nregenerate with: ksgraph build && ksgraph structure"
    docs = (ROOT / "docs" / "structure.svg").read_text(encoding="utf-8")
    # The same boxes in the same places; the file links to the IRIs, the server to its own pages.
    assert {h.removeprefix("https://w3id.org/ksgraph"): v for h, v in boxes(docs).items()} == boxes(whole)
    assert "docs/structure.svg" in (ROOT / "README.md").read_text(encoding="utf-8")
