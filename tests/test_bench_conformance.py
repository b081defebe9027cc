"""The answer comparison of the W3C conformance harness (bench/conformance), on hand-written
answers: no test suite files needed."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from conformance_lib.compare import compare_answers, rows_isomorphic
from conformance_lib.formats import parse_answer, parse_csv, parse_rdf_answer
from conformance_lib.querytext import dataset_iris, has_order_by
from conformance_lib.terms import (
    XSD,
    BNode,
    Boolean,
    Lit,
    Solutions,
    Triples,
    Uri,
)

A, B, C = Uri("http://ex/a"), Uri("http://ex/b"), Uri("http://ex/c")
P = Uri("http://ex/p")


def sols(*rows: dict, variables: tuple[str, ...] = ("x", "y"), ordered: bool = False) -> Solutions:
    return Solutions(variables, tuple(rows), ordered=ordered)


def test_rows_match_as_multisets_in_any_order() -> None:
    expected = sols({"x": A, "y": B}, {"x": C})
    actual = sols({"x": C}, {"x": A, "y": B})
    assert compare_answers(expected, actual).equal


def test_a_missing_duplicate_row_is_a_difference() -> None:
    expected = sols({"x": A}, {"x": A})
    verdict = compare_answers(expected, sols({"x": A}))
    assert not verdict.equal
    assert verdict.reason == "expected 2 rows, got 1"
    assert "- <http://ex/a>  -" in verdict.diff


def test_lax_cardinality_ignores_duplicates() -> None:
    expected = sols({"x": A}, {"x": A}, {"x": B})
    assert compare_answers(expected, sols({"x": B}, {"x": A}), lax=True).equal
    assert not compare_answers(expected, sols({"x": A}), lax=True).equal


def test_blank_nodes_are_renamed_consistently() -> None:
    expected = sols({"x": BNode("a"), "y": BNode("b")}, {"x": BNode("b"), "y": A})
    actual = sols({"x": BNode("n2"), "y": A}, {"x": BNode("n1"), "y": BNode("n2")})
    assert compare_answers(expected, actual).equal


def test_one_blank_node_cannot_stand_for_two() -> None:
    expected = sols({"x": BNode("a"), "y": A}, {"x": BNode("b"), "y": B})
    actual = sols({"x": BNode("z"), "y": A}, {"x": BNode("z"), "y": B})
    assert not compare_answers(expected, actual).equal
    assert not compare_answers(actual, expected).equal


def test_blank_node_pairing_needs_backtracking_over_symmetric_rows() -> None:
    # a cycle of three against a cycle of three, and against a 2-cycle plus a loop
    cycle = [(BNode(f"e{i}"), P, BNode(f"e{(i + 1) % 3}")) for i in range(3)]
    other = [(BNode(f"a{(i * 2) % 3}"), P, BNode(f"a{(i * 2 + 2) % 3}")) for i in range(3)]
    broken = [
        (BNode("k0"), P, BNode("k1")),
        (BNode("k1"), P, BNode("k0")),
        (BNode("k2"), P, BNode("k2")),
    ]
    assert rows_isomorphic(cycle, other, ordered=False)
    assert not rows_isomorphic(cycle, broken, ordered=False)


def test_order_counts_when_asked_or_when_the_expected_rows_are_indexed() -> None:
    expected = sols({"x": A}, {"x": B})
    actual = sols({"x": B}, {"x": A})
    assert compare_answers(expected, actual).equal
    verdict = compare_answers(expected, actual, ordered=True)
    assert not verdict.equal
    assert verdict.reason == "same rows in another order"
    indexed = sols({"x": A}, {"x": B}, ordered=True)
    assert not compare_answers(indexed, actual).equal


def test_ordered_rows_keep_one_blank_node_mapping() -> None:
    expected = [(BNode("a"),), (BNode("a"),)]
    assert rows_isomorphic(expected, [(BNode("q"),), (BNode("q"),)], ordered=True)
    assert not rows_isomorphic(expected, [(BNode("q"),), (BNode("r"),)], ordered=True)


@pytest.mark.parametrize(
    ("left", "right", "datatype"),
    [("2.0", "2.00", "decimal"), ("1.0E0", "1", "double"), ("007", "7", "integer")],
)
def test_numbers_compare_by_value_within_a_datatype(left: str, right: str, datatype: str) -> None:
    expected = sols({"x": Lit(left, XSD + datatype)}, variables=("x",))
    actual = sols({"x": Lit(right, XSD + datatype)}, variables=("x",))
    assert compare_answers(expected, actual).equal
    assert not compare_answers(expected, actual, numeric_by_value=False).equal


def test_numbers_of_different_datatypes_differ() -> None:
    expected = sols({"x": Lit("2", XSD + "integer")}, variables=("x",))
    actual = sols({"x": Lit("2.0", XSD + "decimal")}, variables=("x",))
    assert not compare_answers(expected, actual).equal


def test_language_tags_compare_case_insensitively() -> None:
    expected = sols({"x": Lit("chat", lang="fr-FR")}, variables=("x",))
    assert compare_answers(expected, sols({"x": Lit("chat", lang="fr-fr")}, variables=("x",))).equal
    assert not compare_answers(expected, sols({"x": Lit("chat")}, variables=("x",))).equal


def test_different_variables_are_a_difference() -> None:
    verdict = compare_answers(sols(variables=("x",)), sols(variables=("x", "y")))
    assert not verdict.equal
    assert verdict.reason.startswith("variables differ")


def test_booleans_and_kinds() -> None:
    assert compare_answers(Boolean(True), Boolean(True)).equal
    assert not compare_answers(Boolean(True), Boolean(False)).equal
    verdict = compare_answers(Boolean(True), sols())
    assert verdict.reason == "expected a ASK answer, got a SELECT answer"


def test_graphs_are_isomorphic_sets_of_triples() -> None:
    expected = Triples(frozenset({(BNode("x"), P, A), (BNode("x"), P, B)}))
    same = Triples(frozenset({(BNode("y"), P, B), (BNode("y"), P, A)}))
    split = Triples(frozenset({(BNode("y"), P, B), (BNode("z"), P, A)}))
    assert compare_answers(expected, same).equal
    assert not compare_answers(expected, split).equal


def test_json_and_csv_replies_are_read_into_terms() -> None:
    body = (
        b'{"head":{"vars":["s","o"]},"results":{"bindings":[{"s":{"type":"bnode","value":"b1"},'
        b'"o":{"type":"literal","value":"1","datatype":"http://www.w3.org/2001/XMLSchema#integer"}}]}}'
    )
    answer = parse_answer(body, "application/sparql-results+json; charset=utf-8")
    assert answer == Solutions(("s", "o"), ({"s": BNode("b1"), "o": Lit("1", XSD + "integer")},))
    table = parse_csv(b"s,o\r\n_:b1,1\r\nhttp://ex/a,\r\n")
    assert table.rows == ({"s": BNode("b1"), "o": Lit("1")}, {"s": Lit("http://ex/a")})


def test_query_text_order_by_only_counts_at_the_top_level() -> None:
    assert has_order_by("SELECT * { ?s ?p ?o } ORDER BY ?s")
    assert not has_order_by("SELECT * { { SELECT ?s { ?s ?p ?o } ORDER BY ?s LIMIT 1 } }")
    assert not has_order_by('SELECT * { ?s ?p "ORDER BY" } # ORDER BY ?s')


def test_query_text_from_clauses_resolve_against_base() -> None:
    query = "BASE <file:///t/q.rq>\nSELECT * FROM <d.ttl> FROM NAMED <http://x/g> { ?s ?p ?o }"
    assert dataset_iris(query, "file:///elsewhere/") == ["file:///t/d.ttl", "http://x/g"]


def test_rdf_result_sets_are_read_with_their_index_as_order() -> None:
    turtle = b"""
    @prefix rs: <http://www.w3.org/2001/sw/DataAccess/tests/result-set#> .
    [] a rs:ResultSet ; rs:resultVariable "x" ;
       rs:solution [ rs:index 2 ; rs:binding [ rs:variable "x" ; rs:value <http://ex/b> ] ] ,
                   [ rs:index 1 ; rs:binding [ rs:variable "x" ; rs:value <http://ex/a> ] ] .
    """
    answer = parse_rdf_answer(turtle, "text/turtle")
    assert answer == Solutions(("x",), ({"x": A}, {"x": B}), ordered=True)
    assert not compare_answers(answer, sols({"x": B}, {"x": A}, variables=("x",))).equal


def test_a_graph_without_result_set_vocabulary_is_a_construct_answer() -> None:
    answer = parse_rdf_answer(b"<http://ex/a> <http://ex/p> _:n .", "text/turtle")
    assert isinstance(answer, Triples)
    assert compare_answers(answer, Triples(frozenset({(A, P, BNode("other"))}))).equal


def test_diffs_show_numbers_as_written_not_as_compared() -> None:
    one, zero_one = Lit("1", XSD + "integer"), Lit("01", XSD + "integer")
    verdict = compare_answers(
        sols({"x": zero_one}, {"x": one}, variables=("x",)), sols({"x": one}, variables=("x",))
    )
    assert not verdict.equal
    assert verdict.diff[0] == "columns: ?x  (- is unbound)"
    assert f"- {zero_one}" in verdict.diff
