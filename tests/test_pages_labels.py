"""Choosing a label by language, and folding names for search."""

from __future__ import annotations

import pytest
from rdflib import Literal
from rdflib.namespace import RDFS, SKOS

from thb_graph.namespaces import ELI
from thb_graph.pages.labels import fold, name_from_iri, pick_label

IRI = "https://w3id.org/thb-graph/id/legal/law-on-internal-security-2003"


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Sécurité intérieure", "securite interieure"),
        ("SÉCURITÉ", "securite"),
        ("Ministère de l'Intérieur", "ministere de l interieur"),
        ("  Êtres   Humains ", "etres humains"),
    ],
)
def test_fold_ignores_case_accents_and_punctuation(text, folded):
    assert fold(text) == folded


def test_the_chosen_language_wins_then_english_then_untagged_then_any():
    names = [
        (RDFS.label, Literal("Law on Internal Security", lang="en")),
        (RDFS.label, Literal("Loi sur la Sécurité intérieure", lang="fr")),
    ]
    assert pick_label(IRI, names, "fr").text == "Loi sur la Sécurité intérieure"
    assert pick_label(IRI, names, "en").text == "Law on Internal Security"
    assert pick_label(IRI, names[:1], "fr").lang == "en"
    assert pick_label(IRI, [(RDFS.label, Literal("OCRTEH"))], "fr").text == "OCRTEH"
    assert pick_label(IRI, [(RDFS.label, Literal("Gesetz", lang="de"))], "fr").text == "Gesetz"


def test_within_a_language_the_preferred_label_beats_the_others():
    names = [
        (SKOS.altLabel, Literal("OCRTEH", lang="en")),
        (ELI["title"], Literal("Official title", lang="en")),
        (SKOS.prefLabel, Literal("Preferred", lang="en")),
    ]
    assert pick_label(IRI, names, "en").text == "Preferred"


def test_without_names_the_label_is_made_from_the_iri():
    label = pick_label(IRI, [], "en")
    assert label.from_iri and label.text == "law on internal security 2003"
    assert name_from_iri("http://www.w3.org/ns/org#subOrganizationOf") == "sub organization of"
    assert name_from_iri("http://example.org/EUR") == "EUR"
