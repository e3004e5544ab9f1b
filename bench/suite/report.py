"""suite.json, suite.md (tables per stage and the goals) and the two plots, from the suite's raw record."""

from __future__ import annotations

import json
import statistics
from pathlib import Path
from typing import Any

from . import endpoint_report, validate_report

GIB = 1024.0
GOAL_SIZE = "1M"


# -- numbers -------------------------------------------------------------------------


def _num(value: Any, digits: int = 2) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _cell(value: Any) -> str:
    """A table cell: one line, no column separators (error texts carry both)."""
    return " ".join(_num(value).split()).replace("|", "\\|")


def _by_query(entries: list[dict[str, Any]] | None) -> dict[str, dict[str, Any]]:
    return {e["query"]: e for e in entries or []}


def _cap_ms(entry: dict[str, Any]) -> float | None:
    """A capped request's cap in ms (its lower bound), from its "> N s" marker."""
    if entry.get("capped") and str(entry.get("error", "")).startswith("> "):
        return float(entry["error"].split()[1]) * 1000
    return None


def oxigraph_ratios(size: dict[str, Any]) -> dict[str, Any] | None:
    """ksgraph p50 ÷ Oxigraph server p50 per query (above 1: ksgraph slower), their median, and the ratio of sums."""
    http = size.get("stages", {}).get("http", {})
    ours, theirs = _by_query(http.get("ksgraph", {}).get("queries")), _by_query(http.get("oxigraph", {}).get("queries"))
    pairs = {
        q: (ours[q]["p50_ms"], theirs[q]["p50_ms"])
        for q in ours
        if ours[q].get("p50_ms") and q in theirs and theirs[q].get("p50_ms")
    }
    if not pairs:
        return None
    ratios = {q: a / b for q, (a, b) in pairs.items()}
    return {
        "per_query": {q: round(r, 2) for q, r in ratios.items()},
        "median": round(statistics.median(ratios.values()), 2),
        "sum_ratio": round(sum(a for a, _ in pairs.values()) / sum(b for _, b in pairs.values()), 2),
        "compared": len(pairs),
        "of": len(ours),
    }


def rdflib_ratios(size: dict[str, Any]) -> dict[str, Any] | None:
    """rdflib-endpoint p50 ÷ ksgraph p50 per query (above 1: ksgraph faster); a capped query counts at its cap."""
    stages = size.get("stages", {})
    ours = _by_query(stages.get("http", {}).get("ksgraph", {}).get("queries"))
    theirs = _by_query(stages.get("rdflib", {}).get("http"))
    ratios: dict[str, float] = {}
    bounds: set[str] = set()
    for q, mine in ours.items():
        other = theirs.get(q)
        if not mine.get("p50_ms") or other is None:
            continue
        if other.get("p50_ms"):
            ratios[q] = other["p50_ms"] / mine["p50_ms"]
        elif (cap := _cap_ms(other)) is not None:
            ratios[q] = cap / mine["p50_ms"]
            bounds.add(q)
    if not ratios:
        return None
    median = statistics.median(ratios.values())
    # The true median lies between the median with every capped query at its cap and the one with
    # every capped query unboundedly slow.
    highest = statistics.median(r if q not in bounds else float("inf") for q, r in ratios.items())
    return {
        "per_query": {q: round(r, 1) for q, r in ratios.items()},
        "lower_bounds": sorted(bounds),
        "median": round(median, 1),
        "median_at_most": round(highest, 1) if highest != float("inf") else None,
        "compared": len(ratios),
        "failed": sorted(q for q, e in theirs.items() if e.get("error") and not e.get("capped")),
    }


def ksgraph_peak(size: dict[str, Any]) -> tuple[float, str] | None:
    """The largest peak of any ksgraph process (CLI stages, or the server with its workers)."""
    stages = size.get("stages", {})
    peaks = [
        (stages[s]["peak_mib"], s)
        for s in ("load", "reason", "validate", "cli_queries", "export", "import")
        if stages.get(s, {}).get("peak_mib")
    ]
    server = stages.get("http", {}).get("ksgraph", {}).get("peak_mib")
    if server:
        peaks.append((server, "serve (sum over its processes)"))
    return max(peaks) if peaks else None


