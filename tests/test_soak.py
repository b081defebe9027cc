"""The soak benchmark with small bounds against a real server with writes on: mixed reads,
pages, bad input, over-long queries and writes for a few seconds get only their expected
answers, no write is lost, memory stays bounded and no process is leaked. The generator is
``bench/soak_lib.py``; ``bench/soak`` runs it longer and prints figures."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from conftest import MINI, launch_server, require_part
from test_crash_safety import TOKEN, stop

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import soak_lib

pytestmark = pytest.mark.server

SECONDS = 10.0
#: Most the server's process tree may grow in resident memory over the run.
MAX_GROWTH_MB = 150


def test_a_short_soak_gets_only_expected_answers_and_leaks_nothing(tmp_path: Path) -> None:
    require_part(Path("/proc/self/status").exists(), "measuring memory needs Linux /proc")
    env = {k: v for k, v in os.environ.items() if not k.startswith("THB_GRAPH_")}
    env.update(
        THB_GRAPH_STORE=f"oxigraph:{tmp_path / 'store'}",
        THB_GRAPH_SOURCE_DIR=str(MINI),
        THB_GRAPH_WRITE_TOKEN=TOKEN,
        THB_GRAPH_QUERY_TIMEOUT_S="2",
        THB_GRAPH_WORKERS="2",
        THB_GRAPH_LOG_LEVEL="WARNING",
    )
    server = launch_server(env, tmp_path / "server.log", timeout=120, new_session=True)
    try:
        report = soak_lib.run_soak(
            server.url,
            TOKEN,
            seconds=SECONDS,
            clients=3,
            window=5.0,
            write_every=0.2,
            expensive_every=15,
            workers=2,
            server_pid=server.process.pid,
        )
    finally:
        stop(server)
    print(report.summary())
    outcomes = report.outcomes()
    assert report.unexpected == [], report.unexpected[:5]
    for kind in ("query", "page", "bad query/page", "bad write", "write"):
        assert any(k == kind for k, _ in outcomes), f"no {kind} was sent"
    assert outcomes[("over-long query", "503 (intended)")] > 0, "over-long queries were stopped"
    assert report.writes_acknowledged > 3
    assert report.writes_lost == 0
    assert report.activities_added == report.writes_acknowledged
    assert len(report.windows()) == 2 and all(row[1] > 0 for row in report.windows())
    growth_mb = (report.memory[-1][1] - report.memory[0][1]) / 1024
    assert growth_mb < MAX_GROWTH_MB, report.summary()
    assert report.leaked == 0, report.tree_at_end
