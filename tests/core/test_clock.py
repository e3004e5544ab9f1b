"""The clock (issue 22): "today" is KSGRAPH_TODAY when set, else the system date, everywhere it is asked.

It comes from one place, ``Settings.today()`` (src/ksgraph/core/settings.py), so an answer that
depends on the date depends on a setting, and a test that means a day says it.
"""

from __future__ import annotations

import datetime as dt

import pytest

from ksgraph.core.settings import Settings, SettingsError, load_settings
from ksgraph.temporal.asof import parse_as_of
from tests.conftest import run_cli


def test_today_is_the_setting_when_set() -> None:
    settings = load_settings(env={"KSGRAPH_TODAY": "2019-06-30"})
    assert settings.today() == dt.date(2019, 6, 30)
    assert parse_as_of("today", today=settings.today()) == dt.date(2019, 6, 30)


def test_today_is_the_system_date_when_unset() -> None:
    before = dt.date.today()
    # Read between two readings of the system date, so a midnight in between cannot fail it.
    assert before <= load_settings(env={}).today() <= dt.date.today()
    assert before <= load_settings(env={"KSGRAPH_TODAY": "  "}).today() <= dt.date.today()


@pytest.mark.parametrize("bad", ["2019-02-30", "20190630", "2019-6-30", "today", "2019-06-30T00:00"])
def test_a_malformed_setting_is_an_error_not_the_system_date(bad: str) -> None:
    with pytest.raises(SettingsError, match="KSGRAPH_TODAY") as raised:
        load_settings(env={"KSGRAPH_TODAY": bad})
    assert repr(bad) in str(raised.value)


def test_a_malformed_setting_stops_the_command_with_exit_2(built_settings: Settings) -> None:
    done = run_cli("query", "npo-hosts", store=built_settings.store_dir, env={"KSGRAPH_TODAY": "soon"})
    assert done.returncode == 2
    assert "KSGRAPH_TODAY='soon'" in done.stderr and "Traceback" not in done.stderr


def test_the_cli_answers_about_the_setting(built_settings: Settings) -> None:
    """The NPOs were established in 2018 (002 "Kunskapsstyrning"); hosts are attested 2021-09-20."""
    store = built_settings.store_dir
    before = run_cli("query", "npo-hosts", "--format", "csv", store=store, env={"KSGRAPH_TODAY": "2017-06-30"})
    after = run_cli("query", "npo-hosts", "--format", "csv", store=store, env={"KSGRAPH_TODAY": "2022-01-01"})
    assert before.returncode == 0 and after.returncode == 0, before.stderr + after.stderr
    assert len(before.stdout.splitlines()) == 1 and "as of 2017-06-30" in before.stderr
    assert len(after.stdout.splitlines()) == 27 and "as of 2022-01-01" in after.stderr
