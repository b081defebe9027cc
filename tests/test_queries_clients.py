"""The shipped queries as clients read them: SPARQLWrapper guesses a query's form from its
text with a regular expression (any of its keywords, even inside a word, anywhere outside
the comment lines it strips, and it strips only every other one), so a description saying
"created" or "adds" makes it send a SELECT as an update. Every comment line must be safe."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib.plugins.sparql import prepareQuery
from SPARQLWrapper import SPARQLWrapper

QUERIES = Path(__file__).resolve().parent.parent / "queries"
SHIPPED = sorted(QUERIES.glob("*.rq"))
#: The words that make SPARQLWrapper send a text to the update endpoint.
UPDATE_WORDS = ("INSERT", "DELETE", "CREATE", "CLEAR", "DROP", "LOAD", "COPY", "MOVE", "ADD")
#: rdflib's algebra name of each query form -> SPARQLWrapper's name of it.
FORMS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT",
         "DescribeQuery": "DESCRIBE"}  # fmt: skip


def test_there_are_shipped_queries() -> None:
    assert len(SHIPPED) >= 30


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_sparqlwrapper_guesses_the_real_form_of_each_shipped_query(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    form = FORMS[prepareQuery(text).algebra.name]
    client = SPARQLWrapper("http://127.0.0.1:9/sparql")
    client.setQuery(text)
    assert client.queryType == form
    assert not client.isSparqlUpdateRequest()


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_no_comment_line_holds_a_word_sparqlwrapper_reads_as_an_update(path: Path) -> None:
    # Stricter than the guess itself: which comment lines SPARQLWrapper keeps depends on
    # their parity, so a comment reflowed later must not start to mislead it.
    found = [
        (number, word)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if line.lstrip().startswith("#")
        for word in UPDATE_WORDS
        if word in line.upper()
    ]
    assert found == []


def test_the_guard_catches_the_words_that_misled_sparqlwrapper() -> None:
    client = SPARQLWrapper("http://127.0.0.1:9/sparql")
    client.setQuery("# title: T\n# description: the unit the ministry created\nSELECT * {}")
    assert client.isSparqlUpdateRequest()
