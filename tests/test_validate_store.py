"""The SPARQL validation engine (kg.shacl) against pyshacl: the same results on every broken
fixture of tests/data/shapes, on the France graph and on synthetic data (whole and broken);
unsupported shape features raise; focus nodes can be limited to the graphs that changed.
"""

# The fixtures project, shapes and ontology come from test_shapes; pytest finds them by
# name, so test arguments of those names are not redefinitions.
# ruff: noqa: F811

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from test_shapes import ontology, project, shapes  # noqa: F401 - the fixtures, shared
from thb_graph.config import Settings
from thb_graph.errors import ConfigError
from thb_graph.kg.build import build_dataset
from thb_graph.kg.shacl import (
    UnsupportedShapeError,
    engine,
    ontology_quads,
    validate_graphs,
    validate_store,
)
from thb_graph.kg.store.terms import to_oxigraph
from thb_graph.kg.validate import ValidationReport, validate
from thb_graph.namespaces import ORG, RDF, RDFS, THB
from thb_graph.synth import write_synthetic_file

ROOT = Path(__file__).resolve().parents[1]
CASES_DIR = Path(__file__).resolve().parent / "data" / "shapes"
CASES = sorted(CASES_DIR.glob("*.ttl"))
EX = "http://example.org/"


def _key(node: Node | None) -> str | None:
    """A term as compared across engines (pyshacl copies blank-node paths afresh)."""
    if node is None:
        return None
    if isinstance(node, BNode):
        return "(blank node)"
    return node.n3()


def _results(report: ValidationReport) -> Counter[tuple[str | None, ...]]:
    return Counter(
        (
            _key(r.focus_node),
            _key(r.path),
            _key(r.source_shape),
            r.severity,
            r.message,
            _key(r.value),
            r.data_file,
        )
        for r in report.results
    )


def _same_as_pyshacl(data: Graph, shapes: Graph, ontology: Graph, **kw: object) -> Counter:
    expected = validate(data, shapes, ontology, engine="pyshacl", **kw)  # type: ignore[arg-type]
    got = validate_graphs(data, shapes, ontology, **kw)  # type: ignore[arg-type]
    assert _results(got) == _results(expected), got.to_text()
    assert got.conforms == expected.conforms
    return _results(got)


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_each_shapes_fixture_gives_pyshacl_results(
    case: Path, shapes: Graph, ontology: Graph
) -> None:
    data = Graph().parse(CASES_DIR / "valid.ttl", format="turtle")
    data.parse(case, format="turtle")
    results = _same_as_pyshacl(data, shapes, ontology)
    assert bool(results) == (case.stem != "valid")


def test_the_france_graph_conforms_as_with_pyshacl(project: Settings, shapes: Graph) -> None:
    source = build_dataset(project)
    data = Dataset(default_union=True)
    for iri in source.data_graph_iris():
        for triple in source.dataset.graph(URIRef(iri)):
            data.graph(URIRef(iri)).add(triple)
    assert len(data) > 1000
    results = _same_as_pyshacl(data, shapes, source.ontology)
    assert results == Counter()


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Graph:
    path = tmp_path_factory.mktemp("synth") / "synth.nt"
    write_synthetic_file(path, triples=20_000, seed=1)
    return Graph().parse(path, format="nt")


def test_synthetic_data_conforms_as_with_pyshacl(
    synthetic: Graph, shapes: Graph, ontology: Graph
) -> None:
    assert len(synthetic) >= 20_000
    assert _same_as_pyshacl(synthetic, shapes, ontology) == Counter()


def test_broken_synthetic_data_gives_pyshacl_results(
    synthetic: Graph, shapes: Graph, ontology: Graph
) -> None:
    data = Graph()
    for triple in synthetic:
        data.add(triple)
    counted = sorted(data.subject_objects(THB.count))[:4]
    for node, count in counted:
        data.set((node, THB.count, Literal(f"about {count}")))
    for node in sorted(data.subjects(RDF.type, THB.Event))[:3]:
        data.remove((node, RDFS.label, None))
    units = sorted(data.subjects(ORG.subOrganizationOf, None))[:2]
    data.add((units[1], ORG.subOrganizationOf, units[0]))
    data.add((units[0], ORG.subOrganizationOf, units[1]))
    data.add((units[0], THB.partner, URIRef(str(units[0]) + "-nobody")))
    results = _same_as_pyshacl(data, shapes, ontology)
    assert sum(results.values()) >= 10
    shapes_fired = {key[2] for key in results}
    assert len(shapes_fired) >= 4, shapes_fired


