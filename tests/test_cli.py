"""The command line: exit codes, where messages go, and each command's output."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from rdflib import Dataset, Graph, Literal, URIRef

from thb_graph import cli
from thb_graph.kg.iris import Iris

INVALID = Path(__file__).resolve().parent / "data" / "invalid"
IRIS = Iris()
ORGS_QUERY = "tests/data/mini/queries/organisations.rq"


@pytest.fixture
def run(mini_dir: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Run ``thb-graph ARGS`` over the fixture tree with an in-memory store."""
    for name in list(__import__("os").environ):
        if name.startswith("THB_GRAPH_"):
            monkeypatch.delenv(name)

    def invoke(*args: str, source: Path | None = None, stdin: str | None = None) -> Result:
        base = ["--source-dir", str(source or mini_dir), "--store", "memory"]
        return CliRunner().invoke(cli.main, [*base, *args], input=stdin)

    return invoke


def test_validate_valid_data_exits_0(run) -> None:  # type: ignore[no-untyped-def]
    result = run("validate")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Conforms")


def test_validate_invalid_data_exits_1_with_a_block_per_result(run, source_tree: Path) -> None:  # type: ignore[no-untyped-def]
    shutil.copy(INVALID / "negative-count.ttl", source_tree / "data")
    shutil.copy(INVALID / "unlabelled-unit.ttl", source_tree / "data")
    result = run("validate", source=source_tree)
    assert result.exit_code == 1
    out = result.stdout
    assert out.count("focus node:") == 2
    assert "data file:  data/negative-count.ttl" in out
    assert "data file:  data/unlabelled-unit.ttl" in out
    assert "path:       skos:prefLabel" in out
    assert "A count of victims cannot be negative." in out
    assert "does not conform" in result.stderr


def test_validate_json_and_turtle_formats(run, source_tree: Path) -> None:  # type: ignore[no-untyped-def]
    shutil.copy(INVALID / "negative-count.ttl", source_tree / "data")
    as_json = run("validate", "--format", "json", source=source_tree)
    assert as_json.exit_code == 1
    body = json.loads(as_json.stdout)
    assert body["conforms"] is False
    assert body["results"][0]["data_file"] == "data/negative-count.ttl"
    as_turtle = run("validate", "--format", "turtle", source=source_tree)
    report = Graph().parse(data=as_turtle.stdout, format="turtle")
    assert (None, URIRef("http://www.w3.org/ns/shacl#conforms"), Literal(False)) in report


def test_turtle_error_exits_2_naming_file_line_and_column(run, source_tree: Path) -> None:  # type: ignore[no-untyped-def]
    (source_tree / "data" / "broken.ttl").write_text("<http://e/a> <http://e/p> .\n")
    result = run("validate", source=source_tree)
    assert result.exit_code == 2
    assert "data/broken.ttl:1:" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json"])
def test_query_formats_show_every_row(run, fmt: str) -> None:  # type: ignore[no-untyped-def]
    result = run("query", ORGS_QUERY, "--format", fmt)
    assert result.exit_code == 0, result.output
    out = result.stdout
    if fmt == "json":
        bindings = json.loads(out)["results"]["bindings"]
        labels = [b["label"]["value"] for b in bindings]
        assert bindings[0]["label"]["xml:lang"] == "en"
    elif fmt == "csv":
        rows = list(csv.reader(io.StringIO(out)))
        assert rows[0] == ["org", "label"]
        labels = [r[1] for r in rows[1:]]
    elif fmt == "tsv":
        lines = out.splitlines()
        assert lines[0] == "?org\t?label"
        labels = [line.split("\t")[1] for line in lines[1:]]
        assert all(label.endswith("@en") for label in labels)
        labels = [label[1 : label.index('"@')] for label in labels]
    else:
        lines = out.splitlines()
        assert lines[0].split("|")[0].strip() == "org"
        labels = [line.split("|")[1].strip().removesuffix("@en") for line in lines[2:]]
    assert labels == [
        "French government",
        "Inter-ministerial working group",
        "Ministry of the Interior",
        "OCRTEH",
    ]


def test_query_reads_stdin_and_prints_turtle_for_construct(run) -> None:  # type: ignore[no-untyped-def]
    text = (
        "CONSTRUCT { ?o a <http://www.w3.org/ns/org#Organization> } "
        "WHERE { ?o a <http://www.w3.org/ns/org#Organization> }"
    )
    result = run("query", "-", stdin=text)
    assert result.exit_code == 0, result.output
    graph = Graph().parse(data=result.stdout, format="turtle")
    assert len(graph) == 4