def goals(suite: dict[str, Any]) -> list[dict[str, Any]]:
    sizes = suite.get("sizes", {})
    label = GOAL_SIZE if GOAL_SIZE in sizes else (list(sizes)[-1] if sizes else None)
    if label is None:
        return []
    size = sizes[label]
    stages = size.get("stages", {})
    at = "" if label == GOAL_SIZE else f" (measured at {label}: no 1M run)"
    out: list[dict[str, Any]] = []

    ox = oxigraph_ratios(size)
    out.append(
        {
            "goal": "HTTP p50 of the named queries within 1.5× of Oxigraph server" + at,
            "measured": f"median of per-query ratios {ox['median']}×, sum-of-p50 ratio {ox['sum_ratio']}× "
            f"({ox['compared']} of {ox['of']} queries)"
            if ox
            else "not measured",
            "status": ("met" if ox["median"] <= 1.5 else "missed") if ox else "not measured",
        }
    )
    rd = rdflib_ratios(size)
    if rd:
        bound = ""
        if rd["lower_bounds"]:
            bound = f"; {len(rd['lower_bounds'])} capped queries count at their cap (lower bounds), so the median is ≥"
            bound += f" {rd['median']}× and ≤ {rd['median_at_most']}×" if rd["median_at_most"] is not None else " that"
        failed = f"; failed (not counted): {', '.join(rd['failed'])}" if rd["failed"] else ""
        if rd["median"] >= 20:
            status = "met"
        elif rd["median_at_most"] is not None and rd["median_at_most"] < 20:
            status = "missed"
        else:
            status = "not shown (caps too low)"
        out.append(
            {
                "goal": "≥20× faster than rdflib-endpoint (median of per-query p50 ratios)" + at,
                "measured": f"median {rd['median']}× over {rd['compared']} queries{bound}{failed}",
                "status": status,
            }
        )
    else:
        out.append(
            {"goal": "≥20× faster than rdflib-endpoint" + at, "measured": "not measured", "status": "not measured"}
        )
    build = stages.get("build", {}).get("seconds")
    out.append(
        {
            "goal": "build (load + reason + validate) < 300 s" + at,
            "measured": f"{build:.0f} s (load {stages['load']['seconds']:.0f} "
            f"+ reason {stages['reason']['seconds']:.0f} + validate {stages['validate']['seconds']:.0f})"
            if build
            else "not measured",
            "status": ("met" if build < 300 else "missed") if build else "not measured",
        }
    )
    imp = stages.get("import", {})
    full = stages.get("validate", {}).get("seconds")
    if imp.get("validation_s") is not None and full:
        share = imp["validation_s"] / full
        out.append(
            {
                "goal": "validation of a 1k-triple import < 10% of full validation" + at,
                "measured": f"{imp['validation_s']:.1f} s of {full:.1f} s = {100 * share:.1f}%",
                "status": "met" if share < 0.10 else "missed",
            }
        )
    else:
        out.append(
            {
                "goal": "1k import validation < 10% of full" + at,
                "measured": imp.get("error", "not measured"),
                "status": "not measured",
            }
        )
    if imp.get("returncode") == 0 and not imp.get("stopped_after_validation"):
        out.append(
            {
                "goal": "1k-triple import, end to end (parse, validate, reason, commit) ≤ 5 s" + at,
                "measured": f"{imp['seconds']:.1f} s ({_split(imp)}; {imp.get('cpu_s', 0):.1f} s of CPU)",
                "status": "met" if imp["seconds"] <= 5 else "missed",
            }
        )
    out += _import_share(sizes)
    peak = ksgraph_peak(size)
    out.append(
        {
            "goal": "peak memory < 4 GiB" + at,
            "measured": f"{peak[0] / GIB:.2f} GiB ({peak[1]})" if peak else "not measured",
            "status": ("met" if peak[0] < 4 * GIB else "missed") if peak else "not measured",
        }
    )
    return out


