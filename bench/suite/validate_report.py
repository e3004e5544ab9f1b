"""The suite's full-validation figures: ksgraph against pyshifty and pySHACL in the same run (issue 18)."""

from __future__ import annotations

from typing import Any

GOAL_SIZE = "1M"
GIB = 1024.0
PEERS = ("pyshifty", "pyshacl")


def _results(entry: dict[str, Any]) -> str:
    if "results" in entry:
        r = entry["results"]
        return f"{r.get('Violation', 0)}/{r.get('Warning', 0)}/{r.get('Info', 0)}"
    if {"violations", "warnings", "infos"} <= entry.keys():
        return f"{entry['violations']}/{entry['warnings']}/{entry['infos']}"
    return "–"


def _seconds(entry: dict[str, Any] | None) -> str:
    if not entry:
        return "not run"
    if "capped_s" in entry:
        return f">{entry['capped_s']:.0f} (capped)"
    if entry.get("error"):
        return "failed"
    return f"{entry['seconds']:.1f}"


def goals(suite: dict[str, Any]) -> list[dict[str, Any]]:
    """Issue 18's goals for full validation: ≤ 60 s and < 4 GiB at 1M; the same results as the peers."""
    sizes = suite.get("sizes", {})
    label = GOAL_SIZE if GOAL_SIZE in sizes else (list(sizes)[-1] if sizes else None)
    if label is None:
        return []
    stages = sizes[label].get("stages", {})
    ours = stages.get("validate", {})
    at = "" if label == GOAL_SIZE else f" (measured at {label}: no 1M run)"
    out: list[dict[str, Any]] = []
    if ours.get("seconds") is not None:
        peers = stages.get("validate_peers", {})
        shifty = peers.get("pyshifty", {})
        beside = f"; pyshifty {_seconds(shifty)} s, {shifty.get('peak_mib', 0) / GIB:.2f} GiB" if shifty else ""
        fast = ours["seconds"] <= 60
        small = ours.get("peak_mib", 0) < 4 * GIB
        out.append(
            {
                "goal": "full validation ≤ 60 s on 2 cores, peak memory < 4 GiB" + at,
                "measured": f"{ours['seconds']:.1f} s, {ours.get('peak_mib', 0) / GIB:.2f} GiB{beside}",
                "status": "met" if fast and small else "missed",
            }
        )
    for peer in PEERS:
        entry = stages.get("validate_peers", {}).get(peer)
        if not entry or "results" not in entry:
            continue
        same = _results(entry) == _results(ours)
        out.append(
            {
                "goal": f"the same results as {peer}" + at,
                "measured": f"ksgraph {_results(ours)}, {peer} {_results(entry)} (violations/warnings/infos)",
                "status": "met" if same else "missed",
            }
        )
    return out


def section(suite: dict[str, Any]) -> list[str]:
    """A markdown table per size: each validator's wall seconds (whole process), peak MiB and results."""
    lines = [
        "## Full validation: ksgraph, pyshifty and pySHACL on the same data",
        "",
        "Each in its own process on the store's data graphs plus the ontology, no inference (what `ksgraph "
        "validate` validates; bench/suite/validate_peer.py). Seconds are the whole process (reading the store "
        "included); in brackets the peer's validate call alone. Results: violations/warnings/infos.",
        "",
        "| size | ksgraph s | MiB | results | pyshifty s | MiB | results | pySHACL s | MiB | results "
        "| ksgraph / pyshifty |",
        "|---|---:|---:|---|---:|---:|---|---:|---:|---|---:|",
    ]
    for label, size in suite.get("sizes", {}).items():
        stages = size.get("stages", {})
        ours = stages.get("validate", {})
        row = [label, _seconds(ours), f"{ours.get('peak_mib', 0):.0f}", _results(ours)]
        for peer in PEERS:
            entry = stages.get("validate_peers", {}).get(peer, {})
            inner = f" ({entry['validate_s']:.1f})" if "validate_s" in entry else ""
            row += [_seconds(entry) + inner, f"{entry.get('peak_mib', 0):.0f}" if entry else "–", _results(entry)]
        shifty = stages.get("validate_peers", {}).get("pyshifty", {})
        ratio = (
            f"{ours['seconds'] / shifty['seconds']:.2f}×"
            if ours.get("seconds") and shifty.get("seconds") and "capped_s" not in shifty and not shifty.get("error")
            else "–"
        )
        lines.append("| " + " | ".join([*row, ratio]) + " |")
    return [*lines, ""]
