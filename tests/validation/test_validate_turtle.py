"""``ksgraph validate --format turtle`` reads back as the report it prints, lists shared or not.

A SHACL report can hold an RDF list and, elsewhere, a list that is its tail (``sh:in`` values of two
shapes). rdflib's Turtle writer prints the longer list inline and drops the shared tail's own triples, so
the text read back is another graph; which list it meets first depended on hashing, so the hostile-corpus
test failed now and then. The report is written by pyoxigraph instead.
"""

from __future__ import annotations

import rdflib
from rdflib.collection import Collection
from rdflib.compare import isomorphic

from ksgraph.validation.output import to_turtle

EX = rdflib.Namespace("http://example.org/")


def test_a_list_and_its_shared_tail_read_back_whole() -> None:
    graph = rdflib.Graph()
    head = rdflib.BNode()
    Collection(graph, head, [EX.a, EX.b, EX.c])
    tail = graph.value(head, rdflib.RDF.rest)
    graph.add((EX.s, EX.p, head))
    graph.add((EX.t, EX.q, tail))
    text = to_turtle(graph)
    assert isomorphic(rdflib.Graph().parse(data=text, format="turtle"), graph), text


def test_the_report_keeps_its_prefixes_and_literals() -> None:
    graph = rdflib.Graph()
    graph.bind("ex", EX)
    graph.add((EX.s, EX.label, rdflib.Literal('a "b"\r\nc', lang="sv")))
    text = to_turtle(graph)
    assert "@prefix ex: <http://example.org/>" in text or "PREFIX ex: <http://example.org/>" in text
    assert isomorphic(rdflib.Graph().parse(data=text, format="turtle"), graph), text
