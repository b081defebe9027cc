"""Releases on the web: version IRIs resolve, old releases' files are served, and every
answer, VoID and the service description say which version they come from."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, OWL

from htmlparse import parse_html
from thb_graph.config import Settings, load_settings
from thb_graph.export.release import make_release
from thb_graph.kg.build import content_hash
from thb_graph.kg.load import build_store
from thb_graph.kg.store import open_store
from thb_graph.kg.store.base import Store
from thb_graph.web import create_app

BASE = "https://w3id.org/thb-graph/"
V1 = URIRef(BASE + "release/0.1.0")


@pytest.fixture
def released(source_tree: Path, tmp_path: Path) -> Iterator[tuple[Settings, Store]]:
    """The fixture graph, built and released as 0.1.0 into a releases folder."""
    settings = load_settings(
        env={},
        overrides={
            "source_dir": str(source_tree),
            "store": "memory",
            "releases_dir": str(tmp_path / "releases"),
        },
    )
    store = open_store(settings)
    build_store(settings, store)
    make_release(
        store,
        version="0.1.0",
        out=settings.releases_dir,
        base_iri=BASE,
        content_hash=content_hash(settings),
        issued=datetime.date(2026, 1, 2),
    )
    yield settings, store
    store.close()


@pytest.fixture
def client(released: tuple[Settings, Store]) -> FlaskClient:
    app = create_app(*released)
    app.config["TESTING"] = True
    return app.test_client()


def test_every_answer_names_the_version_it_comes_from(client: FlaskClient) -> None:
    for path in ("/", "/sparql?query=ASK%7B%7D", "/id/actor/ocrteh", "/no/such/page"):
        response = client.get(path)
        assert response.headers["X-THB-Version"] == "0.1.0", path
        assert response.headers["X-THB-Version-IRI"] == str(V1), path


def test_the_version_iri_resolves_to_its_description(client: FlaskClient) -> None:
    response = client.get("/release/0.1.0", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.mimetype == "text/turtle"
    graph = Graph().parse(data=response.data, format="turtle")
    assert (V1, OWL.versionIRI, V1) in graph
    assert (V1, URIRef(str(DCAT) + "version"), Literal("0.1.0")) in graph
    page = client.get("/release/0.1.0", headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.mimetype == "text/html"
    links = [a.get("href") for a in parse_html(page.data).find_all("a")]
    assert "/release/0.1.0/thb-graph-0.1.0.nq.gz" in links


def test_a_released_file_is_served_with_its_checksum(
    client: FlaskClient, released: tuple[Settings, Store]
) -> None:
    (folder,) = Path(released[0].releases_dir).iterdir()
    expected = (folder / "thb-graph-0.1.0.ttl.gz").read_bytes()
    with client.get("/release/0.1.0/thb-graph-0.1.0.ttl.gz") as response:
        assert response.status_code == 200 and response.mimetype == "application/gzip"
        assert response.data == expected
        assert response.headers["ETag"].strip('"') == hashlib.sha256(expected).hexdigest()
    with client.get("/release/0.1.0/SHA256SUMS") as response:
        assert response.status_code == 200


@pytest.mark.parametrize(
    "path",
    ["/release/9.9.9", "/release/0.1.0/release.json", "/release/0.1.0/..%2F..%2Fsecret"],
)
def test_unknown_releases_and_files_are_404(client: FlaskClient, path: str) -> None:
    response = client.get(path, headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.get_json()["ok"] is False


def test_downloads_list_the_releases(client: FlaskClient) -> None:
    page = parse_html(client.get("/download/").data)
    links = [a.get("href") for a in page.find_all("a")]
    assert "/release/0.1.0" in links


def test_void_and_the_service_description_state_the_version(client: FlaskClient) -> None:
    for path in ("/.well-known/void", "/sparql"):
        response = client.get(path, headers={"Accept": "text/turtle"})
        graph = Graph().parse(data=response.data, format="turtle")
        assert (None, OWL.versionInfo, Literal("0.1.0")) in graph, path
        assert (None, URIRef(str(DCAT) + "hasCurrentVersion"), V1) in graph, path


def test_a_store_built_from_unreleased_sources_says_so(
    released: tuple[Settings, Store], source_tree: Path
) -> None:
    settings, store = released
    actors = source_tree / "data" / "actors.ttl"
    actors.write_text(actors.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    build_store(settings, store)
    response = create_app(settings, store).test_client().get("/health")
    assert response.headers["X-THB-Version"] == "unreleased"
    assert "X-THB-Version-IRI" not in response.headers
