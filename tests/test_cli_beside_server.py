"""The command line beside a running server: ``stats``, ``query``, ``export`` and
``validate --stored`` open the on-disk store the server holds read-only, see what the server
acknowledged, and say on stderr that they did; once the server is gone they open it
read-write again."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Dataset, URIRef

from conftest import MINI, LiveServer
from test_crash_safety import ACTORS, IRIS, UNIT, start_server, stop, units, write

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def held(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, Path]]:
    """A server holding an on-disk store, with one write acknowledged."""
    folder = tmp_path_factory.mktemp("beside")
    server = start_server(folder / "store", folder / "server.log")
    try:
        answer = write(server, "beside-1")
        assert answer.status_code == 200, answer.text
        yield server, folder / "store"
    finally:
        stop(server)


def thb(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("THB_GRAPH_")}
    return subprocess.run(
        [sys.executable, "-m", "thb_graph", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
        cwd=cwd,
    )


def test_stats_beside_the_server_reads_the_store_read_only(
    held: tuple[LiveServer, Path],
) -> None:
    _, store = held
    done = thb(
        "stats", "--store", f"oxigraph:{store}", "--source-dir", str(MINI), "--format", "json"
    )
    assert done.returncode == 0, done.stderr
    assert "read-only" in done.stderr
    figures = json.loads(done.stdout)
    assert figures["graphs"][IRIS.history_graph] > 0, "the acknowledged write's history"


def test_global_options_before_the_command_work_beside_the_server_too(
    held: tuple[LiveServer, Path],
) -> None:
    _, store = held
    done = thb("--store", f"oxigraph:{store}", "--source-dir", str(MINI), "stats")
    assert done.returncode == 0, done.stderr
    assert "read-only" in done.stderr


def test_query_beside_the_server_sees_the_acknowledged_write(
    held: tuple[LiveServer, Path], tmp_path: Path
) -> None:
    server, store = held
    query = tmp_path / "units.rq"
    query.write_text(
        "SELECT ?u WHERE { ?u a <https://w3id.org/thb-graph/ontology#LawEnforcementUnit> }",
        encoding="utf-8",
    )
    done = thb(
        "query", str(query), "--format", "csv", "--store", f"oxigraph:{store}",
        "--source-dir", str(MINI),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "read-only" in done.stderr
    assert f"{UNIT}beside-1" in done.stdout
    assert units(server, "beside-") == {"beside-1"}, "the server still answers"


def test_export_beside_the_server_dumps_every_graph(
    held: tuple[LiveServer, Path], tmp_path: Path
) -> None:
    _, store = held
    out = tmp_path / "dump.nq"
    done = thb(
        "export", "--format", "nq", "--out", str(out), "--store", f"oxigraph:{store}",
        "--source-dir", str(MINI),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "read-only" in done.stderr
    dataset = Dataset()
    dataset.parse(out, format="nquads")
    graphs = {str(g) for _, _, _, g in dataset.quads((URIRef(f"{UNIT}beside-1"), None, None, None))}
    assert ACTORS in graphs


def test_validate_stored_beside_the_server(held: tuple[LiveServer, Path]) -> None:
    _, store = held
    done = thb("validate", "--stored", "--store", f"oxigraph:{store}", "--source-dir", str(MINI))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "read-only" in done.stderr


def test_without_a_server_the_store_opens_read_write(tmp_path: Path) -> None:
    store = tmp_path / "store"
    args = ("--store", f"oxigraph:{store}", "--source-dir", str(MINI))
    done = thb("stats", *args)
    assert done.returncode == 0, done.stderr
    assert "read-only" not in done.stderr
    assert "opened the store" in done.stderr
    assert "built the store" in done.stderr