def test_query_ask_prints_true_or_false(run) -> None:  # type: ignore[no-untyped-def]
    assert run("query", "-", stdin="ASK { ?s ?p ?o }").stdout == "true\n"
    as_json = run("query", "-", "--format", "json", stdin='ASK { ?s ?p "no such value" }')
    assert json.loads(as_json.stdout)["boolean"] is False


def test_query_row_cap_is_announced_on_stderr(run) -> None:  # type: ignore[no-untyped-def]
    result = run("query", ORGS_QUERY, "--format", "csv", "--max-rows", "2")
    assert result.exit_code == 0
    assert len(result.stdout.strip().splitlines()) == 3
    assert "first 2 rows" in result.stderr


def test_graph_cap_is_announced_in_triples(run) -> None:  # type: ignore[no-untyped-def]
    construct = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    result = run("query", "-", "--max-rows", "3", stdin=construct)
    assert result.exit_code == 0
    assert "first 3 triples" in result.stderr


def test_query_syntax_error_exits_2_with_position(run) -> None:  # type: ignore[no-untyped-def]
    result = run("query", "-", stdin="SELECT * WHERE {\n ?s ?p }")
    assert result.exit_code == 2
    assert "syntax error" in result.stderr
    assert "2" in result.stderr


def test_query_missing_file_is_a_usage_error(run) -> None:  # type: ignore[no-untyped-def]
    assert run("query", "no/such/file.rq").exit_code == 2


@pytest.mark.parametrize(
    ("fmt", "parser"),
    [("ttl", "turtle"), ("jsonld", "json-ld"), ("nt", "nt"), ("xml", "xml")],
)
def test_export_triple_formats_to_stdout(run, fmt: str, parser: str) -> None:  # type: ignore[no-untyped-def]
    result = run("export", "--format", fmt)
    assert result.exit_code == 0, result.output
    graph = Graph().parse(data=result.stdout_bytes, format=parser)
    assert (URIRef(IRIS.entity("actor", "ocrteh")), None, None) in graph


