"""Competency questions on actors and legislation (PCQ-01 to PCQ-07, PCQ-23).

Each test runs the named query of ``queries/`` over the France graph (asserted triples only,
no inference) and checks the expected answer of the question, sources included.
"""

from __future__ import annotations

import pytest
from rdflib import XSD, Literal, URIRef

from answers import ID, PROFILE, Ask, check_query_header, only, texts

DIRECTIVE = URIRef("http://data.europa.eu/eli/dir/2011/36/oj")

QUERY_NAMES = [
    "pcq-01-working-group",
    "pcq-02-ocrteh",
    "pcq-03-oclti",
    "pcq-04-first-trafficking-law",
    "pcq-05-criminal-code-amendments",
    "pcq-06-pending-bill",
    "pcq-07-asset-freezing-law",
    "pcq-23-miprof",
]


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_query_file_starts_with_title_and_description(name: str) -> None:
    check_query_header(name)


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_every_answer_comes_from_the_country_profile(ask: Ask, name: str) -> None:
    rows = ask(name)
    assert rows, f"{name} returned no rows"
    assert {row["source"] for row in rows} == {PROFILE}
    assert texts(rows, "sourceLabel") == {"Country profile: France (trafficking in human beings)"}


# --- PCQ-01 ---------------------------------------------------------------------------


def test_pcq01_working_group_is_co_chaired_by_justice_and_interior(ask: Ask) -> None:
    rows = ask("pcq-01-working-group")
    assert texts(rows, "groupLabel") == {"inter-ministerial working group"}
    co_chairs = {str(r["itemLabel"]) for r in rows if str(r["relation"]) == "co-chair"}
    assert co_chairs == {"Ministry of Justice", "Ministry of the Interior"}


def test_pcq01_working_group_brings_together_ministries_ios_and_ngos(ask: Ask) -> None:
    rows = ask("pcq-01-working-group")
    members = {str(r["itemLabel"]) for r in rows if str(r["relation"]) == "member"}
    assert members == {
        "all competent ministries",
        "representatives of international organisations",
        "representatives of non-governmental organisations",
    }


def test_pcq01_working_group_responsibilities_in_listed_order(ask: Ask) -> None:
    rows = [r for r in ask("pcq-01-working-group") if str(r["relation"]) == "responsible for"]
    ordered = sorted(rows, key=lambda r: int(r["order"]))
    assert [int(r["order"]) for r in ordered] == [1, 2, 3]
    assert [str(r["itemLabel"]) for r in ordered] == [
        "setting up a National Coordination Body",
        "setting up a National Rapporteur",
        "drawing up the National Plan of Action to combat trafficking in human beings",
    ]
    assert [r["object"] for r in ordered] == [
        URIRef(ID + "actor/national-coordination-body"),
        URIRef(ID + "actor/national-rapporteur"),
        URIRef(ID + "plan/national-action-plan"),
    ]


# --- PCQ-02 ---------------------------------------------------------------------------


def test_pcq02_ocrteh_has_english_and_french_names(ask: Ask) -> None:
    rows = ask("pcq-02-ocrteh")
    assert only(rows, "office") == URIRef(ID + "actor/ocrteh")
    assert only(rows, "nameEn") == Literal(
        "Central Office for the Repression of Trafficking in Human Beings", lang="en"
    )
    assert only(rows, "nameFr") == Literal(
        "Office Central pour la Répression de la Traite des Êtres Humains", lang="fr"
    )


def test_pcq02_ocrteh_is_part_of_the_ministry_of_the_interior(ask: Ask) -> None:
    rows = ask("pcq-02-ocrteh")
    assert only(rows, "partOf") == URIRef(ID + "actor/ministry-of-the-interior")
    assert str(only(rows, "partOfLabel")) == "Ministry of the Interior"


def test_pcq02_ocrteh_three_responsibilities_in_order(ask: Ask) -> None:
    rows = sorted(ask("pcq-02-ocrteh"), key=lambda r: int(r["order"]))
    assert [(int(r["order"]), str(r["responsibility"])) for r in rows] == [
        (1, "identifying and punishing any offences related to procuring"),
        (2, "centralising all information that could facilitate the search for human trafficking"),
        (
            3,
            "co-ordinating all operations for the suppression of trafficking in human beings"
            " throughout France",
        ),
    ]


def test_pcq02_ocrteh_handles_sexual_exploitation_and_prostitution_cases(ask: Ask) -> None:
    handled = str(only(ask("pcq-02-ocrteh"), "handlesCasesOf"))
    assert set(handled.split(", ")) == {"sexual exploitation", "prostitution"}


# --- PCQ-03 ---------------------------------------------------------------------------


def test_pcq03_oclti_full_french_name(ask: Ask) -> None:
    rows = ask("pcq-03-oclti")
    assert only(rows, "office") == URIRef(ID + "actor/oclti")
    assert only(rows, "nameFr") == Literal(
        "Office Central de Lutte Contre le Travail Illégal", lang="fr"
    )


def test_pcq03_oclti_handles_forced_labour_under_dignity_offence(ask: Ask) -> None:
    rows = ask("pcq-03-oclti")
    assert len(rows) == 1
    assert str(only(rows, "formLabel")) == "forced labour"
    assert only(rows, "offence") == URIRef(
        ID + "offence/labour-and-living-conditions-against-human-dignity"
    )
    assert str(only(rows, "offenceLabel")) == "labour and living conditions against human dignity"


# --- PCQ-04 ---------------------------------------------------------------------------


