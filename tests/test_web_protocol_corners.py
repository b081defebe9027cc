"""Corners of the SPARQL 1.1 Protocol and the Graph Store Protocol: relative IRIs of an
update resolved against the base IRI, a POST to the graph store itself creating a graph
(201 and Location, GSP §5.5), and a multipart/form-data POST of several files written in
one transaction, all or nothing, gated by the shapes like every write."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from thb_graph.config import Settings
from thb_graph.kg.iris import Iris
from thb_graph.kg.store.base import Store
from thb_graph.namespaces import SKOS
from thb_graph.web import create_app

TOKEN = "corners-token-0d9e"  # noqa: S105 - a test token
AUTH = {"Authorization": f"Bearer {TOKEN}"}
IRIS = Iris()
THB = IRIS.ontology
NOTES = IRIS.graph("notes")
BRIGADE = IRIS.entity("actor", "brigade")
UNIT = f"""@prefix thb: <{THB}> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<{BRIGADE}> a thb:LawEnforcementUnit ; skos:prefLabel "Brigade"@en ."""
UNIT_TRIPLES = (
    f"<{BRIGADE}> a <{THB}LawEnforcementUnit> ;"
    f' <http://www.w3.org/2004/02/skos/core#prefLabel> "Brigade"@en .'
)
#: A government body without the name the shapes require.
NAMELESS = f"<{IRIS.entity('actor', 'nameless')}> a <{THB}GovernmentBody> ."


@pytest.fixture
def client(settings: Settings, store: Store) -> Iterator[FlaskClient]:
    app = create_app(settings.replace(write_token=TOKEN), store)
    app.config["TESTING"] = True
    yield app.test_client()


def dump(store: Store) -> list[bytes]:
    return sorted(store.dump("application/n-quads").splitlines())


def graph_of(store: Store, iri: str) -> Graph:
    graph = Graph()
    graph.parse(data=store.dump("application/n-triples", iri), format="nt")
    return graph


def update(client: FlaskClient, text: str) -> object:
    return client.post("/sparql/update", data={"update": text}, headers=AUTH)


# ---- relative IRIs in an update -------------------------------------------------------------


def test_relative_iris_of_an_update_resolve_against_the_base_iri(
    client: FlaskClient, store: Store
) -> None:
    answer = update(
        client,
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
        "INSERT DATA { GRAPH <graph/notes> { <id/actor/brigade> a <ontology#LawEnforcementUnit> ;"
        ' skos:prefLabel "Brigade"@en ; skos:note <#here> } }',
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)  # type: ignore[attr-defined]
    notes = graph_of(store, NOTES)
    assert (URIRef(BRIGADE), RDF.type, URIRef(THB + "LawEnforcementUnit")) in notes
    assert (URIRef(BRIGADE), SKOS.note, URIRef(IRIS.base + "#here")) in notes


def test_a_base_in_the_update_wins_over_the_base_iri(client: FlaskClient, store: Store) -> None:
    answer = update(
        client,
        "BASE <https://example.org/space/>\nINSERT DATA { GRAPH <https://example.org/notes> {"
        " <https://example.org/a> <https://example.org/p> <thing> } }",
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)  # type: ignore[attr-defined]
    graph = graph_of(store, "https://example.org/notes")
    assert set(graph.objects()) == {URIRef("https://example.org/space/thing")}


def test_relative_iris_resolve_in_where_delete_and_clear_too(
    client: FlaskClient, store: Store
) -> None:
    assert (
        update(client, f"INSERT DATA {{ GRAPH <{NOTES}> {{ {UNIT_TRIPLES} }} }}").status_code == 200
    )  # type: ignore[attr-defined]
    deleted = update(
        client,
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
        "DELETE { GRAPH <graph/notes> { ?s skos:prefLabel ?l } }\n"
        'INSERT { GRAPH <graph/notes> { ?s skos:prefLabel "Brigade centrale"@fr } }\n'
        "WHERE { GRAPH <graph/notes> { ?s a <ontology#LawEnforcementUnit> ; skos:prefLabel ?l } }",
    )
    assert deleted.status_code == 200, deleted.get_data(as_text=True)  # type: ignore[attr-defined]
    labels = set(graph_of(store, NOTES).objects(URIRef(BRIGADE), SKOS.prefLabel))
    assert labels == {Literal("Brigade centrale", lang="fr")}
    cleared = update(client, "CLEAR GRAPH <graph/notes>")
    assert cleared.status_code == 200, cleared.get_data(as_text=True)  # type: ignore[attr-defined]
    assert NOTES not in store.graph_names()


# ---- POST to the graph store itself ----------------------------------------------------------


def test_a_post_to_the_store_creates_a_graph_under_the_base_with_201_and_location(
    client: FlaskClient, store: Store
) -> None:
    answer = client.post(
        "/rdf-graph-store", data=UNIT, headers={"Content-Type": "text/turtle", **AUTH}
    )
    assert answer.status_code == 201, answer.get_data(as_text=True)
    body = answer.get_json()
    graph = body["graph"]
    assert graph.startswith(IRIS.graph("posted/"))
    assert graph in store.graph_names()
    assert (URIRef(BRIGADE), RDF.type, URIRef(THB + "LawEnforcementUnit")) in graph_of(store, graph)
    # Location is where this server serves the new graph: the graph IRI itself when the
    # server is mounted at the base; here the same path under the test host.
    location = answer.headers["Location"]
    assert location == "http://localhost/" + IRIS.local_path(graph)  # type: ignore[operator]
    fetched = client.get(location, headers={"Accept": "text/turtle"})
    assert fetched.status_code == 200
    assert len(Graph().parse(data=fetched.data, format="turtle")) == len(graph_of(store, graph))


def test_two_posts_to_the_store_create_two_graphs(client: FlaskClient) -> None:
    headers = {"Content-Type": "text/turtle", **AUTH}
    first = client.post("/rdf-graph-store", data=UNIT, headers=headers).get_json()["graph"]
    second = client.post("/rdf-graph-store", data=UNIT, headers=headers).get_json()["graph"]
    assert first != second


def test_a_refused_post_to_the_store_creates_nothing(client: FlaskClient, store: Store) -> None:
    before = dump(store)
    answer = client.post(
        "/rdf-graph-store", data=NAMELESS, headers={"Content-Type": "text/turtle", **AUTH}
    )
    assert answer.status_code == 422
    assert dump(store) == before


def test_an_empty_post_to_the_store_is_400(client: FlaskClient, store: Store) -> None:
    before = dump(store)
    answer = client.post(
        "/rdf-graph-store", data=b"", headers={"Content-Type": "text/turtle", **AUTH}
    )
    assert answer.status_code == 400
    assert answer.get_json()["error"]
    assert dump(store) == before


def test_put_and_delete_still_need_a_graph(client: FlaskClient) -> None:
    for method in ("put", "delete"):
        answer = getattr(client, method)(
            "/rdf-graph-store", data=UNIT, headers={"Content-Type": "text/turtle", **AUTH}
        )
        assert answer.status_code == 400


# ---- multipart/form-data: several files, one transaction ----------------------------------


def files(*parts: tuple[str, bytes, str | None]) -> dict[str, object]:
    """A multipart body: each part (filename, bytes, Content-Type or None)."""
    return {
        "file": [
            (io.BytesIO(data), name, media_type) if media_type else (io.BytesIO(data), name)
            for name, data, media_type in parts
        ]
    }


LABEL_NT = f'<{BRIGADE}> <http://www.w3.org/2004/02/skos/core#altLabel> "Brigade A" .\n'.encode()
LABEL_JSONLD = (
    f'{{"@id": "{BRIGADE}", "http://www.w3.org/2004/02/skos/core#altLabel": "Brigade B"}}'
).encode()


def test_a_multipart_post_writes_every_file_in_one_write(client: FlaskClient, store: Store) -> None:
    answer = client.post(
        f"/rdf-graph-store?graph={NOTES}",
        data=files(
            ("unit.ttl", UNIT.encode(), "text/turtle"),
            ("labels.nt", LABEL_NT, None),  # the type from the extension
            ("more.jsonld", LABEL_JSONLD, "application/ld+json"),
        ),
        headers=AUTH,
        content_type="multipart/form-data",
    )
    assert answer.status_code == 201, answer.get_data(as_text=True)
    notes = graph_of(store, NOTES)
    assert set(notes.objects(URIRef(BRIGADE), SKOS.altLabel)) == {
        Literal("Brigade A"),
        Literal("Brigade B"),
    }
    assert (URIRef(BRIGADE), RDF.type, URIRef(THB + "LawEnforcementUnit")) in notes
    history = client.get("/id/actor/brigade", headers={"Accept": "text/html"})
    assert history.data.count(b"data-activity=") == 1, "one write, one history entry"


def test_a_multipart_post_to_the_store_creates_one_graph(client: FlaskClient, store: Store) -> None:
    answer = client.post(
        "/rdf-graph-store",
        data=files(("unit.ttl", UNIT.encode(), None), ("labels.nt", LABEL_NT, None)),
        headers=AUTH,
        content_type="multipart/form-data",
    )
    assert answer.status_code == 201, answer.get_data(as_text=True)
    graph = answer.get_json()["graph"]
    assert len(graph_of(store, graph)) == 3


@pytest.mark.parametrize(
    ("bad", "status"),
    [
        (("nameless.ttl", NAMELESS.encode(), "text/turtle"), 422),  # the shapes refuse it
        (("broken.ttl", b"<a> <b> ", "text/turtle"), 400),  # does not parse
        (("notes.txt", b"hello", "text/plain"), 415),  # not RDF
    ],
    ids=["shapes", "syntax", "media-type"],
)
def test_a_multipart_post_is_all_or_nothing(
    client: FlaskClient, store: Store, bad: tuple[str, bytes, str], status: int
) -> None:
    before = dump(store)
    answer = client.post(
        f"/rdf-graph-store?graph={NOTES}",
        data=files(("unit.ttl", UNIT.encode(), "text/turtle"), bad),
        headers=AUTH,
        content_type="multipart/form-data",
    )
    assert answer.status_code == status, answer.get_data(as_text=True)
    body = answer.get_json()
    assert body["ok"] is False
    if status != 422:
        assert bad[0] in body["error"], "the error names the file"
    assert dump(store) == before


def test_a_multipart_post_needs_the_token(client: FlaskClient, store: Store) -> None:
    before = dump(store)
    answer = client.post(
        f"/rdf-graph-store?graph={NOTES}",
        data=files(("unit.ttl", UNIT.encode(), "text/turtle")),
        content_type="multipart/form-data",
    )
    assert answer.status_code == 401
    assert dump(store) == before


def test_a_multipart_field_that_is_not_a_file_is_400(client: FlaskClient) -> None:
    answer = client.post(
        f"/rdf-graph-store?graph={NOTES}",
        data={"note": "not a file", **files(("unit.ttl", UNIT.encode(), "text/turtle"))},
        headers=AUTH,
        content_type="multipart/form-data",
    )
    assert answer.status_code == 400
    assert "note" in answer.get_json()["error"]


def test_the_location_of_a_new_graph_follows_the_mount_point(client: FlaskClient) -> None:
    mounted = {"SCRIPT_NAME": "/kg"}
    answer = client.post(
        "/rdf-graph-store",
        data=UNIT,
        headers={"Content-Type": "text/turtle", **AUTH},
        environ_overrides=mounted,
    )
    assert answer.status_code == 201, answer.get_data(as_text=True)
    location = answer.headers["Location"]
    path = IRIS.local_path(answer.get_json()["graph"])
    assert location == f"http://localhost/kg/{path}"
    fetched = client.get(f"/{path}", headers={"Accept": "text/turtle"}, environ_overrides=mounted)
    assert fetched.status_code == 200
    assert (URIRef(BRIGADE), RDF.type, URIRef(THB + "LawEnforcementUnit")) in Graph().parse(
        data=fetched.data, format="turtle"
    )
