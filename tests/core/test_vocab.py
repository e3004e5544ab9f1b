"""The vocabulary (ksgraph.core.vocab): ``KS`` is a checked namespace naming exactly the ontology's terms."""

from __future__ import annotations

import pytest
import rdflib
from rdflib.namespace import DefinedNamespace

from ksgraph.core.vocab import KS, KS_NS
from tests.conftest import ROOT


def test_ks_names_exactly_the_terms_of_the_ontology() -> None:
    ontology = rdflib.Graph()
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        ontology.parse(path)
    declared = {
        str(s)[len(KS_NS) :] for s in ontology.subjects() if isinstance(s, rdflib.URIRef) and str(s).startswith(KS_NS)
    }
    listed = set(KS.__annotations__)
    assert issubclass(KS, DefinedNamespace)
    assert listed == declared, (
        f"missing from KS: {sorted(declared - listed)}; not in the ontology: {sorted(listed - declared)}"
    )
    with pytest.raises(AttributeError):
        KS + "NationalProgramArea"  # misspelt: an error, not an empty result
