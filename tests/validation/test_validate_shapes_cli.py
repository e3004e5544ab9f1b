"""``ksgraph validate DATA... --shapes PATH``: files against other shapes only, through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import rdflib

from ksgraph.core.settings import project_root
from tests.conftest import run_cli
from tests.validation import w3c_shacl as w3c

ROOT = project_root()
KS = "https://w3id.org/ksgraph/ontology#"
ID = "https://w3id.org/ksgraph/id/"
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
needs_suite = pytest.mark.skipif(not w3c.SUITE.is_dir(), reason=f"the W3C SHACL suite is not at {w3c.SUITE}")

STEWARD = f"""
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ks: <{KS}> .
@prefix ex: <urn:x:steward#> .

ex:prefixes sh:declare [ sh:prefix "ks" ; sh:namespace "{KS}" ] .

# A new rule: $this is read in a nested group, where a VALUES join would leave it unbound.
ex:NotAkutVard a sh:NodeShape ;
    sh:targetClass ks:NationalProgrammeArea ;
    sh:sparql [
        sh:message "{{$this}} is hosted by {{?value}}"@en ;
        sh:prefixes ex:prefixes ;
        sh:select \"\"\"
            SELECT $this ?value WHERE {{
                $this ks:hostedBy ?value .
                {{ FILTER ($this != <{ID}npo/akut-vard>) }}
            }}\"\"\" ;
    ] .

# Every governance group: without the ontology, no data node is one (they are of its subclasses).
ex:EveryGroup a sh:NodeShape ;
    sh:targetClass ks:GovernanceGroup ;
    sh:sparql [ sh:select "SELECT $this WHERE {{ }}" ] .