# -- markdown ------------------------------------------------------------------------


def _table(header: list[str], rows: list[list[Any]], align: str = "") -> list[str]:
    aligns = align or ("l" + "r" * (len(header) - 1))
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---:" if a == "r" else "---" for a in aligns) + "|"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return [*lines, ""]


def _s(stage: dict[str, Any] | None, key: str = "seconds", digits: int = 1) -> str:
    if not stage:
        return "–"
    if stage.get("error") and key == "seconds":
        return f"{_num(stage.get(key), digits)} (failed)"
    return _num(stage.get(key), digits)


def markdown(suite: dict[str, Any]) -> str:
    sizes: dict[str, Any] = suite.get("sizes", {})
    m = suite["machine"]
    lines = [
        "# Benchmark suite (bench/run.py)",
        "",
        f"{suite['date']}; {m['platform']}, {m['cores']} cores, {m['memory_mib']} MiB, Python {m['python']}; "
        f"`{' '.join(suite['command'])}`{' (quick)' if suite.get('quick') else ''}; "
        f"whole run {_num(suite.get('wall_s'), 0)} s"
        + (
            f" ({suite['wall_with_setup_s']:.0f} s with `bash scripts/bench.sh`'s setup). "
            if suite.get("wall_with_setup_s")
            else ". "
        )
        + f"Load average before {', '.join(f'{x:.1f}' for x in suite['load_average_before'])}, after "
        f"{', '.join(f'{x:.1f}' for x in suite.get('load_average_after', []))}: the machine is shared, so "
        "seconds are noisy; the ratios to peers measured in the same run are what to read. Versions: "
        + ", ".join(f"{k} {v}" for k, v in m["versions"].items() if v)
        + ".",
        "",
        f"Commit {m.get('git', {}).get('commit', '?')[:12]}"
        + (
            f", with uncommitted changes to {', '.join(m['git']['uncommitted'])}"
            if m.get("git", {}).get("uncommitted")
            else ""
        )
        + ".",
        "",
        "Each stage is the real `ksgraph` command (or peer) in a child process: wall seconds and peak resident "
        "memory (ru_maxrss of the child; for servers the sum of VmHWM over the server and its worker processes, "
        "read just before stopping it). Data: the checkout's data plus `bench/generate.py --triples N` (seeded).",
        "",
    ]
    for label, size in sizes.items():
        violations = size.get("stages", {}).get("validate", {}).get("violations")
        if violations:
            lines += [
                f"**WARNING: at {label} the generated data does not conform: {violations} violations "
                f"({', '.join(size['stages']['validate'].get('violated_rules', []))}).**",
                "",
            ]
    lines += ["## Goals", ""]
    lines += _table(
        ["goal", "measured", "status"],
        [
            [g["goal"], g["measured"], g["status"]]
            for g in goals(suite) + validate_report.goals(suite) + endpoint_report.goals(suite)
        ],
        "lll",
    )

    rows = []
    for label, size in sizes.items():
        st = size.get("stages", {})
        v = st.get("validate", {})
        rows.append(
            [
                label,
                size.get("generated"),
                size.get("quads"),
                _s(st.get("generate")),
                _s(st.get("load")),
                _s(st.get("load"), "peak_mib", 0),
                _s(st.get("reason")),
                _s(st.get("reason"), "peak_mib", 0),
                _s(v),
                _s(v, "peak_mib", 0),
                f"{v.get('violations', '–')}/{v.get('warnings', '–')}",
                _s(st.get("build")),
                _s(st.get("export")),
                _s(st.get("export"), "peak_mib", 0),
            ]
        )
    lines += ["## Build: load, reason, validate (and export)", ""]
    lines += _table(
        [
            "size",
            "generated triples",
            "quads in store",
            "generate s",
            "load s",
            "load MiB",
            "reason s",
            "reason MiB",
            "validate s",
            "validate MiB",
            "violations/warnings",
            "build s",
            "export s",
            "export MiB",
        ],
        rows,
    )

    lines += validate_report.section(suite)
    lines += ["## Named queries through the CLI (`ksgraph query NAME --as-of all --format csv`)", ""]
    rows = []
    for label, size in sizes.items():
        cq = size.get("stages", {}).get("cli_queries")
        if cq:
            slow = max(cq["queries"], key=lambda q: q["seconds"])
            rows.append([label, _s(cq), f"{slow['query']} {slow['seconds']:.1f}", _s(cq, "peak_mib", 0), cq["errors"]])
    lines += _table(["size", "total s", "slowest (s)", "peak MiB", "errors"], rows)
    names = sorted(
        {q["query"] for s in sizes.values() for q in s.get("stages", {}).get("cli_queries", {}).get("queries", [])}
    )
    rows = []
    for name in names:
        row: list[Any] = [name]
        for size in sizes.values():
            q = _by_query(size.get("stages", {}).get("cli_queries", {}).get("queries")).get(name)
            row.append(
                "–"
                if not q
                else (f"error: {q['error'][:60]}" if "error" in q else f"{q['seconds']:.2f} ({q.get('rows')})")
            )
        rows.append(row)
    lines += _table(["query", *[f"{label} s (rows)" for label in sizes]], rows)

    lines += endpoint_report.markdown(sizes)
    lines += _http_markdown(sizes)
    lines += _rdflib_markdown(sizes)

    lines += ["## A ~1k-triple import into the large store (`ksgraph import FILE`)", ""]
    lines += [
        "A separate generator batch (`--triples 1000 --first-replica 1000000`, IRIs of its own) imported into the "
        "store just built. The import validates the nodes whose results it can change, against the whole store, "
        "brings the inferred graph up to date for the new triples (incremental reasoning) and commits; its stderr "
        "gives its own split (parse, validate, reason, commit: the copy of the store, the change and the publish) "
        "and says how it reasoned. Ratio: its validation "
        "÷ the full `ksgraph validate` above (both wall seconds, both loading the store's data). Where the import is "
        '"stopped before reasoning" (`bench/run.py --import-until-validated`) it was '
        "killed once validation had passed — what it skipped is the reason stage's full closure again and the commit, "
        "and a killed import leaves the store as it was.",
        "",
    ]
    rows = []
    for label, size in sizes.items():
        st = size.get("stages", {})
        imp, full = st.get("import", {}), st.get("validate", {}).get("seconds")
        share = f"{100 * imp['validation_s'] / full:.1f}%" if imp.get("validation_s") is not None and full else "–"
        rows.append(
            [
                label,
                imp.get("triples"),
                _s(imp),
                imp.get("before_validation_s"),
                imp.get("validation_s"),
                "not run" if imp.get("stopped_after_validation") else imp.get("after_validation_s"),
                full,
                share,
                _s(imp, "peak_mib", 0),
                _import_outcome(imp),
            ]
        )
    lines += _table(
        [
            "size",
            "triples",
            "import s",
            "copy + parse s",
            "validation s",
            "reason + commit s",
            "full validation s",
            "ratio",
            "peak MiB",
            "exit",
        ],
        rows,
    )
    rows = []
    for label, size in sizes.items():
        imp = size.get("stages", {}).get("import", {})
        split = imp.get("stages") or {}
        build = size.get("stages", {}).get("build", {}).get("seconds")
        rows.append(
            [
                label,
                _s(imp),
                _s(imp, "cpu_s"),
                *[_num(split.get(k), 2) for k in ("parse", "validate", "reason", "commit")],
                _num(build, 1),
                f"{100 * imp['seconds'] / build:.1f}%" if build and imp.get("seconds") else "–",
                imp.get("reasoning") or "–",
            ]
        )
    lines += [
        "The same import, split as it measures itself (`ImportResult.seconds`, wall seconds; the rest is startup); "
        "CPU s is the process's user + system time, which other jobs on a shared machine do not inflate:",
        "",
    ]
    lines += _table(
        [
            "size",
            "import s",
            "CPU s",
            "parse s",
            "validate s",
            "reason s",
            "commit s",
            "build s",
            "import ÷ build",
            "reasoning",
        ],
        rows,
        "lrrrrrrrrl",
    )
    lines += ["## Limits per size", ""]
    keys = sorted({k for s in sizes.values() for k in s.get("limits", {})})
    lines += _table(["limit", *sizes], [[k, *[s.get("limits", {}).get(k) for s in sizes.values()]] for k in keys])
    rows = [
        [
            label,
            s.get("wall_s"),
            ", ".join(f"{x:.1f}" for x in s.get("load_average_before", [])),
            ", ".join(f"{x:.1f}" for x in s.get("load_average_after", [])),
        ]
        for label, s in sizes.items()
    ]
    lines += _table(["size", "wall s", "load average before", "after"], rows)
    return "\n".join(lines).rstrip() + "\n"


