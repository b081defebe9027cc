"""The description behind an entity page, read straight from a store (no web layer)."""

from __future__ import annotations

import pytest
from rdflib import URIRef

from thb_graph.errors import NotFoundError
from thb_graph.kg.iris import Iris
from thb_graph.pages.describe import describe, description_graph

ID = "https://w3id.org/thb-graph/id/"
ORG = "http://www.w3.org/ns/org#"


def test_unknown_and_malformed_iris_are_not_found(pages_store):
    for iri in (ID + "actor/nobody", ID + "actor/a>b", "not an iri"):
        with pytest.raises(NotFoundError):
            describe(pages_store, Iris(), iri, lang="en")


def test_statements_only_in_the_inferred_graph_are_marked_inferred(pages_store):
    desc = describe(pages_store, Iris(), ID + "actor/ocrteh", lang="en")
    marks = {
        (group.predicate.iri, value.iri): value.inferred
        for section in desc.sections
        for group in section.groups
        for value in group.values
    }
    assert marks[(ORG + "subOrganizationOf", ID + "actor/ministry-of-the-interior")] is False
    assert marks[(ORG + "transitiveSubOrganizationOf", ID + "actor/french-government")] is True


def test_the_breakdown_splits_the_total_along_the_dimension_its_parts_differ_on(pages_store):
    desc = describe(pages_store, Iris(), ID + "observation/victims-2011", lang="en")
    assert desc.breakdown is not None
    assert desc.breakdown.dimension.text == "region of origin"
    assert [(r.category.text, int(r.number)) for r in desc.breakdown.rows] == [
        ("Africa", 172),
        ("Eastern Europe and the Balkans", 159),
        ("Western Europe", 156),
    ]
    assert int(desc.breakdown.parts_sum) == 487


def test_the_rdf_twin_holds_the_shown_statements_and_names(pages_store):
    desc = describe(pages_store, Iris(), ID + "actor/ocrteh", lang="fr")
    graph = description_graph(desc)
    for s, p, o in desc.triples:
        assert (s, p, o) in graph
    ministry = URIRef(ID + "actor/ministry-of-the-interior")
    assert any(True for _ in graph.objects(ministry, None))
