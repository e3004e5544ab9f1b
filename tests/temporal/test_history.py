"""Timelines (ksgraph.temporal.history, ``ksgraph history``): the events of a resource in order, as text, JSON, SVG."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pyoxigraph as ox

from ksgraph.core.settings import Settings
from ksgraph.core.vocab import ID
from ksgraph.temporal.history import Entry, Timeline, timeline, timeline_svg
from tests.conftest import run_cli

SVG = "{http://www.w3.org/2000/svg}"


def _kinds(line: Timeline) -> list[tuple[str, str]]:
    return [(e.when, e.kind) for e in line.entries]


def _in_order(line: Timeline) -> bool:
    keys = [e.sort_key for e in line.entries]
    return keys == sorted(keys)


def test_the_ended_rsg_has_its_ending_with_the_spring_of_2025(store: ox.Store) -> None:
    line = timeline(store, ID + "rsg/norra/strukturerad-vardinformation")
    ending = next(e for e in line.entries if e.kind == "ending")
    assert ending.when == "2025 (2025-01-01–2025-06-30)"
    assert (ending.earliest, ending.latest, ending.role) == ("2025-01-01", "2025-06-30", "original")
    assert ending.sources == [ID + "source/004/uppdragsdialoger-med-rsg-hosten-2025"]
    assert line.label == "RSG strukturerad vårdinformation"


def test_npo_barn_lists_its_events_oldest_first(store: ox.Store) -> None:
    line = timeline(store, ID + "npo/barn-och-ungdomars-halsa")
    assert _in_order(line)
    kinds = [k for _, k in _kinds(line)]
    # The councils' incorporation (not before 2017-05-12), its founding (2018), then the 2021 attestations.
    assert kinds.index("merger") < kinds.index("founding") < kinds.index("membership attested")
    founding = next(e for e in line.entries if e.kind == "founding")
    assert founding.when == "2018" and ID + "source/003/npo-barn-och-ungdomars-halsa" in founding.sources
    assert "founded" not in kinds  # ks:founded repeats the founding event and is not listed twice


def test_an_undated_dormancy_says_so_and_sorts_by_its_bounds(store: ox.Store) -> None:
    line = timeline(store, ID + "npo/cancersjukdomar")
    dormancy = next(e for e in line.entries if e.kind == "dormancy")
    assert dormancy.when == "date unknown, from 2018-01-01 by 2021-09-20"
    assert _in_order(line)
    assert [e.kind for e in line.entries].count("dormancy") == 1  # original and resulting: one entry


def test_people_posts_and_actors_have_histories(store: ox.Store) -> None:
    person = timeline(store, ID + "person/urban-tiren")
    assert {e.kind for e in person.entries} == {"membership attested"} and len(person.entries) == 2
    post = timeline(store, ID + "post/npo/barn-och-ungdomars-halsa/member-norra")
    assert {"founding", "membership attested"} <= {e.kind for e in post.entries}
    nsk = timeline(store, ID + "org/nsk-region")
    assert ("2017-01-26", "process step") in _kinds(nsk)
    skr = timeline(store, ID + "org/skr")
    assert ("2019", "renaming") in _kinds(skr)
    assert all(_in_order(line) for line in (person, post, nsk, skr))


def test_the_svg_is_well_formed_escaped_and_shows_unknown_times() -> None:
    entries = [
        Entry("http://ex/a", "founding", None, "2018", "2018-01-01", "2018-12-31", "Bildas <b>", None),
        Entry("http://ex/b", "decision", None, "2020-01-24", "2020-01-24", "2020-01-24", "Beslut", None),
        Entry("http://ex/c", "ending", None, "date unknown", None, None, "Avslutas & <script>", None),
    ]
    svg = timeline_svg(Timeline("http://ex/g", "Grupp <x>", None, entries))
    root = ET.fromstring(svg)  # raises on malformed or unescaped markup
    assert root.tag == SVG + "svg"
    assert len(root.findall(f".//{SVG}rect")) == 1 and len(root.findall(f".//{SVG}circle")) == 1
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert any(t.text == "?" for t in root.iter(SVG + "text"))


def test_the_svg_of_a_real_group(store: ox.Store) -> None:
    svg = timeline_svg(timeline(store, ID + "rsg/norra/strukturerad-vardinformation"))
    assert ET.fromstring(svg).findall(f".//{SVG}rect")  # the spring of 2025 is a span


def test_history_cli_text_json_and_errors(built_settings: Settings) -> None:
    store = built_settings.store_dir
    text = run_cli("history", "id:rsg/norra/strukturerad-vardinformation", store=store)
    assert text.returncode == 0, text.stderr
    assert "ending (original)" in text.stdout and "2025 (2025-01-01–2025-06-30)" in text.stdout
    raw = run_cli("history", "id:npo/cancersjukdomar", "--format", "json", store=store)
    data = json.loads(raw.stdout)
    assert data["resource"] == ID + "npo/cancersjukdomar"
    days = [e["earliest"] or e["latest"] or "9999" for e in data["entries"]]
    assert days == sorted(days)
    svg = run_cli("history", "id:npo/cancersjukdomar", "--format", "svg", store=store)
    assert svg.stdout.startswith("<svg")
    missing = run_cli("history", "id:npo/no-such-group", store=store)
    assert missing.returncode == 2 and "no label and no history" in missing.stderr
