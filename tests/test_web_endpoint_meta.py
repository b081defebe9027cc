"""VoID/DCAT at /.well-known/void, /health, `serve --get`, and the layering of `sparql`."""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, VOID

from thb_graph.config import Settings, load_settings
from thb_graph.kg.load import build_store
from thb_graph.kg.store import open_store
from thb_graph.kg.store.base import Store
from thb_graph.web import create_app
from thb_graph.web.serve import answer_once

MINI = Path(__file__).resolve().parent / "data" / "mini"
BASE = "https://w3id.org/thb-graph/"


@pytest.fixture(scope="module")
def built() -> Iterator[tuple[Settings, Store]]:
    settings = load_settings(
        env={}, overrides={"source_dir": str(MINI), "store": "oxigraph:memory"}
    )
    store = open_store(settings)
    build_store(settings, store)
    yield settings, store
    store.close()


@pytest.fixture
def app(built: tuple[Settings, Store]) -> Flask:
    application = create_app(*built)
    application.config["TESTING"] = True
    return application


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def test_void_describes_counts_endpoint_and_dumps(
    client: FlaskClient, built: tuple[Settings, Store]
) -> None:
    _, store = built
    response = client.get("/.well-known/void")
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    graph = Graph().parse(data=response.data, format="turtle")
    datasets = set(graph.subjects(VOID.sparqlEndpoint, URIRef("http://localhost/sparql")))
    assert len(datasets) == 1
    dataset = datasets.pop()
    assert (dataset, RDF.type, DCAT.Dataset) in graph
    total = graph.value(dataset, VOID.triples)
    assert isinstance(total, Literal) and int(total) == sum(
        store.count(g) for g in store.graph_names()
    )
    for name in store.graph_names():
        assert (dataset, VOID.subset, URIRef(name)) in graph
        assert int(graph.value(URIRef(name), VOID.triples)) == store.count(name)  # type: ignore[arg-type]
    dumps = {str(d) for d in graph.objects(dataset, VOID.dataDump)}
    assert any(d.endswith(".ttl") for d in dumps) and any(d.endswith(".trig") for d in dumps)
    assert all("/download/" in d for d in dumps)
    for dump in dumps:
        assert client.get(dump.replace("http://localhost", "")).status_code == 200, dump
    assert graph.value(dataset, DCTERMS.license) is not None or not _licensed(store)


def _licensed(store: Store) -> bool:
    return bool(store.query("ASK { ?x <http://purl.org/dc/terms/license> ?l }").boolean)


@pytest.mark.parametrize(("fmt", "reader"), [("jsonld", "json-ld"), ("nt", "nt"), ("rdf", "xml")])
def test_void_in_other_rdf_formats(client: FlaskClient, fmt: str, reader: str) -> None:
    response = client.get("/.well-known/void", query_string={"format": fmt})
    assert response.status_code == 200
    graph = Graph().parse(data=response.data, format=reader)
    assert any(graph.subjects(VOID.sparqlEndpoint, None))


def test_void_is_406_for_results_types(client: FlaskClient) -> None:
    response = client.get("/.well-known/void", headers={"Accept": "text/csv"})
    assert response.status_code == 406


def test_void_has_an_etag_and_answers_304(client: FlaskClient) -> None:
    first = client.get("/.well-known/void")
    again = client.get("/.well-known/void", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_health_reports_the_store(client: FlaskClient) -> None:
    body = client.get("/health").get_json()
    assert body["ok"] is True and body["store"] == "oxigraph" and body["graphs"] >= 1


def test_serve_get_answers_one_request_in_process(tmp_path: Path) -> None:
    settings = load_settings(env={}, overrides={"source_dir": str(MINI), "store": "memory"})
    out = io.BytesIO()
    code = answer_once(settings, "/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D", out)
    assert code == 0 and out.getvalue() == b'{"head":{},"boolean":true}'
    bad = io.BytesIO()
    assert answer_once(settings, "/sparql?query=ASK%7B", bad) == 2
    assert b'"status":400' in bad.getvalue().replace(b" ", b"")


def test_sparql_package_never_imports_the_web_layer() -> None:
    code = (
        "import sys\n"
        "import thb_graph.sparql.answer, thb_graph.sparql.executor, thb_graph.sparql.describe\n"
        "import thb_graph.kg.queries\n"
        "bad = [m for m in ('flask', 'werkzeug', 'click') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
