"""Inference inside the store: each rule on a few triples, on every local backend, and the
same instance-level entailments as owlrl's full closure on the France graph."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

from test_store_remote import virtuoso_url  # noqa: F401 - the fixture, shared
from thb_graph.config import load_settings
from thb_graph.kg.build import build_dataset
from thb_graph.kg.infer import infer_sources
from thb_graph.kg.iris import Iris
from thb_graph.kg.materialise import materialise, read_rules
from thb_graph.kg.store import open_store
from thb_graph.kg.store.base import Store
from thb_graph.kg.store.terms import to_oxigraph

ROOT = Path(__file__).resolve().parents[1]
IRIS = Iris()
ONTOLOGY = IRIS.ontology_graph
DATA = IRIS.data_graph("test")
INFERRED = IRIS.inferred_graph
PREFIXES = """@prefix : <urn:t:> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"""


@pytest.fixture(params=["memory", "oxigraph:memory"])
def blank(request: pytest.FixtureRequest) -> Iterator[Store]:
    store = open_store(load_settings(env={}, overrides={"store": request.param}))
    yield store
    store.close()


def run(store: Store, ontology: str, data: str) -> set[tuple[str, str, str]]:
    """Load the two Turtle snippets, materialise, and return the inferred graph's triples."""
    store.load((PREFIXES + ontology).encode(), "text/turtle", ONTOLOGY)
    store.load((PREFIXES + data).encode(), "text/turtle", DATA)
    materialise(store, IRIS)
    text = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{INFERRED}> {{ ?s ?p ?o }} }}"
    return {tuple(str(t) for t in triple) for triple in store.query(text).triples}  # type: ignore[misc]


T = str(RDF.type)


def test_types_come_from_every_superclass(blank: Store) -> None:
    got = run(blank, ":A rdfs:subClassOf :B . :B rdfs:subClassOf :C .", ":x a :A .")
    assert got == {("urn:t:x", T, "urn:t:B"), ("urn:t:x", T, "urn:t:C")}


def test_statements_come_from_superproperties(blank: Store) -> None:
    got = run(blank, ":p rdfs:subPropertyOf :q . :q rdfs:subPropertyOf :r .", ":x :p :y .")
    assert got == {("urn:t:x", "urn:t:q", "urn:t:y"), ("urn:t:x", "urn:t:r", "urn:t:y")}


def test_inverse_and_symmetric_properties_point_back(blank: Store) -> None:
    ontology = ":p owl:inverseOf :q . :s a owl:SymmetricProperty ."
    got = run(blank, ontology, ':x :p :y . :a :s :b . :x :p "text" .')
    assert got == {("urn:t:y", "urn:t:q", "urn:t:x"), ("urn:t:b", "urn:t:s", "urn:t:a")}


def test_transitive_links_reach_every_depth(blank: Store) -> None:
    got = run(
        blank, ":in a owl:TransitiveProperty .", ":a :in :b . :b :in :c . :c :in :d . :d :in :e ."
    )
    ends = {(s[-1], o[-1]) for s, _, o in got}
    assert ends == {("a", "c"), ("a", "d"), ("a", "e"), ("b", "d"), ("b", "e"), ("c", "e")}


def test_domains_and_ranges_type_subjects_and_resources_not_literals(blank: Store) -> None:
    ontology = ":p rdfs:domain :D ; rdfs:range :R . :n rdfs:range :R ."
    got = run(blank, ontology, ':x :p :y . :x :n "5" .')
    assert got == {("urn:t:x", T, "urn:t:D"), ("urn:t:y", T, "urn:t:R")}


def test_equivalent_classes_and_properties_work_both_ways(blank: Store) -> None:
    ontology = ":A owl:equivalentClass :B . :p owl:equivalentProperty :q ."
    got = run(blank, ontology, ":x a :B . :y :p :z .")
    assert got == {("urn:t:x", T, "urn:t:A"), ("urn:t:y", "urn:t:q", "urn:t:z")}


def test_same_as_copies_statements_between_aliases(blank: Store) -> None:
    got = run(blank, "", ":x owl:sameAs :y . :y owl:sameAs :z . :x :p :o .")
    assert ("urn:t:z", "urn:t:p", "urn:t:o") in got
    assert ("urn:t:z", str(OWL.sameAs), "urn:t:x") in got
    assert not any(s == o for s, p, o in got if p == str(OWL.sameAs))


def test_rules_chain_until_nothing_is_added(blank: Store) -> None:
    ontology = """:sub rdfs:subPropertyOf :tsub . :tsub a owl:TransitiveProperty ;
        owl:inverseOf :thas . :thas rdfs:domain :Org ."""
    got = run(blank, ontology, ":a :sub :b . :b :sub :c .")
    assert ("urn:t:c", "urn:t:thas", "urn:t:a") in got
    assert ("urn:t:c", T, "urn:t:Org") in got


def test_nothing_already_stated_is_written_again(blank: Store) -> None:
    got = run(blank, ":A rdfs:subClassOf :B .", ":x a :A , :B .")
    assert got == set()
    again = materialise(blank, IRIS)
    assert again.added == 0
    assert again.rounds == [0]


def test_trivial_types_are_not_written(blank: Store) -> None:
    got = run(blank, ":A rdfs:subClassOf owl:Thing , rdfs:Resource .", ":x a :A .")
    assert got == set()