def _shapes(text: str) -> Graph:
    prefixes = f"@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <{EX}> .\n"
    return Graph().parse(data=prefixes + text, format="turtle")


@pytest.mark.parametrize(
    "shape",
    [
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:closed true ; sh:message 'm' .",
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:node ex:T ; sh:message 'm' .",
        "ex:S a sh:NodeShape ; sh:target [ a ex:Custom ] ; sh:message 'm' .",
        "ex:S a sh:NodeShape ; sh:targetWhatever ex:x ; sh:message 'm' .",
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ;"
        " sh:property [ sh:path ex:p ; sh:equals ex:q ; sh:message 'm' ] .",
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:message 'm' ;"
        " sh:sparql [ sh:select 'SELECT ?x WHERE { ?x ?p ?o }' ] .",
    ],
    ids=[
        "closed",
        "node",
        "custom-target",
        "unknown-target",
        "equals",
        "sparql-without-this",
    ],
)
def test_an_unsupported_feature_raises(shape: str) -> None:
    data = Graph().parse(data=f"<{EX}x> a <{EX}C> ; <{EX}p> 1 .", format="turtle")
    with pytest.raises(UnsupportedShapeError):
        validate_graphs(data, _shapes(shape))
    with pytest.raises(ConfigError, match="sparql engine"):
        validate(data, _shapes(shape), engine="sparql")


def test_the_default_engine_falls_back_to_pyshacl_on_unsupported_shapes() -> None:
    shape = "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:closed true ; sh:message 'closed' ."
    data = Graph().parse(data=f"<{EX}x> a <{EX}C> ; <{EX}p> 1 .", format="turtle")
    report = validate(data, _shapes(shape))
    assert {(r.message, r.value) for r in report.results} == {
        ("closed", URIRef(f"{EX}C")),
        ("closed", Literal(1)),
    }


UNSAID = """
ex:S a sh:NodeShape ; sh:targetClass ex:C ;
    sh:property [ sh:path ex:p ; sh:minCount 2 ; sh:maxCount 1 ; sh:datatype xsd:string ] ,
        [ sh:path ex:q ; sh:class ex:C ; sh:nodeKind sh:Literal ; sh:hasValue ex:y ] ,
        [ sh:path ex:r ; sh:pattern "^a" ; sh:languageIn ( "en" ) ; sh:uniqueLang true ;
          sh:in ( "a"@en "b"@fr ) ; sh:maxInclusive "b" ] ,
        [ sh:path ex:p ; sh:or ( [ sh:datatype xsd:integer ] [ sh:nodeKind sh:IRI ] ) ] ,
        [ sh:path ex:p ; sh:qualifiedValueShape [ sh:datatype xsd:integer ] ;
          sh:qualifiedMinCount 1 ] .
"""
UNSAID_DATA = """
ex:x a ex:C ; ex:p 1 , "two" ; ex:q ex:z , "w" ; ex:r "a"@en , "c"@en , "b"@fr .
_:b a ex:C ; ex:r "x" .
"""


def _inline_as_pyshacl(shapes: str, data: str) -> Counter:
    """Both engines over Turtle snippets using the prefixes ex:, xsd: and sh:."""
    prefixes = (
        f"@prefix ex: <{EX}> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
    )
    return _same_as_pyshacl(
        Graph().parse(data=prefixes + data, format="turtle"),
        Graph().parse(data=prefixes + shapes, format="turtle"),
        Graph(),
    )


def test_shapes_without_messages_get_pyshacl_default_messages() -> None:
    results = _inline_as_pyshacl(UNSAID, UNSAID_DATA)
    assert len({key[4] for key in results}) >= 12


LABEL_SHAPE = """
ex:S a sh:NodeShape ; sh:targetClass ex:C ;
    sh:property [ sh:path ex:label ; sh:minCount 1 ; sh:message "needs a label" ] ;
    sh:property [ sh:path ex:friend ; sh:class ex:C ; sh:message "friends are Cs" ] .
"""


