"""SPARQL Update and the Graph Store Protocol through the app: the token, the statuses the
specs give, the 422 report in every form, read-only graphs, no CORS, the token never logged."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient
from rdflib import Graph, Literal, URIRef

from thb_graph.config import Settings
from thb_graph.kg.iris import Iris
from thb_graph.kg.store.base import Store
from thb_graph.namespaces import SH, SKOS
from thb_graph.pages.history import entity_history
from thb_graph.web import create_app

TOKEN = "write-token-7f3a9c"  # noqa: S105 - a test token
AUTH = {"Authorization": f"Bearer {TOKEN}"}
IRIS = Iris()
ACTORS = IRIS.data_graph("actors")
ACTOR = IRIS.id_prefix + "actor/"
NOTES = "https://example.org/graph/notes"
PREFIXES = (
    "PREFIX thb: <https://w3id.org/thb-graph/ontology#>\n"
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
    f"PREFIX actor: <{ACTOR}>\n"
)
VALID = PREFIXES + (
    f"INSERT DATA {{ GRAPH <{ACTORS}> {{ actor:brigade a thb:LawEnforcementUnit ; "
    "skos:prefLabel 'Brigade'@en } }"
)
INVALID = PREFIXES + f"INSERT DATA {{ GRAPH <{ACTORS}> {{ actor:nameless a thb:GovernmentBody }} }}"
TURTLE = {"Content-Type": "text/turtle", **AUTH}


@pytest.fixture
def client(settings: Settings, store: Store) -> Iterator[FlaskClient]:
    """A test client of an app with writes switched on."""
    app = create_app(settings.replace(write_token=TOKEN, write_token_name="Data desk"), store)  # noqa: S106
    app.config["TESTING"] = True
    yield app.test_client()


@pytest.fixture
def closed_client(settings: Settings, store: Store) -> FlaskClient:
    """A test client of an app without a write token."""
    app = create_app(settings, store)
    app.config["TESTING"] = True
    return app.test_client()


def dump(store: Store) -> list[bytes]:
    return sorted(store.dump("application/n-quads").splitlines())


def error(response: object) -> dict[str, object]:
    """The one JSON error shape, checked."""
    body = response.get_json()  # type: ignore[attr-defined]
    assert body["ok"] is False and body["status"] == response.status_code  # type: ignore[attr-defined]
    assert body["errors"] and body["error"]
    return body  # type: ignore[no-any-return]


# ---- switched off, credentials --------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/sparql/update"),
        ("get", "/rdf-graph-store?graph=https://example.org/g"),
        ("put", "/rdf-graph-store?graph=https://example.org/g"),
        ("delete", "/rdf-graph-store?graph=https://example.org/g"),
    ],
)
def test_without_a_configured_token_writes_are_403_and_change_nothing(
    closed_client: FlaskClient, store: Store, method: str, path: str
) -> None:
    before = dump(store)
    response = getattr(closed_client, method)(path, data={"update": VALID}, headers=AUTH)
    assert response.status_code == 403 and "switched off" in error(response)["error"]
    assert dump(store) == before


@pytest.mark.parametrize(
    "authorization", [None, "", "Basic dXNlcjpwYXNz", "Bearer", f"Token {TOKEN}"]
)
def test_a_write_without_a_bearer_token_is_401_with_a_challenge(
    client: FlaskClient, store: Store, authorization: str | None
) -> None:
    before = dump(store)
    headers = {"Authorization": authorization} if authorization is not None else {}
    response = client.post("/sparql/update", data={"update": VALID}, headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer ")
    error(response)
    assert dump(store) == before


@pytest.mark.parametrize("token", ["wrong", TOKEN + "x", TOKEN[:-1], TOKEN.upper()])
def test_a_wrong_token_is_403(client: FlaskClient, store: Store, token: str) -> None:
    before = dump(store)
    response = client.post(
        "/sparql/update", data={"update": VALID}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 403 and token not in response.get_data(as_text=True)
    assert dump(store) == before


def test_the_token_is_never_logged(client: FlaskClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    client.post("/sparql/update", data={"update": VALID}, headers=AUTH)
    client.post("/sparql/update", data={"update": "nonsense"}, headers=AUTH)
    client.post("/sparql/update", data={"update": VALID}, headers={"Authorization": "Bearer no"})
    assert caplog.records, "requests are logged"
    assert all(TOKEN not in record.getMessage() for record in caplog.records)


# ---- SPARQL Update -------------------------------------------------------------------------


def test_an_update_by_form_is_committed_and_changes_the_version(
    client: FlaskClient, store: Store
) -> None:
    before = client.get("/health").get_json()["version"]
    response = client.post("/sparql/update", data={"update": VALID}, headers=AUTH)
    assert response.status_code == 200
    body = response.get_json()
    assert (body["ok"], body["added"], body["removed"]) == (True, 2, 0)
    assert body["graphs"] == [ACTORS] and body["activity"].startswith(IRIS.id_prefix + "change/")
    assert body["version"] == client.get("/health").get_json()["version"] != before
    assert {"stage", "validate", "infer"} <= set(body["seconds"])
    assert response.headers["Cache-Control"] == "no-store"
    label = Literal("Brigade", lang="en")
    assert store.query(f"ASK {{ <{ACTOR}brigade> <{SKOS.prefLabel}> {label.n3()} }}").boolean


def test_an_update_posted_directly_is_committed(client: FlaskClient) -> None:
    response = client.post(
        "/sparql/update",
        data=VALID.encode(),
        headers={"Content-Type": "application/sparql-update", **AUTH},
    )
    assert response.status_code == 200 and response.get_json()["added"] == 2


def test_the_query_etag_changes_after_a_write(client: FlaskClient) -> None:
    ask = {"query": f"ASK {{ <{ACTOR}brigade> ?p ?o }}"}
    first = client.get("/sparql", query_string=ask, headers={"Accept": "application/json"})
    client.post("/sparql/update", data={"update": VALID}, headers=AUTH)
    again = client.get(
        "/sparql",
        query_string=ask,
        headers={"Accept": "application/json", "If-None-Match": first.headers["ETag"]},
    )
    assert again.status_code == 200 and again.get_json()["boolean"] is True


def test_using_graph_uri_is_read_from_the_url_or_the_form(client: FlaskClient) -> None:
    text = (
        f"INSERT {{ GRAPH <{NOTES}> {{ ?s <https://example.org/seen> true }} }} "
        "WHERE {{ ?s ?p ?o }}"
    )
    sources = IRIS.data_graph("sources")
    response = client.post(
        "/sparql/update", data={"update": text, "using-graph-uri": sources}, headers=AUTH
    )
    assert response.status_code == 200 and response.get_json()["added"] == 1
    bad = client.post(
        "/sparql/update", data={"update": text, "using-graph-uri": "not an iri"}, headers=AUTH
    )
    assert bad.status_code == 400


def test_get_never_updates(client: FlaskClient, store: Store) -> None:
    before = dump(store)
    assert (
        client.get("/sparql/update", query_string={"update": VALID}, headers=AUTH).status_code
        == 405
    )
    assert client.get("/sparql", query_string={"update": VALID}, headers=AUTH).status_code == 400
    assert dump(store) == before


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({"data": b"x", "headers": {"Content-Type": "text/plain"}}, 415),
        ({"data": {"update": ["INSERT DATA {}", "INSERT DATA {}"]}}, 400),
        ({"data": {"update": "   "}}, 400),
        ({"data": {"update": "# " + "x" * 70000}}, 413),
        ({"data": {"query": "ASK {}"}}, 400),
        ({"data": b"\xff\xfe", "headers": {"Content-Type": "application/sparql-update"}}, 400),
        ({"data": {"update": "INSERT DATA { GRAPH <a:g> {\n <a:s> <a:p> "}}, 400),
    ],
)
def test_malformed_updates_get_the_status_the_protocol_gives(
    client: FlaskClient, store: Store, kwargs: dict[str, object], status: int
) -> None:
    before = dump(store)
    kwargs = dict(kwargs)  # the parameters are shared by every store
    headers = {**AUTH, **kwargs.pop("headers", {})}  # type: ignore[dict-item]
    response = client.post("/sparql/update", headers=headers, **kwargs)  # type: ignore[arg-type]
    assert response.status_code == status
    error(response)
    assert dump(store) == before


def test_a_syntax_error_in_an_update_says_where(client: FlaskClient) -> None:
    response = client.post(
        "/sparql/update",
        data={"update": "INSERT DATA {\n  GRAPH <a:g> { <a:s> ?p }\n}"},
        headers=AUTH,
    )
    body = error(response)
    assert response.status_code == 400 and body["line"] == 2 and body["column"] >= 1


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (f"INSERT DATA {{ GRAPH <{IRIS.ontology_graph}> {{ <a:s> <a:p> <a:o> }} }}", "ontology"),
        (f"DELETE WHERE {{ GRAPH <{IRIS.inferred_graph}> {{ ?s ?p ?o }} }}", "inferred"),
        ("INSERT DATA { <a:s> <a:p> <a:o> }", "default graph"),
    ],
)
def test_writes_into_read_only_graphs_are_refused_clearly(
    client: FlaskClient, store: Store, text: str, words: str
) -> None:
    before = dump(store)
    response = client.post("/sparql/update", data={"update": text}, headers=AUTH)
    assert response.status_code == 403 and words in error(response)["error"]
    assert dump(store) == before


# ---- the SHACL gate --------------------------------------------------------------------------


def test_a_write_breaking_the_shapes_is_422_naming_focus_node_path_and_message(
    client: FlaskClient, store: Store
) -> None:
    before = dump(store)
    response = client.post("/sparql/update", data={"update": INVALID}, headers=AUTH)
    assert response.status_code == 422 and response.mimetype == "application/json"
    body = error(response)
    detail = next(e for e in body["errors"] if f"{ACTOR}nameless" in e)  # type: ignore[attr-defined]
    assert "prefLabel" in detail and "needs a preferred label" in detail
    assert "Does not conform" in body["report"]  # type: ignore[operator]
    assert response.headers["X-Validation-Conforms"] == "false"
    assert dump(store) == before


@pytest.mark.parametrize(
    ("accept", "rdf_format"),
    [
        ("text/turtle", "turtle"),
        ("application/ld+json", "json-ld"),
        ("application/n-triples", "nt"),
    ],
)
def test_the_422_report_is_an_sh_validation_report_when_asked(
    client: FlaskClient, accept: str, rdf_format: str
) -> None:
    response = client.post(
        "/sparql/update", data={"update": INVALID}, headers={"Accept": accept, **AUTH}
    )
    assert response.status_code == 422 and response.mimetype == accept
    report = Graph().parse(data=response.get_data(), format=rdf_format)
    node = next(report.subjects(predicate=None, object=SH.ValidationReport))
    assert report.value(node, SH.conforms) == Literal(False)
    assert (None, SH.focusNode, URIRef(ACTOR + "nameless")) in report


def test_the_422_report_is_readable_text_when_asked(client: FlaskClient) -> None:
    response = client.post(
        "/sparql/update", data={"update": INVALID}, headers={"Accept": "text/plain", **AUTH}
    )
    assert response.status_code == 422 and response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    assert "focus node" in text and "nameless" in text


def test_a_browser_gets_the_422_as_an_html_page(client: FlaskClient) -> None:
    response = client.post(
        "/sparql/update", data={"update": INVALID}, headers={"Accept": "text/html", **AUTH}
    )
    assert response.status_code == 422 and response.mimetype == "text/html"


def test_a_write_running_past_the_write_timeout_is_stopped_and_changes_nothing(
    settings: Settings, store: Store
) -> None:
    app = create_app(settings.replace(write_token=TOKEN, write_timeout_s=0.01), store)
    before = dump(store)
    response = app.test_client().post("/sparql/update", data={"update": VALID}, headers=AUTH)
    assert response.status_code == 503
    assert "stopped after" in error(response)["error"]
    assert dump(store) == before


# ---- history ---------------------------------------------------------------------------------


def test_a_write_is_recorded_with_the_token_holders_name(client: FlaskClient, store: Store) -> None:
    client.post("/sparql/update", data={"update": VALID}, headers=AUTH)
    entries = entity_history(store, IRIS, ACTOR + "brigade")
    assert len(entries) == 1
    assert entries[0].agent_name == "Data desk" and entries[0].added == 2


# ---- Graph Store Protocol --------------------------------------------------------------------

DOC = b"<https://example.org/a> <https://example.org/says> 'hello' ."


def test_put_creates_201_then_replaces_204_and_get_reads_it(client: FlaskClient) -> None:
    url = f"/rdf-graph-store?graph={NOTES}"
    created = client.put(url, data=DOC, headers=TURTLE)
    assert created.status_code == 201 and created.headers["Location"].endswith(url)
    replaced = client.put(url, data=DOC.replace(b"hello", b"bye"), headers=TURTLE)
    assert replaced.status_code == 204 and replaced.get_data() == b""
    got = client.get(url, headers={"Accept": "application/n-triples"})
    assert got.status_code == 200 and got.mimetype == "application/n-triples"
    graph = Graph().parse(data=got.get_data(), format="nt")
    assert set(graph.objects()) == {Literal("bye")}
    assert client.head(url).status_code == 200


def test_post_merges_into_a_graph(client: FlaskClient, store: Store) -> None:
    url = f"/rdf-graph-store?graph={NOTES}"
    assert client.post(url, data=DOC, headers=TURTLE).status_code == 201
    more = DOC.replace(b"hello", b"again")
    assert client.post(url, data=more, headers=TURTLE).status_code == 204
    assert store.count(NOTES) == 2


def test_delete_removes_a_graph_then_it_is_404(client: FlaskClient) -> None:
    url = f"/rdf-graph-store?graph={NOTES}"
    client.put(url, data=DOC, headers=TURTLE)
    assert client.delete(url, headers=AUTH).status_code == 204
    assert client.get(url).status_code == 404
    assert client.delete(url, headers=AUTH).status_code == 404


def test_the_default_graph_is_read_as_the_union_and_never_written(client: FlaskClient) -> None:
    got = client.get("/rdf-graph-store?default", headers={"Accept": "text/turtle"})
    assert got.status_code == 200
    assert (URIRef(ACTOR + "ocrteh"), None, None) in Graph().parse(data=got.get_data())
    refused = client.put("/rdf-graph-store?default", data=DOC, headers=TURTLE)
    assert refused.status_code == 405 and "GET" in refused.headers["Allow"]


@pytest.mark.parametrize(
    "query",
    ["", "?graph=a&graph=b", f"?graph={NOTES}&default", "?graph=relative/iri", "?graph=a%20b:c"],
)
def test_the_graph_must_be_named_once_by_an_absolute_iri(client: FlaskClient, query: str) -> None:
    response = client.put("/rdf-graph-store" + query, data=DOC, headers=TURTLE)
    assert response.status_code == 400
    error(response)


@pytest.mark.parametrize(
    ("content_type", "status"),
    [("text/html", 415), ("application/trig", 415), ("", 415), ("text/turtle", 201)],
)
def test_uploads_need_a_graph_media_type(
    client: FlaskClient, content_type: str, status: int
) -> None:
    response = client.put(
        f"/rdf-graph-store?graph={NOTES}", data=DOC, headers={"Content-Type": content_type, **AUTH}
    )
    assert response.status_code == status


def test_a_put_breaking_the_shapes_is_422_and_keeps_the_graph(
    client: FlaskClient, store: Store
) -> None:
    before = dump(store)
    body = f"<{ACTOR}nameless> a <https://w3id.org/thb-graph/ontology#GovernmentBody> .".encode()
    response = client.put(f"/rdf-graph-store?graph={ACTORS}", data=body, headers=TURTLE)
    assert response.status_code == 422
    assert dump(store) == before


def test_writes_into_the_ontology_by_the_graph_store_are_refused(
    client: FlaskClient, store: Store
) -> None:
    before = dump(store)
    response = client.delete(f"/rdf-graph-store?graph={IRIS.ontology_graph}", headers=AUTH)
    assert response.status_code == 403 and "ontology" in error(response)["error"]
    assert dump(store) == before


# ---- HTTP hygiene ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("post", "/sparql/update", {"data": {"update": VALID}, "headers": AUTH}),
        ("post", "/sparql/update", {"data": {"update": INVALID}, "headers": AUTH}),
        ("post", "/sparql/update", {"data": {"update": VALID}}),
        ("options", "/sparql/update", {"headers": {"Origin": "https://elsewhere.example"}}),
        ("options", "/rdf-graph-store", {"headers": {"Origin": "https://elsewhere.example"}}),
        ("put", f"/rdf-graph-store?graph={NOTES}", {"data": DOC, "headers": TURTLE}),
        ("delete", f"/rdf-graph-store?graph={NOTES}", {"headers": AUTH}),
    ],
)
def test_writes_never_carry_cors_headers(
    client: FlaskClient, method: str, path: str, kwargs: dict[str, object]
) -> None:
    response = getattr(client, method)(path, **kwargs)
    assert not [h for h, _ in response.headers if h.lower().startswith("access-control-")]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
