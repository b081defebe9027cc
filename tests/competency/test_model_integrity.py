"""What the model must never mislead about (issue 13), asked in SPARQL over the real France
graph as built: asserted and inferred graphs together, in each local store.

Each test runs a query, inline or named (``queries/dq-*.rq``), and checks the answer: ordinary
questions return only what exists, statuses and sources sit on the statements they are about,
times compare whatever their precision, totals never add to their parts, every conflict has
two sourced sides, the text's lists and dates are data, derived values are computed and
labelled, and "currently" is the profile's own (bounded) date.
"""

from __future__ import annotations

from decimal import Decimal

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from answers import ID, PROFILE, Ask, by, texts
from thb_graph.kg.store.base import Store

PREFIXES = """
PREFIX rdf:  <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dct:  <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX org:  <http://www.w3.org/ns/org#>
PREFIX eli:  <http://data.europa.eu/eli/ontology#>
PREFIX qb:   <http://purl.org/linked-data/cube#>
PREFIX thb:  <https://w3id.org/thb-graph/ontology#>
PREFIX xsd:  <http://www.w3.org/2001/XMLSchema#>
PREFIX st:   <https://w3id.org/thb-graph/id/concept/statuses/>
PREFIX actor: <https://w3id.org/thb-graph/id/actor/>
PREFIX observation: <https://w3id.org/thb-graph/id/observation/>
PREFIX dataset: <https://w3id.org/thb-graph/id/dataset/>
PREFIX source: <https://w3id.org/thb-graph/id/source/>
PREFIX place: <https://w3id.org/thb-graph/id/place/>
PREFIX status: <https://w3id.org/thb-graph/id/status/>
PREFIX legal: <https://w3id.org/thb-graph/id/legal/>
PREFIX measure: <https://w3id.org/thb-graph/id/measure/>
"""

PLANNED = {
    URIRef(ID + slug)
    for slug in (
        "plan/national-action-plan",
        "plan/miprof-action-plan-2014-2017",
        "actor/national-coordination-body",
        "actor/national-rapporteur",
        "actor/dedicated-thb-department",
        "event/miprof-action-plan-adoption",
    )
}
TIP_2010 = URIRef(ID + "source/us-tip-report-2010")


def select(store: Store, body: str) -> list[dict[str, Node]]:
    return store.query(PREFIXES + body).dicts()  # type: ignore[return-value]


def values(rows: list[dict[str, Node]], key: str) -> set[Node]:
    return {row[key] for row in rows if key in row}


# ---- 1. planned and non-existent things ---------------------------------------------------


def test_ordinary_questions_return_no_planned_or_non_existent_thing(france: Store) -> None:
    for question in (
        "SELECT ?x WHERE { ?x a thb:Measure }",
        "SELECT ?x WHERE { ?x a org:Organization }",
        "SELECT ?x WHERE { ?x a foaf:Agent }",
        "SELECT ?x WHERE { ?x a prov:Agent }",
        "SELECT ?x WHERE { ?x a thb:Event }",
        "SELECT ?x WHERE { ?x a eli:LegalResource }",
    ):
        found = values(select(france, question), "x")
        assert found, question
        assert not found & PLANNED, (question, found & PLANNED)


def test_what_was_adopted_and_which_laws_are_only_what_exists(france: Store) -> None:
    adopted = values(select(france, "SELECT ?x WHERE { ?event thb:adopted ?x }"), "x")
    assert adopted == {
        URIRef(ID + "legal/criminal-code-amendments-2008"),
        URIRef(ID + "legal/law-on-seizure-and-confiscation-2010"),
    }
    assert select(france, "SELECT ?x WHERE { ?x a thb:ActionPlan }") == []
    laws = values(select(france, "SELECT ?x WHERE { ?x a thb:Law }"), "x")
    assert URIRef(ID + "legal/bill-amending-article-225-4-1") not in laws
    assert len(laws) == 3
    pending = URIRef(ID + "legal/bill-amending-article-225-4-1")
    amending = values(select(france, "SELECT ?x WHERE { ?x eli:amends ?y }"), "x")
    transposing = values(select(france, "SELECT ?x WHERE { ?x eli:transposes ?y }"), "x")
    assert amending and pending not in amending
    assert pending not in transposing
    would = select(france, "SELECT ?x WHERE { ?x thb:wouldTranspose ?directive }")
    assert values(would, "x") == {pending}


def test_plan_questions_get_the_plans_with_what_they_would_be(ask: Ask) -> None:
    rows = ask("dq-05-plans-and-non-existent-things")
    assert values(rows, "thing") == PLANNED
    kinds = {row["thing"]: row["intendedType"] for row in rows}
    assert kinds[URIRef(ID + "plan/national-action-plan")] == URIRef(
        "https://w3id.org/thb-graph/ontology#ActionPlan"
    )
    assert {str(row["statusLabel"]) for row in rows} >= {"planned", "does not exist"}