def test_export_trig_to_a_file_keeps_graphs(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "all.trig"
    result = run("export", "--format", "trig", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "wrote" in result.stderr
    ds = Dataset()
    ds.parse(out, format="trig")
    assert len(ds.graph(URIRef(IRIS.data_graph("actors")))) > 0
    assert len(ds.graph(URIRef(IRIS.inferred_graph))) > 0


def test_export_one_graph(run) -> None:  # type: ignore[no-untyped-def]
    result = run("export", "--format", "nt", "--graph", IRIS.data_graph("sources"))
    assert result.exit_code == 0
    assert len(Graph().parse(data=result.stdout, format="nt")) == 2


def test_export_unknown_format_is_a_usage_error(run) -> None:  # type: ignore[no-untyped-def]
    assert run("export", "--format", "csv").exit_code == 2


def test_stats_counts_graphs_classes_observations_sources(run) -> None:  # type: ignore[no-untyped-def]
    result = run("stats", "--format", "json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["observations"] == 2
    assert body["sources"] == 1
    assert body["graphs"][IRIS.data_graph("actors")] == 14
    classes = {c["class"]: c["instances"] for c in body["classes"]}
    assert classes["http://www.w3.org/ns/org#Organization"] == 4
    text = run("stats").stdout
    assert "observations: 2" in text
    assert IRIS.inferred_graph in text


def test_infer_counts_and_writes_the_added_triples(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "inferred.ttl"
    result = run("infer", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "inference adds 12 triples" in result.stdout
    assert len(Graph().parse(out, format="turtle")) == 12


def test_load_with_extra_files_into_an_oxigraph_store(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    extra = tmp_path / "bench.nt"
    extra.write_text("<http://e/a> <http://e/p> <http://e/b> .\n")
    store = tmp_path / "store"
    result = run("load", "--store", f"oxigraph:{store}", "--with", str(extra))
    assert result.exit_code == 0, result.output
    assert IRIS.graph("extra/bench") in result.stderr
    assert (tmp_path / "store.meta.json").is_file()


def test_load_refuses_invalid_data_with_exit_1(run, source_tree: Path) -> None:  # type: ignore[no-untyped-def]
    shutil.copy(INVALID / "observation-without-source.ttl", source_tree / "data")
    result = run("load", source=source_tree)
    assert result.exit_code == 1
    assert "data/observation-without-source.ttl" in result.stderr


def test_unknown_store_exits_2(run) -> None:  # type: ignore[no-untyped-def]
    result = run("--store", "nowhere:1", "stats")
    assert result.exit_code == 2
    assert "unknown store" in result.stderr


def test_bad_base_iri_exits_2(run) -> None:  # type: ignore[no-untyped-def]
    result = run("--base-iri", "http://x.test/no-slash", "validate")
    assert result.exit_code == 2
    assert "base_iri" in result.stderr


def test_settings_file_is_read(run, tmp_path: Path, mini_dir: Path) -> None:  # type: ignore[no-untyped-def]
    config = tmp_path / "thb.toml"
    config.write_text('base_iri = "http://127.0.0.1:8000/"\n')
    result = run("--config", str(config), "export", "--format", "nt")
    assert result.exit_code == 0, result.output
    assert "<http://127.0.0.1:8000/id/actor/ocrteh>" in result.stdout


def test_unexpected_error_exits_3(run, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(cli.commands, "run_stats", boom)
    result = run("stats")
    assert result.exit_code == 3
    assert "internal error: RuntimeError: disk on fire" in result.stderr


def test_python_dash_m_runs_the_command_line() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "thb_graph", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    for command in ("validate", "query", "export", "stats", "infer", "load"):
        assert command in done.stdout


def test_every_setting_but_the_secret_has_a_flag() -> None:
    from dataclasses import fields

    from thb_graph.config import Settings

    names = {p.name for p in cli.main.params}
    for item in fields(Settings):
        assert (item.name in names) == (item.name not in cli.SECRET_SETTINGS), item.name


def test_a_setting_flag_reaches_the_settings() -> None:
    seen = {}

    @cli.main.command("probe-settings")
    @click.pass_context
    def probe(ctx) -> None:  # type: ignore[no-untyped-def]
        seen["settings"] = cli.settings_of(ctx)

    try:
        result = CliRunner().invoke(
            cli.main, ["--store", "memory", "--max-result-rows", "7", "probe-settings"]
        )
    finally:
        cli.main.commands.pop("probe-settings")
    assert result.exit_code == 0, result.output
    assert seen["settings"].max_result_rows == 7
    assert seen["settings"].store == "memory"


def test_setting_flags_are_taken_after_the_command_too() -> None:
    seen = {}

    @cli.main.command("probe-after")
    @click.pass_context
    def probe(ctx) -> None:  # type: ignore[no-untyped-def]
        seen["settings"] = cli.settings_of(ctx)

    try:
        result = CliRunner().invoke(
            cli.main,
            [
                "--store",
                "oxigraph:elsewhere",
                "probe-after",
                "--store",
                "memory",
                "--page-size",
                "9",
            ],
        )
    finally:
        cli.main.commands.pop("probe-after")
    assert result.exit_code == 0, result.output
    assert seen["settings"].store == "memory", "the flag after the command wins"
    assert seen["settings"].page_size == 9


def test_stats_takes_store_and_source_dir_after_the_command(mini_dir: Path) -> None:
    result = CliRunner().invoke(
        cli.main, ["stats", "--store", "memory", "--source-dir", str(mini_dir), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["quads"] > 0


def test_serve_takes_store_after_the_command(mini_dir: Path) -> None:
    result = CliRunner().invoke(
        cli.main, ["serve", "--store", "memory", "--source-dir", str(mini_dir), "--get", "/health"]
    )
    assert result.exit_code == 0, result.output


def test_a_commands_own_option_is_not_shadowed_by_a_setting_flag(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "loaded"
    result = run("load", "--store", f"oxigraph:{target}")
    assert result.exit_code == 0, result.output
    assert f"oxigraph:{target}" in result.stderr


def test_validate_stored_checks_what_the_store_holds(run) -> None:  # type: ignore[no-untyped-def]
    result = run("validate", "--stored")
    assert result.exit_code == 0, result.output
    assert "conforms" in result.stdout.lower()


def test_validate_stored_finds_a_violation_written_into_the_store(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from thb_graph.kg.store.oxigraph import OxigraphStore

    target = tmp_path / "store"
    assert run("load", "--store", f"oxigraph:{target}").exit_code == 0
    store = OxigraphStore(target)
    store.update(
        f"INSERT DATA {{ GRAPH <{IRIS.data_graph('actors')}> {{ <{IRIS.id_prefix}actor/x> a "
        "<http://www.w3.org/ns/org#Organization> } }"
    )
    store.close()
    del store
    assert run("validate", "--store", f"oxigraph:{target}").exit_code == 0, "the files conform"
    result = run("validate", "--stored", "--store", f"oxigraph:{target}")
    assert result.exit_code == 1, result.output
    assert "actor/x" in result.stdout
