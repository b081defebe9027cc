"""Home, class pages and search: what they list, in which language, and bad input."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest
from rdflib import Graph, URIRef

from htmlparse import page, parse_html
from thb_graph.config import load_settings
from thb_graph.namespaces import RDF
from thb_graph.pages.labels import LabelIndex, fold
from thb_graph.pages.overview import example_queries
from thb_graph.web import create_app

PAGES = Path(__file__).resolve().parent / "data" / "pages"


# ---- home ----------------------------------------------------------------------------


def test_home_counts_things_per_class_with_links_to_class_pages(pages_client):
    _, doc = page(pages_client, "/")
    grid = doc.find("ul", class_="class-grid")
    counts = {
        a.find("span", class_="class-name").text(): int(a.find("span", class_="class-count").text())
        for a in grid.find_all("a")
    }
    assert counts["Police office"] == 2
    assert counts["Ministry"] == 2
    assert counts["observation"] == 5
    link = grid.find("a", href="/class/thb:PoliceOffice")
    assert link is not None


def test_home_lists_sources_with_how_often_they_are_cited(pages_client):
    _, doc = page(pages_client, "/")
    items = doc.find("ul", class_="source-list").find_all("li")
    texts = [li.text() for li in items]
    assert texts[0].startswith("Country profile: France")
    assert any(t.startswith("Trafficking in Persons Report 2010") for t in texts)


def test_home_timeline_lists_dated_things_in_time_order(pages_client):
    _, doc = page(pages_client, "/")
    timeline = doc.find("section", class_="home-timeline")
    dates = [t.get("datetime") for t in timeline.find_all("time")]
    assert dates == ["2003-03-18", "2008-12"]
    assert "Law on Internal Security adopted" in timeline.text()


def test_home_shows_the_largest_breakdown_as_a_chart_with_its_table(pages_client):
    _, doc = page(pages_client, "/")
    headline = doc.find("section", class_="headline")
    svg = headline.find("svg", role="img")
    assert svg is not None and svg.find("title") is not None and svg.find("desc") is not None
    rows = headline.find("tbody").find_all("tr")
    assert len(rows) == 3


def test_home_example_questions_link_to_their_answer_pages(pages_client):
    _, doc = page(pages_client, "/")
    links = doc.find("ul", class_="question-list").find_all("a")
    (query,) = example_queries(PAGES / "queries")
    assert [a.text() for a in links] == [query.title] == ["Police offices"]
    assert urlparse(links[0].get("href")).path == "/questions/offices"


def test_home_in_french_has_french_interface_and_labels(pages_client):
    response, doc = page(pages_client, "/?lang=fr")
    assert doc.find("html").get("lang") == "fr"
    assert doc.find("h2", id="holds-heading").text() == "Ce que contient le graphe"
    names = {s.text() for s in doc.find_all("span", class_="class-name")}
    assert "Office de police" in names
    assert doc.find("a", href="/class/thb:PoliceOffice?lang=fr") is not None
    assert "Accept-Language" in response.vary


def test_language_switch_links_to_the_same_page_in_the_other_language(pages_client):
    _, doc = page(pages_client, "/id/actor/ocrteh")
    switch = doc.find("nav", class_="lang-switch")
    french = switch.find("a", hreflang="fr")
    assert french.get("href") == "/id/actor/ocrteh?lang=fr"
    assert french.get("lang") == "fr"
    assert switch.find("a", hreflang="en").get("aria-current") == "true"


def test_example_queries_read_title_and_description_headers(tmp_path):
    (tmp_path / "b.rq").write_text("# title: Second\nSELECT * WHERE { ?s ?p ?o }\n")
    (tmp_path / "a.rq").write_text(
        "# title: First\n# description: The first one.\nASK { ?s ?p ?o }\n"
    )
    (tmp_path / "c.rq").write_text("SELECT * WHERE { ?s ?p ?o }\n")
    found = example_queries(tmp_path)
    assert [(q.name, q.title, q.description) for q in found] == [
        ("a", "First", "The first one."),
        ("b", "Second", ""),
        ("c", "c", ""),
    ]


# ---- class pages ---------------------------------------------------------------------


def test_class_page_lists_members_sorted_by_label(pages_client):
    _, doc = page(pages_client, "/class/thb:Organisation")
    assert doc.find("h1").text() == "Organisation"
    assert doc.find("p", class_="definition").text().startswith("A body with a name")
    items = doc.find("table", class_="class-table").find("tbody").find_all("tr")
    members = [tr.find("th").find("a").text() for tr in items]
    assert members == sorted(members, key=fold)
    assert "Ministry of Justice" in members and "French government" in members
    kinds = {
        tr.find("th").find("a").text(): [s.text() for s in tr.find_all("span", class_="tag")]
        for tr in items
    }
    assert "Ministry" in kinds["Ministry of Justice"]


def test_class_page_is_paginated(pages_store):
    settings = load_settings(
        env={}, overrides={"store": "memory", "source_dir": str(PAGES), "page_size": 2}
    )
    client = create_app(settings, pages_store).test_client()
    seen = []
    for number in (1, 2, 3):
        _, doc = page(client, f"/class/thb:Organisation?page={number}")
        rows = doc.find("table", class_="class-table").find("tbody").find_all("tr")
        seen += [tr.find("th").find("a").text() for tr in rows]
    assert len(seen) == len(set(seen)) == 6
    assert client.get("/class/thb:Organisation?page=4").status_code == 404


@pytest.mark.parametrize(
    "curie", ["nope:Thing", "thb:NoSuchClass", "no-colon", "thb:", "thb:a%2Fb"]
)
def test_unknown_class_is_404(pages_client, curie):
    response = pages_client.get(f"/class/{curie}", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.get_json()["ok"] is False


# ---- search --------------------------------------------------------------------------


def results(doc) -> list[str]:  # type: ignore[no-untyped-def]
    found = doc.find("ol", class_="results")
    return [a.text() for a in found.find_all("a", class_="result-title")] if found else []


@pytest.mark.parametrize("q", ["securite", "SÉCURITÉ", "Sécurité intérieure", "internal secur"])
def test_search_ignores_case_and_accents(pages_client, q):
    _, doc = page(pages_client, f"/search?q={q}")
    assert "Law on Internal Security" in results(doc)


def test_search_finds_acronyms_and_french_names(pages_client):
    _, doc = page(pages_client, "/search?q=OCRTEH")
    assert results(doc)[0] == "Central Office for the Repression of Trafficking in Human Beings"
    _, doc = page(pages_client, "/search?q=ministere de l'interieur")
    assert results(doc) == ["Ministry of the Interior"]


def test_search_shows_results_in_the_chosen_language(pages_client):
    _, doc = page(pages_client, "/search?q=ministry of the interior&lang=fr")
    assert results(doc) == ["Ministère de l'Intérieur"]
    assert doc.find("input", type="hidden", name="lang").get("value") == "fr"


def test_search_without_match_says_so(pages_client):
    _, doc = page(pages_client, "/search?q=zzzz")
    assert results(doc) == []
    assert doc.find("p", role="status").text() == "Nothing matches “zzzz”."


def test_search_without_text_shows_the_form(pages_client):
    _, doc = page(pages_client, "/search")
    assert doc.find("input", id="page-q") is not None
    assert results(doc) == []


def test_search_rejects_overlong_text(pages_client):
    response = pages_client.get("/search?q=" + "a" * 500, headers={"Accept": "application/json"})
    assert response.status_code == 400


def test_search_escapes_what_was_typed(pages_client):
    response = pages_client.get("/search?q=<b>x</b>", headers={"Accept": "text/html"})
    doc = parse_html(response.data)
    assert doc.find("main").find("b") is None
    assert "<b>x</b>" in doc.find("h1").text()


def test_label_index_ranks_exact_names_then_shorter_names_and_leaves_out_the_vocabulary(
    pages_store,
):
    index = LabelIndex.build(pages_store)
    hits = index.search("ministry")
    assert "https://w3id.org/thb-graph/ontology#Ministry" not in {h.iri for h in hits}
    assert {h.iri.rsplit("/", 1)[-1] for h in hits[:2]} == {
        "ministry-of-the-interior",
        "ministry-of-justice",
    }
    words = index.search("interior")
    assert words[0].iri.endswith("ministry-of-the-interior")
    assert ("Interior", True) in words[0].segments


def test_search_sees_a_change_of_the_store(pages_settings):
    from thb_graph.kg.load import build_store
    from thb_graph.kg.store import open_store

    store = open_store(pages_settings)
    build_store(pages_settings, store, validate=False)
    client = create_app(pages_settings, store).test_client()
    _, doc = page(client, "/search?q=brigade")
    assert results(doc) == []
    store.update(
        "INSERT DATA { GRAPH <https://w3id.org/thb-graph/graph/data/extra> { "
        "<https://w3id.org/thb-graph/id/actor/brigade> "
        '<http://www.w3.org/2000/01/rdf-schema#label> "Brigade des mineurs"@fr } }'
    )
    _, doc = page(client, "/search?q=brigade")
    assert results(doc) == ["Brigade des mineurs"]


def test_home_shows_the_latest_figure_of_each_dataset_with_its_citation(pages_client):
    _, doc = page(pages_client, "/")
    cards = doc.find("ul", class_="key-figures").find_all("li", class_="key-figure")
    by_label = {c.find("p", class_="key-label").text(): c for c in cards}
    card = by_label["Victims identified in France in 2011"]
    assert card.find("p", class_="key-number").text() == "654"
    citation = card.find("p", class_="citation").text()
    assert "2011" in citation and "Country profile: France" in citation
    assert not any("Africa" in label for label in by_label)


def test_class_page_rdf_twin_holds_the_listed_members(pages_client):
    from rdflib import Graph, URIRef
    from rdflib.namespace import RDF

    _, doc = page(pages_client, "/class/thb:Ministry")
    table = doc.find("table", class_="class-table")
    listed = [tr.get("data-s") for tr in table.find("tbody").find_all("tr")]
    response = pages_client.get("/class/thb:Ministry", headers={"Accept": "text/turtle"})
    assert response.headers["Content-Location"] == "/class/thb:Ministry.ttl"
    graph = Graph().parse(data=response.data, format="turtle")
    ministry = URIRef("https://w3id.org/thb-graph/ontology#Ministry")
    assert set(graph.subjects(RDF.type, ministry)) == {URIRef(m) for m in listed}
    assert pages_client.get("/class/thb:Ministry.nt").mimetype == "application/n-triples"


def test_search_rdf_twin_holds_the_names_that_matched(pages_client):
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import SKOS

    response = pages_client.get("/search?q=ocrteh&format=ttl")
    graph = Graph().parse(data=response.data, format="turtle")
    ocrteh = URIRef("https://w3id.org/thb-graph/id/actor/ocrteh")
    assert (ocrteh, SKOS.altLabel, Literal("OCRTEH")) in graph


@pytest.mark.parametrize(
    ("headers", "query", "media_type", "rdf_format"),
    [
        ({"Accept": "text/turtle"}, {}, "text/turtle", "turtle"),
        ({"Accept": "application/ld+json"}, {}, "application/ld+json", "json-ld"),
        ({}, {"format": "nt"}, "application/n-triples", "nt"),
    ],
)
def test_home_asked_for_rdf_answers_with_the_void_description(
    pages_client, headers, query, media_type, rdf_format
):
    response = pages_client.get("/", headers=headers, query_string=query)
    assert response.status_code == 200
    assert response.mimetype == media_type
    assert response.headers["Content-Location"] == "/.well-known/void"
    assert "Accept" in response.headers["Vary"]
    graph = Graph().parse(data=response.data, format=rdf_format)
    void = URIRef("http://rdfs.org/ns/void#")
    datasets = set(graph.subjects(RDF.type, URIRef(str(void) + "Dataset")))
    assert datasets, "the home page's RDF describes the dataset"
    assert any(graph.objects(d, URIRef(str(void) + "triples")) for d in datasets)
    assert pages_client.get("/", headers={"Accept": "image/png"}).status_code == 406