# ---- 2. statuses and sources on the statements they are about -----------------------------


def test_not_provided_is_about_the_missing_figures_not_the_assistance(france: Store) -> None:
    rows = select(
        france,
        """SELECT ?subject ?type WHERE {
            ?s thb:status st:not-provided ; thb:subject ?subject .
            ?subject a ?type }""",
    )
    assert values(rows, "subject") == {
        URIRef(ID + "figure/victims-sheltered-and-assisted-2008"),
        URIRef(ID + "figure/victims-granted-residence-cards-2008"),
    }
    assert URIRef("https://w3id.org/thb-graph/ontology#UnreportedFigure") in values(rows, "type")
    assert not values(rows, "type") & {URIRef("https://w3id.org/thb-graph/ontology#Measure")}


def test_the_authorities_remarks_are_claims_about_the_offences(france: Store) -> None:
    attributed = select(france, "SELECT ?o WHERE { ?o a thb:Offence ; prov:wasAttributedTo ?who }")
    assert attributed == []
    rows = select(
        france,
        """SELECT ?claim ?offence ?usage WHERE {
            ?claim a thb:Claim ; prov:wasAttributedTo actor:french-authorities ;
                thb:about ?offence ; thb:usage ?usage . ?offence a thb:Offence }""",
    )
    usage = {(row["offence"], str(row["usage"])) for row in rows}
    assert (URIRef(ID + "offence/trafficking-in-human-beings"), "very limited") in usage
    assert (URIRef(ID + "offence/soliciting-prostitution"), "mostly") in usage


def test_every_statement_of_a_cited_report_says_whose_it_is(france: Store) -> None:
    rows = select(
        france,
        """SELECT ?x ?who WHERE {
            ?x dct:source ?report . ?report thb:citedIn ?profile .
            { ?x a thb:Claim } UNION { ?x a qb:Observation } UNION { ?x a thb:Measure }
            OPTIONAL { ?x prov:wasAttributedTo ?who } }""",
    )
    assert rows
    assert [row["x"] for row in rows if "who" not in row] == []
    paragraph = select(
        france,
        """SELECT ?x ?who WHERE { ?x dct:source source:us-tip-report-2010 ;
            a qb:Observation ; prov:wasAttributedTo ?who }""",
    )
    assert len(paragraph) >= 8


# ---- 3. one date model --------------------------------------------------------------------


def test_a_year_compares_with_a_full_date(france: Store) -> None:
    rows = select(
        france,
        """SELECT DISTINCT ?x WHERE {
            ?x thb:when ?t . ?t thb:begin ?b ; thb:end ?e .
            FILTER (?b <= "2010-12-31"^^xsd:date && ?e >= "2010-07-01"^^xsd:date) }""",
    )
    found = values(rows, "x")
    assert URIRef(ID + "event/law-on-seizure-and-confiscation-adopted") in found  # a day
    assert URIRef(ID + "event/operational-coordination-unit-established") in found  # a day
    assert URIRef(ID + "observation/french-victims-identified-2010") in found  # a year
    assert URIRef(ID + "actor/operational-coordination-unit") in found  # founded on a day
    assert URIRef(ID + "actor/border-police-thb-unit") not in found  # founded in January 2011


def test_every_time_has_comparable_bounds_and_every_dating_a_basis(france: Store) -> None:
    missing = select(
        france,
        """SELECT ?t WHERE { ?x thb:when ?t .
            FILTER NOT EXISTS { ?t thb:begin ?b ; thb:end ?e ; thb:precision ?p } }""",
    )
    assert missing == []
    rows = select(
        france,
        """SELECT ?x ?basis WHERE { ?x thb:dateBasis/skos:prefLabel ?basis .
            FILTER (LANG(?basis) = "en") }""",
    )
    basis = {row["x"]: str(row["basis"]) for row in rows}
    assert basis[URIRef(ID + "observation/forced-prostitution-of-children-convictions")] == (
        "interpreted"
    )
    assert basis[URIRef(ID + "observation/victims-all-nationalities-2011")] == "implied"
    assert basis[URIRef(ID + "observation/thb-statute-convictions-2008")] == "stated"


# ---- 4. sums that add up ------------------------------------------------------------------


