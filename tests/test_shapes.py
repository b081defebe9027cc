"""The SHACL shapes (shapes/*.ttl): a valid fixture passes, each broken fixture is rejected
with exactly the expected focus nodes and messages, every SPARQL check has a broken fixture,
and the France data conforms.

A broken fixture ``tests/data/shapes/{case}.ttl`` adds a few triples to ``valid.ttl``; its
``# expect: FOCUS | MESSAGE`` lines list every violation the merged graph must produce.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.term import Node

from thb_graph.config import Settings, load_settings
from thb_graph.kg.build import build_dataset, load_shapes
from thb_graph.kg.validate import ValidationReport, validate, validate_sources
from thb_graph.namespaces import OWL, RDF, RDFS, SH, THB

ROOT = Path(__file__).resolve().parents[1]
CASES_DIR = Path(__file__).resolve().parent / "data" / "shapes"
VALID = CASES_DIR / "valid.ttl"
CASES = sorted(p for p in CASES_DIR.glob("*.ttl") if p != VALID)
DEFAULT_BASE = "https://w3id.org/thb-graph/"


def _expected(case: Path, key: str = "expect") -> set[tuple[str, str]]:
    """The (focus node, message) pairs a broken fixture declares under ``# {key}:``
    (``expect`` for violations, ``warn`` for warnings)."""
    found = set()
    marker = f"# {key}:"
    for line in case.read_text(encoding="utf-8").splitlines():
        if line.startswith(marker):
            focus, message = line[len(marker) :].split(" | ", 1)
            found.add((focus.strip(), message.strip()))
    return found


@pytest.fixture(scope="module")
def project() -> Settings:
    """Settings over the project's own ontology, shapes and data."""
    return load_settings(env={}, overrides={"source_dir": str(ROOT), "store": "memory"})


@pytest.fixture(scope="module")
def shapes(project: Settings) -> Graph:
    return load_shapes(project)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ROOT / "ontology" / "thb.ttl", format="turtle")


def _check(graph: Graph, shapes: Graph, ontology: Graph) -> ValidationReport:
    return validate(graph, shapes, ontology)


#: Reports of the broken fixtures, computed once per session (validation takes seconds).
_REPORTS: dict[Path, ValidationReport] = {}


def _report_for(case: Path, shapes: Graph, ontology: Graph) -> ValidationReport:
    if case not in _REPORTS:
        _REPORTS[case] = _check(_with_valid(case), shapes, ontology)
    return _REPORTS[case]


def _with_valid(*cases: Path) -> Graph:
    graph = Graph().parse(VALID, format="turtle")
    for case in cases:
        graph.parse(case, format="turtle")
    return graph


def test_valid_fixture_conforms_without_any_result(shapes: Graph, ontology: Graph) -> None:
    report = _check(_with_valid(), shapes, ontology)
    assert report.conforms, report.to_text()
    assert report.results == []


def test_every_broken_fixture_declares_what_it_expects() -> None:
    assert len(CASES) >= 30
    for case in CASES:
        assert _expected(case) or _expected(case, "warn"), f"{case.name} declares no result"


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_broken_fixture_is_rejected_with_precise_focus_and_message(
    case: Path, shapes: Graph, ontology: Graph
) -> None:
    report = _report_for(case, shapes, ontology)
    violations = {(str(r.focus_node), r.message) for r in report.violations}
    warnings = {(str(r.focus_node), r.message) for r in report.results if r.severity == "Warning"}
    assert violations == _expected(case), report.to_text()
    assert warnings == _expected(case, "warn"), report.to_text()
    assert report.conforms == (not violations)


def test_every_sparql_check_is_exercised_by_a_broken_fixture(
    shapes: Graph, ontology: Graph
) -> None:
    checks = set(shapes.subjects(RDF.type, SH.SPARQLConstraint))
    assert len(checks) >= 20
    fired: set[Node] = set()
    for case in CASES:
        report = _report_for(case, shapes, ontology)
        fired.update(report.graph.objects(None, SH.sourceConstraint))
    untested = sorted(str(shapes.value(check, RDFS.label)) for check in checks - fired)
    assert untested == [], f"SPARQL checks without a broken fixture: {untested}"


def test_every_thb_class_is_the_target_of_a_shape(shapes: Graph, ontology: Graph) -> None:
    targeted = set(shapes.objects(None, SH.targetClass))
    thb_classes = [c for c in ontology.subjects(RDF.type, OWL.Class) if str(c).startswith(str(THB))]
    untargeted = sorted(
        str(c)
        for c in thb_classes
        if not set(ontology.transitive_objects(c, RDFS.subClassOf)) & targeted
    )
    assert len(thb_classes) > 50
    assert untargeted == []


def test_messages_name_the_values_they_complain_about(shapes: Graph, ontology: Graph) -> None:
    report = _report_for(CASES_DIR / "range-min-above-max.ttl", shapes, ontology)
    [result] = report.violations
    assert "12000" in result.message and "10000" in result.message
    assert str(result.focus_node) in result.message


def test_france_data_conforms_to_the_shapes(project: Settings, shapes: Graph) -> None:
    report = validate_sources(build_dataset(project), shapes)
    assert report.conforms, report.to_text()
    assert report.violations == []


def test_sparql_checks_follow_a_configured_base_iri(tmp_path: Path) -> None:
    tree = tmp_path / "source"
    for folder in ("ontology", "shapes"):
        shutil.copytree(ROOT / folder, tree / folder)
    (tree / "data").mkdir()
    shutil.copy(VALID, tree / "data" / "valid.ttl")
    case = CASES_DIR / "breakdown-parts-do-not-sum.ttl"
    shutil.copy(case, tree / "data" / case.name)
    base = "http://127.0.0.1:8080/kg/"
    settings = load_settings(env={}, overrides={"source_dir": str(tree), "base_iri": base})
    report = validate_sources(build_dataset(settings), load_shapes(settings))
    expected = {
        (focus.replace(DEFAULT_BASE, base), message.replace(DEFAULT_BASE, base))
        for focus, message in _expected(case)
    }
    got = {(str(r.focus_node), r.message) for r in report.violations}
    assert got == expected, report.to_text()