def _two_graph_store() -> ox.Store:
    store = ox.Store()
    store.load(
        input=f"""
        <{EX}old> a <{EX}C> .
        <{EX}described> a <{EX}C> ; <{EX}label> "d" .
        """,
        format=ox.RdfFormat.TURTLE,
        to_graph=ox.NamedNode(f"{EX}graph/old"),
    )
    store.load(
        input=f"""
        <{EX}new> a <{EX}C> ; <{EX}friend> <{EX}described> , <{EX}stranger> .
        """,
        format=ox.RdfFormat.TURTLE,
        to_graph=ox.NamedNode(f"{EX}graph/new"),
    )
    return store


def test_focus_nodes_can_be_limited_to_the_changed_graphs() -> None:
    store, shapes = _two_graph_store(), _shapes(LABEL_SHAPE)
    everything = validate_store(store, shapes)
    assert {(str(r.focus_node), r.message) for r in everything.results} == {
        (f"{EX}old", "needs a label"),
        (f"{EX}new", "needs a label"),
        (f"{EX}new", "friends are Cs"),
    }
    changed = validate_store(
        store, shapes, focus_graphs=[f"{EX}graph/new"], graph_files={f"{EX}graph/new": "new.ttl"}
    )
    # ex:described, typed in the old graph only, is context: the friend it is does conform
    assert [(str(r.focus_node), r.message, r.value) for r in changed.results] == [
        (f"{EX}new", "friends are Cs", URIRef(f"{EX}stranger")),
        (f"{EX}new", "needs a label", None),
    ]
    assert {r.data_file for r in changed.results} == {"new.ttl"}
    assert validate_store(store, shapes, focus_graphs=[f"{EX}graph/none"]).results == []


def test_a_store_with_the_ontology_validates_class_targets_through_subclasses(
    shapes: Graph, ontology: Graph
) -> None:
    store = ox.Store()
    store.extend(ontology_quads(ontology))
    unit = ox.NamedNode("https://w3id.org/thb-graph/id/actor/unit")
    kind = ox.NamedNode(str(THB.LawEnforcementUnit))
    store.add(ox.Quad(unit, ox.NamedNode(str(RDF.type)), kind, ox.NamedNode(f"{EX}data")))
    report = validate_store(store, shapes, data_graphs={f"{EX}data"})
    assert not report.conforms
    assert {str(r.focus_node) for r in report.violations} == {str(unit.value)}
    assert {r.data_file for r in report.violations} == {f"{EX}data"}


FEATURES = """
ex:Node a sh:NodeShape ; sh:targetNode ex:a , ex:b , "lit" ; sh:nodeKind sh:IRI ;
    sh:message "an IRI" .
ex:Values a sh:NodeShape ; sh:targetSubjectsOf ex:v ;
    sh:property [ sh:path ex:v ; sh:in ( 1 2 "three" ) ; sh:message "in the list" ] ,
        [ sh:path ex:v ; sh:minExclusive 1 ; sh:maxExclusive 3 ; sh:message "between" ] ,
        [ sh:path ex:v ; sh:pattern "^T" ; sh:flags "i" ; sh:message "starts with t" ] ,
        [ sh:path ex:v ; sh:xone ( [ sh:datatype xsd:integer ] [ sh:minInclusive 2 ] ) ;
          sh:message "one of the two" ] ,
        [ sh:path ex:v ; sh:not [ sh:hasValue 2 ] ; sh:message "not two" ] ,
        [ sh:path ex:v ; sh:qualifiedValueShape [ sh:datatype xsd:integer ] ;
          sh:qualifiedMaxCount 1 ; sh:message "one integer at most" ] .
ex:Paths a sh:NodeShape ; sh:targetObjectsOf ex:knows ;
    sh:property [ sh:path ( ex:knows ex:name ) ; sh:minCount 1 ; sh:message "a named friend" ] ,
        [ sh:path [ sh:alternativePath ( ex:name ex:nick ) ] ; sh:maxCount 1 ;
          sh:message "one name" ] ,
        [ sh:path [ sh:inversePath ex:knows ] ; sh:languageIn ( "*" ) ;
          sh:message "known by a text" ] ,
        [ sh:path ex:name ; sh:uniqueLang true ; sh:hasValue "Ann"@en ;
          sh:message "one name per language, Ann among them" ] .
"""
FEATURE_DATA = """
ex:a ex:v 1 , 2 , "three" , "Tea" , 2.5 ; ex:knows ex:b , ex:c .
ex:b ex:v 3 ; ex:name "Ann"@en , "Anne"@en , "Anna"@de ; ex:nick "A" ; ex:knows ex:a .
ex:c ex:name "Cy" .
"""


