"""What writes keep from one to the next: the graphs a write touched (so the statements
after it are read from those only) and the validation store (brought to each write by the
difference): both must give exactly what reading and building afresh gives."""

from __future__ import annotations

import pytest
from rdflib import Dataset, Literal, URIRef
from rdflib.term import Node

from thb_graph.config import Settings
from thb_graph.kg.build import load_shapes
from thb_graph.kg.iris import Iris
from thb_graph.kg.shacl import validate_graphs
from thb_graph.kg.shacl.kept import KeptValidationStore
from thb_graph.kg.store.base import Store
from thb_graph.namespaces import RDF, SKOS
from thb_graph.writes.stage import (
    EVERY_GRAPH,
    apply_update,
    graphs_written,
    quad_set,
    quads_of,
    stage,
    staged_with_quads,
    statements_after,
)

QUADS = (
    b"<urn:a> <urn:b> <urn:c> <urn:g1> .\n"
    b"<urn:a> <urn:b> <urn:d> <urn:g2> .\n"
    b'<urn:e> <urn:b> "x" <urn:g2> .\n'
)


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { GRAPH <urn:g1> { <urn:x> <urn:y> <urn:z> } }",
        "DELETE DATA { GRAPH <urn:g2> { <urn:a> <urn:b> <urn:d> } }",
        "DELETE DATA { <urn:a> <urn:b> <urn:c> }",
        "DELETE WHERE { GRAPH ?g { <urn:a> ?p ?o } }",
        "DELETE { GRAPH <urn:g2> { ?s ?p ?o } } INSERT { GRAPH <urn:g3> { ?s ?p ?o } } "
        "WHERE { GRAPH <urn:g2> { ?s ?p ?o } }",
        "WITH <urn:g2> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o FILTER isLiteral(?o) }",
        "CLEAR GRAPH <urn:g1>",
        "DROP ALL",
        "ADD <urn:g1> TO <urn:g4>",
        "MOVE <urn:g1> TO <urn:g2>",
        "COPY <urn:g2> TO <urn:g1>",
        "INSERT DATA { <urn:x> <urn:y> <urn:z> }",
    ],
)
def test_statements_after_a_write_read_from_the_graphs_it_wrote_are_all_of_them(
    update: str,
) -> None:
    ds, before = staged_with_quads(QUADS)
    with graphs_written(ds) as written:
        apply_update(ds, update)
    after = statements_after(ds, before, written)
    assert quads_of(after) == quad_set(ds)
    assert all(after) or None in after  # no empty graph is listed
    for name, statements in before.items():  # graphs not written stay the same objects
        if name not in written and EVERY_GRAPH not in written:
            assert after[name] is statements
    assert "add" not in vars(ds.store) and "remove" not in vars(ds.store)


def _data(ds: Dataset, iris: Iris) -> dict[str, frozenset[tuple[Node, Node, Node]]]:
    skip = {iris.ontology_graph, iris.inferred_graph, iris.history_graph}
    graphs: dict[str, set[tuple[Node, Node, Node]]] = {}
    for s, p, o, g in quad_set(ds):
        if g is not None and str(g) not in skip:
            graphs.setdefault(str(g), set()).add((s, p, o))
    return {name: frozenset(statements) for name, statements in graphs.items()}


def test_the_kept_store_reports_as_a_store_built_afresh(settings: Settings, store: Store) -> None:
    iris = Iris(settings.base_iri)
    shapes = load_shapes(settings)
    ds = stage(store)
    ontology = ds.graph(URIRef(iris.ontology_graph))
    actors = ds.graph(URIRef(iris.data_graph("actors")))
    kept = KeptValidationStore(keep_at_most=100_000)
    unnamed = URIRef(iris.id_prefix + "actor/unnamed")
    ocrteh = URIRef(iris.id_prefix + "actor/ocrteh")
    label = next(actors.objects(ocrteh, SKOS.prefLabel))
    org_class = URIRef("http://www.w3.org/ns/org#Organization")
    steps = [
        ("as built", lambda: None, {ocrteh}),
        (
            "an organisation without a label",
            lambda: actors.add((unnamed, RDF.type, org_class)),
            {unnamed},
        ),
        ("a label removed", lambda: actors.remove((ocrteh, SKOS.prefLabel, None)), {ocrteh}),
        (
            "both mended",
            lambda: (
                actors.remove((unnamed, None, None)),
                actors.add((ocrteh, SKOS.prefLabel, label)),
            ),
            {ocrteh, unnamed},
        ),
        ("a new label", lambda: actors.add((ocrteh, SKOS.altLabel, Literal("x"))), {ocrteh}),
    ]
    outcomes = []
    for name, change, focus in steps:
        change()
        data = _data(ds, iris)
        graphs = [g for g in ds.graphs() if str(g.identifier) in data]
        fresh = validate_graphs(graphs, shapes, ontology, focus_nodes=focus)
        again = kept.validate(data, frozenset(ontology), ontology, shapes, focus_nodes=focus)
        assert again.conforms == fresh.conforms, name
        assert sorted(map(repr, again.results)) == sorted(map(repr, fresh.results)), name
        outcomes.append(again.conforms)
    assert outcomes == [True, False, False, True, True]
