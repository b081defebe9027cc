"""Building the Dataset of named graphs from ontology/, data/ and shapes/."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

from thb_graph.config import Settings
from thb_graph.errors import ConfigError, RdfSyntaxError
from thb_graph.kg.build import build_dataset, content_hash, load_shapes
from thb_graph.namespaces import DEFAULT_BASE_IRI, SH


def test_each_data_file_gets_its_own_named_graph(settings: Settings, mini_dir: Path) -> None:
    source = build_dataset(settings)
    expected = {source.iris.data_graph(p.stem) for p in (mini_dir / "data").glob("*.ttl")}
    assert set(source.data_graph_iris()) == expected
    for path in (mini_dir / "data").glob("*.ttl"):
        parsed = Graph().parse(path, format="turtle")
        built = source.dataset.graph(URIRef(source.iris.data_graph(path.stem)))
        assert isomorphic(parsed, built), path.name
        assert source.data_file_of(str(built.identifier)) == f"data/{path.name}"


def test_ontology_files_go_into_the_ontology_graph(settings: Settings, mini_dir: Path) -> None:
    source = build_dataset(settings)
    parsed = Graph().parse(mini_dir / "ontology" / "mini.ttl", format="turtle")
    assert source.ontology.identifier == URIRef(source.iris.ontology_graph)
    assert isomorphic(parsed, source.ontology)


def test_default_graph_is_the_union_of_the_named_graphs(settings: Settings) -> None:
    source = build_dataset(settings)
    labels = set(
        source.dataset.query(
            "SELECT ?l WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l }"
        )
    )
    assert labels, "ontology labels are visible in the default graph"
    union = source.data_union()
    assert len(union) == sum(len(source.dataset.graph(URIRef(i))) for i in source.data_graph_iris())


def test_other_base_iri_moves_every_local_iri(settings: Settings) -> None:
    base = "http://localhost:5000/kg/"
    source = build_dataset(settings.replace(base_iri=base))
    terms = {t for quad in source.dataset.quads((None, None, None, None)) for t in quad[:3]}
    assert not any(str(t).startswith(DEFAULT_BASE_IRI) for t in terms if isinstance(t, URIRef))
    assert URIRef(base + "id/actor/ocrteh") in terms
    assert URIRef(base + "ontology#LawEnforcementUnit") in terms
    assert source.data_graph_iris()[0].startswith(base + "graph/data/")


def test_other_base_iri_rebases_sparql_text_in_shapes(settings: Settings) -> None:
    base = "http://localhost:5000/kg/"
    shapes = load_shapes(settings.replace(base_iri=base))
    namespaces = [str(o) for o in shapes.objects(None, SH.namespace)]
    assert namespaces == [base + "ontology#"]


def test_shapes_are_loaded_into_one_graph(settings: Settings) -> None:
    shapes = load_shapes(settings)
    node_shapes = set(shapes.subjects(predicate=None, object=SH.NodeShape))
    assert len(node_shapes) == 2


def test_turtle_syntax_error_names_file_line_and_column(
    settings: Settings, source_tree: Path
) -> None:
    bad = source_tree / "data" / "broken.ttl"
    bad.write_text(
        "@prefix ex: <http://example.org/> .\n\nex:a ex:b ex:c ;\n    ex:d .\n", encoding="utf-8"
    )
    with pytest.raises(RdfSyntaxError) as caught:
        build_dataset(settings.replace(source_dir=str(source_tree)))
    assert caught.value.line == 4
    assert caught.value.column is not None and caught.value.column >= 5
    assert "data/broken.ttl:4:" in caught.value.message


def test_missing_source_dir_is_a_config_error(settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not a folder"):
        build_dataset(settings.replace(source_dir=str(tmp_path / "nowhere")))


def test_content_hash_is_stable_and_follows_every_source_folder(
    settings: Settings, source_tree: Path
) -> None:
    tree = settings.replace(source_dir=str(source_tree))
    first = content_hash(tree)
    assert content_hash(tree) == first
    assert build_dataset(tree).content_hash == first
    for folder in ("ontology", "data", "shapes"):
        path = next((source_tree / folder).glob("*.ttl"))
        original = path.read_bytes()
        path.write_bytes(original + b"\n# changed\n")
        assert content_hash(tree) != first, folder
        path.write_bytes(original)
        assert content_hash(tree) == first


def test_content_hash_follows_the_base_iri(settings: Settings) -> None:
    assert content_hash(settings) != content_hash(settings.replace(base_iri="http://x.test/"))


def test_content_hash_follows_file_renames(settings: Settings, source_tree: Path) -> None:
    tree = settings.replace(source_dir=str(source_tree))
    before = content_hash(tree)
    (source_tree / "data" / "sources.ttl").rename(source_tree / "data" / "documents.ttl")
    assert content_hash(tree) != before
