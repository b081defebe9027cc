"""Entity pages: what they show, in which language, their RDF twins, negotiation, errors."""

from __future__ import annotations

import csv
import io
import json
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS
from rdflib.util import from_n3

from htmlparse import Element, page, parse_html
from thb_graph.config import load_settings
from thb_graph.kg.load import build_store
from thb_graph.kg.store import open_store
from thb_graph.web import create_app

BASE = "https://w3id.org/thb-graph/"
ID = BASE + "id/"
THB = BASE + "ontology#"
ORG = "http://www.w3.org/ns/org#"
OCRTEH = ID + "actor/ocrteh"
MINISTRY = ID + "actor/ministry-of-the-interior"
TOTAL = ID + "observation/victims-2011"
LAW = ID + "legal/law-on-internal-security-2003"
DIRECTIVE = "http://data.europa.eu/eli/dir/2011/36/oj"


def inferred_marked(item: Element) -> bool:
    return item.find("span", class_="badge-inferred") is not None


def values_of(doc, predicate: str) -> list[Element]:  # type: ignore[no-untyped-def]
    return [li for li in doc.find_all("li", data_p=predicate) if li.get("data-s")]


# ---- what a page shows ---------------------------------------------------------------


def test_entity_page_title_is_the_label_in_english_by_default(pages_client):
    _, doc = page(pages_client, "/id/actor/ministry-of-the-interior")
    assert doc.find("html").get("lang") == "en"
    assert doc.find("h1").text() == "Ministry of the Interior"
    assert "Ministry of the Interior" in doc.find("title").text()


def test_lang_query_picks_the_french_label_and_html_lang(pages_client):
    _, doc = page(pages_client, "/id/actor/ministry-of-the-interior?lang=fr")
    assert doc.find("html").get("lang") == "fr"
    assert doc.find("h1").text() == "Ministère de l'Intérieur"


def test_accept_language_is_followed_and_lang_query_beats_it(pages_client):
    _, doc = page(pages_client, "/id/actor/ministry-of-the-interior", Accept_Language="fr-FR,fr")
    assert doc.find("h1").text() == "Ministère de l'Intérieur"
    _, doc = page(pages_client, "/id/actor/ministry-of-the-interior?lang=en", Accept_Language="fr")
    assert doc.find("h1").text() == "Ministry of the Interior"


def test_missing_french_label_falls_back_to_english_marked_as_english(pages_client):
    _, doc = page(pages_client, "/id/actor/oclti?lang=fr")
    h1 = doc.find("h1")
    assert h1.text().startswith("Central Office for the Fight against Illegal Work")
    assert h1.get("lang") == "en"


def test_pages_vary_on_accept_and_accept_language(pages_client):
    response, _ = page(pages_client, "/id/actor/ocrteh")
    assert {"Accept", "Accept-Language"} <= set(response.vary)


def test_links_keep_a_language_chosen_with_lang_query(pages_client):
    _, doc = page(pages_client, "/id/actor/ocrteh?lang=fr")
    link = doc.find("a", href="/id/actor/ministry-of-the-interior?lang=fr")
    assert link is not None and link.text() == "Ministère de l'Intérieur"


def test_types_link_to_class_pages_and_inferred_types_are_marked(pages_client):
    _, doc = page(pages_client, "/id/actor/ocrteh")
    chips = doc.find("ul", class_="chips").find_all("li")
    by_text = {li.text().split(" (")[0]: li for li in chips}
    assert by_text["Police office"].find("a").get("href") == "/class/thb:PoliceOffice"
    assert "chip-inferred" not in by_text["Police office"].get("class", "")
    assert "chip-inferred" in by_text["Organisation"].get("class", "")


def test_inferred_statements_are_marked_and_asserted_ones_are_not(pages_client):
    _, doc = page(pages_client, "/id/actor/ocrteh")
    asserted = values_of(doc, ORG + "subOrganizationOf")
    assert [li.text() for li in asserted] == ["Ministry of the Interior"]
    assert not inferred_marked(asserted[0])
    # Inferred copies of a value already shown are not repeated: only the new fact stays.
    transitive = values_of(doc, ORG + "transitiveSubOrganizationOf")
    assert {li.text().replace(" inferred", "") for li in transitive} == {"French government"}
    assert all(inferred_marked(li) for li in transitive)


