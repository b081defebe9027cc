"""Faults against a real ``thb-graph serve`` process: a query worker killed with ``kill -9``
mid-query, the disk of the store filling up during writes, the server restarted during a
stream of reads and writes. Each time the clients get answers or clear errors, never wrong
data, and no acknowledged write is lost."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from conftest import LiveServer, require_part
from test_crash_safety import (
    JSON,
    select,
    start_server,
    stop,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import load_lib

pytestmark = pytest.mark.server


def cpu_ticks(pid: int) -> int:
    """User and system CPU time of ``pid`` so far, in clock ticks (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])


def leaves(pid: int) -> list[int]:
    """The processes of ``pid``'s tree without children of their own."""
    members = load_lib.tree(pid)
    return [m for m in members if load_lib.tree(m) == [m] and m != pid]


def busiest_leaf(pid: int, seconds: float = 0.6) -> int:
    """The leaf of ``pid``'s tree that used the most CPU over ``seconds``: the query worker
    running a query."""
    before = {m: cpu_ticks(m) for m in leaves(pid)}
    time.sleep(seconds)
    return max(before, key=lambda m: cpu_ticks(m) - before[m])


# ---- a query worker killed mid-query --------------------------------------------------------


@pytest.fixture(scope="module")
def query_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    require_part(Path("/proc/self/stat").exists(), "finding the query worker needs Linux /proc")
    folder = tmp_path_factory.mktemp("faults")
    server = start_server(folder / "store", folder / "server.log")
    yield server
    stop(server)


def test_a_query_worker_killed_mid_query_answers_503_and_is_replaced(
    query_server: LiveServer,
) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    expected = select(query_server, count)[0]["n"]
    for round_ in range(2):  # twice: the replacement survives a kill too
        answers: list[tuple[int, str, float]] = []

        def expensive(answers: list[tuple[int, str, float]] = answers) -> None:
            started = time.monotonic()
            answer = requests.post(
                query_server.url + "/sparql",
                data={"query": load_lib.EXPENSIVE},
                headers=JSON,
                timeout=60,
            )
            answers.append((answer.status_code, answer.text, time.monotonic() - started))

        thread = threading.Thread(target=expensive)
        thread.start()
        time.sleep(0.5)
        victim = busiest_leaf(query_server.process.pid)
        os.kill(victim, signal.SIGKILL)
        thread.join(60)
        status, body, seconds = answers[0]
        assert status == 503, body
        assert "stopped unexpectedly" in body
        assert seconds < 8, "answered when the worker died, not at the 10 s limit"
        fresh = f"{count} # round {round_}: not a cached answer"
        assert select(query_server, fresh)[0]["n"] == expected, "the next query is answered"
        assert victim not in load_lib.tree(query_server.process.pid), "the dead worker is gone"
    assert query_server.process.poll() is None
