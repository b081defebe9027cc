"""Competency questions on figures and victim cohorts (PCQ-08 to 12, 16 to 20, 27, 28, 30).

Each test runs the named query of ``queries/`` over the France graph (asserted triples only,
no inference) and checks the expected answer of the question exactly: values with their
datatypes, units, ISO periods, and the sources and attributions the graph records.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from rdflib import XSD, Literal, URIRef
from rdflib.term import Node

from answers import ID, PROFILE, Ask, by, check_query_header, integer, only, texts

TIP_2010 = URIRef(ID + "source/us-tip-report-2010")
FRENCH_GOVERNMENT = URIRef(ID + "actor/french-government")
EUR = URIRef("http://publications.europa.eu/resource/authority/currency/EUR")

QUERY_NAMES = [
    "pcq-08-french-victims-identified",
    "pcq-09-victims-by-region-2011",
    "pcq-10-women-victims-estimate",
    "pcq-11-origins-of-victims",
    "pcq-12-child-victims",
    "pcq-16-convictions-2007-2008",
    "pcq-17-anti-pimping-prosecutions",
    "pcq-18-ocrteh-officers-and-oclti-cases",
    "pcq-19-criminal-assets-seized",
    "pcq-20-asset-platform-and-border-police-unit",
    "pcq-27-french-guiana-2008",
    "pcq-28-victims-referred-to-ngos",
    "pcq-30-ccem-forced-labour-cases",
]


# --- every query ------------------------------------------------------------------------


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_query_file_starts_with_title_and_description(name: str) -> None:
    check_query_header(name)


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_every_answer_row_names_its_source_document(ask: Ask, name: str) -> None:
    rows = ask(name)
    assert rows, f"{name} returned no rows"
    for row in rows:
        assert isinstance(row["source"], URIRef)
        assert str(row["source"]).startswith(ID + "source/")
        assert str(row["sourceLabel"])


# --- PCQ-08 -----------------------------------------------------------------------------


def test_pcq08_french_victims_are_189_in_2010_and_149_in_2011(ask: Ask) -> None:
    rows = by(ask("pcq-08-french-victims-identified"), "period")
    assert set(rows) == {"2010", "2011"}
    assert rows["2010"]["count"] == integer(189)
    assert rows["2011"]["count"] == integer(149)
    assert rows["2010"]["periodStart"] == Literal("2010-01-01", datatype=XSD.date)
    assert rows["2011"]["periodEnd"] == Literal("2011-12-31", datatype=XSD.date)
    for row in rows.values():
        assert str(row["unitLabel"]) == "victims"
        assert str(row["nationalityLabel"]) == "France"
        assert row["source"] == PROFILE


# --- PCQ-09 -----------------------------------------------------------------------------


def test_pcq09_all_nationalities_2011_total_is_654_with_six_regional_parts(ask: Ask) -> None:
    rows = ask("pcq-09-victims-by-region-2011")
    assert only(rows, "totalCount") == integer(654)
    assert str(only(rows, "period")) == "2011"
    assert str(only(rows, "victimGroupLabel")) == "all nationalities"
    parts = {str(row["regionLabel"]): row["partCount"] for row in rows}
    assert parts == {
        "Africa": integer(172),
        "Eastern Europe and the Balkans": integer(159),
        "Western Europe": integer(156),
        "South America": integer(83),
        "Asia": integer(58),
        "Maghreb": integer(26),
    }


def test_pcq09_regional_parts_sum_to_the_total(ask: Ask) -> None:
    rows = ask("pcq-09-victims-by-region-2011")
    total = int(only(rows, "totalCount"))
    assert sum(int(row["partCount"]) for row in rows) == total
    assert int(only(rows, "partsSum")) == total
    assert int(only(rows, "partsCount")) == len(rows) == 6


def test_pcq09_year_is_recorded_as_an_interpretation_of_the_same_year(ask: Ask) -> None:
    rows = ask("pcq-09-victims-by-region-2011")
    interpretation = str(only(rows, "interpretation"))
    assert "the same year" in interpretation and "2011" in interpretation
    assert only(rows, "source") == PROFILE


# --- PCQ-10 -----------------------------------------------------------------------------


def test_pcq10_government_estimates_10000_to_12000_women(ask: Ask) -> None:
    row = ask("pcq-10-women-victims-estimate")
    assert len(row) == 1
    (estimate,) = row
    assert estimate["countMin"] == integer(10000)
    assert estimate["countMax"] == integer(12000)
    assert str(estimate["unitLabel"]) == "victims"
    assert str(estimate["victimGroupLabel"]) == "women"
    assert str(estimate["exploitationFormLabel"]) == "sexual exploitation"
    assert str(estimate["areaLabel"]) == "France"


def test_pcq10_estimate_is_the_french_governments_and_has_no_reference_year(ask: Ask) -> None:
    (estimate,) = ask("pcq-10-women-victims-estimate")
    assert estimate["attributedTo"] == FRENCH_GOVERNMENT
    assert str(estimate["attributedToLabel"]) == "French government"
    assert estimate["source"] == PROFILE
    assert "period" not in estimate
    assert "no reference year" in str(estimate["periodNote"])


# --- PCQ-11 -----------------------------------------------------------------------------


def _cohort_aspects(rows: list[dict[str, Node]], question: str) -> dict[str, set[str]]:
    """Aspect label -> value labels of the one cohort that answers ``question``."""
    selected = [row for row in rows if str(row["question"]) == question]
    only(selected, "cohort")
    aspects: dict[str, set[str]] = {}
    for row in selected:
        aspects.setdefault(str(row["aspectLabel"]), set()).add(str(row["valueLabel"]))
    return aspects


def test_pcq11_women_and_girls_come_from_three_regions_for_sexual_exploitation(ask: Ask) -> None:
    rows = ask("pcq-11-origins-of-victims")
    aspects = _cohort_aspects(rows, "women and girls trafficked for sexual exploitation")
    assert aspects["region of origin"] == {
        "Eastern Europe",
        "West Africa",
        "several Asian countries",
    }
    assert aspects["victim group"] == {"women", "girls"}
    assert aspects["form of exploitation"] == {"sexual exploitation"}
    assert aspects["destination"] == {"France"}


def test_pcq11_men_women_children_from_african_countries_for_forced_labour(ask: Ask) -> None:
    rows = ask("pcq-11-origins-of-victims")
    aspects = _cohort_aspects(rows, "trafficked from African countries")
    assert aspects["victim group"] == {"men", "women", "children"}
    assert aspects["form of exploitation"] == {"forced labour", "domestic servitude"}
    assert aspects["region of origin"] == {"African countries"}
    assert aspects["destination"] == {"France"}
    assert {row["source"] for row in rows} == {PROFILE}


# --- PCQ-12 -----------------------------------------------------------------------------


def _values(rows: list[dict[str, Node]], aspect: str) -> set[str]:
    return {str(row["valueLabel"]) for row in rows if str(row["aspectLabel"]) == aspect}


def test_pcq12_most_worrying_phenomenon_is_increasing_child_trafficking(ask: Ask) -> None:
    rows = ask("pcq-12-child-victims")
    claim = [row for row in rows if str(row["aspectLabel"]) == "most worrying phenomenon"]
    text = str(only(claim, "text"))
    assert "most worrying phenomenon at present" in text
    assert "increasing number of child trafficking" in text
    assert only(claim, "asOf") == Literal("2013", datatype=XSD.gYear)
    assert only(claim, "source") == PROFILE


def test_pcq12_child_victims_mostly_from_south_eastern_europe_mainly_ro_bg(ask: Ask) -> None:
    rows = ask("pcq-12-child-victims")
    assert _values(rows, "region of origin") == {"South-Eastern Europe"}
    assert _values(rows, "mainly from") == {"Romania", "Bulgaria"}


def test_pcq12_children_mostly_forced_to_begging_also_to_crime(ask: Ask) -> None:
    rows = ask("pcq-12-child-victims")
    assert _values(rows, "main form of exploitation") == {"forced begging"}
    assert _values(rows, "form of exploitation") == {"child trafficking", "forced criminality"}
    cohort_hedges = {
        str(row["hedge"]) for row in rows if str(row["aspectLabel"]) == "main form of exploitation"
    }
    assert {"most", "mainly", "mostly"} <= cohort_hedges


def test_pcq12_vast_majority_of_young_victims_are_from_roma_communities(ask: Ask) -> None:
    rows = ask("pcq-12-child-victims")
    roma = [row for row in rows if str(row.get("valueLabel")) == "Roma communities"]
    assert str(only(roma, "aspectLabel")) == "victim group"
    assert str(only(roma, "hedge")) == "in the vast majority"
    assert only(roma, "source") == PROFILE


# --- PCQ-16 -----------------------------------------------------------------------------


def test_pcq16_convictions_are_19_in_2008_and_33_in_2007(ask: Ask) -> None:
    rows = by(ask("pcq-16-convictions-2007-2008"), "period")
    assert set(rows) == {"2007", "2008"}
    assert rows["2008"]["count"] == integer(19)
    assert rows["2007"]["count"] == integer(33)
    assert texts(list(rows.values()), "offenceLabel") == {"trafficking in human beings"}
    assert texts(list(rows.values()), "unitLabel") == {"convictions"}


def test_pcq16_source_is_tip_report_2010_reporting_french_government_data(ask: Ask) -> None:
    rows = ask("pcq-16-convictions-2007-2008")
    assert only(rows, "source") == TIP_2010
    assert "2010" in str(only(rows, "sourceLabel"))
    assert "Trafficking in Persons" in str(only(rows, "sourceLabel"))
    assert only(rows, "attributedTo") == FRENCH_GOVERNMENT
    note = by(rows, "period")["2008"]["note"]
    assert str(note) == "the most recent year for which data was available"


# --- PCQ-17 -----------------------------------------------------------------------------


def test_pcq17_anti_pimping_prosecutions_are_523_in_2008(ask: Ask) -> None:
    (row,) = ask("pcq-17-anti-pimping-prosecutions")
    assert row["count"] == integer(523)
    assert str(row["period"]) == "2008"
    assert str(row["unitLabel"]) == "prosecutions"
    assert str(row["offenceLabel"]) == "procuring"
    assert str(row["attributedToLabel"]) == "French government"
    assert row["source"] == TIP_2010


def test_pcq17_approximately_16_per_cent_of_arrests_were_trafficking_specific(ask: Ask) -> None:
    (row,) = ask("pcq-17-anti-pimping-prosecutions")
    assert row["percentage"].datatype == XSD.decimal
    assert row["percentage"].toPython() == Decimal(16)
    assert str(row["shareUnitLabel"]) == "per cent"
    assert row["shareApproximate"] == Literal(True)
    assert str(row["shareHedge"]) == "approximately"
    assert str(row["shareOffenceLabel"]) == "trafficking in human beings"


# --- PCQ-18 -----------------------------------------------------------------------------


def test_pcq18_ocrteh_had_32_full_time_officers_in_2007(ask: Ask) -> None:
    rows = by(ask("pcq-18-ocrteh-officers-and-oclti-cases"), "unitLabel")
    officers = rows["officers"]
    assert officers["count"] == integer(32)
    assert str(officers["period"]) == "2007"
    assert str(officers["actorLabel"]) == (
        "Central Office for the Repression of Trafficking in Human Beings"
    )


def test_pcq18_32_cases_and_55_presumed_offenders_january_to_september_2008(ask: Ask) -> None:
    rows = by(ask("pcq-18-ocrteh-officers-and-oclti-cases"), "unitLabel")
    cases, offenders = rows["cases"], rows["offenders"]
    assert cases["count"] == integer(32)
    assert offenders["count"] == integer(55)
    for row in (cases, offenders):
        assert str(row["period"]) == "2008-01/2008-09"
        assert row["periodStart"] == Literal("2008-01-01", datatype=XSD.date)
        assert row["periodEnd"] == Literal("2008-09-30", datatype=XSD.date)
        assert str(row["offenceLabel"]) == "labour and living conditions against human dignity"
        assert row["source"] == PROFILE


def test_pcq18_the_two_figures_of_32_are_distinct_observations(ask: Ask) -> None:
    rows = by(ask("pcq-18-ocrteh-officers-and-oclti-cases"), "unitLabel")
    assert rows["officers"]["observation"] != rows["cases"]["observation"]
    assert rows["officers"]["period"] != rows["cases"]["period"]


# --- PCQ-19 -----------------------------------------------------------------------------


def test_pcq19_border_police_seized_1661265_eur_at_end_of_2011(ask: Ask) -> None:
    rows = ask("pcq-19-criminal-assets-seized")
    stated = [row for row in rows if "isDerived" not in row]
    assert len(stated) == 1
    (row,) = stated
    assert row["amount"].datatype == XSD.decimal
    assert row["amount"].toPython() == Decimal(1661265)
    assert row["currency"] == EUR
    assert str(row["periodLabel"]) == "end of 2011"
    assert str(row["period"]).startswith("2011")
    assert str(row["actorLabel"]) == "border police"
    assert str(row["comparison"]) == "eight times more than in 2010"
    assert row["source"] == PROFILE


def test_pcq19_2010_value_is_marked_derived_from_the_2011_figure(ask: Ask) -> None:
    rows = ask("pcq-19-criminal-assets-seized")
    derived = [row for row in rows if "isDerived" in row]
    assert len(derived) == 1
    (row,) = derived
    stated = next(r for r in rows if "isDerived" not in r)
    assert row["isDerived"] == Literal(True)
    assert row["derivedFrom"] == stated["observation"]
    assert row["amount"].toPython() == stated["amount"].toPython() / 8 == Decimal("207658.125")
    assert row["currency"] == EUR
    assert str(row["period"]) == "2010"
    assert "eight times more" in str(row["derivation"])


# --- PCQ-20 -----------------------------------------------------------------------------


def test_pcq20_judicial_police_platform_since_2005_with_task_and_effect(ask: Ask) -> None:
    rows = ask("pcq-20-asset-platform-and-border-police-unit")
    platform = [row for row in rows if str(row["actorLabel"]).endswith("Judicial Police")]
    assert str(only(platform, "thingLabel")) == "Platform for the identification of criminal assets"
    assert only(platform, "date") == Literal("2005", datatype=XSD.gYear)
    details = {str(row["detailKind"]): str(row["detail"]) for row in platform}
    assert "court cases involving organised crime" in details["task of its officials"]
    assert "exponential increase in the amount of criminal assets seized" in details["outcome"]
    assert "exponential increase" in details["claim"]


def test_pcq20_border_police_created_a_thb_proceeds_unit_in_january_2011(ask: Ask) -> None:
    rows = ask("pcq-20-asset-platform-and-border-police-unit")
    unit = [row for row in rows if str(row["actorLabel"]) == "Central Directorate of Border Police"]
    assert only(unit, "date") == Literal("2011-01", datatype=XSD.gYearMonth)
    label = str(only(unit, "thingLabel"))
    assert "search and confiscation of proceeds from trafficking in human beings" in label
    assert only(unit, "source") == PROFILE


# --- PCQ-27 -----------------------------------------------------------------------------


def test_pcq27_no_prosecutions_or_convictions_reported_in_french_guiana_2008(ask: Ask) -> None:
    rows = ask("pcq-27-french-guiana-2008")
    for unit in ("prosecutions", "convictions"):
        (row,) = [r for r in rows if str(r["unitLabel"]) == unit]
        assert row["count"] == integer(0)
        assert str(row["period"]) == "2008"
        assert str(row["hedge"]) == "no reported"
        assert "no reported" in str(row["description"])
        assert row["source"] == PROFILE


def test_pcq27_two_investigations_reported_by_french_guiana_officials(ask: Ask) -> None:
    rows = ask("pcq-27-french-guiana-2008")
    investigations = [r for r in rows if str(r["unitLabel"]) == "investigations"]
    (total,) = [r for r in investigations if "partOf" not in r]
    parts = [r for r in investigations if r.get("partOf") == total["observation"]]
    assert total["count"] == integer(2)
    assert str(total["period"]) == "2008"
    assert str(total["attributedToLabel"]) == "officials in French Guiana"
    assert sum(int(r["count"]) for r in parts) == 2
    assert {(str(r["exploitationFormLabel"]), str(r["nationalityLabel"])) for r in parts} == {
        ("forced labour", "China"),
        ("sexual exploitation", "Brazil"),
    }


# --- PCQ-28 -----------------------------------------------------------------------------


def test_pcq28_799_victims_referred_in_2009_according_to_tip_report_2010(ask: Ask) -> None:
    (row,) = ask("pcq-28-victims-referred-to-ngos")
    assert row["count"] == integer(799)
    assert str(row["period"]) == "2009"
    assert row["source"] == TIP_2010
    assert str(row["sourceTitle"]) == "Trafficking in Persons Report 2010"
    assert row["attributedTo"] == FRENCH_GOVERNMENT
    assert str(row["unitLabel"]) == "victims"


# --- PCQ-30 -----------------------------------------------------------------------------


def test_pcq30_ccem_reported_216_forced_labour_cases_in_2008(ask: Ask) -> None:
    (row,) = ask("pcq-30-ccem-forced-labour-cases")
    assert str(row["ngoLabel"]) == "Committee Against Modern Slavery"
    assert str(row["ngoAcronym"]) == "CCEM"
    assert row["count"] == integer(216)
    assert str(row["unitLabel"]) == "cases"
    assert str(row["exploitationFormLabel"]) == "forced labour"
    assert str(row["period"]) == "2008"


def test_pcq30_120_victims_reportedly_placed_in_protective_custody(ask: Ask) -> None:
    (row,) = ask("pcq-30-ccem-forced-labour-cases")
    assert row["custodyCount"] == integer(120)
    assert str(row["custodyUnitLabel"]) == "victims"
    assert str(row["custodyHedge"]) == "reportedly"
    assert str(row["custodyAttributedToLabel"]) == "Committee Against Modern Slavery"