def _split(imp: dict[str, Any]) -> str:
    stages = imp.get("stages") or {}
    return ", ".join(f"{k} {v:.2f}" for k, v in stages.items()) or "no split"


def _import_share(sizes: dict[str, Any]) -> list[dict[str, Any]]:
    """The 1k import into the 100k store against building that store (load + reason + validate)."""
    size = sizes.get("100k")
    if not size:
        return []
    imp, build = size.get("stages", {}).get("import", {}), size.get("stages", {}).get("build", {}).get("seconds")
    if imp.get("returncode") != 0 or imp.get("stopped_after_validation") or not build:
        return [{"goal": "1k import into 100k ≤ 15% of building it", "measured": "not measured", "status": "–"}]
    share = imp["seconds"] / build
    return [
        {
            "goal": "1k import into 100k ≤ 15% of building it",
            "measured": f"{imp['seconds']:.1f} s of {build:.1f} s = {100 * share:.1f}%",
            "status": "met" if share <= 0.15 else "missed",
        }
    ]


def _import_outcome(imp: dict[str, Any]) -> str:
    if imp.get("error"):
        return f"failed: {imp['error'][:300]}"
    if imp.get("stopped_after_validation"):
        return "validated (conforms), stopped before reasoning"
    return {0: "committed", 1: "rejected (violations)"}.get(imp.get("returncode"), str(imp.get("returncode", "–")))


