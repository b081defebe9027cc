"""Inference after a write, redone for the affected nodes only, equals inference in full:
owlrl's closure on the France graph, the SPARQL rules on synthetic data."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.term import Node

from thb_graph.config import load_settings
from thb_graph.kg.build import build_dataset
from thb_graph.kg.incremental import reinfer, rules_of
from thb_graph.kg.infer import infer
from thb_graph.kg.iris import Iris
from thb_graph.namespaces import ORG, OWL, RDF, RDFS, THB
from thb_graph.synth import write_synthetic_file

Triple = tuple[Node, Node, Node]
ROOT = Path(__file__).resolve().parents[1]
ACTOR = Iris().id_prefix + "actor/"


def _owlrl(triples: set[Triple]) -> set[Triple]:
    from rdflib import Graph

    graph = Graph()
    for t in triples:
        graph.add(t)
    return set(infer([graph]).graph)


def _apply(asserted: set[Triple], add: list[Triple], remove: list[Triple]) -> set[Triple]:
    return (asserted - set(remove)) | set(add)


def test_france_incremental_equals_the_owlrl_closure() -> None:
    source = build_dataset(load_settings(env={}, overrides={"source_dir": str(ROOT)}))
    ontology = set(source.ontology)
    data = {t for i in source.data_graph_iris() for t in source.dataset.graph(URIRef(i))}
    asserted = ontology | data
    inferred = _owlrl(asserted)
    rules = rules_of(ontology)
    unit = URIRef(ACTOR + "ocrteh")
    interior, justice = (
        URIRef(ACTOR + "ministry-of-the-interior"),
        URIRef(ACTOR + "ministry-of-justice"),
    )
    new = URIRef(ACTOR + "new-unit")
    changes: list[tuple[list[Triple], list[Triple]]] = [
        # a new unit deep in the hierarchy: types, inverse and transitive links at every depth
        (
            [
                (new, RDF.type, THB.PoliceUnit),
                (new, ORG.subOrganizationOf, unit),
                (new, RDFS.label, Literal("New unit", lang="en")),
            ],
            [],
        ),
        # a unit moved from one ministry to another: links above it redone, old ones gone
        ([(unit, ORG.subOrganizationOf, justice)], [(unit, ORG.subOrganizationOf, interior)]),
    ]
    for add, remove in changes:
        after = _apply(asserted, add, remove)
        redone = reinfer(rules, after, inferred, [*add, *remove])
        assert redone is not None
        expected = _owlrl(after)
        assert redone.inferred == expected, (
            sorted(redone.inferred - expected)[:5],
            sorted(expected - redone.inferred)[:5],
        )
        asserted, inferred = after, redone.inferred


def _materialised(triples: set[Triple], ontology: set[Triple]) -> set[Triple]:
    from thb_graph.kg.incremental import _materialised as run

    return run(rules_of(ontology), list(triples))


def test_synthetic_incremental_equals_the_rules_in_full(tmp_path: Path) -> None:
    from rdflib import Graph

    source = build_dataset(load_settings(env={}, overrides={"source_dir": str(ROOT)}))
    ontology = set(source.ontology)
    nt = tmp_path / "synthetic.nt"
    write_synthetic_file(nt, triples=5_000, seed=3)
    data = set(Graph().parse(nt, format="nt"))
    asserted = ontology | data
    inferred = _materialised(asserted, ontology)
    rules = rules_of(ontology)
    subs = sorted(t for t in data if t[1] == ORG.subOrganizationOf)
    units = {t[0] for t in subs}
    typed = sorted(t for t in data if t[1] == RDF.type and t[0] in units)
    (a, _, b), (c, _, d) = subs[3], subs[len(subs) // 2]
    changes: list[tuple[list[Triple], list[Triple]]] = [
        ([(a, ORG.subOrganizationOf, d)], [(a, ORG.subOrganizationOf, b)]),  # move a subtree
        ([], [subs[-1]]),  # cut a link
        ([], [typed[0]]),  # drop a type
        ([(c, ORG.hasSubOrganization, a)], []),  # through the inverse
    ]
    for add, remove in changes:
        after = _apply(asserted, add, remove)
        redone = reinfer(rules, after, inferred, [*add, *remove])
        assert redone is not None
        assert redone.inferred == _materialised(after, ontology)
        assert redone.affected < len({t[0] for t in data}) / 2  # a part, not the whole
        asserted, inferred = after, redone.inferred


@pytest.mark.parametrize(
    "triple",
    [
        (THB.PoliceUnit, RDFS.subClassOf, THB.Organisation),
        (URIRef(ACTOR + "a"), OWL.sameAs, URIRef(ACTOR + "b")),
        (ORG.subOrganizationOf, RDFS.label, Literal("x")),
    ],
)
def test_changes_of_the_rules_are_left_to_inference_in_full(triple: Triple) -> None:
    source = build_dataset(load_settings(env={}, overrides={"source_dir": str(ROOT)}))
    rules = rules_of(set(source.ontology))
    assert reinfer(rules, [triple], set(), [triple]) is None
