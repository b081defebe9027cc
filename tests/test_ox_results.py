"""Oxigraph's rows written as SPARQL JSON straight from its terms: the same bindings as
from rdflib terms, every kind of term, and rows converted only when read."""

from __future__ import annotations

import json

from thb_graph.kg.store.base import QueryResult
from thb_graph.kg.store.ox_results import OxigraphRows
from thb_graph.kg.store.oxigraph import OxigraphStore
from thb_graph.sparql import results

DATA = b"""@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:a ex:p "plain", "text"@fr, "01"^^xsd:integer, "2011"^^xsd:gYear, _:b, ex:c .
_:b ex:q "only here" .
"""
QUERY = "SELECT ?s ?o ?x WHERE { ?s ?p ?o OPTIONAL { ?o ?q ?x } } ORDER BY ?s ?o"
JSON = "application/sparql-results+json"


def test_json_from_oxigraph_terms_equals_json_from_rdflib_terms() -> None:
    store = OxigraphStore()
    store.load(DATA, "text/turtle")
    fast = store.query(QUERY)
    assert isinstance(fast, OxigraphRows)
    written = json.loads(results.serialise(fast, JSON))
    plain = QueryResult(kind="select", variables=fast.variables, rows=list(fast.rows))
    assert plain.json_bindings() is None  # the general path writes from rdflib terms
    expected = json.loads(results.serialise(plain, JSON))
    assert written == expected
    kinds = {b["o"]["type"] for b in written["results"]["bindings"]}
    assert kinds == {"uri", "literal", "bnode"}
    datatypes = {b["o"].get("datatype") for b in written["results"]["bindings"]}
    assert "http://www.w3.org/2001/XMLSchema#integer" in datatypes
    assert any(b["o"].get("xml:lang") == "fr" for b in written["results"]["bindings"])
    assert any("x" not in b for b in written["results"]["bindings"])  # an unbound OPTIONAL


def test_rows_are_converted_only_when_read_and_counted_without() -> None:
    store = OxigraphStore()
    store.load(DATA, "text/turtle")
    result = store.query(QUERY, max_rows=3)
    assert isinstance(result, OxigraphRows)
    assert result._rows is None and result.row_count() == 3 and result.truncated
    assert len(result.rows) == 3 and result._rows is not None
    assert all("s" in row and "o" in row for row in result.dicts())