def test_a_sum_over_the_totals_of_a_data_set_gives_the_total(france: Store) -> None:
    rows = select(
        france,
        """SELECT ?dataset ?year (SUM(?n) AS ?sum) WHERE {
            ?o qb:dataSet ?dataset ; thb:level/skos:notation "total" ; thb:count ?n ;
               thb:refArea place:france ; thb:refPeriod/thb:year ?year .
            FILTER (?dataset IN (dataset:victims-identified, dataset:networks-dismantled))
        } GROUP BY ?dataset ?year""",
    )
    sums = {(str(row["dataset"]).rsplit("/", 1)[1], str(row["year"])): row["sum"] for row in rows}
    assert sums[("victims-identified", "2011")].toPython() == 654
    assert sums[("networks-dismantled", "2009")].toPython() == 40
    assert sums[("networks-dismantled", "2008")].toPython() == 30


def test_totals_of_one_data_set_never_share_a_scope(france: Store) -> None:
    rows = select(
        france,
        """SELECT ?a ?b WHERE {
            ?a qb:dataSet ?d ; thb:level/skos:notation "total" ; thb:refPeriod ?p ; thb:refArea ?r .
            ?b qb:dataSet ?d ; thb:level/skos:notation "total" ; thb:refPeriod ?p ; thb:refArea ?r .
            FILTER (STR(?a) < STR(?b))
            FILTER NOT EXISTS { ?a ?dim ?v . ?dim a qb:DimensionProperty .
                FILTER (?dim NOT IN (thb:refPeriod, thb:refArea))
                FILTER NOT EXISTS { ?b ?dim ?v } }
            FILTER NOT EXISTS { ?b ?dim2 ?w . ?dim2 a qb:DimensionProperty .
                FILTER (?dim2 NOT IN (thb:refPeriod, thb:refArea))
                FILTER NOT EXISTS { ?a ?dim2 ?w } }
        }""",
    )
    assert rows == []
    parts = select(
        france,
        """SELECT ?o WHERE { ?o thb:partOf ?t .
            FILTER NOT EXISTS { ?o thb:level/skos:notation "part" } }""",
    )
    assert parts == []


# ---- 5. conflicts, tensions and merges ----------------------------------------------------


def test_every_linked_conflict_or_tension_has_two_sourced_sides(france: Store) -> None:
    rows = select(
        france,
        """SELECT ?a ?b ?sa ?sb WHERE { ?a thb:inTensionWith ?b .
            OPTIONAL { ?a dct:source ?sa } OPTIONAL { ?b dct:source ?sb } }""",
    )
    assert len({frozenset((row["a"], row["b"])) for row in rows}) >= 14
    assert [row for row in rows if "sa" not in row or "sb" not in row] == []
    conflicts = values(select(france, "SELECT ?a WHERE { ?a thb:conflictsWith ?b }"), "a")
    assert URIRef(ID + "claim/residence-permit-six-months-renewable") in conflicts
    scope = select(
        france,
        """SELECT ?b WHERE {
            observation:ccem-forced-labour-cases-2008 thb:differsInScopeFrom ?b }""",
    )
    assert values(scope, "b") == {
        URIRef(ID + "observation/labour-conditions-cases-investigated-2008-01-to-2008-09")
    }


def test_every_merge_and_split_is_a_reading_with_its_reason(ask: Ask) -> None:
    rows = ask("dq-04-readings-and-interpretations")
    kinds: dict[str, set[str]] = {}
    for row in rows:
        kinds.setdefault(str(row["kindLabel"]), set()).add(str(row["reading"]).rsplit("/", 1)[1])
        assert len(str(row["reason"])) > 40
        assert "concernsSource" in row, row["concerns"]
    assert {"working-group-mentions", "procuring-pimping", "illegal-work-office-is-oclti"} <= (
        kinds["merge of mentions"]
    )
    assert {"soliciting-kept-apart", "border-police-kept-apart"} <= kinds["mentions kept apart"]
    assert "residence-permit-duration" in kinds["conflict"]
    assert len(kinds["tension"]) >= 8
    assert len(kinds["different scope"]) >= 6


# ---- 6. text to data ----------------------------------------------------------------------


def test_lists_of_the_text_are_entities_with_english_and_french_labels(france: Store) -> None:
    for subject, prop in (
        ("actor/network-of-focal-points", "thb:coversArea"),
        ("legal/law-on-seizure-and-confiscation-2010-confiscation-proceedings", "thb:propertyKind"),
        ("measure/strategy-relations-with-victim-associations", "thb:participant"),
    ):
        rows = select(
            france,
            f"""SELECT ?x ?en ?fr WHERE {{ <{ID}{subject}> {prop} ?x .
                ?x rdfs:label|skos:prefLabel ?en . FILTER (LANG(?en) = "en")
                ?x rdfs:label|skos:prefLabel ?fr . FILTER (LANG(?fr) = "fr") }}""",
        )
        assert rows, subject
    areas = select(
        france,
        "SELECT ?x WHERE { actor:network-of-focal-points thb:coversArea ?x }",
    )
    assert len(areas) == 4
    kinds = select(
        france,
        """SELECT ?label WHERE { ?p thb:propertyKind/skos:prefLabel ?label .
            FILTER (LANG(?label) = "en") }""",
    )
    assert texts(kinds, "label") == {
        "movable property",
        "immovable property",
        "intangible property",
    }
    associations = select(
        france,
        """SELECT ?fr WHERE { actor:associations-for-victims-protection rdfs:label ?fr .
            FILTER (LANG(?fr) = "fr") }""",
    )
    assert texts(associations, "fr") == {"associations de protection des victimes"}


