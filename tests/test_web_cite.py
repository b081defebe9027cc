"""Citation, footer, 404 and answer pages over the page fixture store, and what the
downloads say about themselves (licence, CORS, gzip, Last-Modified, the figures CSV)."""

from __future__ import annotations

import csv
import gzip
import io
import json

import pytest

from htmlparse import page, parse_html


@pytest.mark.parametrize("path", ["/", "/id/actor/ocrteh", "/download/", "/questions/"])
def test_every_page_has_a_cite_box_and_a_footer_with_version_and_licence(pages_client, path):
    _, doc = page(pages_client, path)
    assert doc.find("h2", id="cite-heading").text() == "Cite this"
    text = doc.find("p", id="cite-text").text()
    assert "release date unknown" in text  # the fixture data state no release date
    assert doc.find("pre", id="cite-bibtex").text().startswith("@misc{")
    assert json.loads(doc.find("pre", id="cite-csl").text())["type"] == "dataset"
    footer = doc.find("footer").text()
    assert "Version unknown" in footer and "Licence unknown" in footer


def test_an_entity_is_cited_by_its_own_iri_and_name(pages_client):
    _, doc = page(pages_client, "/id/actor/ocrteh")
    text = doc.find("p", id="cite-text").text()
    assert text.startswith("\u201c")
    assert "https://w3id.org/thb-graph/id/actor/ocrteh (accessed" in text


def test_home_and_downloads_carry_schema_org_dataset_json_ld(pages_client):
    for path in ("/", "/download/"):
        _, doc = page(pages_client, path)
        script = doc.find("script", type="application/ld+json")
        data = json.loads(script.text())
        assert data["@context"] == "https://schema.org" and data["@type"] == "Dataset"
        urls = [d["contentUrl"] for d in data["distribution"]]
        assert "http://localhost/download/thb-graph.ttl" in urls


@pytest.mark.parametrize("fmt,media", [("bib", "application/x-bibtex"), ("text", "text/plain")])
def test_cite_answers_the_citation_as_data(pages_client, fmt, media):
    response = pages_client.get(f"/cite?format={fmt}")
    assert response.status_code == 200 and response.mimetype == media


def test_cite_refuses_an_outside_iri_with_400(pages_client):
    response = pages_client.get("/cite?iri=http://evil.example/x")
    assert response.status_code == 400
    assert response.get_json()["ok"] is False


def test_404_is_a_page_of_the_site_with_suggestions_in_french(pages_client):
    response = pages_client.get("/id/actor/ocrtehh?lang=fr", headers={"Accept": "text/html"})
    assert response.status_code == 404
    doc = parse_html(response.data)
    assert doc.errors == []
    assert doc.find("html").get("lang") == "fr"
    assert doc.find("h1").text() == "Page introuvable"
    links = [a.get("href") for a in doc.find("ul", class_="suggestion-list").find_all("a")]
    assert "/search?q=ocrtehh&lang=fr" in links
    assert "/questions/?lang=fr" in links


def test_404_for_programs_stays_json(pages_client):
    response = pages_client.get("/nothing/here", headers={"Accept": "application/json"})
    assert response.status_code == 404 and response.get_json()["status"] == 404


def test_questions_list_plain_titles_linking_to_answers(pages_client):
    _, doc = page(pages_client, "/questions/")
    links = doc.find("ol", class_="answers-index").find_all("a")
    assert [(a.text(), a.get("href")) for a in links] == [("Police offices", "/questions/offices")]


def test_questions_are_titled_in_french_under_lang_fr(pages_client):
    _, doc = page(pages_client, "/questions/?lang=fr")
    links = doc.find("ol", class_="answers-index").find_all("a")
    assert [(a.text(), a.get("lang")) for a in links] == [("Services de police", "fr")]
    _, answer = page(pages_client, "/questions/offices?lang=fr")
    assert answer.find("h1").text() == "Services de police"
    assert answer.find("h1").get("lang") == "fr"
    described = answer.find("p", class_="muted")
    assert described.get("lang") == "en"  # the fixture's question has no French description
    _, editor = page(pages_client, "/sparql?lang=fr")
    assert "Services de police" in [o.text() for o in editor.find_all("option")]


def test_answer_page_names_things_by_label_and_links_them_locally(pages_client):
    _, doc = page(pages_client, "/questions/offices")
    table = doc.find("table", class_="answer-table")
    headings = [th.text() for th in table.find("thead").find_all("th")]
    assert headings == ["Office", "Ministry"]
    cells = table.find("tbody").find_all("td")
    hrefs = [a.get("href") for td in cells for a in td.find_all("a")]
    assert hrefs and all(h.startswith("/id/") for h in hrefs)
    assert not any("w3id.org" in td.text() for td in cells)
    assert "Ministry of the Interior" in [td.text() for td in cells]
    editor = doc.find("a", id="open-in-editor").get("href")
    assert editor == "/sparql?example=offices"


def test_answer_csv_and_unknown_question(pages_client):
    response = pages_client.get("/questions/offices?format=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["Office", "Ministry"] and len(rows) > 1
    assert pages_client.get("/questions/nope", headers={"Accept": "text/html"}).status_code == 404


def test_plain_title_drops_internal_numbers():
    from thb_graph.pages.answers import heading, plain_title

    assert plain_title("PCQ-09 Victims by region") == "Victims by region"
    assert plain_title("Police offices") == "Police offices"
    assert heading("totalCount") == "Total count" and heading("asOf") == "As of"


def test_dumps_are_readable_from_anywhere_gzipped_and_dated(pages_client):
    plain = pages_client.get("/download/thb-graph.ttl")
    assert plain.headers["Access-Control-Allow-Origin"] == "*"
    assert plain.headers["Last-Modified"]
    assert plain.get_data(as_text=True).startswith("# ")
    assert "Release date unknown" in plain.get_data(as_text=True).split("@prefix")[0]
    zipped = pages_client.get("/download/thb-graph.ttl", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.data) == plain.data
    assert zipped.headers["ETag"] != plain.headers["ETag"]
    assert "Accept-Encoding" in zipped.vary


def test_figures_csv_has_value_unit_period_place_source_quote_and_caveats(pages_client):
    response = pages_client.get("/download/thb-graph-figures.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert rows
    for column in ("value", "unit", "period", "place", "source", "quote", "approximate",
                   "range", "derived", "interpretation"):  # fmt: skip
        assert column in rows[0]
    assert all(r["figure"].startswith("https://w3id.org/thb-graph/id/") for r in rows)
    assert any(r["source"] for r in rows)


def test_source_page_says_unknown_where_the_data_say_nothing(pages_client):
    _, doc = page(pages_client, "/id/source/profile")
    rows = {
        div.get("data-field"): div.find("dd").text()
        for div in doc.find("section", class_="document-facts").find_all("div")
    }
    assert set(rows) == {"doc_title", "doc_publisher", "doc_date", "doc_address"}
    assert rows["doc_publisher"] == rows["doc_date"] == "unknown: the sources do not say"
    _, fr = page(pages_client, "/id/source/profile?lang=fr")
    assert "inconnu" in fr.find("section", class_="document-facts").text()


def test_other_pages_have_no_document_box(pages_client):
    _, doc = page(pages_client, "/id/actor/ocrteh")
    assert doc.find("section", class_="document-facts") is None