def test_values_are_shown_by_label_and_link_to_their_pages(pages_client):
    _, doc = page(pages_client, "/id/actor/ocrteh")
    (li,) = values_of(doc, ORG + "subOrganizationOf")
    assert li.find("a").get("href") == "/id/actor/ministry-of-the-interior"
    assert MINISTRY not in li.text()


def test_incoming_links_are_counted_and_listed(pages_client):
    _, doc = page(pages_client, "/id/actor/ministry-of-the-interior")
    heading = doc.find("h2", id="incoming-heading")
    incoming = doc.find("section", id="incoming").find_all("li", data_o=f"<{MINISTRY}>")
    subjects = {li.get("data-s") for li in incoming}
    assert {OCRTEH, ID + "actor/oclti", ID + "actor/inter-ministerial-working-group"} <= subjects
    count = int(heading.text().split("(")[1].split()[0])
    assert count == len(incoming)


def test_incoming_links_are_paginated(pages_store):
    settings = load_settings(env={}, overrides={"store": "memory", "page_size": 2})
    client = create_app(settings, pages_store).test_client()
    _, first = page(client, "/id/actor/ministry-of-the-interior")
    _, second = page(client, "/id/actor/ministry-of-the-interior?page=2")

    def rows(doc):  # type: ignore[no-untyped-def]
        return {
            (li.get("data-s"), li.get("data-p"))
            for li in doc.find("section", id="incoming").find_all("li", data_s=True)
        }

    # A page holds at most page_size links; fewer when inferred copies of a link shown
    # elsewhere on the page were left out.
    assert 1 <= len(rows(first)) <= 2 and 1 <= len(rows(second)) <= 2
    assert not rows(first) & rows(second)
    assert (
        first.find("a", rel="next")
        .get("href")
        .startswith("/id/actor/ministry-of-the-interior?page=2")
    )
    assert client.get("/id/actor/ministry-of-the-interior?page=99").status_code == 404
    assert client.get("/id/actor/ministry-of-the-interior?page=x").status_code == 400


def test_organisation_summary_shows_parent_units_and_co_chairs(pages_client):
    _, doc = page(pages_client, "/id/actor/ministry-of-the-interior")
    glance = {
        row.find("dt").text(): [li.text() for li in row.find_all("li")]
        for row in doc.find("dl", class_="glance-list").find_all("div", class_="glance-row")
    }
    assert glance["Part of"] == ["French government"]
    assert sorted(glance["Units"]) == [
        "Central Office for the Fight against Illegal Work",
        "Central Office for the Repression of Trafficking in Human Beings",
    ]
    _, group = page(pages_client, "/id/actor/inter-ministerial-working-group")
    rows = group.find("dl", class_="glance-list").find_all("div", class_="glance-row")
    co_chairs = next(r for r in rows if r.find("dt").text() == "Co-chaired by")
    assert sorted(li.text() for li in co_chairs.find_all("li")) == [
        "Ministry of Justice",
        "Ministry of the Interior",
    ]


def test_law_page_shows_amendments_and_a_dated_timeline(pages_client):
    _, code = page(pages_client, "/id/legal/criminal-code")
    glance = {
        row.find("dt").text(): sorted(li.text() for li in row.find_all("li"))
        for row in code.find_all("div", class_="glance-row")
    }
    assert glance["Amended by"] == [
        "Amendments to the Criminal Code made in 2008",
        "Law on Internal Security",
    ]
    assert glance["Articles and parts"] == ["Article 225-4-1 of the Criminal Code"]
    _, law = page(pages_client, "/id/legal/law-on-internal-security-2003")
    times = [t.get("datetime") for t in law.find("ol", class_="timeline").find_all("time")]
    assert times == sorted(times) and {"2003", "2003-03-18"} <= set(times)


