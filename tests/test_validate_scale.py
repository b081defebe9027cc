"""Validation at scale: queries that keep their size whatever the data, reports that stay
readable with many results, and native crashes reported as errors naming the step."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph

from thb_graph import cli
from thb_graph.errors import EngineCrashError, ShapeViolationError
from thb_graph.kg import extras
from thb_graph.kg.isolate import run_step
from thb_graph.kg.shacl import engine, validate_store

EX = "https://example.org/"
CANDIDATES = 100_000
SHAPES = f"""
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <{EX}> .
ex:IriShape a sh:NodeShape ; sh:targetClass ex:Thing ;
    sh:pattern "/id/[a-z]+/[a-z0-9-]+$" ; sh:message "IRI form" .
ex:CodeShape a sh:NodeShape ; sh:targetClass ex:Thing ;
    sh:property [ sh:path ex:code ; sh:pattern "^[0-9]+$" ; sh:message "code digits" ] .
"""


@pytest.fixture
def query_sizes(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The length of every query the validation engine hands to the store."""
    sizes: list[int] = []
    query = engine.StoreOracle.query

    def measured(self: engine.StoreOracle, text: str) -> object:
        sizes.append(len(text))
        return query(self, text)

    monkeypatch.setattr(engine.StoreOracle, "query", measured)
    yield sizes


def _store(graph: str) -> ox.Store:
    """CANDIDATES things whose IRIs and codes all fail their pattern, each distinct."""
    lines = []
    for n in range(CANDIDATES):
        thing = f"<{EX}id/Thing/Bad_{n}>"
        lines.append(f"{thing} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{EX}Thing> .")
        lines.append(f'{thing} <{EX}code> "x{n}" .')
    store = ox.Store()
    store.bulk_load(
        "\n".join(lines).encode(), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph)
    )
    return store


@pytest.mark.parametrize("restricted", [False, True], ids=["whole", "restricted"])
def test_100k_failing_candidates_keep_every_query_small(
    query_sizes: list[int], monkeypatch: pytest.MonkeyPatch, restricted: bool
) -> None:
    graph = f"{EX}graph/new"
    store = _store(graph)
    if restricted:  # force the focus-first plan even though the change is the whole store
        monkeypatch.setattr(engine, "_mostly_changed", lambda store, graphs: False)
    shapes = Graph().parse(data=SHAPES, format="turtle")
    report = validate_store(store, shapes, focus_graphs=[graph])
    assert len(report.results) == 2 * CANDIDATES
    assert {r.message for r in report.results} == {"IRI form", "code digits"}
    assert max(query_sizes) < 10_000, max(query_sizes)


def test_the_summary_counts_by_shape_and_shows_the_first_twenty() -> None:
    graph = f"{EX}graph/new"
    store = _store(graph)
    shapes = Graph().parse(data=SHAPES, format="turtle")
    report = validate_store(store, shapes)
    summary = report.summary()
    assert summary.startswith(f"Does not conform: {2 * CANDIDATES} violation(s)")
    assert f"{CANDIDATES:>9}  Violation ex:IriShape" in summary
    assert f"{CANDIDATES:>9}  Violation ex:CodeShape" in summary
    assert summary.count("focus node:") == 20
    assert f"... and {2 * CANDIDATES - 20} more result(s)" in summary
    assert len(summary) < 10_000


def test_a_crash_in_a_step_becomes_an_error_naming_it() -> None:
    with pytest.raises(EngineCrashError) as caught:
        run_step("checking the test data", os.abort)
    assert "checking the test data" in caught.value.message
    assert "SIGABRT" in caught.value.message


def test_a_step_gives_back_its_result_and_its_errors() -> None:
    assert run_step("adding", lambda a, b: a + b, 2, 3) == 5

    def refuse() -> None:
        raise ShapeViolationError("does not conform", report="the report")

    with pytest.raises(ShapeViolationError) as caught:
        run_step("validating", refuse)
    assert caught.value.report == "the report"


def test_load_reports_a_native_crash_with_exit_1(
    mini_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in list(os.environ):
        if name.startswith("THB_GRAPH_"):
            monkeypatch.delenv(name)

    def crash(*args: object, **kwargs: object) -> None:
        os.abort()

    monkeypatch.setattr(extras, "materialise", crash)
    extra = tmp_path / "bench.nt"
    extra.write_text("<http://e/a> <http://e/p> <http://e/b> .\n")
    args = ["--source-dir", str(mini_dir), "--store", "memory", "load", "--with", str(extra)]
    result = CliRunner().invoke(cli.main, args)
    assert result.exit_code == 1, result.output
    assert "crashed while validating and inferring the extra files" in result.stderr
    assert "SIGABRT" in result.stderr


def test_validate_and_load_write_the_full_report_on_request(
    mini_dir: Path, source_tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in list(os.environ):
        if name.startswith("THB_GRAPH_"):
            monkeypatch.delenv(name)
    invalid = Path(__file__).resolve().parent / "data" / "invalid"
    (source_tree / "data" / "x.ttl").write_bytes((invalid / "negative-count.ttl").read_bytes())
    base = ["--source-dir", str(source_tree), "--store", "memory"]
    turtle, text = tmp_path / "report.ttl", tmp_path / "report.txt"
    result = CliRunner().invoke(cli.main, [*base, "validate", "--report", str(turtle)])
    assert result.exit_code == 1
    report = Graph().parse(turtle, format="turtle")
    assert len(list(report.subjects(predicate=None, object=None))) > 0
    assert "ValidationResult" in turtle.read_text()
    result = CliRunner().invoke(cli.main, [*base, "load", "--report", str(text)])
    assert result.exit_code == 1
    assert "Results by shape:" in result.stderr
    assert "A count of victims cannot be negative." in text.read_text()


def test_focus_nodes_limit_the_checked_nodes_and_reach_the_neighbours() -> None:
    from rdflib import Dataset, URIRef

    from thb_graph.kg.shacl import validate_graphs
    from thb_graph.writes.plan import _focus_nodes

    shapes = Graph().parse(data=SHAPES, format="turtle")
    data = Dataset()
    graph = data.graph(URIRef(f"{EX}graph/new"))
    turtle = f"""
        @prefix ex: <{EX}> .
        <{EX}id/thing/a> a ex:Thing ; ex:code "1" ; ex:next <{EX}id/thing/b> .
        <{EX}id/thing/b> a ex:Thing ; ex:code "bad" .
        <{EX}id/thing/c> a ex:Thing ; ex:code "also bad" .
    """
    graph.parse(data=turtle, format="turtle")
    a, b = URIRef(f"{EX}id/thing/a"), URIRef(f"{EX}id/thing/b")
    changed = {(a, URIRef(f"{EX}code"), graph.value(a, URIRef(f"{EX}code")), graph.identifier)}
    focus = _focus_nodes([graph], changed, set())  # type: ignore[arg-type]
    assert {a, b} <= focus
    report = validate_graphs(data, shapes, focus_nodes=focus)
    assert [str(r.focus_node) for r in report.results] == [str(b)]  # c is not checked
    everything = validate_graphs(data, shapes)
    assert {str(r.focus_node) for r in everything.results} == {str(b), f"{EX}id/thing/c"}