def test_pcq04_first_law_is_the_2003_law_on_internal_security(ask: Ask) -> None:
    rows = ask("pcq-04-first-trafficking-law")
    assert only(rows, "law") == URIRef(ID + "legal/law-on-internal-security-2003")
    assert only(rows, "titleEn") == Literal("Law on Internal Security", lang="en")
    assert only(rows, "titleFr") == Literal("Loi sur la Sécurité intérieure", lang="fr")
    assert only(rows, "year") == Literal("2003", datatype=XSD.gYear)


def test_pcq04_law_introduced_definition_and_specific_punishment(ask: Ask) -> None:
    rows = sorted(ask("pcq-04-first-trafficking-law"), key=lambda r: int(r["order"]))
    assert [str(r["provision"]) for r in rows] == [
        "introduced the definition of human trafficking in the Criminal Code",
        "set up a specific punishment for those who exploit vulnerable persons",
    ]


# --- PCQ-05 ---------------------------------------------------------------------------


def test_pcq05_criminal_code_amended_in_2008_through_article_225(ask: Ask) -> None:
    rows = ask("pcq-05-criminal-code-amendments")
    assert len(rows) == 1
    assert only(rows, "year") == Literal("2008", datatype=XSD.gYear)
    assert only(rows, "code") == URIRef(ID + "legal/criminal-code")
    assert only(rows, "article") == URIRef(ID + "legal/criminal-code-article-225")
    assert str(only(rows, "articleId")) == "225"


def test_pcq05_amendments_criminalise_three_forms_with_rape_level_penalties(ask: Ask) -> None:
    rows = ask("pcq-05-criminal-code-amendments")
    assert set(str(only(rows, "criminalises")).split(", ")) == {
        "sexual exploitation",
        "labour exploitation",
        "child trafficking",
    }
    assert str(only(rows, "penaltyComparableTo")) == "other grave crimes such as rape"


# --- PCQ-06 ---------------------------------------------------------------------------


def test_pcq06_bill_amends_article_225_4_1_defining_the_thb_offence(ask: Ask) -> None:
    rows = ask("pcq-06-pending-bill")
    assert len(rows) == 1
    assert only(rows, "article") == URIRef(ID + "legal/criminal-code-article-225-4-1")
    assert str(only(rows, "articleId")) == "225-4-1"
    assert only(rows, "code") == URIRef(ID + "legal/criminal-code")
    assert only(rows, "offence") == URIRef(ID + "offence/trafficking-in-human-beings")


def test_pcq06_bill_prepared_by_justice_for_directive_of_5_april_2011(ask: Ask) -> None:
    rows = ask("pcq-06-pending-bill")
    assert only(rows, "preparedBy") == URIRef(ID + "actor/ministry-of-justice")
    assert str(only(rows, "preparedByLabel")) == "Ministry of Justice"
    assert only(rows, "directive") == DIRECTIVE
    assert str(only(rows, "directiveTitle")).startswith("Directive 2011/36/EU")
    assert only(rows, "directiveDate") == Literal("2011-04-05", datatype=XSD.date)
    assert set(str(only(rows, "directivePassedBy")).split(" and ")) == {
        "European Parliament",
        "Council of the European Union",
    }


def test_pcq06_bill_aim_and_status_under_consideration(ask: Ask) -> None:
    rows = ask("pcq-06-pending-bill")
    aim = str(only(rows, "aim"))
    assert "strengthen the protection of victims of trafficking" in aim
    assert "forced labor and domestic servitude" in aim
    assert str(only(rows, "legislativeStatusLabel")) == "under consideration"
    assert str(only(rows, "statusLabel")) == "under consideration"
    assert only(rows, "asOf") == Literal("2013", datatype=XSD.gYear)


# --- PCQ-07 ---------------------------------------------------------------------------


def test_pcq07_seizure_law_of_9_july_2010_freezes_assets_at_start_of_investigation(
    ask: Ask,
) -> None:
    rows = ask("pcq-07-asset-freezing-law")
    assert len(rows) == 1
    assert only(rows, "law") == URIRef(ID + "legal/law-on-seizure-and-confiscation-2010")
    assert only(rows, "date") == Literal("2010-07-09", datatype=XSD.date)
    assert str(only(rows, "stage")) == "at the beginning of the investigation"


# --- PCQ-23 ---------------------------------------------------------------------------


def test_pcq23_miprof_full_name(ask: Ask) -> None:
    rows = ask("pcq-23-miprof")
    assert only(rows, "mission") == URIRef(ID + "actor/miprof")
    assert str(only(rows, "fullName")) == (
        "Interministerial Mission for the protection of women victims of violence"
        " and the fight against trafficking in human beings"
    )


def test_pcq23_miprof_established_by_law_on_3_january_2013(ask: Ask) -> None:
    rows = ask("pcq-23-miprof")
    assert only(rows, "establishedBy") == URIRef(ID + "legal/law-establishing-miprof-2013")
    assert str(only(rows, "establishedByKind")) == "law"
    assert only(rows, "lawDate") == Literal("2013-01-03", datatype=XSD.date)
    assert only(rows, "foundingDate") == Literal("2013-01-03", datatype=XSD.date)


def test_pcq23_miprof_dual_mission_in_order(ask: Ask) -> None:
    rows = sorted(ask("pcq-23-miprof"), key=lambda r: int(r["order"]))
    assert [(int(r["order"]), str(r["missionPart"])) for r in rows] == [
        (1, "to combat violence against women"),
        (2, "to provide a national coordination of the fight against trafficking in human beings"),
    ]