def test_the_features_beyond_the_project_shapes_give_pyshacl_results() -> None:
    results = _inline_as_pyshacl(FEATURES, FEATURE_DATA)
    messages = {key[4] for key in results}
    assert len(messages) >= 8, messages


def test_validating_a_change_gives_the_full_results_about_its_nodes(
    synthetic: Graph, shapes: Graph, ontology: Graph
) -> None:
    store = ox.Store()
    store.extend(ontology_quads(ontology))
    data = ox.NamedNode(f"{EX}graph/synthetic")
    store.extend(ox.Quad(*(to_oxigraph(t) for t in triple), data) for triple in synthetic)
    old = ox.NamedNode(f"{EX}id/event/old-event")  # broken before the change
    store.add(ox.Quad(old, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(THB.Event)), data))
    total = sorted(synthetic.objects(None, THB.partOf))[0]
    change = f"""
        @prefix thb: <{THB}> .
        <{EX}id/observation/new-part> a <http://purl.org/linked-data/cube#Observation> ;
            thb:partOf <{total}> ; thb:count 99999999 .
        <{EX}id/event/new-event> a thb:Event .
    """
    changed = ox.NamedNode(f"{EX}graph/change")
    store.load(input=change, format=ox.RdfFormat.TURTLE, to_graph=changed)
    nodes = {
        str(term.value)
        for quad in store.quads_for_pattern(None, None, None, changed)
        for term in (quad.subject, quad.object)
    }
    full = validate_store(store, shapes)
    about_change = [r for r in full.results if str(r.focus_node) in nodes]
    assert old.value in {str(r.focus_node) for r in full.results}
    assert len(about_change) < len(full.results)
    incremental = validate_store(store, shapes, focus_graphs=[changed.value])
    assert _results(incremental) == _results(ValidationReport(False, "", Graph(), about_change))
    assert str(total) in {str(r.focus_node) for r in incremental.results}
    assert len(incremental.results) >= 8
    # the changed nodes matched to targets in Python give what one query per shape gives
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(engine.ChangedNodes, "find", lambda *args: None)
        per_shape = validate_store(store, shapes, focus_graphs=[changed.value])
    assert _results(per_shape) == _results(incremental)


@pytest.mark.parametrize(
    ("graphs", "expected"),
    [
        (None, {"x", "y", "z", "w", "v", "lit"}),
        (["g1"], {"x", "y", "z", "lit"}),
        (["g2"], {"w", "v"}),
        (["g1", "g2"], {"x", "y", "z", "w", "v", "lit"}),
    ],
)
def test_every_kind_of_target_follows_the_changed_graphs(
    graphs: list[str] | None, expected: set[str]
) -> None:
    shapes = _shapes(
        "ex:S a sh:NodeShape ; sh:targetNode ex:x , ex:y ; sh:targetClass ex:C ;"
        " sh:targetObjectsOf ex:p ; sh:targetSubjectsOf ex:r ;"
        " sh:nodeKind sh:BlankNode ; sh:message 'blank' ."
    )
    store = ox.Store()
    for name, text in (
        ("g1", f"<{EX}x> <{EX}p> 'lit' . <{EX}z> a <{EX}C> . <{EX}y> <{EX}q> [] ."),
        ("g2", f"<{EX}w> a <{EX}C> . <{EX}v> <{EX}r> 1 ."),
    ):
        store.load(input=text, format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(EX + name))
    # unrelated statements, so that the changed graphs are a small part of the store
    filler = ox.NamedNode(EX + "g0")
    store.extend(
        ox.Quad(ox.NamedNode(f"{EX}n{i}"), ox.NamedNode(f"{EX}filler"), ox.Literal(str(i)), filler)
        for i in range(1000)
    )
    focus = None if graphs is None else [EX + g for g in graphs]
    report = validate_store(store, shapes, focus_graphs=focus)
    assert {str(r.focus_node).removeprefix(EX) for r in report.results} == expected
    with pytest.MonkeyPatch.context() as patch:  # one query per shape finds the same
        patch.setattr(engine.ChangedNodes, "find", lambda *args: None)
        per_shape = validate_store(store, shapes, focus_graphs=focus)
    assert _results(per_shape) == _results(report)