"""


def test_a_stewards_rule_on_the_real_data_without_the_ontology(tmp_path: Path) -> None:
    shapes = tmp_path / "steward.ttl"
    shapes.write_text(STEWARD, encoding="utf-8")
    done = run_cli("validate", str(ROOT / "data"), "--shapes", str(shapes), "--format", "json")
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    real = rdflib.Graph()
    for path in (ROOT / "data").glob("*.ttl"):
        real.parse(path)
    npos = {str(n) for n in real.subjects(rdflib.RDF.type, rdflib.URIRef(KS + "NationalProgrammeArea"))}
    assert not set(real.subjects(rdflib.RDF.type, rdflib.URIRef(KS + "GovernanceGroup")))
    assert {r["focusNode"] for r in report["results"]} == npos - {ID + "npo/akut-vard"}
    assert {r["rule"] for r in report["results"]} == {"urn:x:steward#NotAkutVard"}
    first = report["results"][0]
    assert first["message"]["en"] == f"{first['focusNode']} is hosted by {first['value']}"
    # Only the data files were read: no ontology triples are counted or validated.
    assert report["triples"] == len(real)


@needs_suite
@pytest.mark.parametrize("name", ["sparql/pre-binding/pre-binding-003", "core/node/qualified-001"])
def test_the_turtle_report_is_the_suites_expected_report(name: str) -> None:
    (case,) = [c for c in w3c.cases() if c.name == name]
    done = run_cli("validate", str(case.data), "--shapes", str(case.shapes), "--format", "turtle")
    assert done.returncode == 1, done.stderr
    expected = case.expected()
    assert expected is not None
    report = rdflib.Graph().parse(data=done.stdout, format="turtle")
    assert w3c.same_report(report, expected), done.stdout


@needs_suite
def test_only_warnings_exit_0_but_the_report_does_not_conform() -> None:
    (case,) = [c for c in w3c.cases() if c.name == "sparql/node/sparql-003"]
    done = run_cli("validate", str(case.data), "--shapes", str(case.shapes), "--format", "turtle")
    assert done.returncode == 0, done.stderr
    report = rdflib.Graph().parse(data=done.stdout, format="turtle")
    assert (None, SH.resultSeverity, SH.Warning) in report
    assert set(report.objects(None, SH.conforms)) == {rdflib.Literal(False)}


@needs_suite
def test_a_query_shacl_forbids_is_refused_with_file_line_and_shape() -> None:
    (case,) = [c for c in w3c.cases() if c.name == "sparql/pre-binding/unsupported-sparql-001"]
    done = run_cli("validate", str(case.data), "--shapes", str(case.shapes))
    assert done.returncode == 2
    lines = case.shapes.read_text(encoding="utf-8").splitlines()
    start = next(n for n, line in enumerate(lines, start=1) if "sh:select" in line) + 1  # the query's first line
    assert f"{case.shapes}:{start}: shape <http://datashapes.org/sh/tests/sparql/pre-binding/" in done.stderr
    assert "MINUS" in done.stderr and "nothing was validated" in done.stderr
    assert not done.stdout


def test_real_data_turtle_report_conforms_only_without_results() -> None:
    turtle = run_cli("validate", str(ROOT / "data"), "--format", "turtle")
    listed = run_cli("validate", str(ROOT / "data"), "--format", "json")
    assert turtle.returncode == listed.returncode == 0, turtle.stderr + listed.stderr
    results = json.loads(listed.stdout)["results"]
    report = rdflib.Graph().parse(data=turtle.stdout, format="turtle")
    (node,) = report.subjects(rdflib.RDF.type, SH.ValidationReport)
    assert len(set(report.objects(node, SH.result))) == len(results)
    assert report.value(node, SH.conforms) == rdflib.Literal(not results)


@pytest.mark.parametrize(
    ("shapes_text", "problem"),
    [
        (
            "@prefix sh: <http://www.w3.org/ns/shacl#> .\n<urn:x:S> a sh:NodeShape ;\n"
            '  sh:targetNode ;\n  sh:message "m" .\n',
            ":3:",
        ),
        ("<urn:x:a> <urn:x:b> <urn:x:c> .\n", "no SHACL shapes"),
    ],
    ids=["broken-turtle", "no-shapes"],
)
def test_unusable_shapes_exit_2_saying_which_file(tmp_path: Path, shapes_text: str, problem: str) -> None:
    shapes = tmp_path / "rules.ttl"
    shapes.write_text(shapes_text, encoding="utf-8")
    done = run_cli("validate", str(ROOT / "data" / "national.ttl"), "--shapes", str(shapes))
    assert done.returncode == 2
    assert str(shapes) in done.stderr and problem in done.stderr
    assert not done.stdout


def test_missing_shapes_or_data_exit_2(tmp_path: Path) -> None:
    missing = run_cli("validate", str(ROOT / "data"), "--shapes", str(tmp_path / "none.ttl"))
    assert missing.returncode == 2 and f"{tmp_path / 'none.ttl'}: no such file or directory" in missing.stderr
    alone = run_cli("validate", "--shapes", str(ROOT / "shapes"))
    assert alone.returncode == 2 and "give the data files" in alone.stderr


def test_a_forbidden_query_among_the_projects_shapes_is_refused_with_its_file_and_line(tmp_path: Path) -> None:
    import shutil

    for folder in ("ontology", "data", "shapes"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    rule = tmp_path / "shapes" / "zz-new-rule.ttl"
    rule.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n\n"
        f"<urn:ex:NewRule> a sh:NodeShape ;\n    sh:targetClass <{KS}NationalProgrammeArea> ;\n"
        '    sh:sparql [ sh:select """\n        SELECT $this WHERE {\n'
        f"            $this <{KS}hostedBy> ?host .\n            MINUS {{ $this <{KS}chair> ?c }}\n"
        '        }""" ] .\n',
        encoding="utf-8",
    )
    done = run_cli("validate", str(tmp_path / "data"), env={"KSGRAPH_HOME": str(tmp_path)})
    assert done.returncode == 2
    assert f"{rule}:6: shape <urn:ex:NewRule>: its SPARQL constraint cannot be used" in done.stderr
    assert "MINUS" in done.stderr and not done.stdout
