"""Triple patterns written most selective first: same answers, less work, nothing else moved."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

import thb_graph.kg.store.oxigraph as oxigraph_module
from thb_graph.config import load_settings
from thb_graph.errors import QuerySyntaxError
from thb_graph.kg.load import build_store
from thb_graph.kg.store.join_order import Constants, order_joins
from thb_graph.kg.store.oxigraph import OxigraphStore

ROOT = Path(__file__).resolve().parents[1]
QUERY_FILES = sorted((ROOT / "queries").glob("*.rq")) + sorted(
    (ROOT / "bench/queries").glob("*.rq")
)

PREFIXES = "PREFIX ex: <http://example.org/>\n"
#: ex:year "2015" is rare, ex:dataSet common: the estimator a real store would be.
RARE = "http://example.org/year"


def _estimate(constants: Constants) -> int:
    _, predicate, _ = constants
    return 1 if predicate is not None and predicate.value == RARE else 100


def test_the_rare_pattern_goes_first_then_what_joins_on_it() -> None:
    query = PREFIXES + (
        "SELECT ?r WHERE {\n"
        "  ?obs ex:dataSet ex:d ; ex:period ?p ; ex:region ?r .\n"
        '  ?p ex:year "2015" .\n'
        "}"
    )
    planned = order_joins(query, _estimate)
    body = planned[planned.index("{") + 1 : planned.rindex("}")]
    lines = [line.strip(" .") for line in body.strip().splitlines()]
    assert lines == [
        '?p ex:year "2015"',
        "?obs ex:period ?p",
        "?obs ex:dataSet ex:d",
        "?obs ex:region ?r",
    ]


def test_groups_inside_optional_and_not_exists_are_ordered_too() -> None:
    query = PREFIXES + (
        "SELECT * WHERE { ?a ex:q ?b . "
        'OPTIONAL { ?x ex:other ?y . ?x ex:year "1" } '
        'FILTER NOT EXISTS { ?z ex:other ?w . ?z ex:year "2" } }'
    )
    planned = order_joins(query, _estimate)
    assert planned.index('?x ex:year "1"') < planned.index("?x ex:other ?y")
    assert planned.index('?z ex:year "2"') < planned.index("?z ex:other ?w")
    assert planned.startswith(PREFIXES + "SELECT * WHERE { ?a ex:q ?b . OPTIONAL {")


@pytest.mark.parametrize(
    "where",
    [
        '?s ex:other|ex:year ?o . ?s ex:year "1"',  # an alternative path
        '?s !ex:other ?o . ?s ex:year "1"',  # a negated path
        '?s (ex:other/ex:next)* ?o . ?s ex:year "1"',  # a group in a path
        '?s ex:other [ ex:year "1" ] . ?t ex:year "1"',  # a blank node
        '?s ex:other ?o . _:b ex:year "1"',  # a blank node label
        '{ SELECT ?s WHERE { ?s ex:other ?o } } ?s ex:year "1"',  # a sub-query
        'SERVICE <http://example.org/sparql> { ?s ex:other ?o . ?s ex:year "1" }',
    ],
)
def test_what_it_does_not_handle_is_left_exactly_as_written(where: str) -> None:
    query = PREFIXES + "SELECT * WHERE { " + where + " }"
    assert order_joins(query, _estimate) == query


def test_a_sequence_path_is_written_as_its_steps_the_constant_end_first() -> None:
    query = PREFIXES + (
        "SELECT ?case ?name WHERE { ?case ex:handledBy/ex:partOf* <http://example.org/unit> ;"
        " ex:name ?name . ?_thb_path1 ex:other ?case }"
    )
    planned = order_joins(query, _ends_estimate)
    steps = [
        "?_thb_path2 ex:partOf* <http://example.org/unit>",  # ?_thb_path1 is the query's own
        "?case ex:handledBy ?_thb_path2",
    ]
    assert planned.index(steps[0]) < planned.index(steps[1]) < planned.index("?case ex:name")
    assert "ex:handledBy/ex:partOf*" not in planned


def test_inverse_and_optional_steps_are_kept_as_paths() -> None:
    query = PREFIXES + "ASK { ?a ^ex:p/ex:q?/ex:r+ <http://example.org/x> }"
    planned = order_joins(query, _ends_estimate)
    assert "?a ^ex:p ?_thb_path1" in planned
    assert "?_thb_path1 ex:q? ?_thb_path2" in planned
    assert planned.index("?_thb_path2 ex:r+ <http://example.org/x>") < planned.index("?a ^ex:p")


def test_paths_stay_whole_when_the_projection_is_a_star() -> None:
    query = PREFIXES + 'SELECT * WHERE { ?s ex:a/ex:b ?o . ?s ex:year "1" }'
    planned = order_joins(query, _estimate)
    assert "?s ex:a/ex:b ?o" in planned and "_thb_path" not in planned
    counted = PREFIXES + "SELECT (COUNT(*) AS ?n) WHERE { ?s ex:a/ex:b <http://example.org/o> }"
    assert "_thb_path" in order_joins(counted, _ends_estimate)


def _ends_estimate(constants: Constants) -> int:
    """Few matches where a pattern has a constant subject or object, many elsewhere."""
    subject, _, obj = constants
    return 2 if subject is not None or obj is not None else 100


PATH_QUERIES = [
    "SELECT ?x ?l WHERE { ?x org:subOrganizationOf*/rdfs:label ?l }",
    "SELECT ?x ?y WHERE { ?x ^org:subOrganizationOf/org:subOrganizationOf? ?y }",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s a/rdfs:subClassOf* ?c }",
    "SELECT ?s ?c WHERE { ?s a/rdfs:subClassOf+ ?c . ?s rdfs:label ?l }",
    "SELECT ?c (COUNT(?s) AS ?n) WHERE { ?s a/rdfs:subClassOf* ?c } GROUP BY ?c",
    "SELECT DISTINCT ?o WHERE { ?s prov:wasDerivedFrom/dct:title ?o }",
    "ASK { ?s org:subOrganizationOf+/rdfs:label ?l }",
    "CONSTRUCT { ?s ex:label ?l } WHERE { ?s org:subOrganizationOf/rdfs:label ?l }",
]


def test_split_paths_give_the_written_queries_answers(
    france_oxigraph: OxigraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    prologue = (
        "PREFIX org: <http://www.w3.org/ns/org#>\nPREFIX prov: <http://www.w3.org/ns/prov#>\n"
        "PREFIX dct: <http://purl.org/dc/terms/>\nPREFIX ex: <http://example.org/>\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    )
    texts = [prologue + q for q in PATH_QUERIES]
    assert all("_thb_path" in order_joins(t, france_oxigraph._matches) for t in texts)
    planned = [_answers(france_oxigraph, t) for t in texts]
    assert any(planned), "the path queries should find something in the France graph"
    monkeypatch.setattr(oxigraph_module, "order_joins", lambda query, estimate: query)
    for text, answer in zip(texts, planned, strict=True):
        assert answer == _answers(france_oxigraph, text), text


def test_base_and_unknown_prefixes_leave_the_query_alone() -> None:
    based = 'BASE <http://example.org/>\nSELECT * WHERE { ?s <other> ?o . ?s <year> "1" }'
    assert order_joins(based, _estimate) == based
    undeclared = 'SELECT * WHERE { ?s ex:other ?o . ?s ex:year "1" }'
    assert order_joins(undeclared, _estimate) == undeclared


def test_nothing_changes_when_estimates_tie() -> None:
    query = PREFIXES + "SELECT * WHERE { ?s ex:a ?o ; ex:b ?c . ?o ex:c ?d }"
    assert order_joins(query, lambda constants: 100) == query


def test_a_syntax_error_is_still_reported_where_the_client_wrote_it() -> None:
    store = OxigraphStore()
    store.load(
        b'@prefix ex: <http://example.org/> . ex:p ex:year "1" ; ex:other 1, 2, 3 .', "text/turtle"
    )
    query = PREFIXES + 'SELECT * WHERE { ?s ex:other ?o . ?s ex:year "1" }\nORDER BY ?s )\nLIMIT 2'
    assert order_joins(query, store._matches) != query  # the block would move
    with pytest.raises(QuerySyntaxError) as caught:
        store.query(query)
    assert (caught.value.line, caught.value.column) == (4, 8)  # pyoxigraph's place for it


@pytest.fixture(scope="module")
def france_oxigraph() -> Iterator[OxigraphStore]:
    """The real France graph in an in-memory Oxigraph store."""
    settings = load_settings(env={}, overrides={"source_dir": str(ROOT), "store": "memory"})
    store = OxigraphStore()
    build_store(settings, store, validate=False)
    yield store
    store.close()


def _answers(store: OxigraphStore, text: str) -> Counter[str] | bool | None:
    result = store.query(text)
    if result.kind == "ask":
        return result.boolean
    if result.kind == "graph":
        return Counter(" ".join(t.n3() for t in triple) for triple in result.triples)
    return Counter(" ".join(v.n3() if v is not None else "-" for v in row) for row in result.rows)


def test_planned_queries_give_the_written_queries_answers(
    france_oxigraph: OxigraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = {p.name: p.read_text(encoding="utf-8") for p in QUERY_FILES}
    moved = [n for n, t in texts.items() if order_joins(t, france_oxigraph._matches) != t]
    assert len(moved) >= 5, "the plan should move the patterns of several real queries"
    planned = {name: _answers(france_oxigraph, text) for name, text in texts.items()}
    monkeypatch.setattr(oxigraph_module, "order_joins", lambda query, estimate: query)
    for name, text in texts.items():
        assert planned[name] == _answers(france_oxigraph, text), name
