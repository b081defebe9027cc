"""SHACL validation: the report, its renderings, and refusing data that does not conform."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from thb_graph.config import Settings
from thb_graph.errors import ConfigError, ShapeViolationError
from thb_graph.kg.build import build_dataset, load_shapes
from thb_graph.kg.validate import ValidationReport, ensure_valid, validate, validate_sources
from thb_graph.namespaces import SH

INVALID = Path(__file__).resolve().parent / "data" / "invalid"
CASES = sorted(INVALID.glob("*.ttl"))


def _expectations(path: Path) -> dict[str, str]:
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# ") and ":" in line:
            key, value = line[2:].split(":", 1)
            found[key.strip()] = value.strip()
    return found


def _report_with(settings: Settings, tree: Path, case: Path) -> ValidationReport:
    shutil.copy(case, tree / "data" / case.name)
    tree_settings = settings.replace(source_dir=str(tree))
    return validate_sources(build_dataset(tree_settings), load_shapes(tree_settings))


def test_fixture_data_conforms(settings: Settings) -> None:
    report = validate_sources(build_dataset(settings), load_shapes(settings))
    assert report.conforms
    assert report.results == []
    assert report.to_text().startswith("Conforms")


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_invalid_case_is_reported_with_focus_message_and_file(
    settings: Settings, source_tree: Path, case: Path
) -> None:
    expect = _expectations(case)
    report = _report_with(settings, source_tree, case)
    assert not report.conforms
    matching = [r for r in report.violations if str(r.focus_node) == expect["focus"]]
    assert matching, report.to_text()
    assert any(r.message == expect["expect"] for r in matching)
    assert all(r.data_file == f"data/{case.name}" for r in matching)


def test_sparql_constraints_still_apply_under_another_base_iri(
    settings: Settings, source_tree: Path
) -> None:
    other = settings.replace(base_iri="http://127.0.0.1:8000/")
    report = _report_with(other, source_tree, INVALID / "negative-count.ttl")
    assert [str(r.focus_node) for r in report.violations] == [
        "http://127.0.0.1:8000/id/observation/negative"
    ]
    assert report.violations[0].message == "A count of victims cannot be negative."


def test_text_report_has_one_block_per_result(settings: Settings, source_tree: Path) -> None:
    report = _report_with(settings, source_tree, INVALID / "observation-without-source.ttl")
    text = report.to_text()
    assert text.startswith("Does not conform: 1 violation(s)")
    assert text.count("focus node:") == len(report.results) == 1
    assert "path:       dct:source" in text
    assert "data file:  data/observation-without-source.ttl" in text
    assert "Every observation names its source." in text


def test_json_and_turtle_reports_are_machine_readable(
    settings: Settings, source_tree: Path
) -> None:
    report = _report_with(settings, source_tree, INVALID / "negative-count.ttl")
    body = json.loads(report.render("json"))
    assert body["conforms"] is False
    (result,) = body["results"]
    assert result["focus_node"] == "<https://w3id.org/thb-graph/id/observation/negative>"
    assert result["data_file"] == "data/negative-count.ttl"
    assert result["severity"] == "Violation"
    parsed = Graph().parse(data=report.render("turtle"), format="turtle")
    assert (None, SH.conforms, Literal(False)) in parsed


def test_ensure_valid_raises_with_the_report(settings: Settings, source_tree: Path) -> None:
    report = _report_with(settings, source_tree, INVALID / "unlabelled-unit.ttl")
    with pytest.raises(ShapeViolationError) as caught:
        ensure_valid(report)
    assert caught.value.report is report
    assert "1 violation" in caught.value.message


def test_ensure_valid_returns_a_conforming_report(settings: Settings) -> None:
    report = validate_sources(build_dataset(settings), load_shapes(settings))
    assert ensure_valid(report) is report


def test_subclass_targets_need_the_ontology(settings: Settings) -> None:
    source = build_dataset(settings)
    unit = URIRef("https://w3id.org/thb-graph/id/actor/unit")
    data = Graph()
    data.add(
        (
            unit,
            URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            URIRef("https://w3id.org/thb-graph/ontology#LawEnforcementUnit"),
        )
    )
    shapes = load_shapes(settings)
    assert validate(data, shapes).conforms, "without the ontology no shape targets the unit"
    with_ontology = validate(data, shapes, source.ontology)
    assert not with_ontology.conforms
    assert with_ontology.results[0].focus_node == unit
    assert with_ontology.results[0].data_file is None


def test_warnings_do_not_break_conformance(settings: Settings) -> None:
    shapes = Graph().parse(
        data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix ex: <http://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ;
            sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:severity sh:Warning ;
                          sh:message "p is advised" ] .
        """,
        format="turtle",
    )
    data = Graph().parse(data="<http://example.org/x> a <http://example.org/C> .", format="turtle")
    report = validate(data, shapes)
    assert report.conforms
    assert [r.severity for r in report.results] == ["Warning"]
    assert report.violations == []


def test_a_violation_fails_even_under_a_warning_node_shape() -> None:
    shapes = Graph().parse(
        data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix ex: <http://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:severity sh:Warning ;
            sh:property [ sh:path ex:p ; sh:minCount 1 ] .
        """,
        format="turtle",
    )
    data = Graph().parse(data="<http://example.org/x> a <http://example.org/C> .", format="turtle")
    report = validate(data, shapes)
    assert not report.conforms
    assert [r.severity for r in report.violations] == ["Violation"]


def test_broken_shapes_are_a_config_error() -> None:
    shapes = Graph().parse(
        data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix ex: <http://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ;
            sh:property [ sh:path ex:p ; sh:minCount "many" ] .
        """,
        format="turtle",
    )
    data = Graph().parse(data="<http://example.org/x> a <http://example.org/C> .", format="turtle")
    with pytest.raises(ConfigError, match="shapes"):
        validate(data, shapes)
