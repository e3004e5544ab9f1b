"""The scanner and checks that run before any engine sees a query (no server needed)."""

from __future__ import annotations

import doctest

import pyoxigraph as ox
import pytest

from ksgraph.rdfio.negotiation import negotiate
from ksgraph.sparql import scan as scan_module
from ksgraph.sparql.errors import QueryError
from ksgraph.sparql.guard import Limits, check_query, check_update, with_using
from ksgraph.sparql.scan import scan

LIMITS = Limits(max_nesting=100, allow_service=False)


def test_docstring_examples() -> None:
    assert doctest.testmod(scan_module).failed == 0


@pytest.mark.parametrize(
    "query",
    [
        'SELECT * WHERE { ?s ?p "SERVICE <http://x/> {}" }',
        "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://x/> { }",
        "SELECT ?service WHERE { ?service ?p ?o }",
        "PREFIX service: <http://x/> SELECT * WHERE { service:a ?p ?o }",
        "SELECT * WHERE { <http://x/SERVICE> ?p '''SERVICE''' }",
        "SELECT * WHERE { ?s ?p _:service }",
    ],
)
def test_service_in_strings_comments_names_is_not_a_keyword(query: str) -> None:
    assert not scan(query).has_keyword("SERVICE")
    check_query(query, LIMITS)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }",
        "select * where { service silent <http://x/> { ?s ?p ?o } }",
        "SELECT * WHERE { ?s ?p ?o . SERVICE?x{?s ?p ?o} }",
        "SELECT * WHERE { \\u0053ERVICE <http://x/> { } }",
        'SELECT * WHERE { "unterminated SERVICE <http://x/> { } }',  # unscannable: judged conservatively
    ],
)
def test_service_keyword_is_refused(query: str) -> None:
    # A QueryError is the client's to fix: the endpoint answers it with 400 (tests/http/test_endpoint.py).
    with pytest.raises(QueryError, match="SERVICE"):
        check_query(query, LIMITS)


def test_service_allowed_when_enabled() -> None:
    check_query("SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }", Limits(100, allow_service=True))


def test_depth_counts_brackets_outside_strings() -> None:
    assert scan("SELECT * WHERE { { ( ?s ) } }").max_depth == 3
    assert scan('SELECT * WHERE { ?s ?p "{{{{{{" }').max_depth == 1
    with pytest.raises(QueryError, match="nests brackets 101 deep"):
        check_query("ASK " + "{" * 101 + "}" * 101, LIMITS)


def test_form_and_dataset_clause() -> None:
    checked = check_query("PREFIX a: <http://a/> SELECT * FROM <http://g/> WHERE { { SELECT ?x {} } }", LIMITS)
    assert checked.form == "SELECT" and checked.has_dataset_clause
    assert check_query("CONSTRUCT WHERE { ?s ?p ?o }", LIMITS).form == "CONSTRUCT"
    assert not check_query("ASK { GRAPH <http://from/> {} }", LIMITS).has_dataset_clause


def test_load_is_always_refused_in_updates() -> None:
    with pytest.raises(QueryError, match="LOAD is disabled"):
        check_update("LOAD <http://example.org/data.ttl>", Limits(100, allow_service=True))


def test_using_clauses_are_inserted_before_each_modify_where() -> None:
    update = (
        "INSERT DATA { <a:s> <a:p> <a:o> } ; "
        "DELETE { ?s ?p ?o } WHERE { ?s ?p ?o FILTER EXISTS { SELECT * WHERE { ?s ?p ?o } } } ; "
        "INSERT { ?s <a:q> 1 } WHERE { ?s ?p ?o } ; DELETE WHERE { ?s <a:r> ?o }"
    )
    checked = check_update(update, LIMITS)
    assert checked.shape is not None and not checked.has_dataset_clause
    rewritten = with_using(update, checked.shape, ["http://g/1"], ["http://g/2"])
    assert rewritten.count("USING <http://g/1> USING NAMED <http://g/2> WHERE") == 2
    assert "DELETE WHERE" in rewritten  # the short form takes no USING
    ox.Store().update(rewritten)  # and the result is still a valid update


def test_accept_negotiation() -> None:
    offered = ["application/sparql-results+json", "text/csv"]
    assert negotiate(None, offered) == "application/sparql-results+json"
    assert negotiate("text/*;q=0.5, application/sparql-results+json;q=0.1", offered) == "text/csv"
    assert negotiate("text/csv;q=0, */*;q=0.1", offered) == "application/sparql-results+json"
    assert negotiate("image/png", offered) is None
