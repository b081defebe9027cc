"""Links only where they are safe: IRIs of any scheme but http, https and mailto, written
through the write path, are shown as text on every page type, never as an ``href``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient

from htmlparse import Element, parse_html
from thb_graph.config import Settings
from thb_graph.kg.iris import Iris
from thb_graph.kg.store.base import Store
from thb_graph.web import create_app

TOKEN = "safe-links-token-41c7"  # noqa: S105 - a test token
AUTH = {"Authorization": f"Bearer {TOKEN}"}
IRIS = Iris()
OCRTEH = IRIS.entity("actor", "ocrteh")
NOTES = IRIS.graph("notes")
#: IRIs a page must never make a link of (the last ones differ only in case or spelling).
HOSTILE = [
    "javascript:alert(1)",
    "data:text/html,%3Cscript%3Ealert(2)%3C/script%3E",
    "vbscript:msgbox(3)",
    "file:///etc/passwd",
    "urn:isbn:0451450523",
    "JavaScript:alert(4)",
    "jar:https://example.org/x.jar!/",
]
BODY = "javascript:alert(5)"  # a hostile IRI with statements of its own (a /resource page)
SAFE = ["https://example.org/elsewhere", "mailto:desk@example.org"]
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
UPDATE = f"""
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX thb: <https://w3id.org/thb-graph/ontology#>
INSERT DATA {{ GRAPH <{NOTES}> {{
  <{OCRTEH}> rdfs:seeAlso {", ".join(f"<{iri}>" for iri in HOSTILE + SAFE)} .
  <{OCRTEH}> <javascript:alert(6)> "through a predicate" ; a <javascript:alert(7)> .
  <{BODY}> a thb:GovernmentBody ; skos:prefLabel "Hostile body"@en ;
      <https://example.org/pointsAt> <{OCRTEH}> .
}} }}
"""


@pytest.fixture
def client(settings: Settings, store: Store) -> Iterator[FlaskClient]:
    """An app with writes on, after the hostile IRIs were written through /sparql/update."""
    app = create_app(settings.replace(write_token=TOKEN), store)
    app.config["TESTING"] = True
    client = app.test_client()
    written = client.post("/sparql/update", data={"update": UPDATE}, headers=AUTH)
    assert written.status_code == 200, written.get_data(as_text=True)
    yield client


def html(client: FlaskClient, path: str) -> Element:
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200, (path, response.status_code)
    assert response.mimetype == "text/html"
    return parse_html(response.data)


def unsafe_links(doc: Element) -> list[str]:
    """Every href or src of the page that is absolute with a scheme a page must not link
    (but the empty icon of every page, ``<link rel="icon" href="data:,">``, which is ours)."""
    found = []
    for el in doc.iter():
        if el.tag == "link" and el.get("rel") == "icon" and el.get("href") == "data:,":
            continue
        for name in ("href", "src", "action", "formaction"):
            value = (el.get(name) or "").strip()
            match = _SCHEME.match(value)
            if match and match.group(1).lower() not in {"http", "https", "mailto"}:
                found.append(f"<{el.tag} {name}={value!r}>")
    return found


def anchors_showing(doc: Element, text: str) -> list[Element]:
    return [a for a in doc.find_all("a") if text in a.text() or text in (a.get("title") or "")]


def test_the_entity_page_shows_hostile_iris_as_text_and_safe_ones_as_links(
    client: FlaskClient,
) -> None:
    doc = html(client, "/id/actor/ocrteh")
    assert unsafe_links(doc) == []
    hrefs = {a.get("href") for a in doc.find_all("a")}
    assert set(SAFE) <= hrefs
    for iri in HOSTILE:
        shown = doc.find_all("li", data_o=f"<{iri}>")
        assert shown, f"{iri} is not shown at all"
        assert all(a.get("href") is None for li in shown for a in li.find_all("a"))
    predicate = [dt for dt in doc.find_all("dt") if "alert(6)" in dt.text()]
    assert predicate, "the hostile predicate is not shown"
    assert all(a.get("href") is None for dt in predicate for a in dt.find_all("a"))


@pytest.mark.parametrize(
    "path",
    [
        "/id/actor/ocrteh",
        f"/resource?iri={quote(BODY)}",
        "/class/thb:GovernmentBody",
        "/class/org:Organization",
        "/search?q=OCRTEH",
        "/",
        "/ontology",
        "/download/",
        "/sparql",
    ],
    ids=[
        "entity",
        "resource",
        "class",
        "superclass",
        "search",
        "home",
        "ontology",
        "downloads",
        "query-editor",
    ],
)
def test_no_page_links_to_an_unsafe_scheme(client: FlaskClient, path: str) -> None:
    doc = html(client, path)
    assert unsafe_links(doc) == []


def test_a_hostile_member_is_listed_on_its_class_page_but_not_linked(client: FlaskClient) -> None:
    doc = html(client, "/class/thb:GovernmentBody")
    listed = anchors_showing(doc, "Hostile body")
    assert listed, "the class page does not list the hostile IRI's node"
    assert all(a.get("href") is None for a in listed)
    assert anchors_showing(doc, "French government")[0].get("href") == "/id/actor/government"


def test_search_shows_a_hostile_type_as_text(client: FlaskClient) -> None:
    doc = html(client, "/search?q=OCRTEH")
    result = doc.find("a", class_="result-title")
    assert result is not None and result.get("href") == "/id/actor/ocrteh"
    assert any("alert(7)" in tag.text() for tag in doc.find_all("span", class_="tag"))
    assert unsafe_links(doc) == []


def test_the_write_history_page_links_no_unsafe_scheme(client: FlaskClient) -> None:
    entity = html(client, "/id/actor/ocrteh")
    rows = entity.find_all("tr", data_activity=True)
    assert rows, "the write is not in the entity's history"
    for row in rows:
        link = row.find("a")
        assert link is not None and (link.get("href") or "").startswith("/")
        assert unsafe_links(html(client, link.get("href") or "")) == []


@pytest.mark.parametrize(
    ("iri", "linkable"),
    [
        ("https://example.org/", True),
        ("HTTP://example.org/", True),
        ("mailto:a@example.org", True),
        ("javascript:alert(1)", False),
        (" javascript:alert(1)", False),
        ("java\tscript:alert(1)", False),
        ("data:,x", False),
        ("httpx://example.org/", False),
        ("//example.org/", False),
        ("", False),
    ],
)
def test_only_http_https_and_mailto_are_linkable(iri: str, linkable: bool) -> None:
    from thb_graph.web.urls import is_linkable

    assert is_linkable(iri) is linkable
