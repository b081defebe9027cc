"""The history section of entity pages: the writes that touched an entity, shown on its page
and in its RDF twin, and kept out of the links that point at it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient
from rdflib import Graph, Literal, URIRef

from htmlparse import Element, page
from thb_graph.config import Settings
from thb_graph.kg.iris import Iris
from thb_graph.kg.store.base import Store
from thb_graph.namespaces import DCTERMS, FOAF, PROV, RDF, VOID
from thb_graph.pages.history import entity_history
from thb_graph.web import create_app

TOKEN = "history-token-51c2e8"  # noqa: S105 - a test token
AUTH = {"Authorization": f"Bearer {TOKEN}"}
IRIS = Iris()
ACTORS = IRIS.data_graph("actors")
MINISTRY = IRIS.entity("actor", "ministry-interior")
OCRTEH = IRIS.entity("actor", "ocrteh")
WORKING_GROUP = IRIS.entity("actor", "working-group")
ALT_LABEL = (
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
    f"INSERT DATA {{ GRAPH <{ACTORS}> {{ <{MINISTRY}> skos:altLabel 'Interior'@en }} }}"
)


@pytest.fixture
def client(settings: Settings, store: Store) -> Iterator[FlaskClient]:
    """A test client of an app with writes switched on."""
    app = create_app(settings.replace(write_token=TOKEN, write_token_name="Data desk"), store)  # noqa: S106
    app.config["TESTING"] = True
    yield app.test_client()


def html_page(client: FlaskClient, path: str) -> Element:
    return page(client, path)[1].root


def incoming_subjects(doc: Element) -> set[str]:
    """The subjects listed under "Referenced by"."""
    section = doc.find("section", id="incoming")
    assert section is not None
    return {li.get("data-s") or "" for li in section.find_all("li", data_s=True)}


def history_rows(doc: Element) -> list[Element]:
    section = doc.find("section", id="history")
    return [] if section is None else section.find_all("tr", class_="history-entry")


def test_a_page_without_writes_has_no_history_section(client: FlaskClient) -> None:
    doc = html_page(client, "/id/actor/ministry-interior")
    assert doc.find("section", id="history") is None


def test_an_update_shows_on_the_page_of_the_entity_it_touched(
    client: FlaskClient, store: Store
) -> None:
    before = incoming_subjects(html_page(client, "/id/actor/ministry-interior"))
    assert {OCRTEH, WORKING_GROUP} <= before
    response = client.post("/sparql/update", data={"update": ALT_LABEL}, headers=AUTH)
    assert response.status_code == 200, response.data[:500]
    [entry] = entity_history(store, IRIS, MINISTRY)

    doc = html_page(client, "/id/actor/ministry-interior")
    [row] = history_rows(doc)
    assert row.get("data-activity") == entry.activity
    cells = [cell.text() for cell in row.find_all("td")]
    assert cells[1:] == ["Data desk", "1", "0"]
    link = row.find("a")
    assert link is not None and link.text() == "SPARQL Update"
    assert link.get("href") == "/" + IRIS.local_path(entry.activity)  # type: ignore[operator]
    time = row.find("time")
    assert time is not None and time.get("datetime") == entry.started
    assert "UTC" in time.text()
    assert incoming_subjects(doc) == before


def test_the_history_heading_follows_the_language(client: FlaskClient) -> None:
    client.post("/sparql/update", data={"update": ALT_LABEL}, headers=AUTH)
    doc = html_page(client, "/id/actor/ministry-interior?lang=fr")
    heading = doc.find("h2", id="history-heading")
    assert heading is not None and heading.text() == "Historique"


def test_a_graph_store_post_shows_on_the_page_of_the_entity_it_touched(
    client: FlaskClient,
) -> None:
    body = f"<{OCRTEH}> <http://www.w3.org/2004/02/skos/core#altLabel> 'Central Office'@en ."
    url = f"/rdf-graph-store?graph={ACTORS}"
    response = client.post(url, data=body.encode(), headers={"Content-Type": "text/turtle", **AUTH})
    assert response.status_code == 204, response.data[:500]
    doc = html_page(client, "/id/actor/ocrteh")
    [row] = history_rows(doc)
    link = row.find("a")
    assert link is not None and link.text() == "Graph Store POST"
    activity = row.get("data-activity") or ""
    assert activity.startswith(IRIS.id_prefix + "change/")
    assert not any(s.startswith(activity) for s in incoming_subjects(doc))


def test_newer_writes_come_first(client: FlaskClient) -> None:
    client.post("/sparql/update", data={"update": ALT_LABEL}, headers=AUTH)
    removal = ALT_LABEL.replace("INSERT DATA", "DELETE DATA")
    assert client.post("/sparql/update", data={"update": removal}, headers=AUTH).status_code == 200
    rows = history_rows(html_page(client, "/id/actor/ministry-interior"))
    assert [[c.text() for c in r.find_all("td")][2:] for r in rows] == [["0", "1"], ["1", "0"]]


def test_the_rdf_twin_holds_the_prov_activity_but_not_the_quoted_statements(
    client: FlaskClient, store: Store
) -> None:
    client.post("/sparql/update", data={"update": ALT_LABEL}, headers=AUTH)
    [entry] = entity_history(store, IRIS, MINISTRY)
    response = client.get("/id/actor/ministry-interior", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    twin = Graph().parse(data=response.get_data(), format="turtle")
    activity, me, agent = URIRef(entry.activity), URIRef(MINISTRY), URIRef(entry.agent)
    assert (activity, RDF.type, PROV.Activity) in twin
    assert (activity, DCTERMS.subject, me) in twin
    assert (activity, DCTERMS.type, Literal("SPARQL Update")) in twin
    assert (activity, PROV.wasAssociatedWith, agent) in twin
    assert (agent, FOAF.name, Literal("Data desk")) in twin
    assert twin.value(activity, PROV.startedAtTime) is not None
    added = twin.value(activity, PROV.generated)
    assert added is not None and twin.value(added, VOID.triples) == Literal(1)
    assert not list(twin.subjects(RDF.subject, me))
    pointing = set(twin.subjects(None, me))
    assert {URIRef(OCRTEH), URIRef(WORKING_GROUP), activity} <= pointing
    assert not any(str(s).startswith(f"{activity}#") for s in pointing)
