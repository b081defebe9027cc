"""Competency questions on measures, events, claims, negative and planned facts.

Each test runs a named query from ``queries/`` over the France graph (ontology and every
data file, default graph = union, no inference) and checks the answer the question expects:
values, units, dates and the source documents they come from.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from answers import ID, PROFILE, Ask, texts_in_order, the_one

TIP_2009 = URIRef(ID + "source/us-tip-report-2009")
AMNESTY_REPORT = URIRef(ID + "source/amnesty-international-report")


def test_pcq13_stipend_is_464_eur_per_month_with_four_other_supports(ask: Ask) -> None:
    rows = ask("pcq-13-stipend-and-support")
    assert rows
    assert {row["amount"].toPython() for row in rows} == {Decimal(464)}
    assert {row["amount"].datatype for row in rows} == {XSD.decimal}
    assert set(texts_in_order(rows, "currencyCode")) == {"EUR"}
    assert {row["frequency"] for row in rows} == {Literal("P1M", datatype=XSD.duration)}
    assert sorted(texts_in_order(rows, "supportLabel")) == [
        "legal counsel",
        "medical care",
        "psychological counselling",
        "shelter",
    ]
    assert set(texts_in_order(rows, "providerLabel")) == {"French government"}
    assert {row["source"] for row in rows} == {PROFILE}


def test_pcq14_reflection_period_lasts_six_months_to_decide_on_cooperation(ask: Ask) -> None:
    row = the_one(ask("pcq-14-reflection-period"))
    assert row["duration"] == Literal("P6M", datatype=XSD.duration)
    allows = str(row["allows"])
    assert "remain in the country" in allows
    assert "cooperate with the police" in allows
    assert row["source"] == PROFILE
    assert "six month reflection period" in str(row["evidences"])


def test_pcq15_city_of_paris_cofunds_and_country_of_origin_helps_repatriation(ask: Ask) -> None:
    rows = ask("pcq-15-funding-and-repatriation")
    by_aspect = {str(row["aspect"]): row for row in rows}
    assert sorted(by_aspect) == ["co-funder", "repatriation partner"]
    assert len(rows) == 2
    cofunder = by_aspect["co-funder"]
    assert cofunder["party"] == URIRef(ID + "actor/city-of-paris")
    assert str(cofunder["partyLabel"]) == "city of Paris"
    assert str(cofunder["fundedLabel"]) == "non-governmental organisations"
    assert "network of services and shelter" in str(cofunder["purpose"])
    repatriation = by_aspect["repatriation partner"]
    assert "country of origin" in str(repatriation["partyLabel"])
    assert str(repatriation["purpose"]) == "to ensure the victim's safety and medical care"
    assert {row["source"] for row in rows} == {PROFILE}


def test_pcq21_joint_unit_with_belgium_in_october_2008_reportedly_first_in_eu(ask: Ask) -> None:
    row = the_one(ask("pcq-21-joint-franco-belgian-unit"))
    assert row["country"] == URIRef(ID + "place/belgium")
    assert str(row["countryLabel"]) == "Belgium"
    assert str(row["partnerLabel"]) == "Belgian law enforcement counterparts"
    assert row["date"] == Literal("2008-10", datatype=XSD.gYearMonth)
    assert "first of its kind within the EU" in str(row["claimText"])
    assert str(row["hedge"]) == "reportedly"
    assert row["eventSource"] == PROFILE
    assert row["claimSource"] == PROFILE


def test_pcq22_phoenix_file_on_procuring_and_networks_with_romania_and_bulgaria(ask: Ask) -> None:
    rows = ask("pcq-22-phoenix-and-bilateral-networks")
    work_files = [row for row in rows if str(row["kind"]) == "analytical work file"]
    networks = [row for row in rows if str(row["kind"]) == "bilateral contact networks"]
    assert len(work_files) + len(networks) == len(rows)

    work_file = the_one(work_files)
    assert "Phoenix" in str(work_file["label"])
    assert "cross-border procuring" in str(work_file["label"])
    assert str(work_file["topicLabel"]) == "procuring"
    assert work_file["source"] == PROFILE

    assert sorted(texts_in_order(networks, "countryLabel")) == ["Bulgaria", "Romania"]
    assert {row["setUp"] for row in networks} == {Literal("2008", datatype=XSD.gYear)}
    assert set(texts_in_order(networks, "aim")) == {"to dismantle procurement"}
    assert set(texts_in_order(networks, "focus")) == {
        "the identification, location and arrest of traffickers operating from their own countries"
    }
    assert {tuple(sorted(text.split(", "))) for text in texts_in_order(networks, "begunIn")} == {
        ("2002", "2003")
    }
    assert {row["source"] for row in networks} == {PROFILE}


def test_pcq24_miprof_plan_covers_2014_to_2017_and_is_planned_for_2013(ask: Ask) -> None:
    row = the_one(ask("pcq-24-miprof-action-plan"))
    assert row["periodBegins"] == Literal("2014-01-01", datatype=XSD.date)
    assert row["periodEnds"] == Literal("2017-12-31", datatype=XSD.date)
    assert str(row["periodNotation"]) == "2014/2017"
    assert row["adoptionYear"] == Literal("2013", datatype=XSD.gYear)
    assert str(row["statusLabel"]) == "planned"
    assert "recommendations" in str(row["monitors"])
    assert row["monitored"] == URIRef("http://data.europa.eu/eli/dir/2011/36/oj")
    assert row["source"] == PROFILE


def test_pcq25_planned_department_has_five_ordered_responsibilities(ask: Ask) -> None:
    rows = ask("pcq-25-planned-thb-department")
    assert {row["body"] for row in rows} == {URIRef(ID + "actor/dedicated-thb-department")}
    assert set(texts_in_order(rows, "statusLabel")) == {"planned"}
    assert {row["asOf"] for row in rows} == {Literal("2013", datatype=XSD.gYear)}
    assert [row["order"].toPython() for row in rows] == [1, 2, 3, 4, 5]
    responsibilities = texts_in_order(rows, "responsibility")
    assert responsibilities[0].startswith("Improving the coordination of all bodies")
    assert responsibilities[1].startswith("Optimising all available resources")
    assert responsibilities[2] == "Facilitating the exchange of information"
    assert responsibilities[3].startswith("Facilitating the introduction and monitoring")
    assert responsibilities[4].startswith("Maintaining a database")
    assert {row["source"] for row in rows} == {PROFILE}


def test_pcq26_no_national_action_plan_and_no_national_rapporteur_are_stated(ask: Ask) -> None:
    rows = ask("pcq-26-negative-facts")
    by_subject = {row["subject"]: row for row in rows}
    assert len(rows) == 2
    plan = by_subject[URIRef(ID + "plan/national-action-plan")]
    rapporteur = by_subject[URIRef(ID + "actor/national-rapporteur")]
    assert str(plan["statusLabel"]) == "does not exist"
    assert str(rapporteur["statusLabel"]) == "not appointed"
    assert "currently no National Action Plan" in str(plan["evidence"])
    assert "not appointed a National Rapporteur or equivalent mechanism" in str(
        rapporteur["evidence"]
    )
    for row in rows:
        assert row["asOf"] == Literal("2013", datatype=XSD.gYear)
        assert row["source"] == PROFILE


def test_pcq29_amnesty_claim_and_government_challenge_each_keep_their_source(ask: Ask) -> None:
    row = the_one(ask("pcq-29-amnesty-claim-and-challenge"))
    assert "living off immoral earnings" in str(row["claimText"])
    assert str(row["claimantLabel"]) == "Amnesty International"
    assert row["claimSource"] == AMNESTY_REPORT
    assert str(row["claimHedge"]) == "some"
    assert "challenged the report's findings" in str(row["responseText"])
    assert str(row["responderLabel"]) == "French government"
    assert row["responseSource"] == PROFILE
    assert row["claimSource"] != row["responseSource"]


def test_pcq31_december_2001_report_led_to_vote_and_december_2008_working_group(
    ask: Ask,
) -> None:
    rows = ask("pcq-31-december-2001-and-2008")
    by_date = {str(row["date"]): row for row in rows}
    assert sorted(by_date) == ["2001-12", "2008-12"]
    assert len(rows) == 2
    assert {row["date"].datatype for row in rows} == {XSD.gYearMonth}

    report = by_date["2001-12"]
    assert "Parliamentary Mission Report" in str(report["eventLabel"])
    assert "modern forms of slavery and trafficking" in str(report["eventLabel"])
    assert "unanimous vote in the national assembly" in str(report["ledToLabel"]).lower()

    working_group = by_date["2008-12"]
    assert str(working_group["establishedLabel"]) == "inter-ministerial working group"
    assert "National Action Plan" in str(working_group["purpose"])
    assert {row["source"] for row in rows} == {PROFILE}


def test_pcq32_both_conflicting_permit_claims_with_their_source_and_time(ask: Ask) -> None:
    rows = ask("pcq-32-residence-permit-conflict")
    by_duration = {str(row["duration"]): row for row in rows}
    assert sorted(by_duration) == ["P1Y", "P6M"]
    assert len(rows) == 2

    six_months = by_duration["P6M"]
    assert six_months["renewable"].toPython() is True
    assert "renewalInterval" not in six_months
    assert "criminal proceedings" in str(six_months["condition"])
    assert six_months["time"] == Literal("2013", datatype=XSD.gYear)
    assert six_months["statedTimes"].toPython() == 2

    one_year = by_duration["P1Y"]
    assert one_year["renewalInterval"] == Literal("P6M", datatype=XSD.duration)
    assert "investigation and prosecution" in str(one_year["condition"])
    assert one_year["time"] == Literal("2008", datatype=XSD.gYear)

    assert six_months["conflictsWith"] == one_year["claim"]
    assert one_year["conflictsWith"] == six_months["claim"]
    for row in rows:
        assert row["source"] == PROFILE
        assert row["duration"].datatype == XSD.duration


def test_pcq33_three_strategies_in_the_order_listed(ask: Ask) -> None:
    rows = ask("pcq-33-strategies")
    assert [row["order"].toPython() for row in rows] == [1, 2, 3]
    assert texts_in_order(rows, "label") == [
        "Systematic development of research to identify and seize criminal assets",
        "Development and increased use of the tools of international cooperation, "
        "especially within the European Union",
        "Development of relations with associations for victims' protection "
        "to encourage victims to testify",
    ]
    assert {row["source"] for row in rows} == {PROFILE}


@pytest.mark.parametrize(
    ("order", "phrase"),
    [
        (1, "never granted residency papers"),
        (2, "very provisional residency permits"),
        (3, "no protection from retaliation"),
    ],
)
def test_pcq34_ngo_claims_from_tip_2009_in_three_parts(ask: Ask, order: int, phrase: str) -> None:
    rows = ask("pcq-34-tip-2009-ngo-claims")
    assert [row["order"].toPython() for row in rows] == [1, 2, 3]
    part = rows[order - 1]
    assert phrase in str(part["partText"])
    assert "denounced their traffickers" in str(part["partText"])
    assert str(part["claimantLabel"]) == "several non-governmental organisations"
    assert str(part["hedge"]) == "some"
    assert part["source"] == TIP_2009