def test_the_most_recent_year_for_which_data_was_available_is_data(france: Store) -> None:
    rows = select(
        france,
        """SELECT ?year ?who ?source WHERE { ?c thb:about dataset:convictions ;
            thb:latestPeriodAvailable/thb:year ?year ; prov:wasAttributedTo ?who ;
            dct:source ?source }""",
    )
    assert [(row["year"], row["source"]) for row in rows] == [
        (Literal("2008", datatype=XSD.gYear), TIP_2010)
    ]


# ---- 7. derived values --------------------------------------------------------------------


def test_changes_between_years_are_computed_and_labelled_derived(ask: Ask) -> None:
    rows = by(ask("dq-01-change-between-years"), "datasetLabel")
    french = rows["French trafficking victims identified"]
    assert (french["fromCount"].toPython(), french["toCount"].toPython()) == (189, 149)
    assert french["change"].toPython() == -40
    assert rows["Convictions of trafficking offenders"]["change"].toPython() == -14
    assert all(row["derived"].toPython() is True for row in rows.values())
    assert all("does not state" in str(row["derivation"]) for row in rows.values())


def test_shares_and_sums_of_parts_are_computed_and_labelled_derived(ask: Ask) -> None:
    shares = by(ask("dq-02-shares-of-a-total"), "part")
    africa = shares[ID + "observation/victims-all-nationalities-2011-africa"]
    assert Decimal(str(africa["sharePercent"].toPython())) == Decimal("26.3")
    assert all(row["derived"].toPython() is True for row in shares.values())
    sums = by(ask("dq-03-sum-of-parts"), "total")
    total = sums[ID + "observation/victims-all-nationalities-2011"]
    assert (total["sumOfParts"].toPython(), total["parts"].toPython()) == (654, 6)
    assert total["difference"].toPython() == 0


def test_the_derived_2010_assets_are_the_stated_amount_over_the_stated_multiplier(
    france: Store,
) -> None:
    rows = select(
        france,
        """SELECT ?derived ?value ?computed WHERE {
            ?derived thb:isDerived true ; thb:derivedFrom ?origin ; thb:amount ?value ;
                thb:refPeriod ?period .
            ?origin thb:multiplier ?m ; thb:comparedPeriod ?period ; thb:amount ?stated .
            BIND (?stated / ?m AS ?computed) }""",
    )
    assert len(rows) == 1
    assert rows[0]["value"].toPython() == rows[0]["computed"].toPython() == Decimal("207658.125")


# ---- 8. as of -----------------------------------------------------------------------------


def test_the_profile_date_is_unknown_but_bounded_and_every_currently_points_to_it(
    france: Store,
) -> None:
    rows = select(
        france,
        """SELECT ?begin ?end ?precision WHERE { source:france-country-profile thb:documentDate ?d .
            ?d thb:begin ?begin ; thb:end ?end ; thb:precision/skos:prefLabel ?precision .
            FILTER (LANG(?precision) = "en") }""",
    )
    assert [(str(r["begin"]), str(r["end"]), str(r["precision"])) for r in rows] == [
        ("2013-01-03", "2013-12-31", "unknown within bounds")
    ]
    as_of = select(
        france,
        """SELECT ?s ?t WHERE { ?s thb:asOf ?t ; dct:source source:france-country-profile }""",
    )
    assert len(as_of) >= 15
    assert values(as_of, "t") == {URIRef(ID + "period/profile-date")}


def test_statuses_are_linked_to_the_later_facts_that_changed_them(france: Store) -> None:
    rows = select(
        france,
        """SELECT ?status ?fact ?factBegins ?asOfBegins WHERE {
            ?status thb:changedBy ?fact ; thb:asOf/thb:begin ?asOfBegins .
            OPTIONAL { ?fact thb:when/thb:begin ?factBegins } }""",
    )
    changed = {row["status"]: row for row in rows}
    body = changed[URIRef(ID + "status/national-coordination-body-planned")]
    assert body["fact"] == URIRef(ID + "event/miprof-established")
    assert str(body["factBegins"]) == "2013-01-03"
    assert str(body["factBegins"]) <= str(body["asOfBegins"])
    assert URIRef(ID + "status/national-rapporteur-not-appointed") in changed
    assert all(row["status"] for row in rows)
    assert PROFILE  # the statuses are the profile's own
