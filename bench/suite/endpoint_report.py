"""The HTTP stage in the suite's report: issue 21's goals and the three ratios per size.

The figures come from bench/suite/endpoint_stage.py.
"""

from __future__ import annotations

from typing import Any


def _ratio(stage: dict[str, Any], key: str) -> tuple[float | None, int]:
    entry = stage.get("ratios", {}).get(key, {})
    return entry.get("ksgraph_over_other"), int(entry.get("other_capped") or 0)


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}×"


def goals(suite: dict[str, Any]) -> list[dict[str, Any]]:
    """Issue 21's goals, each at the sizes it names (the smallest and 1M, or what was measured)."""
    measured = {
        label: s["stages"]["endpoint"]
        for label, s in suite.get("sizes", {}).items()
        if s.get("stages", {}).get("endpoint", {}).get("ratios")
    }
    if not measured:
        return [
            {"goal": "issue 21: the endpoint's fast path", "measured": "HTTP stage not run", "status": "not measured"}
        ]
    labels = list(measured)
    ends = sorted({labels[0], labels[-1]}, key=labels.index)
    out = []
    for label in ends:
        stage = measured[label]
        cold, _ = _ratio(stage, "cold ksgraph/oxigraph")
        out.append(
            {
                "goal": f"cold named queries ≤ 1.0× Oxigraph server (geometric mean), {label}",
                "measured": _fmt(cold),
                "status": "not measured" if cold is None else ("met" if cold <= 1.0 else "missed"),
            }
        )
        slower, capped = _ratio(stage, "cold ksgraph/rdflib")
        speedup = None if not slower else 1 / slower
        note = f" (≥: {capped} rdflib queries at the cap)" if capped else ""
        out.append(
            {
                "goal": f"cold ≥ 20× faster than rdflib-endpoint (geometric mean), {label}",
                "measured": "–" if speedup is None else f"{speedup:.1f}×{note}",
                "status": "not measured" if speedup is None else ("met" if speedup >= 20 else "missed"),
            }
        )
    for label in labels:
        stage = measured[label]
        warm, _ = _ratio(stage, "warm ksgraph/oxigraph")
        out.append(
            {
                "goal": f"cached repeats ≤ 0.3× Oxigraph server, {label}",
                "measured": _fmt(warm),
                "status": "not measured" if warm is None else ("met" if warm <= 0.3 else "missed"),
            }
        )
        runs = stage.get("ratios", {})
        distinct = runs.get("throughput distinct ksgraph/oxigraph", {}).get("rps")
        repeated = runs.get("throughput repeated ksgraph/oxigraph", {}).get("rps")
        out.append(
            {
                "goal": f"throughput, 32 clients, single-entity lookups ≥ Oxigraph server, {label}",
                "measured": f"distinct texts {_fmt(distinct)}, repeated {_fmt(repeated)}",
                "status": "not measured"
                if distinct is None
                else ("met" if distinct >= 1.0 else ("met when repeated" if (repeated or 0) >= 1.0 else "missed")),
            }
        )
    return out


def markdown(sizes: dict[str, Any]) -> list[str]:
    lines = [
        "## HTTP: cold, warm and throughput against Oxigraph server and rdflib-endpoint (issue 21)",
        "",
        "ksgraph / other: geometric means over the named queries of the median latencies (below 1: ksgraph "
        "faster); throughput: ksgraph's requests per second / the other's (above 1: ksgraph does more), and "
        "server CPU per request (below 1: ksgraph cheaper). bench/suite/endpoint_stage.py says how.",
        "",
        "| size | cold / Oxigraph | cold / rdflib | warm / Oxigraph | req/s distinct / Oxigraph "
        "| req/s repeated / Oxigraph | CPU per request distinct / Oxigraph | req/s distinct / rdflib |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, size in sizes.items():
        stage = size.get("stages", {}).get("endpoint", {})
        r = stage.get("ratios", {})
        if not r:
            continue
        lines.append(
            f"| {label} | {_fmt(_ratio(stage, 'cold ksgraph/oxigraph')[0])} "
            f"| {_fmt(_ratio(stage, 'cold ksgraph/rdflib')[0])} "
            f"| {_fmt(_ratio(stage, 'warm ksgraph/oxigraph')[0])} "
            f"| {_fmt(r.get('throughput distinct ksgraph/oxigraph', {}).get('rps'))} "
            f"| {_fmt(r.get('throughput repeated ksgraph/oxigraph', {}).get('rps'))} "
            f"| {_fmt(r.get('throughput distinct ksgraph/oxigraph', {}).get('cpu_per_request'))} "
            f"| {_fmt(r.get('throughput distinct ksgraph/rdflib', {}).get('rps'))} |"
        )
    return [*lines, ""]
