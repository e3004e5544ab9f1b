"""The shapes themselves: valid SHACL, and every shape documented as the rules require."""

from __future__ import annotations

from pathlib import Path

import pyshacl
import pytest
import rdflib
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from ksgraph.core.settings import Settings, project_root
from ksgraph.validation.validate import KSH, SHACL, load_shapes

ROOT = project_root()
RULES = [f"R{n}" for n in range(1, 24)]
# The security policy's rules (shapes/security-*.ttl): documented and mutation-tested like the founding decision's.
SECURITY_RULES = ["S1"]
KS = rdflib.Namespace("https://w3id.org/ksgraph/ontology#")


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    return load_shapes(Settings(store_dir=ROOT / ".unused", root=ROOT))


def test_shapes_are_valid_shacl(shapes: rdflib.Graph) -> None:
    shacl_shacl = rdflib.Graph().parse(Path(pyshacl.__file__).parent / "assets" / "shacl-shacl.ttl")
    conforms, _, text = pyshacl.validate(shapes, shacl_graph=shacl_shacl)
    assert conforms, text


def _rule_shapes(shapes: rdflib.Graph) -> list[rdflib.term.Node]:
    """The shapes of the founding decision's rules (R…) and the security policy's (S…); the T rules of time
    have their own tests."""
    return sorted((s for s, r in shapes.subject_objects(KSH.rule) if str(r) in RULES + SECURITY_RULES), key=str)


def test_every_rule_has_a_shape(shapes: rdflib.Graph) -> None:
    assert set(RULES + SECURITY_RULES) <= {str(r) for r in shapes.objects(None, KSH.rule)}


def test_every_shape_is_documented(shapes: rdflib.Graph) -> None:
    sections = {s for s in rdflib.Graph().parse(ROOT / "data" / "sources.ttl").subjects(RDF.type, KS.SourceSection)}
    problems = []
    for shape in _rule_shapes(shapes):
        rule = str(shapes.value(shape, KSH.rule))
        for prop in (SHACL.message, RDFS.comment, RDFS.label, SKOS.prefLabel):
            langs = {o.language for o in shapes.objects(shape, prop)}
            if langs != {"sv", "en"}:
                problems.append(f"{shape}: {prop} in {langs}, not sv and en")
        for prop in (RDFS.label, SKOS.prefLabel):
            if not all(str(o).startswith(rule + " ") for o in shapes.objects(shape, prop)):
                problems.append(f"{shape}: {prop} does not name {rule}")
        if shapes.value(shape, SHACL.severity) not in (SHACL.Violation, SHACL.Warning, SHACL.Info):
            problems.append(f"{shape}: no deliberate sh:severity")
        cited = set(shapes.objects(shape, DCTERMS.source))
        if not cited or not cited <= sections:
            problems.append(
                f"{shape}: dcterms:source {cited - sections or 'missing'} not a section of data/sources.ttl"
            )
    assert not problems, "\n".join(problems)


def test_sparql_constraints_stay_few(shapes: rdflib.Graph) -> None:
    # pySHACL runs each once per focus node (HAZARDS.md); core SHACL is preferred.
    assert sum(1 for s in _rule_shapes(shapes) for _ in shapes.objects(s, SHACL.sparql)) <= 16


def test_every_rule_has_a_mutation_test() -> None:
    covered = {
        line.split(":", 1)[1].strip()
        for path in (ROOT / "tests" / "mutations").glob("*.ru")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.startswith("# rule:")
    }
    assert covered == set(RULES + SECURITY_RULES)
