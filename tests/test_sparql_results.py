"""Result writers: each output parses back (with rdflib's readers) to what went in."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import XSD
from rdflib.query import Result

from thb_graph.errors import UnknownFormatError
from thb_graph.kg.store.base import QueryResult
from thb_graph.sparql import results

E = "http://example.org/"
ROWS = [
    (URIRef(E + "a"), Literal('plain, with "quotes"\nand a newline'), Literal(3)),
    (URIRef(E + "b"), Literal("chaîne", lang="fr"), None),
    (BNode("b0"), Literal("2010-01-01", datatype=XSD.date), Literal("tab\there")),
]
SELECT = QueryResult(kind="select", variables=("s", "label", "n"), rows=ROWS)
TRIPLES = [
    (URIRef(E + "a"), URIRef(E + "p"), Literal("x\ny", lang="en")),
    (URIRef(E + "a"), URIRef(E + "q"), Literal(2.5)),
    (BNode("n1"), URIRef(E + "p"), URIRef(E + "b")),
]
GRAPH = QueryResult(kind="graph", triples=TRIPLES)


def parsed_rows(body: bytes, fmt: str) -> list[tuple[object, ...]]:
    result = Result.parse(io.BytesIO(body), format=fmt)
    return [tuple(row) for row in result]


@pytest.mark.parametrize("fmt", ["json", "xml", "tsv"])
def test_select_round_trips_with_datatypes_and_languages(fmt: str) -> None:
    media_type = {
        "json": "application/sparql-results+json",
        "xml": "application/sparql-results+xml",
        "tsv": "text/tab-separated-values",
    }[fmt]
    rows = parsed_rows(results.serialise(SELECT, media_type), fmt)
    assert [r[1] for r in rows] == [r[1] for r in ROWS]
    assert rows[0][0] == URIRef(E + "a") and rows[0][2] == Literal(3)
    assert rows[1][2] is None
    assert isinstance(rows[2][0], BNode)


def test_csv_holds_lexical_values_with_rfc4180_quoting() -> None:
    body = results.serialise(SELECT, "text/csv").decode()
    assert body.startswith("s,label,n\r\n")
    rows = parsed_rows(body.encode(), "csv")
    assert [str(r[1]) for r in rows] == [str(r[1]) for r in ROWS]
    assert str(rows[0][0]) == E + "a"


def test_ask_in_every_results_format() -> None:
    ask = QueryResult(kind="ask", boolean=True)
    assert json.loads(results.serialise(ask, "application/sparql-results+json")) == {
        "head": {},
        "boolean": True,
    }
    xml = ET.fromstring(results.serialise(ask, "application/sparql-results+xml"))  # noqa: S314
    assert xml.find(f"{{{results.SPARQL_RESULTS_NS}}}boolean").text == "true"  # type: ignore[union-attr]
    assert results.serialise(ask, "text/csv").decode().splitlines()[1] == "true"
    assert (
        results.serialise(QueryResult(kind="ask", boolean=False), "text/tab-separated-values")
        .decode()
        .endswith("false\n")
    )


def test_truncated_select_says_so_in_the_json_and_xml_heads() -> None:
    cut = QueryResult(kind="select", variables=("s",), rows=[ROWS[0][:1]], truncated=True)
    head = json.loads(results.serialise(cut, "application/sparql-results+json", cap=1))["head"]
    assert head["vars"] == ["s"]
    assert head["link"] == [results.truncation_link(1)]
    xml = ET.fromstring(results.serialise(cut, "application/sparql-results+xml", cap=1))  # noqa: S314
    link = xml.find(f"{{{results.SPARQL_RESULTS_NS}}}head/{{{results.SPARQL_RESULTS_NS}}}link")
    assert link is not None and link.get("href") == results.truncation_link(1)


def test_complete_select_has_no_truncation_link() -> None:
    head = json.loads(results.serialise(SELECT, "application/sparql-results+json"))["head"]
    assert "link" not in head


@pytest.mark.parametrize(
    ("media_type", "rdflib_format"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
        ("application/trig", "trig"),
        ("application/n-quads", "nquads"),
    ],
)
def test_graph_round_trips_in_every_rdf_format(media_type: str, rdflib_format: str) -> None:
    body = results.serialise(GRAPH, media_type)
    expected = Graph()
    for triple in TRIPLES:
        expected.add(triple)
    if rdflib_format in ("trig", "nquads"):
        from rdflib import Dataset

        ds = Dataset()
        ds.parse(data=body, format=rdflib_format)
        got = Graph()
        for s, p, o, _ in ds.quads((None, None, None, None)):
            got.add((s, p, o))
    else:
        got = Graph().parse(data=body, format=rdflib_format)
    assert isomorphic(got, expected)


def test_truncated_graph_starts_with_a_comment_in_line_formats() -> None:
    cut = QueryResult(kind="graph", triples=TRIPLES[:1], truncated=True)
    body = results.serialise(cut, "application/n-triples", cap=1).decode()
    assert body.startswith("# truncated")
    assert len(Graph().parse(data=body, format="nt")) == 1


@pytest.mark.parametrize(
    ("result", "media_type"),
    [(SELECT, "text/turtle"), (GRAPH, "application/sparql-results+json"), (SELECT, "image/png")],
)
def test_a_type_that_does_not_fit_the_result_is_refused(
    result: QueryResult, media_type: str
) -> None:
    with pytest.raises(UnknownFormatError):
        results.serialise(result, media_type)
