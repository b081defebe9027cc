"""Dumps in every format: each parses back to the same graph; quad formats keep graphs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pyld import jsonld
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic

from thb_graph.config import Settings
from thb_graph.errors import UnknownFormatError
from thb_graph.export.dump import FORMATS, export, export_format, jsonld_context, write_export
from thb_graph.kg.iris import Iris
from thb_graph.kg.store.base import Store
from thb_graph.namespaces import DEFAULT_BASE_IRI, PREFIXES

RDFLIB_NAMES = {"ttl": "turtle", "jsonld": "json-ld", "nt": "nt", "xml": "xml"}
ACTORS = Iris().data_graph("actors")


def _union(store: Store) -> Graph:
    return Graph().parse(data=store.dump("application/n-triples"), format="nt")


@pytest.mark.parametrize("name", sorted(RDFLIB_NAMES))
def test_triple_formats_hold_the_union_of_all_graphs(
    store: Store, settings: Settings, name: str
) -> None:
    data = export(store, name, base_iri=settings.base_iri)
    parsed = Graph().parse(data=data, format=RDFLIB_NAMES[name])
    union = _union(store)
    assert len(union) > 50
    assert isomorphic(parsed, union)


@pytest.mark.parametrize("name", ["trig", "nq"])
def test_quad_formats_keep_the_named_graphs(store: Store, settings: Settings, name: str) -> None:
    data = export(store, name, base_iri=settings.base_iri)
    ds = Dataset()
    ds.parse(data=data, format="trig" if name == "trig" else "nquads")
    for graph in store.graph_names():
        expected = Graph().parse(data=store.dump("application/n-triples", graph), format="nt")
        assert isomorphic(ds.graph(URIRef(graph)), expected), graph


@pytest.mark.parametrize("name", list(FORMATS))
def test_one_graph_only(store: Store, settings: Settings, name: str) -> None:
    data = export(store, name, base_iri=settings.base_iri, graph=ACTORS)
    if FORMATS[name].quads:
        ds = Dataset()
        ds.parse(data=data, format="trig" if name == "trig" else "nquads")
        names = {str(g.identifier) for g in ds.graphs() if len(g)}
        assert names == {ACTORS}
    else:
        parsed = Graph().parse(data=data, format=RDFLIB_NAMES[name])
        assert len(parsed) == store.count(ACTORS)


def test_jsonld_is_compacted_with_the_project_context(store: Store, settings: Settings) -> None:
    body = json.loads(export(store, "jsonld", base_iri=settings.base_iri))
    assert body["@context"] == jsonld_context(store, settings.base_iri)["@context"]
    assert "http://www.w3.org/2004/02/skos/core#prefLabel" not in json.dumps(body["@graph"])
    expanded = jsonld.to_rdf(body, {"format": "application/n-quads"})
    assert isomorphic(Graph().parse(data=expanded, format="nt"), _union(store))


def test_jsonld_context_follows_the_base_iri(store: Store) -> None:
    context = jsonld_context(store, "http://127.0.0.1:8000/")["@context"]
    assert context["thb"] == "http://127.0.0.1:8000/ontology#"
    assert context["skos"] == PREFIXES["skos"]
    assert not any(context[prefix].startswith(DEFAULT_BASE_IRI) for prefix in PREFIXES)


@pytest.mark.parametrize(
    ("given", "name"),
    [
        ("turtle", "ttl"),
        ("TTL", "ttl"),
        ("application/ld+json", "jsonld"),
        ("json-ld", "jsonld"),
        (".nt", "nt"),
        ("rdf", "xml"),
        ("application/n-quads", "nq"),
        ("trig", "trig"),
    ],
)
def test_format_names_aliases_and_media_types(given: str, name: str) -> None:
    assert export_format(given).name == name


def test_unknown_format_is_refused() -> None:
    with pytest.raises(UnknownFormatError, match="expected one of"):
        export_format("csv")


def test_write_export_writes_the_whole_file(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    out = tmp_path / "graph.nt"
    size = write_export(store, "nt", out, base_iri=settings.base_iri)
    assert out.stat().st_size == size
    assert isomorphic(Graph().parse(out, format="nt"), _union(store))
    assert not list(tmp_path.glob("*.part"))