def test_bill_shows_what_it_transposes_with_a_link_to_its_description(pages_client):
    _, doc = page(pages_client, "/id/legal/bill-amending-article-225-4-1")
    row = next(
        r for r in doc.find_all("div", class_="glance-row") if r.find("dt").text() == "Transposes"
    )
    link = row.find("a")
    assert link.text() == "Directive 2011/36/EU"
    assert link.get("href").startswith("/resource?iri=http")


def test_measure_shows_who_runs_it_and_its_amount_with_currency(pages_client):
    _, doc = page(pages_client, "/id/measure/monthly-stipend")
    glance = {
        row.find("dt").text(): [li.text() for li in row.find_all("li")]
        for row in doc.find_all("div", class_="glance-row")
    }
    assert glance["Run by"] == ["French government"]
    assert glance["Amount"] == ["464 EUR"]
    assert glance["Duration and frequency"] == ["monthly"]


def test_external_identifiers_are_links_to_the_authority(pages_client):
    _, doc = page(pages_client, "/id/place/france")
    (li,) = values_of(doc, "http://www.w3.org/2004/02/skos/core#exactMatch")
    link = li.find("a")
    assert link.get("href") == "http://publications.europa.eu/resource/authority/country/FRA"
    assert link.get("rel") == "external"


def test_figure_shows_period_place_and_source_as_a_citation(pages_client):
    _, doc = page(pages_client, "/id/observation/victims-2011")
    citation = doc.find("section", class_="breakdown-section").find("p", class_="citation")
    text = citation.text()
    for expected in ("2011", "France", "Country profile: France", "French government"):
        assert expected in text


def test_figures_around_an_entity_are_listed_with_their_sources(pages_client):
    _, doc = page(pages_client, "/id/actor/ocrteh")
    table = doc.find("section", class_="figures").find("tbody")
    (row,) = table.find_all("tr")
    cells = [td.text() for td in row.find_all("td")]
    assert cells[0].startswith("32")
    assert "Trafficking in Persons Report 2010" in cells[3]


def test_total_figure_shows_a_chart_a_table_and_a_csv_link(pages_client):
    _, doc = page(pages_client, "/id/observation/victims-2011")
    svg = doc.find("svg", role="img")
    title = svg.find("title", id=svg.get("aria-labelledby").split()[0])
    desc = svg.find("desc", id=svg.get("aria-labelledby").split()[1])
    assert "Victims identified in France in 2011" in title.text()
    for region, count in (("Africa", "172"), ("Western Europe", "156")):
        assert f"{region} {count}" in desc.text()
    rows = doc.find("table", class_="data-table").find("tbody").find_all("tr")
    assert [r.find("th").text() for r in rows] == [
        "Africa",
        "Eastern Europe and the Balkans",
        "Western Europe",
    ]
    csv_link = doc.find("a", type="text/csv")
    response = pages_client.get(csv_link.get("href"))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    table = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert {(r["category"], r["value"]) for r in table} == {
        ("Africa", "172"),
        ("Eastern Europe and the Balkans", "159"),
        ("Western Europe", "156"),
    }


def test_csv_of_an_entity_without_a_table_is_404(pages_client):
    assert pages_client.get("/id/actor/ocrteh.csv").status_code == 404


def test_outside_iri_described_in_the_graph_has_a_page(pages_client):
    _, doc = page(pages_client, f"/resource?iri={DIRECTIVE}")
    assert doc.find("h1").text() == "Directive 2011/36/EU"
    assert pages_client.get("/resource?iri=http://example.org/nothing").status_code == 404
    assert pages_client.get("/resource").status_code == 400


# ---- the RDF twin --------------------------------------------------------------------


