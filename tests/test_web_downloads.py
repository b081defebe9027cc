"""Downloads: the list with sizes and checksums, and every dump read back by rdflib, rapper
and pyld to the same triples as the store holds."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess

import pytest
from pyld import jsonld
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic

from htmlparse import parse_html
from thb_graph.export.context import word_context
from thb_graph.web.downloads import human_size

TRIPLE_FILES = [
    ("thb-graph.ttl", "turtle", "text/turtle"),
    ("thb-graph.jsonld", "json-ld", "application/ld+json"),
    ("thb-graph.nt", "nt", "application/n-triples"),
    ("thb-graph.rdf", "xml", "application/rdf+xml"),
]


@pytest.fixture
def expected(pages_store) -> Graph:  # type: ignore[no-untyped-def]
    """Every triple of the store (the union of its graphs), as N-Triples read back."""
    return Graph().parse(data=pages_store.dump("application/n-triples"), format="nt")


def listed(client) -> dict[str, dict[str, str]]:  # type: ignore[no-untyped-def]
    response = client.get("/download/", headers={"Accept": "text/html"})
    assert response.status_code == 200
    doc = parse_html(response.data)
    assert doc.errors == []
    rows = {}
    for tr in doc.find("table", class_="downloads").find("tbody").find_all("tr"):
        link = tr.find("a")
        cells = tr.find_all("td")
        rows[link.text()] = {
            "href": link.get("href"),
            "type": link.get("type"),
            "bytes": cells[1].get("data-bytes"),
            "sha256": cells[2].text(),
        }
    return rows


def test_download_page_lists_each_dump_with_its_size_and_checksum(pages_client):
    rows = listed(pages_client)
    assert {"thb-graph.ttl", "thb-graph.jsonld", "thb-graph.nt", "thb-graph.trig",
            "thb-graph.rdf"} <= set(rows)  # fmt: skip
    for name, row in rows.items():
        response = pages_client.get(row["href"])
        assert response.status_code == 200, name
        assert response.mimetype == row["type"]
        assert int(row["bytes"]) == len(response.data)
        assert row["sha256"] == hashlib.sha256(response.data).hexdigest()
        assert response.headers["ETag"].strip('"') == row["sha256"]


@pytest.mark.parametrize(("name", "parser", "media_type"), TRIPLE_FILES)
def test_each_triple_dump_reads_back_isomorphic_to_the_store(
    pages_client, expected, name, parser, media_type
):
    response = pages_client.get(f"/download/{name}")
    assert response.mimetype == media_type
    graph = Graph().parse(data=response.data, format=parser)
    assert len(graph) == len(expected)
    assert isomorphic(graph, expected)


def test_trig_dump_keeps_the_named_graphs(pages_client, pages_store):
    response = pages_client.get("/download/thb-graph.trig")
    dataset = Dataset()
    dataset.parse(data=response.data, format="trig")
    names = {str(g.identifier) for g in dataset.graphs() if len(g)}
    assert set(pages_store.graph_names()) <= names
    for name in pages_store.graph_names():
        expected = Graph().parse(data=pages_store.dump("application/n-triples", name), format="nt")
        assert isomorphic(dataset.graph(URIRef(name)), expected), name


@pytest.mark.parametrize(
    ("name", "syntax"), [("thb-graph.ttl", "turtle"), ("thb-graph.rdf", "rdfxml")]
)
def test_turtle_and_rdfxml_dumps_parse_with_rapper(pages_client, expected, tmp_path, name, syntax):
    from conftest import require_part

    rapper = shutil.which("rapper")
    require_part(rapper is not None, "rapper (raptor2-utils) is not installed")
    path = tmp_path / name
    path.write_bytes(pages_client.get(f"/download/{name}").data)
    result = subprocess.run(
        [rapper, "-q", "-i", syntax, "-o", "ntriples", str(path), "https://w3id.org/thb-graph/"],
        capture_output=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr.decode()
    graph = Graph().parse(data=result.stdout, format="nt")
    assert isomorphic(graph, expected)


def _pyld_graph(document: object) -> Graph:
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads"})
    return Graph().parse(data=nquads, format="nt")


def test_json_ld_dump_expands_and_compacts_with_pyld_to_the_same_triples(pages_client, expected):
    document = json.loads(pages_client.get("/download/thb-graph.jsonld").data)
    context = json.loads(pages_client.get("/download/context.jsonld").data)
    expanded = jsonld.expand(document)
    assert isomorphic(_pyld_graph(expanded), expected)
    compacted = jsonld.compact(expanded, context)
    assert isomorphic(_pyld_graph(compacted), expected)


def test_json_ld_context_is_published_and_used_by_the_dump(pages_client):
    response = pages_client.get("/download/context.jsonld")
    assert response.mimetype == "application/ld+json"
    context = json.loads(response.data)["@context"]
    assert context["thb"] == "https://w3id.org/thb-graph/ontology#"
    assert context["partOf"] == "https://w3id.org/thb-graph/ontology#partOf"
    assert context["subOrganizationOf"] == "http://www.w3.org/ns/org#subOrganizationOf"
    assert context["label"] == "http://www.w3.org/2000/01/rdf-schema#label"
    assert context["PoliceOffice"] == "https://w3id.org/thb-graph/ontology#PoliceOffice"
    dump = json.loads(pages_client.get("/download/thb-graph.jsonld").data)
    assert dump["@context"] == context


def test_unchanged_dump_answers_304_to_a_conditional_request(pages_client):
    first = pages_client.get("/download/thb-graph.nt")
    again = pages_client.get(
        "/download/thb-graph.nt", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304


@pytest.mark.parametrize(
    "name",
    ["nope.ttl", "..%2F..%2Fetc%2Fpasswd", "thb-graph.TTL", "%2Fetc%2Fpasswd", "pyproject.toml"],
)
def test_unknown_download_is_404_and_never_a_file(pages_client, name):
    response = pages_client.get(f"/download/{name}", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.get_json()["status"] == 404


def test_download_paths_outside_the_list_are_404(pages_client):
    for path in ("/download/../pyproject.toml", "/download/%2e%2e/pyproject.toml", "/download/a/b"):
        response = pages_client.get(path)
        assert response.status_code == 404
        assert b"[build-system]" not in response.data


@pytest.mark.parametrize(
    ("size", "text"), [(0, "0 B"), (999, "999 B"), (12345, "12.3 kB"), (5_600_000, "5.6 MB")]
)
def test_sizes_read_in_units(size, text):
    assert human_size(size) == text


def test_words_go_to_the_first_namespace_and_others_keep_their_curie():
    thb = "https://w3id.org/thb-graph/ontology#"
    sdmx = "http://purl.org/linked-data/sdmx/2009/dimension#"
    context = word_context(
        [sdmx + "refPeriod", thb + "refPeriod", thb + "count", "http://example.org/a-b/"],
        "https://w3id.org/thb-graph/",
    )["@context"]
    assert context["refPeriod"] == thb + "refPeriod"
    assert sdmx + "refPeriod" not in context.values()
    assert context["count"] == thb + "count"
    assert context["sdmx-dimension"] == sdmx


def test_entity_json_ld_uses_the_words_of_the_context(pages_client):
    body = json.loads(pages_client.get("/id/actor/ocrteh.jsonld").data)
    (node,) = [n for n in body["@graph"] if n["@id"].endswith("actor/ocrteh")]
    assert "subOrganizationOf" in node and "org:subOrganizationOf" not in node
    assert "altLabel" in node


def test_dump_urls_are_built_by_format_under_the_mount_point(pages_client):
    from flask import url_for

    app = pages_client.application
    with app.test_request_context("/", environ_overrides={"SCRIPT_NAME": "/kg"}):
        assert url_for("downloads.dump", fmt="ttl") == "/kg/download/thb-graph.ttl"
    assert pages_client.get("/download/thb-graph.ttl").mimetype == "text/turtle"
