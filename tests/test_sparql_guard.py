"""The guard: refusals decided on the parse tree, and the dataset a query runs over."""

from __future__ import annotations

import pytest

from thb_graph.errors import QueryRejectedError, QuerySyntaxError
from thb_graph.sparql import guard
from thb_graph.sparql.guard import CheckedQuery, check_query, dataset_for
from thb_graph.sparql.protocol import QueryRequest

G1 = "https://w3id.org/thb-graph/graph/data/actors"
G2 = "https://w3id.org/thb-graph/graph/ontology"
GRAPHS = [G1, G2]


@pytest.mark.parametrize(
    ("query", "form", "kind"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "select", "select"),
        ("ASK { ?s ?p ?o }", "ask", "ask"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "construct", "graph"),
        ("DESCRIBE <http://e/x>", "describe", "graph"),
        ("# a comment\nprefix e: <http://e/>\nselect ?s { ?s e:p 'SERVICE' }", "select", "select"),
    ],
)
def test_accepted_queries_report_their_form(query: str, form: str, kind: str) -> None:
    checked = check_query(query)
    assert (checked.form, checked.kind) == (form, kind)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICE SILENT <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { ?x ?y ?z . SERVICE ?endpoint { ?s ?p ?o } }",
        "SELECT * WHERE { { SELECT ?s WHERE { OPTIONAL { service <http://e/> { ?s ?p ?o } } } } }",
        "ASK { FILTER EXISTS { SERVICE <http://e/> { ?s ?p ?o } } }",
        "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <http://e/> { ?s ?p ?o } }",
    ],
)
def test_service_anywhere_is_refused(query: str) -> None:
    with pytest.raises(QueryRejectedError, match="SERVICE"):
        check_query(query)


@pytest.mark.parametrize(
    "update",
    [
        "LOAD <http://127.0.0.1:9/data.ttl>",
        "LOAD SILENT <file:///etc/passwd> INTO GRAPH <http://e/g>",
        "INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }",
        "DELETE WHERE { ?s ?p ?o }",
        "CLEAR ALL",
        "DROP GRAPH <http://e/g>",
        "PREFIX e: <http://e/> INSERT { ?s e:p 1 } WHERE { ?s ?p ?o }",
    ],
)
def test_updates_are_refused(update: str) -> None:
    with pytest.raises(QueryRejectedError, match="never runs updates"):
        check_query(update)


def test_malformed_query_gives_line_and_column() -> None:
    with pytest.raises(QuerySyntaxError) as info:
        check_query("SELECT * FROM <http://e/g> WHERE {\n  ?s ?p \n")
    error = info.value
    assert error.line is not None and error.line >= 1
    assert error.column is not None and error.column >= 1
    assert f"line {error.line}" in error.message


def test_plain_queries_pass_on_their_tokens_without_a_parse(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_parse(text: str) -> None:
        raise AssertionError("parsed")

    monkeypatch.setattr(guard, "parseQuery", no_parse)
    query = (
        "PREFIX org: <http://www.w3.org/ns/org#> # SERVICE in a comment\n"
        "SELECT ?o ('FROM a string' AS ?x) WHERE { ?o a org:Organization ; "
        'org:note """LOAD <x>""" . FILTER(?o != <http://e/SERVICE>) }'
    )
    assert check_query(query) == CheckedQuery("select")


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { ?s ?p ?o . service <http://e/> { ?s ?p ?o } }",
        "SELECT * WHERE { ?s ?p ?o } # comment\n SERVICE",
        "SELECT * WHERE { ?s <http://e/p> 'a' . SERVICE<http://e/>{ ?s ?p ?o } }",
        'SELECT * WHERE { ?s ?p "a\\" " . SERVICE <http://e/> { ?s ?p ?o } }',
        "SELECT * WHERE { ?s ?p 'it''s' SERVICE <http://e/> { ?s ?p ?o } }",
    ],
)
def test_service_next_to_strings_iris_and_comments_is_still_seen(query: str) -> None:
    with pytest.raises((QueryRejectedError, QuerySyntaxError)):
        check_query(query)


def test_undeclared_prefix_is_a_syntax_error_at_its_place() -> None:
    with pytest.raises(QuerySyntaxError, match="never declared") as info:
        check_query("SELECT * WHERE {\n  ?s thb:name ?o }")
    assert (info.value.line, info.value.column) == (2, 6)


def test_from_clauses_are_resolved_with_prefixes_and_base() -> None:
    checked = check_query(
        "BASE <https://w3id.org/thb-graph/graph/> PREFIX g: <https://w3id.org/thb-graph/graph/>\n"
        "SELECT * FROM g:ontology FROM NAMED <data/actors> WHERE { ?s ?p ?o }"
    )
    assert checked.from_graphs == (G2,)
    assert checked.from_named == (G1,)


def request(default: tuple[str, ...] = (), named: tuple[str, ...] = ()) -> QueryRequest:
    return QueryRequest(query="SELECT * {}", default_graphs=default, named_graphs=named)


def test_protocol_graphs_override_from_clauses() -> None:
    checked = CheckedQuery("select", from_graphs=(G2,), from_named=(G2,))
    assert dataset_for(request(default=(G1,)), checked, GRAPHS) == ((G1,), ())


def test_from_clauses_apply_without_protocol_graphs() -> None:
    checked = CheckedQuery("select", from_graphs=(G2,), from_named=(G1,))
    assert dataset_for(request(), checked, GRAPHS) == ((G2,), (G1,))


@pytest.mark.parametrize(
    ("req", "checked", "culprit"),
    [
        (request(), CheckedQuery("select", from_graphs=("http://127.0.0.1:9/x",)), "FROM"),
        (request(), CheckedQuery("select", from_named=("file:///etc/passwd",)), "FROM"),
        (request(default=("http://127.0.0.1:9/x",)), CheckedQuery("select"), "default-graph-uri"),
        (request(named=(G1, "http://e/other")), CheckedQuery("select"), "named-graph-uri"),
    ],
)
def test_graphs_outside_the_store_are_refused(
    req: QueryRequest, checked: CheckedQuery, culprit: str
) -> None:
    with pytest.raises(QueryRejectedError, match=culprit):
        dataset_for(req, checked, GRAPHS)


def test_texts_checked_from_many_threads_at_once_are_all_read() -> None:
    """A server checks updates in its request threads (a bad one is refused without waiting
    for the write lock): rdflib's grammar must never see two texts at once."""
    import threading

    from thb_graph.sparql.guard import check_update

    failures: list[BaseException] = []

    def check(n: int) -> None:
        try:
            for k in range(60):
                check_update(
                    f"PREFIX ex: <urn:x:> INSERT DATA {{ GRAPH ex:g {{ ex:s{n} ex:p {k} }} }}"
                )
        except BaseException as e:  # collected for the assertion below
            failures.append(e)

    threads = [threading.Thread(target=check, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert failures == []
