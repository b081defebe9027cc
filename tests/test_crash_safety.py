"""Writes against a real ``thb-graph serve`` process over an on-disk store: a ``kill -9``
in the middle of a stream of writes loses none that was acknowledged and leaves exactly a
prefix of them, still valid; concurrent writers lose nothing; readers see whole writes."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from rdflib import Dataset, URIRef

from conftest import MINI, LiveServer, launch_server, require_part
from thb_graph.config import load_settings
from thb_graph.kg.build import load_shapes
from thb_graph.kg.iris import Iris
from thb_graph.kg.store.oxigraph import OxigraphStore
from thb_graph.kg.validate import validate
from thb_graph.writes.stage import stage

pytestmark = pytest.mark.server

TOKEN = "crash-test-token-51c0"  # noqa: S105 - a test token
AUTH = {"Authorization": f"Bearer {TOKEN}"}
IRIS = Iris()
ACTORS = IRIS.data_graph("actors")
UNIT = IRIS.id_prefix + "actor/"
JSON = {"Accept": "application/sparql-results+json"}


def start_server(store_dir: Path, log_path: Path, port: int | None = None) -> LiveServer:
    """``thb-graph serve`` over the fixture tree and ``store_dir``, with writes on, in its
    own process group (so that a kill reaches its workers too), on ``port`` or a free one."""
    require_part(sys.platform.startswith("linux"), "the real-server write tests need Linux")
    env = {k: v for k, v in os.environ.items() if not k.startswith("THB_GRAPH_")}
    env.update(
        THB_GRAPH_STORE=f"oxigraph:{store_dir}",
        THB_GRAPH_SOURCE_DIR=str(MINI),
        THB_GRAPH_WRITE_TOKEN=TOKEN,
        THB_GRAPH_QUERY_TIMEOUT_S="10",
        THB_GRAPH_WORKERS="2",
        THB_GRAPH_LOG_LEVEL="WARNING",
    )
    return launch_server(env, log_path, timeout=120, new_session=True, port=port)


def stop(server: LiveServer, sig: int = signal.SIGTERM) -> None:
    """Send ``sig`` to the server's whole process group and wait for it."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.process.pid, sig)
    try:
        server.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait()


def insert_unit(name: str) -> str:
    return (
        "PREFIX thb: <https://w3id.org/thb-graph/ontology#>\n"
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
        f"INSERT DATA {{ GRAPH <{ACTORS}> {{ <{UNIT}{name}> a thb:LawEnforcementUnit ; "
        f"skos:prefLabel '{name}'@en }} }}"
    )


def write(server: LiveServer, name: str) -> requests.Response:
    return requests.post(
        server.url + "/sparql/update", data={"update": insert_unit(name)}, headers=AUTH, timeout=60
    )


def select(server: LiveServer, query: str) -> list[dict[str, str]]:
    answer = requests.post(server.url + "/sparql", data={"query": query}, headers=JSON, timeout=30)
    assert answer.status_code == 200, answer.text
    return [{k: v["value"] for k, v in row.items()} for row in answer.json()["results"]["bindings"]]


def units(server: LiveServer, prefix: str) -> set[str]:
    rows = select(
        server,
        f"SELECT ?u WHERE {{ GRAPH <{ACTORS}> {{ ?u a <https://w3id.org/thb-graph/ontology#"
        f"LawEnforcementUnit> FILTER (STRSTARTS(STR(?u), '{UNIT}{prefix}')) }} }}",
    )
    return {row["u"][len(UNIT) :] for row in rows}


SNAPSHOT = f"""
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX org: <http://www.w3.org/ns/org#>
SELECT ?units ?labelled ?inferred ?activities WHERE {{
  {{ SELECT (COUNT(DISTINCT ?u) AS ?units) (COUNT(DISTINCT ?l) AS ?labelled) WHERE {{
      GRAPH <{ACTORS}> {{ ?u a <https://w3id.org/thb-graph/ontology#LawEnforcementUnit>
        FILTER (STRSTARTS(STR(?u), '{UNIT}w-'))
        OPTIONAL {{ ?u <http://www.w3.org/2004/02/skos/core#prefLabel> ?l }} }} }} }}
  {{ SELECT (COUNT(DISTINCT ?o) AS ?inferred) WHERE {{
      GRAPH <{IRIS.inferred_graph}> {{ ?o a org:Organization
        FILTER (STRSTARTS(STR(?o), '{UNIT}w-')) }} }} }}
  {{ SELECT (COUNT(DISTINCT ?a) AS ?activities) WHERE {{
      GRAPH <{IRIS.history_graph}> {{ ?a a prov:Activity ;
        <http://purl.org/dc/terms/subject> ?s FILTER (STRSTARTS(STR(?s), '{UNIT}w-')) }} }} }}
}}
"""


def snapshot(server: LiveServer) -> tuple[int, int, int, int]:
    row = select(server, SNAPSHOT)[0]
    return (int(row["units"]), int(row["labelled"]), int(row["inferred"]), int(row["activities"]))


