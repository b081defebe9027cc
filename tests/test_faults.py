"""Faults against a real ``thb-graph serve`` process: a query worker killed with ``kill -9``
mid-query, the disk of the store filling up during writes, the server restarted during a
stream of reads and writes. Each time the clients get answers or clear errors, never wrong
data, and no acknowledged write is lost."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
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
    assert_store_valid,
    select,
    start_server,
    stop,
    units,
    write,
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


# ---- the disk fills during writes -----------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 24 MiB tmpfs mounted for the test (root only; under CI=true, failing otherwise)."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    possible = sys.platform.startswith("linux") and os.geteuid() == 0 and shutil.which("mount")
    require_part(bool(possible), "filling a disk needs root on Linux (to mount a small tmpfs)")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=24m", "thb-graph-full-disk", str(mount_point)],
        capture_output=True,
        text=True,
        check=False,
    )
    require_part(done.returncode == 0, f"cannot mount a tmpfs: {done.stderr.strip()}")
    try:
        yield mount_point
    finally:
        if subprocess.run(["umount", str(mount_point)], check=False).returncode != 0:
            subprocess.run(["umount", "-l", str(mount_point)], check=False)


def fill(folder: Path, stop_filling: threading.Event, chunk: int = 64 * 1024) -> None:
    """Write ``folder/filler`` a chunk at a time until the disk is full (or told to stop)."""
    with (folder / "filler").open("wb") as handle:
        while not stop_filling.is_set():
            try:
                handle.write(b"\0" * chunk)
                handle.flush()
            except OSError:
                return
            time.sleep(0.004)


def test_a_full_disk_refuses_writes_clearly_and_loses_nothing_acknowledged(
    small_disk: Path, tmp_path: Path
) -> None:
    store = small_disk / "store"
    log = tmp_path / "server.log"
    server = start_server(store, log)
    acknowledged: list[str] = []
    refused: list[str] = []
    other: list[str] = []
    try:
        for n in range(3):
            assert write(server, f"disk-{n}").status_code == 200
            acknowledged.append(f"disk-{n}")
        stop_filling = threading.Event()
        filler = threading.Thread(target=fill, args=(small_disk, stop_filling))
        filler.start()
        n = 3
        try:
            while n < 300 and (filler.is_alive() or len(refused) < 3):
                name = f"disk-{n}"
                answer = write(server, name)
                if answer.status_code == 200:
                    acknowledged.append(name)
                elif answer.status_code == 507:
                    refused.append(answer.json()["error"])
                else:
                    other.append(f"{answer.status_code} {answer.text[:300]}")
                n += 1
        finally:
            stop_filling.set()
            filler.join(30)
        assert other == [], other[:5]
        assert refused, "the disk filled up"
        assert all("disk holding the store is full" in e for e in refused), refused[:3]
        assert all("nothing was changed" in e for e in refused), refused[:3]
        present = units(server, "disk-")
        assert present == set(acknowledged), "every acknowledged write, and no refused one"
        (small_disk / "filler").unlink()
        after = write(server, "disk-freed")
        assert after.status_code in (200, 507), after.text
        if after.status_code == 200:
            acknowledged.append("disk-freed")
    finally:
        stop(server)
    assert_store_valid(store)
    server = start_server(store, log)
    try:
        assert units(server, "disk-") == set(acknowledged), "nothing acknowledged was lost"
        assert write(server, "disk-restarted").status_code == 200
    finally:
        stop(server)
    print(f"full disk: {len(acknowledged)} writes acknowledged, {len(refused)} refused (507)")
