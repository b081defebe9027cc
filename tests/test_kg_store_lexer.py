"""The tokenizer: keywords are bare words; strings, IRIs and comments hide nothing."""

from __future__ import annotations

import pytest

from thb_graph.kg.store.lexer import LexError, tokens, words


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", {"SELECT", "WHERE"}),
        ("select ?service { ?s a ex:Service }", {"SELECT", "A"}),
        ("ASK { ?s ?p 'SERVICE' }", {"ASK"}),
        ('ASK { ?s ?p """multi\nline "quoted" LOAD""" }', {"ASK"}),
        ("ASK { ?s ?p 'it\\'s FROM' }", {"ASK"}),
        ("ASK { ?s <http://e/SERVICE#FROM> ?o } # LOAD <x>\n", {"ASK"}),
        ("ASK { FILTER(?a < ?b) SERVICE <http://e/> {} }", {"ASK", "FILTER", "SERVICE"}),
        ('ASK { ?s ?p "x"@en }', {"ASK", "EN"}),
        ("ASK { ?s ?p 1.5e3 ; ?q _:b0 }", {"ASK", "1.5E3"}),
    ],
)
def test_bare_words_are_what_is_left_outside_strings_iris_and_comments(
    text: str, expected: set[str]
) -> None:
    assert words(text) == expected


def test_prefixed_names_and_variables_are_not_words() -> None:
    kinds = {
        (t.kind, t.text) for t in tokens("PREFIX ex: <http://e/> SELECT ?x $y { ?x ex:from :with }")
    }
    assert ("pname", "ex:") in kinds and ("pname", "ex:from") in kinds
    assert ("pname", ":with") in kinds
    assert ("var", "?x") in kinds and ("var", "$y") in kinds


def test_an_unclosed_string_is_a_lex_error() -> None:
    with pytest.raises(LexError):
        list(tokens("ASK { ?s ?p 'open }"))
