"""Issue 19, item 6: what the sources do not date is in today's view, flagged as assumed.

Region Norrbotten's page (002) is undated and speaks "after the 2018 start": its council, LPOs and
their posts have no date of their own, so they are valid from 2018-01-01 on by assumption (no ending
is recorded), unknown before — never silently valid, and never dropped from today's answers.
"""

from __future__ import annotations

import datetime as dt
import json

import pyoxigraph as ox

from ksgraph.core.settings import Settings
from ksgraph.core.vocab import ID
from ksgraph.temporal.asof import snapshot
from ksgraph.temporal.bounds import Validity
from ksgraph.temporal.model import TimeModel
from tests.conftest import run_cli

COUNCIL = ID + "council/norrbotten"
LPO = ID + "lpo/norrbotten/reumatiska-sjukdomar"
TODAY = "2026-12-01"


def test_undated_groups_are_assumed_valid_from_when_their_source_speaks(store: ox.Store) -> None:
    model = TimeModel.load(ox.Store())  # empty: nothing to assume
    assert model.lifetimes == {}
    model = TimeModel.load(snapshot(store, dt.date(2026, 12, 1)).store)
    for iri in (COUNCIL, LPO):
        valid, why = model.lifetimes[iri].at(dt.date(2026, 12, 1))
        assert valid is Validity.VALID and why.startswith("assumed valid"), (iri, why)
        # 002 speaks from 2018-01-01 at the earliest: the day before is unknown, not invalid.
        before, reason = model.lifetimes[iri].at(dt.date(2017, 12, 31))
        assert before is Validity.UNKNOWN and "2018-01-01" in reason


def test_a_snapshot_of_today_keeps_them_and_says_it_assumed(store: ox.Store) -> None:
    snap = snapshot(store, dt.date(2026, 12, 1))
    assert COUNCIL in snap.assumed and LPO in snap.assumed
    # Posts are valid with their group: "its group: assumed valid …".
    assert all(why.removeprefix("its group: ").startswith("assumed valid") for why in snap.assumed.values())
    kept = {q.subject.value for q in snap.store.quads_for_pattern(ox.NamedNode(COUNCIL), None, None, None)}
    assert kept == {COUNCIL}
    # Dated resources are not assumed: the NPOs are founded in 2018 (002's "26 NPO bildats").
    assert not any(iri.startswith(ID + "npo/") for iri in snap.assumed)
    earlier = snapshot(store, dt.date(2017, 6, 1))
    assert COUNCIL in earlier.unknown and COUNCIL not in earlier.assumed


def test_the_mandate_of_an_lpo_answers_today(built_settings: Settings) -> None:
    """The acceptance: group-mandate of an LPO answers with today's default (it was empty)."""
    env = {"KSGRAPH_TODAY": TODAY}
    today = run_cli(
        "query", "group-mandate", "-p", f"group={LPO}", "--format", "json", store=built_settings.store_dir, env=env
    )
    assert today.returncode == 0, today.stderr
    everything = run_cli(
        "query",
        "group-mandate",
        "-p",
        f"group={LPO}",
        "--format",
        "json",
        "--as-of",
        "all",
        store=built_settings.store_dir,
    )

    rows_today = json.loads(today.stdout)["results"]["bindings"]
    rows_all = json.loads(everything.stdout)["results"]["bindings"]
    assert len(rows_today) == len(rows_all) == 10
    assert "assumed valid" in today.stderr and "council/norrbotten" in today.stderr
    council = run_cli(
        "query",
        "-",
        "--format",
        "csv",
        store=built_settings.store_dir,
        env=env,
        input="SELECT ?c WHERE { ?c a ks:KnowledgeGovernanceCouncil }",
    )
    assert COUNCIL in council.stdout
