"""The clock (issue 22): "today" is KSGRAPH_TODAY when set, else the system date, everywhere it is asked."""

from __future__ import annotations

import datetime as dt

import pytest

from ksgraph import clock
from ksgraph.asof import parse_as_of
from ksgraph.config import Settings

from .conftest import run_cli


def test_today_is_the_setting_when_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KSGRAPH_TODAY", "2019-06-30")
    assert clock.today() == dt.date(2019, 6, 30)
    assert parse_as_of("today") == dt.date(2019, 6, 30)


def test_today_is_the_system_date_when_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KSGRAPH_TODAY", raising=False)
    before = dt.date.today()
    # Read between two readings of the system date, so a midnight in between cannot fail it.
    assert before <= clock.today() <= dt.date.today()
    monkeypatch.setenv("KSGRAPH_TODAY", "  ")
    assert before <= clock.today() <= dt.date.today()


@pytest.mark.parametrize("bad", ["2019-02-30", "20190630", "2019-6-30", "today", "2019-06-30T00:00"])
def test_a_malformed_setting_is_an_error_not_the_system_date(monkeypatch: pytest.MonkeyPatch, bad: str) -> None:
    monkeypatch.setenv("KSGRAPH_TODAY", bad)
    with pytest.raises(ValueError, match="KSGRAPH_TODAY") as raised:
        clock.today()
    assert repr(bad) in str(raised.value)


def test_the_cli_answers_about_the_setting(built_settings: Settings) -> None:
    """The NPOs were established in 2018 (002 "Kunskapsstyrning"); hosts are attested 2021-09-20."""
    store = built_settings.store_dir
    before = run_cli("query", "npo-hosts", "--format", "csv", store=store, env={"KSGRAPH_TODAY": "2017-06-30"})
    after = run_cli("query", "npo-hosts", "--format", "csv", store=store, env={"KSGRAPH_TODAY": "2022-01-01"})
    assert before.returncode == 0 and after.returncode == 0, before.stderr + after.stderr
    assert len(before.stdout.splitlines()) == 1 and "as of 2017-06-30" in before.stderr
    assert len(after.stdout.splitlines()) == 27 and "as of 2022-01-01" in after.stderr
