"""/sparql through the Flask test client: the protocol, negotiation, errors, guards, hygiene."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from rdflib.query import Result

from thb_graph.config import load_settings
from thb_graph.kg.load import build_store
from thb_graph.kg.store import open_store
from thb_graph.namespaces import SD
from thb_graph.web import create_app

MINI = Path(__file__).resolve().parent / "data" / "mini"
BASE = "https://w3id.org/thb-graph/"
ACTORS = BASE + "graph/data/actors"
ONTOLOGY = BASE + "graph/ontology"
ALL = "SELECT * WHERE { ?s ?p ?o }"
ORGS = (
    "PREFIX org: <http://www.w3.org/ns/org#> SELECT ?o WHERE { ?o a org:Organization } ORDER BY ?o"
)
CONSTRUCT = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{ACTORS}> {{ ?s ?p ?o }} }}"
#: Fewer triples than the cap: the types of OCRTEH as the actors file gives them.
SMALL_CONSTRUCT = (
    f"CONSTRUCT {{ ?s a ?t }} WHERE {{ GRAPH <{ACTORS}> {{ ?s a ?t }} "
    f"FILTER(?s = <{BASE}id/actor/ocrteh>) }}"
)
JSON = "application/sparql-results+json"
MAX_ROWS = 5


@pytest.fixture(scope="module", params=["oxigraph:memory", "memory"])
def app(request: pytest.FixtureRequest) -> Iterator[Flask]:
    settings = load_settings(
        env={},
        overrides={
            "source_dir": str(MINI),
            "store": request.param,
            "max_result_rows": MAX_ROWS,
            "query_timeout_s": 2,
            "max_query_bytes": 2000,
            "workers": 2,
        },
    )
    store = open_store(settings)
    build_store(settings, store)
    application = create_app(settings, store)
    application.config["TESTING"] = True
    yield application
    application.extensions["thb_graph"].close()
    store.close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def editor_config(html: str) -> dict[str, Any]:
    """The JSON configuration block the editor page embeds."""

    class Reader(HTMLParser):
        found: str | None = None
        inside = False

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.inside = tag == "script" and ("id", "sparql-config") in attrs

        def handle_data(self, data: str) -> None:
            if self.inside:
                self.found = data

        def handle_endtag(self, tag: str) -> None:
            self.inside = False

    reader = Reader()
    reader.feed(html)
    assert reader.found is not None
    return dict(json.loads(reader.found))


def rows(body: bytes, fmt: str = "json") -> list[tuple[object, ...]]:
    return [tuple(r) for r in Result.parse(io.BytesIO(body), format=fmt)]


# ---- the three ways in ------------------------------------------------------------------


def test_query_by_get(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": ORGS}, headers={"Accept": JSON})
    assert response.status_code == 200
    assert response.mimetype == JSON
    assert len(rows(response.data)) >= 2


def test_query_by_post_form_gives_the_same_answer_as_get(client: FlaskClient) -> None:
    get = client.get("/sparql", query_string={"query": ORGS})
    post = client.post("/sparql", data={"query": ORGS})
    assert post.status_code == 200 and rows(post.data) == rows(get.data)


def test_query_by_post_direct_gives_the_same_answer_as_get(client: FlaskClient) -> None:
    get = client.get("/sparql", query_string={"query": ORGS})
    post = client.post("/sparql", data=ORGS, content_type="application/sparql-query")
    assert post.status_code == 200 and rows(post.data) == rows(get.data)


def test_head_has_the_headers_and_no_body(client: FlaskClient) -> None:
    response = client.head("/sparql", query_string={"query": ORGS})
    assert response.status_code == 200
    assert response.mimetype == JSON and response.data == b""
    assert int(response.headers["Content-Length"]) > 0


# ---- negotiation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "fmt", "media_type", "reader"),
    [
        (JSON, None, JSON, "json"),
        ("application/json", None, "application/json", "json"),
        ("application/sparql-results+xml", None, "application/sparql-results+xml", "xml"),
        ("text/csv", None, "text/csv", "csv"),
        ("text/tab-separated-values", None, "text/tab-separated-values", "tsv"),
        ("*/*", None, JSON, "json"),
        (None, None, JSON, "json"),
        ("text/csv", "json", JSON, "json"),
        ("text/html", "xml", "application/sparql-results+xml", "xml"),
        (JSON, "csv", "text/csv", "csv"),
        (JSON, "tsv", "text/tab-separated-values", "tsv"),
    ],
)
def test_select_results_in_every_format(
    client: FlaskClient, accept: str | None, fmt: str | None, media_type: str, reader: str
) -> None:
    query = {"query": ORGS, **({"format": fmt} if fmt else {})}
    response = client.get("/sparql", query_string=query, headers={"Accept": accept or ""})
    assert response.status_code == 200
    assert response.mimetype == media_type
    assert "Accept" in response.headers["Vary"]
    found = {str(r[0]) for r in rows(response.data, reader)}
    assert BASE + "id/actor/ocrteh" in found


@pytest.mark.parametrize(
    ("accept", "fmt", "media_type", "reader"),
    [
        ("text/turtle", None, "text/turtle", "turtle"),
        ("application/n-triples", None, "application/n-triples", "nt"),
        ("application/ld+json", None, "application/ld+json", "json-ld"),
        ("application/rdf+xml", None, "application/rdf+xml", "xml"),
        ("application/trig", None, "application/trig", "trig"),
        ("application/n-quads", None, "application/n-quads", "nquads"),
        (None, None, "text/turtle", "turtle"),
        (None, "ttl", "text/turtle", "turtle"),
        (None, "nt", "application/n-triples", "nt"),
        (None, "jsonld", "application/ld+json", "json-ld"),
        (None, "rdf", "application/rdf+xml", "xml"),
        (None, "trig", "application/trig", "trig"),
        (None, "nq", "application/n-quads", "nquads"),
    ],
)
def test_graph_results_in_every_format(
    client: FlaskClient, accept: str | None, fmt: str | None, media_type: str, reader: str
) -> None:
    query = {"query": SMALL_CONSTRUCT, **({"format": fmt} if fmt else {})}
    response = client.get("/sparql", query_string=query, headers={"Accept": accept or "*/*"})
    assert response.status_code == 200, response.data
    assert response.mimetype == media_type
    assert response.headers["X-THB-Truncated"] == "false"
    assert not response.data.startswith(b"#")
    if reader in ("trig", "nquads"):
        from rdflib import Dataset

        got = Graph()
        ds = Dataset()
        ds.parse(data=response.data, format=reader)
        for s, p, o, _ in ds.quads((None, None, None, None)):
            got.add((s, p, o))
    else:
        got = Graph().parse(data=response.data, format=reader)
    assert (URIRef(BASE + "id/actor/ocrteh"), RDF.type, None) in got


@pytest.mark.parametrize(
    ("query", "accept", "fmt"),
    [
        (ORGS, "image/png", None),
        (ORGS, "text/turtle", None),
        (CONSTRUCT, JSON, None),
        (ORGS, None, "ttl"),
        (ORGS, None, "yaml"),
    ],
)
def test_nothing_that_fits_is_406_in_the_error_shape(
    client: FlaskClient, query: str, accept: str | None, fmt: str | None
) -> None:
    args = {"query": query, **({"format": fmt} if fmt else {})}
    response = client.get("/sparql", query_string=args, headers={"Accept": accept or "*/*"})
    assert response.status_code == 406
    body = json.loads(response.data)
    assert body["ok"] is False and body["status"] == 406 and body["error"]


# ---- errors and guards ------------------------------------------------------------------


def test_malformed_query_is_400_with_line_and_column(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": "SELECT * WHERE {\n ?s ?p \n"})
    assert response.status_code == 400
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) >= {"ok", "status", "error", "errors", "line", "column"}
    assert body["line"] >= 1 and body["column"] >= 1
    assert "line" in body["error"]


def test_malformed_query_from_a_browser_with_format_is_an_html_error(client: FlaskClient) -> None:
    response = client.get(
        "/sparql",
        query_string={"query": "SELECT * WHERE {", "format": "json"},
        headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"},
    )
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert b"line" in response.data


def test_two_queries_are_400(client: FlaskClient) -> None:
    response = client.get(f"/sparql?query={quote(ORGS)}&query={quote(ALL)}")
    assert response.status_code == 400
    assert "exactly one query" in response.get_json()["error"]


@pytest.mark.parametrize(
    ("method", "kwargs"),
    [
        ("get", {"query_string": {"update": "CLEAR ALL"}}),
        ("get", {"query_string": {"query": "CLEAR ALL"}}),
        ("post", {"data": {"update": "DROP ALL"}}),
        ("post", {"data": "DROP ALL", "content_type": "application/sparql-update"}),
        (
            "post",
            {"data": "LOAD <http://127.0.0.1:9/x>", "content_type": "application/sparql-query"},
        ),
    ],
)
def test_the_query_endpoint_never_runs_an_update(
    client: FlaskClient, method: str, kwargs: dict[str, object]
) -> None:
    before = client.get("/sparql", query_string={"query": ALL, "format": "csv"}).data
    response = getattr(client, method)("/sparql", **kwargs)
    assert response.status_code == 400
    assert "update" in response.get_json()["error"]
    assert client.get("/sparql", query_string={"query": ALL, "format": "csv"}).data == before


def test_post_of_another_media_type_is_415(client: FlaskClient) -> None:
    response = client.post("/sparql", data=ORGS, content_type="text/plain")
    assert response.status_code == 415


def test_service_is_refused_with_a_reason(client: FlaskClient) -> None:
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    response = client.get("/sparql", query_string={"query": query})
    assert response.status_code == 400
    assert "SERVICE" in response.get_json()["error"]


def test_large_query_is_414_by_get_and_413_by_post(client: FlaskClient) -> None:
    query = "# padding\n" * 300 + ALL
    assert client.get("/sparql", query_string={"query": query}).status_code == 414
    assert client.post("/sparql", data={"query": query}).status_code == 413
    direct = client.post("/sparql", data=query, content_type="application/sparql-query")
    assert direct.status_code == 413


def test_row_cap_is_signalled_in_header_and_head(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": ALL})
    assert response.status_code == 200
    assert response.headers["X-THB-Truncated"] == "true"
    body = response.get_json()
    assert len(body["results"]["bindings"]) == MAX_ROWS
    assert body["head"]["link"] and "truncated" in body["head"]["link"][0]


def test_complete_answer_says_it_is_not_truncated(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": ORGS})
    assert response.headers["X-THB-Truncated"] == "false"
    assert "link" not in response.get_json()["head"]


def _graph_of(body: bytes, reader: str) -> Graph:
    """The triples of a graph answer, whatever its format (quads merged)."""
    from rdflib import Dataset

    if reader in ("trig", "nquads"):
        got = Graph()
        for s, p, o, _ in Dataset().parse(data=body, format=reader).quads():
            got.add((s, p, o))
        return got
    return Graph().parse(data=body, format=reader)


@pytest.mark.parametrize(
    ("fmt", "reader", "comment"),
    [
        ("ttl", "turtle", True),
        ("nt", "nt", True),
        ("trig", "trig", True),
        ("nq", "nquads", True),
        ("jsonld", "json-ld", False),
        ("rdf", "xml", False),
    ],
)
def test_graph_cap_cuts_triples_and_is_signalled(
    client: FlaskClient, fmt: str, reader: str, comment: bool
) -> None:
    response = client.get("/sparql", query_string={"query": CONSTRUCT, "format": fmt})
    assert response.status_code == 200, response.data
    assert response.headers["X-THB-Truncated"] == "true"
    assert response.headers["X-THB-Result-Count"] == str(MAX_ROWS)
    assert response.data.startswith(b"# truncated") is comment
    assert len(_graph_of(response.data, reader)) == MAX_ROWS


def test_describe_is_capped_and_signalled(client: FlaskClient) -> None:
    query = f"DESCRIBE ?s WHERE {{ GRAPH <{ACTORS}> {{ ?s ?p ?o }} }}"
    response = client.get("/sparql", query_string={"query": query, "format": "nt"})
    assert response.status_code == 200, response.data
    assert response.headers["X-THB-Truncated"] == "true"
    assert len(_graph_of(response.data, "nt")) == MAX_ROWS


def test_timeout_is_503_saying_the_query_was_stopped(client: FlaskClient) -> None:
    heavy = (
        "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
    )
    response = client.get("/sparql", query_string={"query": heavy})
    assert response.status_code == 503
    assert "stopped after 2 s" in response.get_json()["error"]
    assert client.get("/sparql", query_string={"query": ORGS}).status_code == 200


# ---- datasets ---------------------------------------------------------------------------


def test_default_graph_uri_limits_the_default_graph(client: FlaskClient) -> None:
    query = "SELECT DISTINCT ?s WHERE { ?s ?p ?o }"
    everything = rows(client.get("/sparql", query_string={"query": query + " LIMIT 5"}).data)
    only = client.get(
        "/sparql",
        query_string={
            "query": "ASK { ?s a <http://www.w3.org/2002/07/owl#Class> }",
            "default-graph-uri": ACTORS,
        },
    )
    assert everything and only.get_json()["boolean"] is False


def test_default_graph_uri_overrides_from(client: FlaskClient) -> None:
    query = f"ASK FROM <{ONTOLOGY}> {{ <{BASE}id/actor/ocrteh> ?p ?o }}"
    from_only = client.get("/sparql", query_string={"query": query}).get_json()
    overridden = client.get(
        "/sparql", query_string={"query": query, "default-graph-uri": ACTORS}
    ).get_json()
    assert from_only["boolean"] is False and overridden["boolean"] is True


def test_named_graph_uri_is_repeatable(client: FlaskClient) -> None:
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"
    graphs_args = f"named-graph-uri={quote(ACTORS)}&named-graph-uri={quote(ONTOLOGY)}"
    url = f"/sparql?query={quote(query)}&{graphs_args}"
    graphs = {str(r[0]) for r in rows(client.get(url).data)}
    assert graphs == {ACTORS, ONTOLOGY}


@pytest.mark.parametrize(
    "args",
    [
        {"query": "SELECT * FROM <http://127.0.0.1:9/g> WHERE { ?s ?p ?o }"},
        {"query": "SELECT * FROM NAMED <file:///etc/passwd> WHERE { ?s ?p ?o }"},
        {"query": ALL, "default-graph-uri": "http://127.0.0.1:9/g"},
        {"query": ALL, "named-graph-uri": "http://127.0.0.1:9/g"},
    ],
)
def test_graphs_outside_the_dataset_are_400(client: FlaskClient, args: dict[str, str]) -> None:
    response = client.get("/sparql", query_string=args)
    assert response.status_code == 400
    assert "graphs of this dataset" in response.get_json()["error"]


# ---- no query: editor or service description -------------------------------------------


def test_browser_without_query_gets_the_editor(client: FlaskClient) -> None:
    response = client.get("/sparql", headers={"Accept": "text/html,*/*;q=0.8"})
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert b"yasgui-" in response.data and b"Organisations" in response.data


def test_shared_link_reopens_the_query_in_the_editor(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": ORGS}, headers={"Accept": "text/html"})
    assert response.mimetype == "text/html"
    config = editor_config(response.get_data(as_text=True))
    assert config["query"] == ORGS
    assert config["prefixes"]["thb"] == BASE + "ontology#"
    assert [e["title"] for e in config["examples"]] == ["Organisations"]


@pytest.mark.parametrize("accept", [None, "*/*", "text/turtle", "application/ld+json"])
def test_client_without_query_gets_the_service_description(
    client: FlaskClient, accept: str | None
) -> None:
    response = client.get("/sparql", headers={"Accept": accept or ""})
    assert response.status_code == 200
    fmt = "json-ld" if accept == "application/ld+json" else "turtle"
    graph = Graph().parse(data=response.data, format=fmt)
    service = URIRef("http://localhost/sparql")
    assert (service, RDF.type, SD.Service) in graph
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    names = {str(o) for o in graph.objects(None, SD.name)}
    assert ACTORS in names and ONTOLOGY in names


# ---- HTTP hygiene -----------------------------------------------------------------------


def test_etag_gives_304_on_if_none_match(client: FlaskClient) -> None:
    first = client.get("/sparql", query_string={"query": ORGS})
    tag = first.headers["ETag"]
    assert "max-age" in first.headers["Cache-Control"]
    again = client.get("/sparql", query_string={"query": ORGS}, headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.data == b""
    other = client.get(
        "/sparql", query_string={"query": ORGS, "format": "csv"}, headers={"If-None-Match": tag}
    )
    assert other.status_code == 200


def test_options_preflight_allows_reads_from_any_origin(client: FlaskClient) -> None:
    response = client.options(
        "/sparql", headers={"Origin": "http://example.org", "Access-Control-Request-Method": "POST"}
    )
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_reads_carry_cors_and_security_headers(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": ORGS})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_one_log_line_per_request_with_status_and_duration(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("INFO", logger="thb_graph.access"):
        client.get("/sparql", query_string={"query": "SELECT * WHERE {"})
    lines = [r.getMessage() for r in caplog.records if r.name == "thb_graph.access"]
    assert len(lines) == 1
    assert " 400 " in lines[0] and "ms" in lines[0]


def test_repeated_request_is_answered_from_the_cache_until_the_store_changes(
    app: Flask, client: FlaskClient
) -> None:
    query = {"query": ORGS + " # cache probe", "format": "tsv"}
    first = client.get("/sparql", query_string=query)
    again = client.get("/sparql", query_string=query)
    assert (first.headers["X-THB-Cache"], again.headers["X-THB-Cache"]) == ("miss", "hit")
    assert again.data == first.data and again.mimetype == first.mimetype
    app.extensions["thb_graph"].store.write_meta("cache-probe", "changed")
    after = client.get("/sparql", query_string=query)
    assert after.headers["X-THB-Cache"] == "miss"
