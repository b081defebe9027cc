"""Values made readable in English and French."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rdflib import Literal
from rdflib.namespace import XSD

from thb_graph.pages.display import external_name, format_frequency, format_literal, format_number


@pytest.mark.parametrize(
    ("value", "lang", "text"),
    [
        (1661265, "en", "1,661,265"),
        (1661265, "fr", "1\u202f661\u202f265"),
        (Decimal("26.3"), "fr", "26,3"),
        (0, "en", "0"),
    ],
)
def test_numbers_are_grouped_by_language(value, lang, text):
    assert format_number(value, lang) == text


@pytest.mark.parametrize(
    ("literal", "lang", "text"),
    [
        (Literal("2003-03-18", datatype=XSD.date), "en", "18 March 2003"),
        (Literal("2003-03-18", datatype=XSD.date), "fr", "18 mars 2003"),
        (Literal("2008-12", datatype=XSD.gYearMonth), "fr", "décembre 2008"),
        (Literal("2003", datatype=XSD.gYear), "en", "2003"),
        (Literal("P6M", datatype=XSD.duration), "en", "6 months"),
        (Literal("P1Y6M", datatype=XSD.duration), "fr", "1 an 6 mois"),
        (Literal("true", datatype=XSD.boolean), "fr", "oui"),
        (Literal("464", datatype=XSD.integer), "en", "464"),
        (Literal("not a date", datatype=XSD.date), "en", "not a date"),
    ],
)
def test_literals_read_as_a_reader_expects(literal, lang, text):
    assert format_literal(literal, lang) == text


def test_outside_iris_get_a_short_name_of_their_authority():
    fra = "http://publications.europa.eu/resource/authority/country/FRA"
    assert external_name(fra) == "EU authority table: country/FRA"
    assert external_name("http://data.europa.eu/eli/dir/2011/36/oj") == "ELI: dir/2011/36/oj"
    assert external_name("http://data.europa.eu/eli/ontology#amends").startswith("http")


@pytest.mark.parametrize(
    ("lexical", "lang", "text"),
    [("P1M", "en", "monthly"), ("P1M", "fr", "chaque mois"), ("P6M", "en", "every 6 months")],
)
def test_frequencies_read_as_words(lexical, lang, text):
    assert format_frequency(lexical, lang) == text