def test_rules_are_read_from_the_axioms() -> None:
    store = open_store(load_settings(env={}, overrides={"store": "oxigraph:memory"}))
    store.load(
        (PREFIXES + ":A rdfs:subClassOf :B . :B rdfs:subClassOf :A .").encode(),
        "text/turtle",
        ONTOLOGY,
    )
    rules = read_rules(store)
    assert rules.subclass == {("urn:t:A", "urn:t:B"), ("urn:t:B", "urn:t:A")}
    store.close()


# ---- the France graph: the same entailments as owlrl ------------------------------------
def _value(term: Node) -> object:
    """A literal by value (stores write decimals canonically), other terms as they are."""
    if isinstance(term, Literal) and isinstance(term.value, int | float | Decimal):
        return ("number", Decimal(str(term.value)).normalize(), str(term.datatype))
    return term


@pytest.mark.parametrize("backend", ["oxigraph:memory", "memory"])
def test_the_france_graph_gets_the_instance_entailments_of_the_owlrl_closure(
    backend: str,
) -> None:
    settings = load_settings(env={}, overrides={"store": backend, "source_dir": str(ROOT)})
    source = build_dataset(settings)
    store = open_store(settings)
    quads = [
        ox.Quad(*(to_oxigraph(t) for t in triple), ox.NamedNode(name))  # type: ignore[misc]
        for name in [source.iris.ontology_graph, *source.data_graph_iris()]
        for triple in source.dataset.graph(URIRef(name))
    ]
    store.load(
        bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""), "application/n-quads"
    )
    report = materialise(store, source.iris)
    text = (
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{source.iris.inferred_graph}> {{ ?s ?p ?o }} }}"
    )
    ours = {tuple(_value(t) for t in triple) for triple in store.query(text).triples}
    store.close()

    closure = infer_sources(source).graph
    tbox = _tbox_terms(source.ontology)
    expected = {tuple(_value(t) for t in triple) for triple in closure if triple[0] not in tbox}
    assert report.added > 500
    assert ours == expected


def _tbox_terms(ontology: Graph) -> set[Node]:
    """Classes and properties: statements about them are schema, not instance, entailments."""
    kinds = {
        OWL.Class,
        RDFS.Class,
        OWL.ObjectProperty,
        OWL.DatatypeProperty,
        RDF.Property,
        OWL.AnnotationProperty,
        OWL.TransitiveProperty,
        OWL.SymmetricProperty,
    }
    terms = {s for kind in kinds for s in ontology.subjects(RDF.type, kind)}
    for p in (RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range, OWL.inverseOf):
        terms |= set(ontology.subjects(p, None)) | set(ontology.objects(None, p))
    return terms


@pytest.mark.virtuoso
def test_materialising_in_virtuoso_matches_the_owlrl_closure(virtuoso_url: str) -> None:  # noqa: F811
    """The same run through the sparql: store, under a base of its own."""
    base = "https://w3id.org/thb-graph/test-materialise/"
    settings = load_settings(
        env={},
        overrides={
            "store": f"sparql:{virtuoso_url},{virtuoso_url}",
            "source_dir": str(ROOT),
            "base_iri": base,
        },
    )
    source = build_dataset(settings)
    store = open_store(settings)
    for name in store.graph_names():
        store.drop_graph(name)
    quads = [
        ox.Quad(*(to_oxigraph(t) for t in triple), ox.NamedNode(name))  # type: ignore[misc]
        for name in [source.iris.ontology_graph, *source.data_graph_iris()]
        for triple in source.dataset.graph(URIRef(name))
    ]
    data = bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"")
    store.load(data, "application/n-quads")
    materialise(store, source.iris)
    inferred = source.iris.inferred_graph
    text = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{inferred}> {{ ?s ?p ?o }} }}"
    ours = {
        tuple(_value(t) for t in triple)
        for triple in store.query(text).triples
        if str(triple[0]).startswith(base)
    }
    for name in store.graph_names():
        store.drop_graph(name)
    store.close()
    closure = infer_sources(source).graph
    tbox = _tbox_terms(source.ontology)
    expected = {
        tuple(_value(t) for t in triple)
        for triple in closure
        if triple[0] not in tbox and str(triple[0]).startswith(base)
    }
    assert len(expected) > 500
    assert ours == expected


@pytest.mark.virtuoso
def test_in_a_shared_server_only_the_stores_graphs_count(virtuoso_url: str) -> None:  # noqa: F811
    from thb_graph.kg.store.remote import RemoteStore

    prefix = "https://w3id.org/thb-graph/test-shared/graph/"
    store = RemoteStore(virtuoso_url, virtuoso_url, graph_prefix=prefix)
    foreign = "urn:thb-graph:test:foreign"
    store._send_update(f"INSERT DATA {{ GRAPH <{foreign}> {{ <urn:t:x> a <urn:t:B> }} }}")
    try:
        store.load((PREFIXES + ":A rdfs:subClassOf :B .").encode(), "text/turtle", prefix + "o")
        store.load((PREFIXES + ":x a :A .").encode(), "text/turtle", prefix + "d")
        report = materialise(store, graph=prefix + "inferred")
        assert report.added == 1
    finally:
        store._send_update(f"DROP SILENT GRAPH <{foreign}>")
        for name in store.graph_names():
            store.drop_graph(name)
        store.close()
