"""Load with small bounds against the real server: concurrent clients mixing cheap and
expensive queries for a fixed time get no error but the intended 503s, the expensive ones
are really stopped, /health answers throughout, and memory and processes stay bounded.
The generator is ``bench/load_lib.py``; ``bench/load`` runs it longer and prints figures."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from conftest import LiveServer, require_part

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import load_lib

pytestmark = pytest.mark.server

SECONDS = 6.0
CLIENTS = 6
#: Most the server's process tree may grow in resident memory over the run.
MAX_GROWTH_MB = 150


def test_mixed_load_gets_no_errors_but_intended_503s(live_server: LiveServer) -> None:
    require_part(Path("/proc/self/status").exists(), "measuring memory needs Linux /proc")
    report = load_lib.run_load(
        live_server.url,
        seconds=SECONDS,
        clients=CLIENTS,
        expensive_every=3,
        server_pid=live_server.process.pid,
    )
    print(report.summary())
    assert report.errors == [], report.errors[:5]
    assert report.ok > 0 and report.cheap_ms, "cheap queries were answered"
    assert report.unavailable > 0, "the expensive queries were stopped at the time limit"
    timeout_s = 3.0  # THB_GRAPH_QUERY_TIMEOUT_S of the live server
    assert max(report.expensive_ms) < (timeout_s + 10) * 1000, "no request outlived its limit"
    assert report.health_failures == []
    assert len(report.health_ms) >= SECONDS / 0.5, "/health was polled throughout"
    assert max(report.health_ms) < 5000, "/health answered quickly throughout"
    growth_mb = (report.rss_kb[-1] - report.rss_kb[0]) / 1024
    assert growth_mb < MAX_GROWTH_MB, report.summary()
    # gunicorn's master and worker, the query workers' fork server, THB_GRAPH_WORKERS (2)
    # query workers, and at most one being replaced after a kill
    bound = 2 + 1 + 2
    assert max(report.processes) <= bound + 1, report.summary()
    # a worker killed at the very end may still be being replaced: let the tree settle
    settled = report.processes[-1]
    deadline = time.monotonic() + 10
    while settled > bound and time.monotonic() < deadline:
        time.sleep(0.2)
        settled = load_lib.tree_rss_kb(live_server.process.pid)[1]
    assert settled <= bound, (
        f"no worker was leaked: {settled} processes after settling:\n"
        + load_lib.describe_tree(live_server.process.pid)
    )
