"""Safe insertion of terms into SPARQL text."""

from __future__ import annotations

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from thb_graph.errors import BadRequestError
from thb_graph.kg import bindings
from thb_graph.kg.iris import checked_iri, is_absolute_iri


@pytest.mark.parametrize(
    "iri",
    [
        "https://x.org/a> } DROP ALL { <b",
        "https://x.org/a b",
        'https://x.org/"',
        "https://x.org/{",
        "https://x.org/\\u003E",
        "https://x.org/\n",
        "no-scheme",
        "",
    ],
)
def test_iris_that_could_break_out_of_angle_brackets_are_refused(iri):
    assert not is_absolute_iri(iri)
    with pytest.raises(BadRequestError):
        bindings.iri_term(iri)


def test_plain_iris_are_written_between_angle_brackets():
    assert bindings.iri_term("https://w3id.org/thb-graph/id/actor/ocrteh") == (
        "<https://w3id.org/thb-graph/id/actor/ocrteh>"
    )


@pytest.mark.parametrize(
    ("literal", "written"),
    [
        (Literal('say "hi"\n'), '"say \\"hi\\"\\n"'),
        (Literal("a\\b", lang="fr"), '"a\\\\b"@fr'),
        (Literal("2011", datatype=XSD.gYear), f'"2011"^^<{XSD.gYear}>'),
    ],
)
def test_literals_are_escaped_with_their_tag_or_type(literal, written):
    assert bindings.term(literal) == written


def test_blank_nodes_and_bad_variables_are_refused():
    with pytest.raises(BadRequestError):
        bindings.term(BNode())
    with pytest.raises(BadRequestError):
        bindings.values("x }", [URIRef("https://x.org/a")])


def test_values_and_in_lists_hold_every_term():
    nodes = [URIRef("https://x.org/a"), Literal("b", lang="en")]
    assert bindings.values("v", nodes) == 'VALUES ?v { <https://x.org/a> "b"@en }'
    assert bindings.one_of("v", nodes) == '?v IN (<https://x.org/a>, "b"@en)'


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("https://w3id.org/thb-graph/id/actor/ocrteh", True),
        ("urn:x-thb-graph:empty", True),
        ("http://e/<x>", False),
        ("a b", False),
        ("", False),
        ("relative/path", False),
        ("1http://e/", False),
        ("http://e/\u0000", False),
    ],
)
def test_one_iri_check_serves_queries_writes_and_pages(text: str, ok: bool) -> None:
    assert is_absolute_iri(text) is ok
    if ok:
        assert checked_iri(text) == text
    else:
        with pytest.raises(BadRequestError, match="not an IRI"):
            checked_iri(text, "graph=")
