"""OWL-RL inference: a few triples in code, expand, assert the entailment."""

from __future__ import annotations

import rdflib.term
from rdflib import Graph, Literal, URIRef

from thb_graph.config import Settings
from thb_graph.kg.build import build_dataset
from thb_graph.kg.infer import infer, infer_sources, is_noise
from thb_graph.namespaces import ORG, OWL, RDF, RDFS, XSD

EX = "http://example.org/"
A, B, C = URIRef(EX + "a"), URIRef(EX + "b"), URIRef(EX + "c")


def _graph(*triples: tuple[URIRef, URIRef, object]) -> Graph:
    g = Graph()
    for t in triples:
        g.add(t)  # type: ignore[arg-type]
    return g


def test_subclass_typing_is_inferred() -> None:
    unit, body = URIRef(EX + "Unit"), URIRef(EX + "Body")
    g = _graph((unit, RDFS.subClassOf, body), (A, RDF.type, unit), (body, RDF.type, OWL.Class))
    inferred = infer([g]).graph
    assert (A, RDF.type, body) in inferred


def test_subproperty_statement_is_inferred() -> None:
    chairs, involves = URIRef(EX + "coChairedBy"), URIRef(EX + "involves")
    g = _graph((chairs, RDFS.subPropertyOf, involves), (A, chairs, B))
    assert (A, involves, B) in infer([g]).graph


def test_inverse_of_sub_organization_is_inferred() -> None:
    g = _graph(
        (ORG.subOrganizationOf, OWL.inverseOf, ORG.hasSubOrganization),
        (A, ORG.subOrganizationOf, B),
    )
    assert (B, ORG.hasSubOrganization, A) in infer([g]).graph


def test_transitive_sub_organization_is_inferred() -> None:
    g = _graph(
        (ORG.transitiveSubOrganizationOf, RDF.type, OWL.TransitiveProperty),
        (A, ORG.transitiveSubOrganizationOf, B),
        (B, ORG.transitiveSubOrganizationOf, C),
    )
    assert (A, ORG.transitiveSubOrganizationOf, C) in infer([g]).graph


def test_only_new_statements_are_kept() -> None:
    unit, body = URIRef(EX + "Unit"), URIRef(EX + "Body")
    g = _graph((unit, RDFS.subClassOf, body), (A, RDF.type, unit))
    inferred = infer([g]).graph
    assert not set(inferred) & set(g)


def test_rule_set_noise_is_left_out() -> None:
    unit, body = URIRef(EX + "Unit"), URIRef(EX + "Body")
    g = _graph(
        (unit, RDFS.subClassOf, body), (A, RDF.type, unit), (A, URIRef(EX + "n"), Literal(3))
    )
    result = infer([g])
    assert result.closure > result.asserted + result.added, "owlrl did add noise to drop"
    for s, p, o in result.graph:
        assert not isinstance(s, Literal)
        assert not (p == OWL.sameAs and s == o)
        assert o not in (OWL.Thing, RDFS.Resource)
        assert not str(s).startswith((str(RDF), str(RDFS), str(OWL), str(XSD)))
    assert set(result.graph) == {(A, RDF.type, body)}


def test_noise_filter_keeps_real_sameas() -> None:
    assert not is_noise((A, OWL.sameAs, B))
    assert is_noise((A, OWL.sameAs, A))
    assert is_noise((Literal(3), RDF.type, XSD.integer))


def test_inconsistency_is_reported_not_stored() -> None:
    one, two = URIRef(EX + "One"), URIRef(EX + "Two")
    g = _graph((one, OWL.disjointWith, two), (A, RDF.type, one), (A, RDF.type, two))
    result = infer([g])
    assert result.inconsistencies
    assert not any(isinstance(s, rdflib.term.BNode) for s in result.graph.subjects())


def test_rdflib_literal_conversion_is_unchanged_after_inference() -> None:
    before = dict(rdflib.term._toPythonMapping)
    g = _graph((A, URIRef(EX + "when"), Literal("2010", datatype=XSD.gYear)))
    infer([g])
    assert rdflib.term._toPythonMapping == before


def test_sources_inference_fills_the_inferred_graph(settings: Settings) -> None:
    source = build_dataset(settings)
    result = infer_sources(source)
    assert result.graph.identifier == URIRef(source.iris.inferred_graph)
    ocrteh = URIRef(source.iris.entity("actor", "ocrteh"))
    government = URIRef(source.iris.entity("actor", "government"))
    interior = URIRef(source.iris.entity("actor", "ministry-interior"))
    assert (ocrteh, RDF.type, ORG.Organization) in result.graph
    assert (ocrteh, ORG.transitiveSubOrganizationOf, government) in result.graph
    assert (interior, ORG.hasSubOrganization, ocrteh) in result.graph
    assert result.inconsistencies == []
