"""Filling a store: validate, infer, bulk-load, record the content hash, rebuild on change."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from thb_graph.config import Settings
from thb_graph.errors import BadRequestError, RdfSyntaxError, ShapeViolationError
from thb_graph.kg.build import content_hash
from thb_graph.kg.iris import Iris
from thb_graph.kg.load import CONTENT_HASH_KEY, build_store, ensure_built, is_up_to_date
from thb_graph.kg.materialise import materialise
from thb_graph.kg.store.base import Store
from thb_graph.namespaces import RDF

INVALID = Path(__file__).resolve().parent / "data" / "invalid"
IRIS = Iris()


def test_build_loads_every_graph_and_records_the_hash(
    settings: Settings, empty_store: Store
) -> None:
    report = build_store(settings, empty_store)
    assert set(report.graphs) == set(empty_store.graph_names())
    assert report.graphs[IRIS.inferred_graph] == report.inferred > 0
    assert report.triples == empty_store.count()
    assert empty_store.read_meta(CONTENT_HASH_KEY) == content_hash(settings)
    assert report.validation is not None and report.validation.conforms
    assert {"parse", "validate", "infer", "load", "total"} <= set(report.seconds)


def test_invalid_data_is_refused_and_the_store_left_alone(
    settings: Settings, source_tree: Path, empty_store: Store
) -> None:
    build_store(settings, empty_store)
    before = empty_store.count()
    shutil.copy(INVALID / "negative-count.ttl", source_tree / "data")
    with pytest.raises(ShapeViolationError) as caught:
        build_store(settings.replace(source_dir=str(source_tree)), empty_store)
    assert caught.value.report.violations[0].data_file == "data/negative-count.ttl"
    assert empty_store.count() == before


def test_ensure_built_builds_once_then_only_after_a_change(
    settings: Settings, source_tree: Path, empty_store: Store
) -> None:
    tree = settings.replace(source_dir=str(source_tree))
    assert ensure_built(tree, empty_store) is not None
    assert is_up_to_date(tree, empty_store)
    version = empty_store.version()
    assert ensure_built(tree, empty_store) is None
    assert empty_store.version() == version
    extra = source_tree / "data" / "more.ttl"
    extra.write_text(
        "<https://w3id.org/thb-graph/id/source/other> a "
        "<https://w3id.org/thb-graph/ontology#Source> .\n",
        encoding="utf-8",
    )
    assert not is_up_to_date(tree, empty_store)
    report = ensure_built(tree, empty_store)
    assert report is not None
    assert IRIS.data_graph("more") in empty_store.graph_names()


def test_rebuild_drops_graphs_of_removed_files_and_keeps_foreign_graphs(
    settings: Settings, source_tree: Path, empty_store: Store
) -> None:
    tree = settings.replace(source_dir=str(source_tree))
    build_store(tree, empty_store)
    history = IRIS.history_graph
    empty_store.load(b"<http://e/a> <http://e/p> 1 .", "text/turtle", history)
    (source_tree / "data" / "sources.ttl").unlink()
    (source_tree / "data" / "statistics.ttl").unlink()
    build_store(tree, empty_store)
    names = empty_store.graph_names()
    assert IRIS.data_graph("sources") not in names
    assert history in names


def test_extra_files_go_into_their_own_graphs(
    settings: Settings, tmp_path: Path, empty_store: Store
) -> None:
    nt = tmp_path / "Synthetic Victims.nt"
    nt.write_text('<http://e/a> <http://e/p> <http://e/b> .\n<http://e/a> <http://e/p> "2" .\n')
    ttl = tmp_path / "extra.ttl"
    ttl.write_text("@prefix e: <http://e/> . e:x e:p e:y .\n")
    report = build_store(settings, empty_store, extra_files=[nt, ttl])
    assert report.graphs[IRIS.graph("extra/synthetic-victims")] == 2
    assert empty_store.count(IRIS.graph("extra/extra")) == 1


UNIT = "http://e/unit"
UNIT_TRIPLES = (
    f"<{UNIT}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
    "<https://w3id.org/thb-graph/ontology#LawEnforcementUnit> .\n"
    f"<{UNIT}> <http://www.w3.org/ns/org#subOrganizationOf> "
    "<https://w3id.org/thb-graph/id/actor/ocrteh> .\n"
)
EXTRA_UNIT = (
    UNIT_TRIPLES + f'<{UNIT}> <http://www.w3.org/2004/02/skos/core#prefLabel> "Unit"@en .\n'
)


def _holds(store: Store, s: str, p: str, o: str, graph: str) -> bool:
    return bool(store.query(f"ASK {{ GRAPH <{graph}> {{ <{s}> <{p}> <{o}> }} }}").boolean)


def test_extra_files_are_inferred_over_with_the_sources(
    settings: Settings, tmp_path: Path, empty_store: Store
) -> None:
    nt = tmp_path / "units.nt"
    nt.write_text(EXTRA_UNIT)
    report = build_store(settings, empty_store, extra_files=[nt])
    inferred = IRIS.inferred_graph
    org = "http://www.w3.org/ns/org#"
    # the subclass axiom and the transitive organisation links reach the extra unit
    assert _holds(empty_store, UNIT, str(RDF.type), org + "Organization", inferred)
    government = IRIS.entity("actor", "government")
    assert _holds(empty_store, UNIT, org + "transitiveSubOrganizationOf", government, inferred)
    assert _holds(
        empty_store,
        government,
        org + "hasSubOrganization",
        IRIS.entity("actor", "ministry-interior"),
        inferred,
    )
    assert report.graphs[inferred] == empty_store.count(inferred) == report.inferred
    assert "infer extras" in report.seconds
    # a fixpoint: inference inside the target store finds nothing more to add
    assert materialise(empty_store, IRIS).added == 0


def test_a_rebuild_keeps_the_extra_graphs_and_their_consequences(
    source_tree: Path, settings: Settings, tmp_path: Path, empty_store: Store
) -> None:
    nt = tmp_path / "units.nt"
    nt.write_text(EXTRA_UNIT)
    tree = settings.replace(source_dir=str(source_tree))
    build_store(tree, empty_store, extra_files=[nt])
    (source_tree / "data" / "sources.ttl").write_text(
        (source_tree / "data" / "sources.ttl").read_text() + "\n# changed\n"
    )
    assert not is_up_to_date(tree, empty_store)
    assert ensure_built(tree, empty_store) is not None
    assert empty_store.count(IRIS.graph("extra/units")) == 3
    org = "http://www.w3.org/ns/org#"
    government = IRIS.entity("actor", "government")
    assert _holds(
        empty_store, UNIT, org + "transitiveSubOrganizationOf", government, IRIS.inferred_graph
    )


def test_an_extra_file_that_breaks_the_shapes_is_refused_before_any_change(
    settings: Settings, tmp_path: Path, empty_store: Store
) -> None:
    build_store(settings, empty_store)
    before = {name: empty_store.count(name) for name in empty_store.graph_names()}
    nt = tmp_path / "units.nt"
    nt.write_text(UNIT_TRIPLES)  # an organisation without a preferred label
    with pytest.raises(ShapeViolationError) as caught:
        build_store(settings, empty_store, extra_files=[nt])
    [result] = caught.value.report.violations
    assert str(result.focus_node) == UNIT
    assert result.message == "An organisation needs a preferred label."
    assert result.data_file == str(nt)
    assert {name: empty_store.count(name) for name in empty_store.graph_names()} == before
    # without validation the same file loads
    report = build_store(settings, empty_store, extra_files=[nt], validate=False)
    assert report.graphs[IRIS.graph("extra/units")] == 2


def test_extra_file_with_a_syntax_error_is_refused_before_any_change(
    settings: Settings, tmp_path: Path, empty_store: Store
) -> None:
    bad = tmp_path / "bad.nt"
    bad.write_text("<http://e/a> <http://e/p> .\n")
    with pytest.raises(RdfSyntaxError) as caught:
        build_store(settings, empty_store, extra_files=[bad])
    assert caught.value.line == 1
    assert "bad.nt" in caught.value.message
    assert empty_store.graph_names() == []


def test_extra_file_of_unknown_kind_is_refused(
    settings: Settings, tmp_path: Path, empty_store: Store
) -> None:
    csv = tmp_path / "table.csv"
    csv.write_text("a,b\n")
    with pytest.raises(BadRequestError, match="N-Triples"):
        build_store(settings, empty_store, extra_files=[csv])
    assert empty_store.graph_names() == []


def test_build_under_another_base_iri(settings: Settings, empty_store: Store) -> None:
    base = "http://127.0.0.1:8000/"
    build_store(settings.replace(base_iri=base), empty_store)
    assert all(name.startswith(base + "graph/") for name in empty_store.graph_names())
    rows = empty_store.query(
        f"ASK {{ <{base}id/actor/ocrteh> a <http://www.w3.org/ns/org#Organization> }}"
    )
    assert rows.boolean is True