def _pp(entry: dict[str, Any] | None) -> str:
    if not entry:
        return "–"
    if entry.get("p50_ms") is not None:
        return f"{entry['p50_ms']:.1f}/{entry['p95_ms']:.1f}"
    return f"{entry.get('error', 'error')}"[:50]


def _http_markdown(sizes: dict[str, Any]) -> list[str]:
    flags = sorted(
        {
            " ".join(a for a in s["stages"]["http"]["oxigraph"]["command"] if a.startswith("--union"))
            for s in sizes.values()
            if s.get("stages", {}).get("http", {}).get("oxigraph", {}).get("command")
        }
    )
    union = (
        " with `--union-default-graph` (the store holds named graphs only)"
        if flags == ["--union-default-graph"]
        else " on its own default graph (where every ksgraph write keeps the asserted and inferred triples)"
        if flags == [""]
        else ""
    )
    lines = [
        "## Named queries over HTTP",
        "",
        "Each named query as the same SPARQL text to each server (bench/bench_endpoint.py's `bench_text`: prefixes "
        "declared, required parameters as VALUES), a form POST asking for SPARQL JSON; one warm-up, then sequential "
        "requests (see the limits below). ksgraph: `ksgraph serve`; Oxigraph: `oxigraph serve-read-only` on the "
        f"same store version{union}; rdflib-endpoint: its app on an rdflib Dataset of the "
        "N-Quads export (see the rdflib section). Ratios: ksgraph ÷ Oxigraph (goal ≤ 1.5) and rdflib-endpoint ÷ "
        'ksgraph (goal ≥ 20); ">" marks a lower bound from a cap.',
        "",
    ]
    rows = []
    for label, size in sizes.items():
        st = size.get("stages", {})
        ox, rd = oxigraph_ratios(size), rdflib_ratios(size)
        for name in ("ksgraph", "oxigraph"):
            h = st.get("http", {}).get(name, {})
            answered = [q for q in h.get("queries", []) if q.get("p50_ms") is not None]
            ratio = "1" if name == "ksgraph" else (f"{ox['median']} (sum {ox['sum_ratio']})" if ox else "–")
            rows.append(
                [
                    label,
                    name,
                    h.get("startup_s"),
                    _num(h.get("peak_mib"), 0),
                    len(answered),
                    round(sum(q["p50_ms"] for q in answered), 1),
                    ratio,
                    h.get("error", "")[:80],
                ]
            )
        r = st.get("rdflib", {})
        answered = [q for q in r.get("http", []) if q.get("p50_ms") is not None]
        rows.append(
            [
                label,
                "rdflib-endpoint",
                f"{_num(r.get('load_s'), 1)} load + {_num(r.get('http_startup_s'), 1)}",
                _num(r.get("http_peak_mib"), 0),
                len(answered),
                round(sum(q["p50_ms"] for q in answered), 1),
                f"{'>' if rd and rd['lower_bounds'] else ''}{rd['median']}" if rd else "–",
                r.get("error", "")[:80],
            ]
        )
    lines += _table(
        [
            "size",
            "server",
            "startup s",
            "peak MiB",
            "queries answered",
            "sum of p50 ms (answered)",
            "median ratio vs ksgraph",
            "error",
        ],
        rows,
    )
    for label, size in sizes.items():
        st = size.get("stages", {})
        http = st.get("http", {})
        ours = _by_query(http.get("ksgraph", {}).get("queries"))
        if not ours:
            continue
        theirs = _by_query(http.get("oxigraph", {}).get("queries"))
        rd_http, rd_mem = _by_query(st.get("rdflib", {}).get("http")), _by_query(st.get("rdflib", {}).get("memory"))
        ox, rd = (
            oxigraph_ratios(size) or {"per_query": {}},
            rdflib_ratios(size) or {"per_query": {}, "lower_bounds": []},
        )
        rows = []
        for name, mine in ours.items():
            mem = rd_mem.get(name, {})
            rows.append(
                [
                    name,
                    mine.get("rows"),
                    _pp(mine),
                    _pp(theirs.get(name)),
                    ox["per_query"].get(name),
                    _pp(rd_http.get(name)),
                    (">" if name in rd["lower_bounds"] else "") + _num(rd["per_query"].get(name), 1),
                    _num(mem.get("seconds"), 3) if "seconds" in mem else mem.get("error", "–"),
                ]
            )
        lines += [f"### {label}: p50/p95 ms", ""]
        lines += _table(
            [
                "query",
                "rows",
                "ksgraph",
                "Oxigraph",
                "ksgraph ÷ Oxigraph",
                "rdflib-endpoint",
                "rdflib-endpoint ÷ ksgraph",
                "rdflib in memory s",
            ],
            rows,
        )
        counts = {}
        for name, mine in ours.items():
            seen = {mine.get("rows"), theirs.get(name, {}).get("rows"), rd_http.get(name, {}).get("rows")} - {None}
            if len(seen) > 1:
                counts[name] = sorted(seen)
        if counts:
            lines += [
                f"Row counts differ between servers at {label} for: "
                + ", ".join(f"{k} {v}" for k, v in counts.items())
                + " (the servers' default graphs differ: ksgraph's leaves out provenance).",
                "",
            ]
    return lines


