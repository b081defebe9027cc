"""Synthetic data: reproducible, sized as asked, in its own namespace, made of the real
ontology's terms, and valid against the real shapes."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from thb_graph.cli import main
from thb_graph.config import load_settings
from thb_graph.kg.build import load_shapes
from thb_graph.kg.validate import validate
from thb_graph.namespaces import THB
from thb_graph.synth import SYNTH_NAMESPACE, write_synthetic

ROOT = Path(__file__).resolve().parents[1]


def synth(triples: int, seed: int = 1) -> str:
    out = io.StringIO()
    write_synthetic(out, triples=triples, seed=seed)
    return out.getvalue()


@pytest.fixture(scope="module")
def small() -> Graph:
    graph = Graph()
    graph.parse(data=synth(3000, seed=5), format="nt")
    return graph


@pytest.fixture(scope="module")
def ontology() -> Graph:
    graph = Graph()
    graph.parse(ROOT / "ontology" / "thb.ttl", format="turtle")
    return graph


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data() -> None:
    assert synth(2000, seed=1) == synth(2000, seed=1)
    assert synth(2000, seed=1) != synth(2000, seed=2)


@pytest.mark.parametrize("triples", [1, 2500, 40_000])
def test_it_writes_about_as_many_triples_as_asked(triples: int) -> None:
    out = io.StringIO()
    written = write_synthetic(out, triples=triples, seed=3)
    lines = out.getvalue().splitlines()
    assert written == len(lines)
    assert written >= triples
    assert written - triples < 1000 or triples < 1000  # it stops after one whole group
    assert len(Graph().parse(data=out.getvalue(), format="nt")) == written


def test_every_subject_lives_in_the_synthetic_namespace(small: Graph) -> None:
    subjects = {s for s in small.subjects() if isinstance(s, URIRef)}
    assert subjects
    assert all(str(s).startswith(SYNTH_NAMESPACE) for s in subjects)
    real_ids = "https://w3id.org/thb-graph/id/"
    assert not any(str(t).startswith(real_ids) for triple in small for t in triple)


def test_every_ontology_term_it_uses_is_declared_in_the_real_ontology(
    small: Graph, ontology: Graph
) -> None:
    used = {p for p in small.predicates() if str(p).startswith(str(THB))}
    used |= {o for o in small.objects(None, RDF.type) if str(o).startswith(str(THB))}
    assert len(used) > 30
    undeclared = {t for t in used if (t, RDF.type, None) not in ontology}
    assert undeclared == set()
    classes = {o for o in small.objects(None, RDF.type) if str(o).startswith(str(THB))}
    assert all((c, RDF.type, OWL.Class) in ontology for c in classes)


def test_breakdown_parts_sum_to_their_totals(small: Graph) -> None:
    rows = list(
        small.query(
            """PREFIX thb: <https://w3id.org/thb-graph/ontology#>
            SELECT ?total ?count (SUM(?part) AS ?sum) (COUNT(?p) AS ?parts) WHERE {
                ?p thb:partOf ?total ; thb:count ?part . ?total thb:count ?count .
            } GROUP BY ?total ?count"""
        )
    )
    assert len(rows) > 10
    assert all(int(row[1]) == int(row[2]) for row in rows)  # type: ignore[index]
    depth = small.query(
        """PREFIX thb: <https://w3id.org/thb-graph/ontology#>
        ASK { ?a thb:partOf/thb:partOf/thb:partOf ?top }"""
    )
    assert depth.askAnswer


def test_organisations_have_deep_unit_hierarchies_and_labels_in_two_languages(
    small: Graph,
) -> None:
    deep = small.query(
        """PREFIX org: <http://www.w3.org/ns/org#>
        SELECT ?unit WHERE { ?unit org:subOrganizationOf/org:subOrganizationOf/
            org:subOrganizationOf/org:subOrganizationOf/org:subOrganizationOf ?top }"""
    )
    assert len(deep) > 0
    french = {s for s, o in small.subject_objects(RDFS.label) if o.language == "fr"}
    assert len(french) > 50


def test_it_conforms_to_the_real_shapes(small: Graph, ontology: Graph) -> None:
    settings = load_settings(env={}, overrides={"source_dir": str(ROOT)})
    report = validate(small, load_shapes(settings), ontology)
    assert report.conforms, report.text[:3000]


def test_the_synth_command_writes_the_file(tmp_path: Path) -> None:
    out = tmp_path / "synthetic.nt"
    result = CliRunner().invoke(
        main, ["synth", "--triples", "1500", "--seed", "4", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == synth(1500, seed=4)


def test_the_synth_command_reports_an_unwritable_file(tmp_path: Path) -> None:
    out = tmp_path / "missing" / "synthetic.nt"
    result = CliRunner().invoke(main, ["synth", "--triples", "10", "--out", str(out)])
    assert result.exit_code == 2
    assert "cannot write" in result.output