def assert_store_valid(store_dir: Path) -> None:
    """Open the store (the server is stopped) and validate every data graph in it."""
    settings = load_settings(env={}, overrides={"source_dir": str(MINI)})
    store = OxigraphStore(store_dir)
    try:
        ds = stage(store)
    finally:
        store.close()
    skip = {IRIS.ontology_graph, IRIS.inferred_graph, IRIS.history_graph}
    data = Dataset(default_union=True)
    for graph in ds.graphs():
        if str(graph.identifier) in skip or graph.identifier == ds.default_graph.identifier:
            continue
        for triple in graph:
            data.graph(graph.identifier).add(triple)
    report = validate(data, load_shapes(settings), ds.graph(URIRef(IRIS.ontology_graph)))
    assert report.conforms, report.to_text()


# ---- crash safety -------------------------------------------------------------------------


def test_kill_9_during_writes_keeps_a_prefix_with_every_acknowledged_write(
    tmp_path: Path,
) -> None:
    store_dir = tmp_path / "store"
    log = tmp_path / "server.log"
    server = start_server(store_dir, log)
    sent: list[int] = []
    acknowledged: list[int] = []
    stop_writing = threading.Event()

    def stream() -> None:
        for n in range(200):
            if stop_writing.is_set():
                return
            sent.append(n)
            try:
                answer = write(server, f"crash-{n:03d}")
            except requests.RequestException:
                return  # the server is gone
            if answer.status_code != 200:
                return
            acknowledged.append(n)

    writer = threading.Thread(target=stream)
    writer.start()
    try:
        deadline = time.monotonic() + 120
        while len(acknowledged) < 6 and writer.is_alive() and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.05)  # well inside the next write
        stop(server, signal.SIGKILL)
    finally:
        stop_writing.set()
        writer.join(120)
    assert len(acknowledged) >= 6, server.output()

    restarted = start_server(store_dir, log)
    try:
        present = sorted(int(name[len("crash-") :]) for name in units(restarted, "crash-"))
        history = select(
            restarted,
            f"SELECT (COUNT(?a) AS ?n) WHERE {{ GRAPH <{IRIS.history_graph}> "
            "{ ?a a <http://www.w3.org/ns/prov#Activity> } }",
        )
    finally:
        stop(restarted)
    assert present == list(range(len(present))), "the writes kept are a prefix of those sent"
    assert len(present) >= len(acknowledged), "no acknowledged write is lost"
    assert len(present) <= len(sent)
    assert int(history[0]["n"]) == len(present), "each kept write has its history, no more"
    print(f"crash: sent {len(sent)}, acknowledged {len(acknowledged)}, kept {len(present)}")
    assert_store_valid(store_dir)


# ---- concurrency -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def write_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("write-server")
    server = start_server(folder / "store", folder / "server.log")
    yield server
    stop(server)


def test_concurrent_writers_lose_nothing_and_readers_see_whole_writes(
    write_server: LiveServer,
) -> None:
    writers, per_writer = 8, 3
    failures: list[str] = []
    torn: list[tuple[int, int, int, int]] = []
    seen: list[tuple[int, int, int, int]] = []
    done = threading.Event()

    def write_many(w: int) -> None:
        for n in range(per_writer):
            answer = write(write_server, f"w-{w}-{n}")
            if answer.status_code != 200:
                failures.append(f"w-{w}-{n}: {answer.status_code} {answer.text[:200]}")

    def read() -> None:
        while not done.is_set():
            state = snapshot(write_server)
            seen.append(state)
            units_, labelled, inferred, activities = state
            if not units_ == labelled == inferred == activities:
                torn.append(state)

    readers = [threading.Thread(target=read) for _ in range(2)]
    threads = [threading.Thread(target=write_many, args=(w,)) for w in range(writers)]
    for thread in (*readers, *threads):
        thread.start()
    for thread in threads:
        thread.join(300)
    done.set()
    for thread in readers:
        thread.join(60)
    assert failures == []
    assert units(write_server, "w-") == {
        f"w-{w}-{n}" for w in range(writers) for n in range(per_writer)
    }
    total = writers * per_writer
    assert snapshot(write_server) == (total, total, total, total)
    assert torn == [], f"a reader saw part of a write: {torn[:5]}"
    assert len({s[0] for s in seen}) > 2, "the readers ran during the writes"


def test_health_and_queries_answer_while_writes_run(write_server: LiveServer) -> None:
    results: list[float] = []
    stop_at = time.monotonic() + 4

    def keep_writing() -> None:
        n = 0
        while time.monotonic() < stop_at:
            write(write_server, f"h-{n}")
            n += 1

    thread = threading.Thread(target=keep_writing)
    thread.start()
    while time.monotonic() < stop_at:
        started = time.monotonic()
        assert requests.get(write_server.url + "/health", timeout=10).status_code == 200
        results.append(time.monotonic() - started)
        time.sleep(0.1)
    thread.join(120)
    assert results and max(results) < 5