def _ratio(theirs: float | None, ours: float | None) -> str:
    return f"{theirs / ours:.1f}×" if theirs and ours else "–"


def _rdflib_markdown(sizes: dict[str, Any]) -> list[str]:
    lines = [
        "## rdflib in memory (peer)",
        "",
        "One child process loads the N-Quads export into `rdflib.Dataset(default_union=True)` (as `rdflib-endpoint "
        "serve` does), then runs each named query once in a fork of itself, killed at the cap; rdflib-endpoint's app "
        "(`SparqlEndpoint` under uvicorn) is then served from another fork of the same process, so the load is paid "
        "once and a server stuck on a timed-out request is replaced by a fresh fork. Queries that hit the in-memory "
        "cap are not sent over HTTP (the endpoint runs the same engine on the same data, so that cap bounds it too). "
        "Peak MiB: the loading process (forks share its pages). Ratios: against ksgraph's load stage "
        "(`build --no-reason --no-validate`, which parses the Turtle into the on-disk store; validation is its "
        "own stage).",
        "",
    ]
    rows = []
    for label, size in sizes.items():
        r = size.get("stages", {}).get("rdflib")
        if not r:
            continue
        mem = r.get("memory", [])
        done = [q for q in mem if "seconds" in q]
        load = size.get("stages", {}).get("load", {})
        rows.append(
            [
                label,
                r.get("quads"),
                _num(r.get("load_s"), 1),
                _ratio(r.get("load_s"), load.get("seconds")),
                _num(r.get("load_peak_mib"), 0),
                _ratio(r.get("load_peak_mib"), load.get("peak_mib")),
                _num(r.get("peak_mib"), 0),
                f"{len(done)}/{len(mem)}",
                r.get("cap_s"),
                round(sum(q["seconds"] for q in done), 2),
                _num(r.get("seconds"), 1),
                r.get("error", "")[:100],
            ]
        )
    lines += _table(
        [
            "size",
            "quads",
            "load s",
            "÷ ksgraph load s",
            "load peak MiB",
            "÷ ksgraph load MiB",
            "peak MiB (with forks)",
            "queries within cap",
            "cap s",
            "sum of answered s",
            "stage s",
            "error",
        ],
        rows,
    )
    return lines


