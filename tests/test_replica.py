"""Reads from a copy in memory: the same answers as the disk, writes seen by the next read,
a lost copy made again, workers forked by the copy and sharing it."""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from thb_graph.config import Settings, load_settings
from thb_graph.errors import QueryTimeoutError
from thb_graph.kg.load import build_store
from thb_graph.kg.queries import load_examples
from thb_graph.kg.store import open_store
from thb_graph.kg.store.base import Store
from thb_graph.sparql.answer import Answer, query_pool
from thb_graph.sparql.executor import Executor
from thb_graph.sparql.protocol import QueryRequest

ROOT = Path(__file__).resolve().parents[1]
JSON = "application/sparql-results+json"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <urn:x:g> { ?s ?p ?o } }"


@pytest.fixture(scope="module")
def france_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The France graph built once into an on-disk store (copied per test)."""
    folder = tmp_path_factory.mktemp("france")
    built = open_store(_settings(folder / "store"))
    build_store(_settings(folder / "store"), built)
    built.close()
    return folder


@pytest.fixture
def disk(france_dir: Path, tmp_path: Path) -> Iterator[Store]:
    """A writable on-disk copy of the France store."""
    import shutil

    shutil.copytree(france_dir, tmp_path / "copy")
    store = open_store(_settings(tmp_path / "copy" / "store"))
    yield store
    store.close()


@pytest.fixture
def replicated(disk: Store) -> Iterator[tuple[Store, Executor[QueryRequest, Answer]]]:
    """The store with its copy in memory, and a pool of two readers forked by the copy."""
    disk.serve_from_memory()
    pool = query_pool(disk, workers=2, max_rows=1000)
    yield disk, pool
    pool.close()


def _settings(path: Path) -> Settings:
    return load_settings(env={}, overrides={"store": f"oxigraph:{path}", "source_dir": str(ROOT)})


def _run(pool: Executor[QueryRequest, Answer], text: str, accept: str = JSON) -> bytes:
    return pool.run(QueryRequest(query=text, accept=accept), timeout=30).body


def _count(pool: Executor[QueryRequest, Answer]) -> int:
    body = json.loads(_run(pool, COUNT))
    return int(body["results"]["bindings"][0]["n"]["value"])


def _rows(body: bytes) -> list[str]:
    """The solutions of a JSON answer, order kept only where the query fixes it."""
    data = json.loads(body)
    if "boolean" in data:
        return [str(data["boolean"])]
    return [json.dumps(b, sort_keys=True) for b in data["results"]["bindings"]]


def test_the_copy_answers_every_named_query_as_the_disk_does(
    replicated: tuple[Store, Executor[QueryRequest, Answer]], france_dir: Path
) -> None:
    store, pool = replicated
    assert store.memory_replica() is not None
    plain = query_pool(store, workers=1, max_rows=1000)  # the same store, read from disk
    store_replica = store.memory_replica()
    examples = load_examples(Path(_settings(france_dir / "store").source_dir) / "queries")
    assert len(examples) > 30
    try:
        store._replica = None  # type: ignore[attr-defined]  # the disk path, for comparison
        from_disk = {e.name: _run(plain, e.query) for e in examples}
    finally:
        store._replica = store_replica  # type: ignore[attr-defined]
        plain.close()
    compared = 0
    for example in examples:
        from_memory = _run(pool, example.query)
        disk_rows, memory_rows = _rows(from_disk[example.name]), _rows(from_memory)
        if "order by" in example.query.lower():
            assert memory_rows == disk_rows, example.name
        else:
            assert sorted(memory_rows) == sorted(disk_rows), example.name
        compared += 1
    assert compared == len(examples)


def test_workers_are_threads_of_the_copy_not_processes_of_their_own(
    replicated: tuple[Store, Executor[QueryRequest, Answer]],
) -> None:
    store, pool = replicated
    _run(pool, "ASK { ?s ?p ?o }")
    replica = store.memory_replica()
    assert replica is not None and replica.pid() is not None
    assert pool.worker_pids() and set(pool.worker_pids()) == {replica.pid()}
    threads = Path(f"/proc/{replica.pid()}/task")
    assert len(list(threads.iterdir())) >= 2  # the control loop and a reader


def test_a_query_over_time_stops_the_copy_and_the_next_is_answered(
    replicated: tuple[Store, Executor[QueryRequest, Answer]],
) -> None:
    store, pool = replicated
    store.update("INSERT DATA { GRAPH <urn:x:g> { <urn:x:a> <urn:x:b> <urn:x:c> } }")
    replica = store.memory_replica()
    assert replica is not None
    first = replica.pid()
    endless = QueryRequest(
        query="SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", accept=JSON
    )
    started = time.monotonic()
    with pytest.raises(QueryTimeoutError):
        pool.run(endless, timeout=0.5)
    assert time.monotonic() - started < 5
    assert first is not None and _gone_soon(first)  # the work really stopped
    assert _count(pool) == 1  # a new copy, with the write
    assert replica.pid() != first and replica.loads == 2


def test_a_committed_write_is_seen_by_the_next_read(
    replicated: tuple[Store, Executor[QueryRequest, Answer]],
) -> None:
    store, pool = replicated
    assert _count(pool) == 0
    before = store.version()
    store.update("INSERT DATA { GRAPH <urn:x:g> { <urn:x:a> <urn:x:b> <urn:x:c>, <urn:x:d> } }")
    assert store.version() != before
    assert _count(pool) == 2
    store.update("DELETE DATA { GRAPH <urn:x:g> { <urn:x:a> <urn:x:b> <urn:x:c> } }")
    assert _count(pool) == 1
    store.drop_graph("urn:x:g")  # not one update: the copy is made again
    assert _count(pool) == 0
    replica = store.memory_replica()
    assert replica is not None and replica.loads == 2


def test_the_version_moves_only_once_the_copy_has_the_write(
    replicated: tuple[Store, Executor[QueryRequest, Answer]],
) -> None:
    store, _pool = replicated
    replica = store.memory_replica()
    assert replica is not None
    seen: list[str] = []
    original = replica.apply

    def apply_and_look(update: str) -> None:
        seen.append(store.version())  # while the copy catches up: still the old version
        original(update)

    replica.apply = apply_and_look  # type: ignore[method-assign]
    before = store.version()
    store.update("INSERT DATA { GRAPH <urn:x:g> { <urn:x:a> <urn:x:b> <urn:x:c> } }")
    assert seen == [before]
    assert store.version() != before


def test_a_lost_copy_is_made_again_from_the_disk(
    replicated: tuple[Store, Executor[QueryRequest, Answer]],
) -> None:
    store, pool = replicated
    store.update("INSERT DATA { GRAPH <urn:x:g> { <urn:x:a> <urn:x:b> <urn:x:c> } }")
    assert _count(pool) == 1
    replica = store.memory_replica()
    assert replica is not None and replica.pid() is not None
    lost = replica.pid()
    assert lost is not None
    os.kill(lost, signal.SIGKILL)
    deadline = time.monotonic() + 10  # until every thread is gone (and with them its channels)
    while Path(f"/proc/{lost}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _count(pool) == 1  # a new copy, with the write
    assert replica.loads == 2


def test_the_copy_stops_with_the_store(disk: Store) -> None:
    disk.serve_from_memory()
    replica = disk.memory_replica()
    assert replica is not None
    pid = replica.pid()
    assert pid is not None and _alive(pid)
    disk.close()
    assert not _alive(pid)


def test_a_store_in_memory_needs_no_copy() -> None:
    store = open_store(load_settings(env={}, overrides={"store": "oxigraph:memory"}))
    store.serve_from_memory()
    assert store.memory_replica() is None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/stat")
    return status.exists() and status.read_text().rsplit(")", 1)[1].split()[0] != "Z"


def _gone_soon(pid: int) -> bool:
    deadline = time.monotonic() + 5
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not _alive(pid)


def test_a_query_stopped_with_another_ones_timeout_runs_again(
    replicated: tuple[Store, Executor[QueryRequest, Answer]],
) -> None:
    """Reader threads share a process: stopping one query's work stops theirs too; those
    run again in the time they have left instead of answering 503."""
    import threading

    _store, pool = replicated
    total = int(
        json.loads(_run(pool, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))["results"]["bindings"][
            0
        ]["n"]["value"]
    )
    pairs = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }"
    outcome: dict[str, object] = {}

    def patient() -> None:
        try:
            outcome["body"] = pool.run(QueryRequest(query=pairs, accept=JSON), timeout=120).body
        except Exception as e:  # the assertion below says what came back
            outcome["error"] = e

    thread = threading.Thread(target=patient)
    thread.start()
    time.sleep(0.2)  # the patient query is running
    with pytest.raises(QueryTimeoutError):
        pool.run(
            QueryRequest(
                query="SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
                accept=JSON,
            ),
            timeout=0.3,
        )
    thread.join(120)
    assert "error" not in outcome, outcome.get("error")
    body = json.loads(outcome["body"])  # type: ignore[arg-type]
    assert int(body["results"]["bindings"][0]["n"]["value"]) == total * total


class SteadyClients:
    """Three threads asking ``queries`` in turn for ``seconds``, keeping what went wrong."""

    def __init__(self, pool: Executor[QueryRequest, Answer], queries: list[str], seconds: float):
        import threading

        self.pool, self.queries = pool, queries
        self.stop = time.monotonic() + seconds
        self.errors: list[Exception] = []
        self.answered = 0
        self.threads = [threading.Thread(target=self._ask) for _ in range(3)]
        for thread in self.threads:
            thread.start()

    def _ask(self) -> None:
        while time.monotonic() < self.stop:
            try:
                for query in self.queries:
                    self.pool.run(QueryRequest(query=query, accept=JSON), timeout=30)
                    self.answered += 1
            except Exception as e:  # the test's assertion says what came back
                self.errors.append(e)

    def join(self) -> None:
        for thread in self.threads:
            thread.join(60)


def test_queries_sent_while_the_copy_is_stopped_are_answered(
    replicated: tuple[Store, Executor[QueryRequest, Answer]],
) -> None:
    """A query that takes an idle reader of a copy being killed for another query's
    timeout runs again on the next copy: clients around a timeout never see a 503."""
    _store, pool = replicated
    clients = SteadyClients(pool, ["ASK { ?s ?p ?o }"], 3.0)
    endless = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    for _ in range(3):
        with pytest.raises(QueryTimeoutError):
            pool.run(QueryRequest(query=endless, accept=JSON), timeout=0.3)
    clients.join()
    assert clients.errors == []
    assert clients.answered > 3


def test_queries_in_flight_when_the_copy_is_made_again_are_answered(
    replicated: tuple[Store, Executor[QueryRequest, Answer]],
) -> None:
    """A change that is not one update (a graph replaced, a load) makes a new copy: the
    queries the old one was answering run again on the new one instead of answering 503."""
    store, pool = replicated
    replica = store.memory_replica()
    assert replica is not None
    pairs = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d <urn:x:none> ?f }"
    clients = SteadyClients(pool, ["ASK { ?s ?p ?o }", pairs], 3.0)
    reloads = 0
    while time.monotonic() < clients.stop - 0.5:
        time.sleep(0.3)
        replica.reload()
        reloads += 1
    clients.join()
    assert clients.errors == []
    assert reloads >= 3 and clients.answered > 3


def test_queries_over_time_together_each_answer_the_time_limit(
    replicated: tuple[Store, Executor[QueryRequest, Answer]],
) -> None:
    """Two queries over their time limit on the copy's two readers: the first to time out
    stops the copy, and the other, left with no time to run again, answers the time limit
    too (not "the worker stopped"); the next query is answered."""
    import threading

    _store, pool = replicated
    endless = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    outcomes: list[BaseException | None] = []

    def over_time() -> None:
        try:
            pool.run(QueryRequest(query=endless, accept=JSON), timeout=0.8)
            outcomes.append(None)
        except BaseException as e:  # the assertion below says what came back
            outcomes.append(e)

    for _ in range(3):
        runs = [threading.Thread(target=over_time) for _ in range(2)]
        for run in runs:
            run.start()
        for run in runs:
            run.join(60)
    assert [type(o).__name__ for o in outcomes] == ["QueryTimeoutError"] * 6
    assert _run(pool, "ASK { ?s ?p ?o }")
