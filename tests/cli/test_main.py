"""The ``ksgraph`` entry point registers only the command a command line runs (ksgraph.cli.main), so each
path that registers fewer must still behave as the whole app does."""

from __future__ import annotations

from ksgraph import __version__
from ksgraph.cli.main import COMMANDS
from tests.conftest import run_cli


def test_version_needs_no_command() -> None:
    done = run_cli("--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"ksgraph {__version__}"


def test_help_lists_every_command() -> None:
    done = run_cli("--help", env={"COLUMNS": "200"})
    assert done.returncode == 0, done.stderr
    listed = {line.split()[1] for line in done.stdout.splitlines() if line.startswith("│ ") and len(line.split()) > 1}
    assert set(COMMANDS) <= listed, set(COMMANDS) - listed


def test_an_unknown_command_is_named_with_exit_2() -> None:
    done = run_cli("no-such-command")
    assert done.returncode == 2 and "no-such-command" in done.stderr


def test_one_command_runs_with_only_itself_registered() -> None:
    done = run_cli("query", "--help", env={"COLUMNS": "200"})
    assert done.returncode == 0, done.stderr
    assert "--stated-only" in done.stdout
