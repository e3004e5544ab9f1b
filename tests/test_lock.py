"""The lock files (issue 22) pin every dependency pyproject.toml declares, within its bounds, with hashes."""

from __future__ import annotations

import re
import tomllib

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import ROOT

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def pins(name: str) -> dict[str, str]:
    """Package → pinned version of requirements/NAME.txt, each pin followed by at least one sha256 hash."""
    text = (ROOT / "requirements" / f"{name}.txt").read_text(encoding="utf-8")
    found = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        match = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", block)
        if match:
            assert "--hash=sha256:" in block, f"{name}.txt pins {match.group(1)} without a hash"
            found[canonicalize_name(match.group(1))] = match.group(2)
    return found


@pytest.mark.parametrize(
    ("lock", "declared"),
    [
        ("run", PROJECT["dependencies"]),
        ("dev", PROJECT["dependencies"] + PROJECT["optional-dependencies"]["dev"]),
        (
            "bench",
            PROJECT["dependencies"]
            + PROJECT["optional-dependencies"]["dev"]
            + PROJECT["optional-dependencies"]["bench"],
        ),
    ],
)
def test_every_declared_dependency_is_pinned_within_its_bounds(lock: str, declared: list[str]) -> None:
    pinned = pins(lock)
    for text in declared:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{name} is declared but not in requirements/{lock}.txt: bash scripts/lock.sh"
        assert requirement.specifier.contains(pinned[name], prereleases=True), (name, pinned[name], text)


def test_the_locks_agree_and_the_run_lock_has_no_test_tools() -> None:
    run, dev = pins("run"), pins("dev")
    assert {name: dev[name] for name in run} == run  # dev.txt is compiled under run.txt's pins
    for tool in ("pytest", "ruff", "hypothesis", "schemathesis", "oxigraph", "pytest-timeout"):
        assert tool in dev and tool not in run, tool
    for core in ("pyoxigraph", "rdflib", "pyshacl", "fastapi", "uvicorn", "hatchling"):
        assert core in run, core


def test_the_bench_lock_keeps_the_dev_pins_and_adds_the_peers() -> None:
    dev, bench = pins("dev"), pins("bench")
    assert {name: bench[name] for name in dev} == dev  # bench.txt is compiled under dev.txt's pins
    for peer in ("rdflib-endpoint", "pyshifty", "pyrudof", "matplotlib"):
        assert peer in bench and peer not in dev, peer