def twin(client, path: str) -> Graph:  # type: ignore[no-untyped-def]
    response = client.get(path, headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    return Graph().parse(data=response.data, format="turtle")


@pytest.mark.parametrize(
    "path",
    [
        "/id/actor/ocrteh",
        "/id/actor/ministry-of-the-interior",
        "/id/observation/victims-2011",
        "/id/legal/criminal-code",
        "/id/measure/monthly-stipend",
        "/id/place/france?lang=fr",
    ],
)
def test_rdf_twin_holds_every_statement_the_page_shows(pages_client, path):
    _, doc = page(pages_client, path)
    graph = twin(pages_client, path)
    shown = doc.find_all(data_p=True)
    assert shown
    for el in shown:
        triple = (URIRef(el.get("data-s")), URIRef(el.get("data-p")), from_n3(el.get("data-o")))
        assert triple in graph, triple


def test_rdf_twin_names_what_the_entity_links_to_and_what_links_to_it(pages_client):
    graph = twin(pages_client, "/id/actor/ocrteh")
    assert (URIRef(OCRTEH), URIRef(ORG + "subOrganizationOf"), URIRef(MINISTRY)) in graph
    assert (URIRef(MINISTRY), RDFS.label, Literal("Ministère de l'Intérieur", lang="fr")) in graph
    officers = URIRef(ID + "observation/ocrteh-officers-2007")
    assert (officers, URIRef("http://www.w3.org/ns/prov#wasAttributedTo"), URIRef(OCRTEH)) in graph


# ---- content negotiation -------------------------------------------------------------

RDF_TYPES = [
    ("text/turtle", "turtle"),
    ("application/ld+json", "json-ld"),
    ("application/n-triples", "nt"),
    ("application/rdf+xml", "xml"),
]


@pytest.mark.parametrize(("media_type", "parser"), RDF_TYPES)
def test_accept_header_selects_the_rdf_format(pages_client, media_type, parser):
    response = pages_client.get("/id/actor/ocrteh", headers={"Accept": media_type})
    assert response.status_code == 200
    assert response.mimetype == media_type
    graph = Graph().parse(data=response.data, format=parser)
    assert (URIRef(OCRTEH), RDF.type, URIRef(THB + "PoliceOffice")) in graph
    ext = {"turtle": "ttl", "json-ld": "jsonld", "nt": "nt", "xml": "rdf"}[parser]
    assert response.headers["Content-Location"] == f"/id/actor/ocrteh.{ext}"
    assert {"Accept", "Accept-Language"} <= set(response.vary)


@pytest.mark.parametrize(
    ("suffix", "media_type"),
    [
        (".ttl", "text/turtle"),
        (".jsonld", "application/ld+json"),
        (".nt", "application/n-triples"),
        (".rdf", "application/rdf+xml"),
        ("?format=turtle", "text/turtle"),
        ("?format=json-ld", "application/ld+json"),
        ("?format=nt", "application/n-triples"),
        ("?format=xml", "application/rdf+xml"),
        (".html", "text/html"),
    ],
)
def test_extension_and_format_parameter_beat_accept(pages_client, suffix, media_type):
    response = pages_client.get(f"/id/actor/ocrteh{suffix}", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.mimetype == media_type
    assert "Content-Location" not in response.headers


def test_browser_accept_gets_html_and_no_accept_gets_html(pages_client):
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    assert pages_client.get("/id/actor/ocrteh", headers={"Accept": browser}).mimetype == "text/html"
    assert pages_client.get("/id/actor/ocrteh").mimetype == "text/html"


def test_link_header_names_every_alternate(pages_client):
    response = pages_client.get("/id/actor/ocrteh", headers={"Accept": "text/html"})
    links = response.headers["Link"]
    for ext, media_type in (
        ("ttl", "text/turtle"),
        ("jsonld", "application/ld+json"),
        ("nt", "application/n-triples"),
        ("rdf", "application/rdf+xml"),
    ):
        assert f'</id/actor/ocrteh.{ext}>; rel="alternate"; type="{media_type}"' in links


def test_unacceptable_media_type_or_format_is_406(pages_client):
    response = pages_client.get("/id/actor/ocrteh", headers={"Accept": "image/png"})
    assert response.status_code == 406
    response = pages_client.get(
        "/id/actor/ocrteh?format=pdf", headers={"Accept": "application/json"}
    )
    assert response.status_code == 406
    assert response.get_json()["ok"] is False


def test_json_ld_is_compacted_with_the_project_context(pages_client):
    response = pages_client.get("/id/actor/ocrteh.jsonld")
    body = json.loads(response.data)
    assert "@context" in body
    assert Graph().parse(data=response.data, format="json-ld")


# ---- errors and bad paths ------------------------------------------------------------


def test_unknown_entity_is_404_with_the_path_escaped(pages_client):
    response = pages_client.get("/id/<script>alert(1)</script>", headers={"Accept": "text/html"})
    assert response.status_code == 404
    doc = parse_html(response.data)
    assert doc.find("main").find("script") is None
    assert b"<script>alert(1)</script>" not in response.data


@pytest.mark.parametrize(
    "path",
    [
        "/id/actor/nobody",
        "/id/../../etc/passwd",
        "/id/%2e%2e/%2e%2e/etc/passwd",
        "/id/actor/ocrteh%00",
        "/id/actor/a%20b",
        "/id/actor/%3E",
    ],
)
def test_bad_and_unknown_paths_are_404_never_a_file(pages_client, path):
    response = pages_client.get(path, headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.get_json()["status"] == 404
    assert b"root:" not in response.data


# ---- mount point and base IRI --------------------------------------------------------


def test_pages_work_under_a_mount_point(pages_client):
    response = pages_client.get(
        "/id/actor/ocrteh",
        headers={"Accept": "text/html"},
        environ_overrides={"SCRIPT_NAME": "/kg"},
    )
    doc = parse_html(response.data)
    (li,) = values_of(doc, ORG + "subOrganizationOf")
    assert li.find("a").get("href") == "/kg/id/actor/ministry-of-the-interior"
    rdf = pages_client.get(
        "/id/actor/ocrteh",
        headers={"Accept": "text/turtle"},
        environ_overrides={"SCRIPT_NAME": "/kg"},
    )
    assert rdf.headers["Content-Location"] == "/kg/id/actor/ocrteh.ttl"


def test_another_base_iri_is_served_at_the_root(pages_settings):
    settings = pages_settings.replace(base_iri="http://localhost:9/kg/")
    store = open_store(settings)
    build_store(settings, store, validate=False)
    client = create_app(settings, store).test_client()
    graph = twin(client, "/id/actor/ocrteh")
    subject = URIRef("http://localhost:9/kg/id/actor/ocrteh")
    assert (
        subject,
        URIRef(ORG + "subOrganizationOf"),
        URIRef("http://localhost:9/kg/id/actor/ministry-of-the-interior"),
    ) in graph


# ---- ontology ------------------------------------------------------------------------


def test_ontology_page_documents_classes_and_properties_in_both_languages(pages_client):
    _, doc = page(pages_client, "/ontology")
    office = doc.find("article", id="PoliceOffice")
    assert office is not None
    names = {dd.get("lang"): dd.text() for dd in office.find_all("dd", lang=True)}
    assert names["en"].startswith("Police office")
    assert names["fr"].startswith("Office de police")
    assert "thb:Organisation" in office.text()
    members = office.find("a", class_="members-link")
    assert members.get("href") == "/class/thb:PoliceOffice"
    assert members.text().startswith("2 members")
    assert doc.find("article", id="Event").find("a", class_="members-link").text().startswith("1 ")
    co_chaired = doc.find("article", id="coChairedBy")
    facts = {d.find("dt").text(): d.find("dd").text() for d in co_chaired.find_all("div")}
    assert "thb:Organisation" in facts["Domain"]
    assert "thb:Organisation" in facts["Range"]
    assert "thb:chairedBy" in facts["Sub-property of"]


def test_ontology_iri_negotiates_to_the_ontology_graph(pages_client):
    response = pages_client.get("/ontology", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    graph = Graph().parse(data=response.data, format="turtle")
    assert (URIRef(THB + "Law"), RDF.type, URIRef("http://www.w3.org/2002/07/owl#Class")) in graph
    assert pages_client.get("/ontology.nt").mimetype == "application/n-triples"


# ---- a real server -------------------------------------------------------------------


@pytest.mark.server
@pytest.mark.parametrize("fmt", [None, "turtle", "json-ld", "xml", "nt"])
def test_rdflib_dereferences_an_entity_of_the_running_server(live_server, fmt):
    graph = Graph()
    graph.parse(live_server.url + "/id/actor/ocrteh", format=fmt)
    ocrteh = URIRef(OCRTEH)
    assert (ocrteh, URIRef(ORG + "subOrganizationOf"), URIRef(MINISTRY)) in graph
    assert (URIRef(MINISTRY), RDFS.label, Literal("Ministry of the Interior", lang="en")) in graph
    assert any(graph.subjects(None, ocrteh))


def test_listed_responsibilities_keep_the_order_of_the_source(pages_client):
    _, doc = page(pages_client, "/id/actor/ocrteh")
    row = next(
        r
        for r in doc.find_all("div", class_="glance-row")
        if r.find("dt").text() == "Responsibilities"
    )
    assert [li.text() for li in row.find_all("li")] == [
        "identifying and punishing offences related to procuring",
        "centralising information",
    ]


def test_page_text_under_the_title_is_the_description(pages_client):
    _, doc = page(pages_client, "/id/actor/ocrteh")
    (definition,) = doc.find_all("p", class_="definition")
    assert definition.text().startswith("Responsible for the fight against trafficking")


def test_an_unchanged_page_answers_304_and_data_is_readable_from_anywhere(pages_client):
    first = pages_client.get("/id/actor/ocrteh", headers={"Accept": "text/turtle"})
    assert first.headers["Access-Control-Allow-Origin"] == "*"
    tag = first.headers["ETag"]
    again = pages_client.get(
        "/id/actor/ocrteh", headers={"Accept": "text/turtle", "If-None-Match": tag}
    )
    assert again.status_code == 304
    other = pages_client.get(
        "/id/actor/ocrteh", headers={"Accept": "application/ld+json", "If-None-Match": tag}
    )
    assert other.status_code == 200
    french = pages_client.get(
        "/id/actor/ocrteh?lang=fr", headers={"Accept": "text/turtle", "If-None-Match": tag}
    )
    assert french.status_code == 200


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(segment=st.text(min_size=1, max_size=40))
def test_any_path_under_id_is_answered_without_a_server_error(pages_client, segment):
    response = pages_client.get(
        "/id/actor/" + quote(segment, safe=""), headers={"Accept": "text/html"}
    )
    assert response.status_code in (200, 400, 404)
    assert response.mimetype == "text/html"


def test_description_falls_back_to_english_marked_as_english(pages_client):
    _, doc = page(pages_client, "/id/actor/ocrteh?lang=fr")
    (definition,) = doc.find_all("p", class_="definition")
    assert definition.get("lang") == "en"
    assert definition.text().startswith("Responsible for the fight")


def glance_of(doc) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    return {
        row.find("dt").text(): [li.text().replace(" inferred", "") for li in row.find_all("li")]
        for row in doc.find_all("div", class_="glance-row")
    }


def test_conflicting_claims_are_shown_side_by_side_with_a_note(pages_client):
    _, doc = page(pages_client, "/id/claim/residence-permit-one-year")
    glance = glance_of(doc)
    assert glance["Conflicts with"] == ["Residence permit of six months, renewable"]
    assert glance["About"] == ["Residence permit for victims"]
    assert glance["Duration"] == ["1 year"]
    row = doc.find("div", class_="conflict")
    assert "nothing says which is right" in row.find("p", class_="note").text()
    _, measure = page(pages_client, "/id/measure/residence-permit")
    assert sorted(glance_of(measure)["Claims about it"]) == [
        "Residence permit of one year",
        "Residence permit of six months, renewable",
    ]
