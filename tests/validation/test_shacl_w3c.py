"""The W3C SHACL core and SPARQL test suites, through the function ``ksgraph validate DATA --shapes PATH`` calls.

Each case of the suite (``../shared/conformance/w3c-data-shapes/``, read in place) runs twice: through
:func:`ksgraph.validation.validate.validate_files` with its Turtle report parsed back, as the CLI prints it,
and through pySHACL alone, the reference. Every approved SPARQL case must pass; a core case may
fail only where pySHACL fails too, and then it is listed in XFAIL with the reason.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass

import pyshacl
import pytest
import rdflib
from pyshacl.errors import ReportableRuntimeError, ValidationFailure

from ksgraph.core.settings import Settings, project_root
from ksgraph.validation.output import render
from ksgraph.validation.sparql import ShapesError
from ksgraph.validation.validate import validate_files
from tests.validation import w3c_shacl as w3c

ROOT = project_root()
SETTINGS = Settings(store_dir=ROOT / ".unused", root=ROOT)
CASES = w3c.cases() if w3c.SUITE.is_dir() else []
pytestmark = pytest.mark.skipif(not CASES, reason=f"the W3C SHACL suite is not at {w3c.SUITE}")

# Cases ksgraph fails, by test IRI, each with why. Core constraints are pySHACL's, so they fail where it does.
XFAIL = {
    w3c.PUBLISHED + "core/property/uniqueLang-002": (
        'pySHACL applies sh:uniqueLang "1"^^xsd:boolean as if it were true; SHACL activates the '
        "constraint for true only, so the expected report conforms"
    ),
}


@dataclass(frozen=True)
class Outcome:
    passed: bool
    detail: str


def _judge(case: w3c.Case, report: rdflib.Graph | None, error: str | None) -> Outcome:
    expected = case.expected()
    if expected is None:
        if report is None:
            return Outcome(True, f"refused: {error}")
        return Outcome(False, "the shapes should have been refused, but a report came:\n" + w3c.shown(report))
    if report is None:
        return Outcome(False, f"refused, but a report was expected: {error}")
    if not w3c.same_report(report, expected):
        got, want = w3c.shown(w3c.normalised(report)), w3c.shown(expected)
        return Outcome(False, f"reports differ.\nexpected:\n{want}\ngot:\n{got}")
    said = {
        (report.value(r, w3c.SH.focusNode), str(m))
        for r in report.subjects(rdflib.RDF.type, w3c.SH.ValidationResult)
        for m in report.objects(r, w3c.SH.resultMessage)
    }
    missing = case.expected_messages() - said
    if missing:
        return Outcome(False, f"messages missing: {sorted(missing)}")
    return Outcome(True, "same report")


@functools.cache
def ours(case: w3c.Case) -> Outcome:
    try:
        report = validate_files([case.data], [case.shapes], SETTINGS)
    except ShapesError as exc:
        return _judge(case, None, str(exc))
    printed = render(report, "turtle", {})
    return _judge(case, rdflib.Graph().parse(data=printed, format="turtle"), None)


@functools.cache
def reference(case: w3c.Case) -> Outcome:
    """pySHACL on its own, as its documentation runs it: no inference, the test's own graphs."""
    data, shapes = rdflib.Graph().parse(case.data), rdflib.Graph().parse(case.shapes)
    # rdflib logs every ill-formed literal of the datatype tests as an error, with a traceback.
    logging.disable(logging.ERROR)
    try:
        _, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none")
    except (ReportableRuntimeError, NotImplementedError) as exc:
        return _judge(case, None, f"pySHACL: {exc}")
    finally:
        logging.disable(logging.NOTSET)
    if isinstance(report, ValidationFailure):
        return _judge(case, None, f"pySHACL: {report.message}")
    return _judge(case, report, None)


def _marked(case: w3c.Case) -> object:
    if case.iri in XFAIL:
        return pytest.param(case, id=case.name, marks=pytest.mark.xfail(reason=XFAIL[case.iri], strict=True))
    return pytest.param(case, id=case.name)


@pytest.mark.parametrize("case", [_marked(c) for c in CASES])
def test_w3c_case(case: w3c.Case) -> None:
    outcome = ours(case)
    assert outcome.passed, f"{case.iri} ({case.label}): {outcome.detail}"


def test_passes_where_pyshacl_passes() -> None:
    """At least where pySHACL does: every case the reference passes, ksgraph passes too.

    One test over all cases rather than one per case, so a case pySHACL fails is counted, not skipped."""
    passed_by_reference = [c for c in CASES if reference(c).passed]
    assert len(passed_by_reference) > len(CASES) * 0.9
    failing = [f"{c.iri}: {ours(c).detail}" for c in passed_by_reference if not ours(c).passed]
    assert failing == []
    # And ksgraph is not behind on the ones pySHACL fails either, but for the xfails named above.
    behind = [c.iri for c in CASES if not reference(c).passed and not ours(c).passed and c.iri not in XFAIL]
    assert behind == []


def test_the_suites_are_read_whole() -> None:
    suites = {c.suite for c in CASES}
    assert suites == {"core", "sparql"}
    # Each case is found once, and its files are really there (the manifests name them relatively).
    assert len({c.iri for c in CASES}) == len(CASES)
    assert all(c.data.is_file() and c.shapes.is_file() for c in CASES)
    # Refusals are part of the suite: the SPARQL cases include shapes that must be refused.
    assert any(c.expected() is None for c in CASES if c.suite == "sparql")


def test_every_expected_failure_is_a_case_pyshacl_fails_and_no_approved_sparql_case() -> None:
    by_iri = {c.iri: c for c in CASES}
    assert set(XFAIL) <= set(by_iri), set(XFAIL) - set(by_iri)
    for iri in XFAIL:
        case = by_iri[iri]
        assert case.suite == "core" or case.status != "approved", f"{iri}: an approved SPARQL case must pass"
        assert not reference(case).passed, f"{iri} is listed as failing, but pySHACL passes it"
