"""Each fact once on an entity page: no inferred copy of a value already shown, no inverse
link repeated, one chip per class, the acronym in the heading; and the RDF twin agrees."""

from __future__ import annotations

from rdflib import Graph, URIRef

from htmlparse import page

ID = "https://w3id.org/thb-graph/id/"
MINISTRY = ID + "actor/ministry-of-the-interior"


def _statements(doc):  # type: ignore[no-untyped-def]
    return [li for li in doc.find_all("li", data_s=True) if li.get("data-o")]


def test_the_parent_ministry_is_shown_once_in_the_statements(pages_client):
    _, doc = page(pages_client, "/id/actor/ocrteh")
    about_ministry = [li for li in _statements(doc) if li.get("data-o") == f"<{MINISTRY}>"]
    incoming_from_ministry = [li for li in _statements(doc) if li.get("data-s") == MINISTRY]
    assert len(about_ministry) + len(incoming_from_ministry) == 1


def test_one_chip_per_class_and_no_reused_vocabulary_twins(pages_client):
    _, doc = page(pages_client, "/id/actor/ocrteh")
    hrefs = [a.get("href") for a in doc.find("ul", class_="chips").find_all("a")]
    assert len(hrefs) == len(set(hrefs))
    assert "/class/org:Organization" not in hrefs


def test_twin_leaves_out_what_the_page_leaves_out(pages_client):
    response = pages_client.get("/id/actor/ocrteh", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=response.data, format="turtle")
    transitive = URIRef("http://www.w3.org/ns/org#transitiveSubOrganizationOf")
    assert (URIRef(ID + "actor/ocrteh"), transitive, URIRef(MINISTRY)) not in graph


def test_acronym_is_in_the_heading(pages_client):
    _, doc = page(pages_client, "/id/actor/ocrteh")
    assert doc.find("h1").find("abbr").text() == "(OCRTEH)"


def test_conflicting_claims_side_by_side_with_their_sources(pages_client):
    for here, there in (("six-months", "one-year"), ("one-year", "six-months")):
        _, doc = page(pages_client, f"/id/claim/residence-permit-{here}")
        table = doc.find("section", class_="comparison").find("table")
        heads = table.find("thead").find_all("th")
        assert heads[1].text() == "This claim"
        assert heads[2].find("a").get("href") == f"/id/claim/residence-permit-{there}"
        rows = {
            tr.find("th").text(): tr.find_all("td") for tr in table.find("tbody").find_all("tr")
        }
        assert "duration" in rows and len(rows["duration"]) == 2
        assert rows["duration"][0].text() != rows["duration"][1].text()
        assert "source" in rows


def test_pages_without_conflicts_have_no_comparison(pages_client):
    _, doc = page(pages_client, "/id/actor/ocrteh")
    assert doc.find("section", class_="comparison") is None