# -- plots ---------------------------------------------------------------------------


def _x(size: dict[str, Any]) -> float:
    return float(size.get("generated") or size["requested"])


def common_queries(stages: dict[str, Any]) -> set[str]:
    """The queries every HTTP server answered (rdflib-endpoint: or hit its cap), so their sums compare."""
    http = stages.get("http", {})
    sets = [
        {q["query"] for q in http.get(name, {}).get("queries", []) if q.get("p50_ms") is not None}
        for name in ("ksgraph", "oxigraph")
    ]
    rdflib = stages.get("rdflib", {}).get("http")
    if rdflib:
        sets.append({q["query"] for q in rdflib if q.get("p50_ms") is not None or _cap_ms(q) is not None})
    return set.intersection(*sets)


def sum_p50_s(entries: list[dict[str, Any]] | None, among: set[str]) -> float | None:
    """Sum of p50 over the queries ``among``, a capped one at its cap (so a lower bound)."""
    total = 0.0
    for e in entries or []:
        if e["query"] in among:
            total += e["p50_ms"] if e.get("p50_ms") is not None else (_cap_ms(e) or 0.0)
    return total / 1000 if among else None


def plots(suite: dict[str, Any], output: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = [s for s in suite.get("sizes", {}).values() if s.get("stages")]
    if not sizes:
        return

    def series(get: Any) -> tuple[list[float], list[float]]:
        xs, ys = [], []
        for s in sizes:
            try:
                value = get(s["stages"])
            except (KeyError, TypeError):
                value = None
            if value:
                xs.append(_x(s))
                ys.append(float(value))
        return xs, ys

    cut = [
        label
        for label, s in suite["sizes"].items()
        if s.get("stages", {}).get("import", {}).get("stopped_after_validation")
    ]
    stopped = f" ({', '.join(cut)}: until its validation ends)" if cut else ""

    def draw(lines: list[tuple[str, Any, bool]], ylabel: str, title: str, path: Path, goal: tuple[float, str]) -> None:
        fig, ax = plt.subplots(figsize=(12, 6))
        ax.axhline(goal[0], color="black", linestyle=":", linewidth=1, label=goal[1])
        colours = plt.get_cmap("tab20").colors
        for i, (label, get, peer) in enumerate(lines):
            xs, ys = series(get)
            if xs:
                style = "--" if peer else "-"
                ax.plot(xs, ys, style, marker="s" if peer else "o", color=colours[i % len(colours)], label=label)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("synthetic triples generated (plus ~9k real ones and the inferences)")
        ax.set_ylabel(ylabel)
        ax.set_title(title)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1), borderaxespad=0)
        fig.tight_layout()
        fig.savefig(path, dpi=110)
        plt.close(fig)

    draw(
        [
            ("load (build --no-reason --no-validate)", lambda st: st["load"]["seconds"], False),
            ("reason", lambda st: st["reason"]["seconds"], False),
            ("validate (full)", lambda st: st["validate"]["seconds"], False),
            ("build = load + reason + validate", lambda st: st["build"]["seconds"], False),
            ("named queries, CLI (sum)", lambda st: st["cli_queries"]["seconds"], False),
            (
                "named queries, HTTP ksgraph (sum of p50, queries all servers answer)",
                lambda st: sum_p50_s(st["http"]["ksgraph"]["queries"], common_queries(st)),
                False,
            ),
            ("export N-Quads", lambda st: st["export"]["seconds"], False),
            (
                "import 1k (whole command, where it ran to the end)",
                lambda st: None if st["import"].get("stopped_after_validation") else st["import"]["seconds"],
                False,
            ),
            ("import 1k: its validation", lambda st: st["import"]["validation_s"], False),
            (
                "HTTP Oxigraph server (sum of p50)",
                lambda st: sum_p50_s(st["http"]["oxigraph"]["queries"], common_queries(st)),
                True,
            ),
            (
                "HTTP rdflib-endpoint (sum of p50, a cap counts as its cap)",
                lambda st: sum_p50_s(st["rdflib"]["http"], common_queries(st)),
                True,
            ),
            ("rdflib load N-Quads", lambda st: st["rdflib"]["load_s"], True),
        ],
        "wall seconds",
        "ksgraph benchmark suite: time (peers dashed)",
        output / "suite-time.png",
        (300, "goal: build of 1M < 300 s"),
    )
    draw(
        [
            ("load", lambda st: st["load"]["peak_mib"], False),
            ("reason", lambda st: st["reason"]["peak_mib"], False),
            ("validate", lambda st: st["validate"]["peak_mib"], False),
            ("named queries, CLI (max)", lambda st: st["cli_queries"]["peak_mib"], False),
            ("ksgraph serve (sum over processes)", lambda st: st["http"]["ksgraph"]["peak_mib"], False),
            ("export", lambda st: st["export"]["peak_mib"], False),
            ("import 1k" + stopped, lambda st: st["import"]["peak_mib"], False),
            ("Oxigraph server", lambda st: st["http"]["oxigraph"]["peak_mib"], True),
            ("rdflib Dataset (loaded)", lambda st: st["rdflib"]["load_peak_mib"], True),
            ("rdflib-endpoint fork", lambda st: st["rdflib"]["http_peak_mib"], True),
        ],
        "peak resident MiB",
        "ksgraph benchmark suite: peak memory (peers dashed)",
        output / "suite-memory.png",
        (4 * GIB, "goal: peak < 4 GiB at 1M"),
    )


def write_outputs(suite: dict[str, Any], output: Path) -> None:
    output.mkdir(parents=True, exist_ok=True)
    suite["goals"] = goals(suite) + endpoint_report.goals(suite)
    (output / "suite.json").write_text(json.dumps(suite, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    (output / "suite.md").write_text(markdown(suite), encoding="utf-8")
    try:
        import matplotlib  # noqa: F401  (the bench extra; without it the tables are still written)
    except ImportError:
        return
    plots(suite, output)
