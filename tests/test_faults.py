"""Faults against a real ``thb-graph serve`` process: a query worker killed with ``kill -9``
mid-query, the worker planning a write killed mid-write, the disk of the store filling up
during writes (and the store engine itself running out of space), the server restarted
during a stream of reads and writes. Each time the clients get answers or clear errors,
never wrong data, and no acknowledged write is lost."""

from __future__ import annotations

import contextlib
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

from conftest import LiveServer, launch_server, require_part
from test_crash_safety import (
    ACTORS,
    AUTH,
    IRIS,
    JSON,
    TOKEN,
    UNIT,
    assert_store_valid,
    insert_unit,
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
    """Write ``folder/filler`` a chunk at a time until the disk is full (or told to stop);
    closing a file whose last bytes find no room fails too, which is the point here."""
    with contextlib.suppress(OSError), (folder / "filler").open("wb") as handle:
        while not stop_filling.is_set():
            handle.write(b"\0" * chunk)
            handle.flush()
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


# ---- the server restarted during a stream of reads and writes -------------------------------

#: Each unit a write made, with the label, inferred type and history the same write adds.
WHOLE_WRITES = f"""
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?u (COUNT(DISTINCT ?l) AS ?labels) (COUNT(DISTINCT ?i) AS ?inferred)
       (COUNT(DISTINCT ?a) AS ?activities) WHERE {{
  GRAPH <{ACTORS}> {{ ?u a <https://w3id.org/thb-graph/ontology#LawEnforcementUnit>
    FILTER (STRSTARTS(STR(?u), '{UNIT}restart-')) OPTIONAL {{ ?u skos:prefLabel ?l }} }}
  OPTIONAL {{ GRAPH <{IRIS.inferred_graph}> {{ ?u a ?i
    FILTER (?i = <http://www.w3.org/ns/org#Organization>) }} }}
  OPTIONAL {{ GRAPH <{IRIS.history_graph}> {{ ?a <http://purl.org/dc/terms/subject> ?u }} }}
}} GROUP BY ?u
"""


def read_units(url: str, method: str) -> dict[str, tuple[int, int, int]]:
    """The units of the restart test, each with its label, inferred and history counts;
    raises on any answer but 200."""
    if method == "GET":  # a repeated GET may come from the answer cache
        answer = requests.get(
            url + "/sparql", params={"query": WHOLE_WRITES}, headers=JSON, timeout=30
        )
    else:
        answer = requests.post(
            url + "/sparql", data={"query": WHOLE_WRITES}, headers=JSON, timeout=30
        )
    answer.raise_for_status()
    rows = answer.json()["results"]["bindings"]
    return {
        r["u"]["value"][len(UNIT) :]: (
            int(r["labels"]["value"]),
            int(r["inferred"]["value"]),
            int(r["activities"]["value"]),
        )
        for r in rows
    }


def test_restarts_during_reads_and_writes_give_errors_or_right_answers(tmp_path: Path) -> None:
    store = tmp_path / "store"
    log = tmp_path / "server.log"
    server = start_server(store, log)
    url, port = server.url, int(server.url.rsplit(":", 1)[1])
    sent: list[str] = []
    acknowledged: list[str] = []
    wrong: list[str] = []
    outcomes = {"write ok": 0, "write error": 0, "read ok": 0, "read error": 0}
    done = threading.Event()

    def keep_writing() -> None:
        n = 0
        while not done.is_set():
            name = f"restart-{n:04d}"
            sent.append(name)
            n += 1
            try:
                answer = requests.post(
                    url + "/sparql/update",
                    data={"update": insert_unit(name)},
                    headers={"Authorization": f"Bearer {TOKEN}"},
                    timeout=30,
                )
            except requests.RequestException:
                outcomes["write error"] += 1
                time.sleep(0.05)
                continue
            if answer.status_code == 200:
                acknowledged.append(name)
                outcomes["write ok"] += 1
            else:
                outcomes["write error"] += 1
                if answer.status_code < 500:
                    wrong.append(f"write {name}: {answer.status_code} {answer.text[:200]}")

    def keep_reading(method: str) -> None:
        while not done.is_set():
            must_see = set(acknowledged)
            try:
                seen = read_units(url, method)
            except (requests.RequestException, ValueError):
                outcomes["read error"] += 1
                time.sleep(0.05)
                continue
            outcomes["read ok"] += 1
            may_see = set(sent)
            if missing := must_see - seen.keys():
                wrong.append(f"{method} missed acknowledged writes {sorted(missing)[:3]}")
            if unknown := seen.keys() - may_see:
                wrong.append(f"{method} saw writes never sent {sorted(unknown)[:3]}")
            torn = {u: c for u, c in seen.items() if c[0] != 1 or c[1] != 1 or c[2] < 1}
            if torn:
                wrong.append(f"{method} saw part of a write: {list(torn.items())[:3]}")

    threads = [
        threading.Thread(target=keep_writing),
        threading.Thread(target=keep_reading, args=("POST",)),
        threading.Thread(target=keep_reading, args=("GET",)),
    ]
    for thread in threads:
        thread.start()
    try:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            time.sleep(3)
            stop(server, sig)
            time.sleep(0.5)  # the clients meet a closed port meanwhile
            server = start_server(store, log, port=port)
        time.sleep(3)
    finally:
        done.set()
        for thread in threads:
            thread.join(60)
    try:
        final = read_units(url, "POST")
    finally:
        stop(server)
    print(f"restarts: {outcomes}")
    assert wrong == [], wrong[:5]
    assert outcomes["read error"] > 0 and outcomes["write error"] > 0, "the restarts were felt"
    assert outcomes["read ok"] > 10 and len(acknowledged) > 3, outcomes
    assert set(acknowledged) <= final.keys() <= set(sent), "no acknowledged write was lost"
    assert all(c[0] == c[1] == 1 and c[2] >= 1 for c in final.values())
    assert_store_valid(store)


def test_a_write_the_engine_cannot_finish_for_want_of_space_keeps_nothing(
    small_disk: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the free-space check (switched off here), the engine's own out-of-space error:
    the write is refused as a full disk, nothing of it is kept, and once there is room the
    store reopens with everything committed before and takes writes again."""
    from thb_graph.errors import StorageFullError, StoreError
    from thb_graph.kg.store import oxigraph, space

    monkeypatch.setattr(space, "room_needed", lambda size: 0)
    path = small_disk / "store"
    store = oxigraph.OxigraphStore(path)
    store.update("INSERT DATA { GRAPH <urn:x:g> { <urn:x:a> <urn:x:b> 'before' } }")
    fill(small_disk, threading.Event())
    big = " ".join(f"<urn:x:s{i}> <urn:x:p> '{'x' * 100}' ." for i in range(20000))
    with pytest.raises(StorageFullError, match="disk holding the store is full") as info:
        store.update(f"INSERT DATA {{ GRAPH <urn:x:g> {{ {big} }} }}")
    assert "restart the server" in info.value.message
    del info  # its traceback holds the store open
    assert store.count() == 1, "nothing of the refused write is kept"
    (small_disk / "filler").unlink()
    with contextlib.suppress(StoreError):  # the engine may keep refusing until reopened
        store.close()
    del store
    reopened = oxigraph.OxigraphStore(path)
    assert reopened.count() == 1
    reopened.update("INSERT DATA { GRAPH <urn:x:g> { <urn:x:a> <urn:x:b> 'after' } }")
    assert reopened.count() == 2
    reopened.close()


# ---- the worker planning a write killed mid-write ------------------------------------------


#: Units in the write that is killed: enough to keep its planning busy for seconds.
BIG_WRITE_UNITS = 40_000


def big_insert(prefix: str, count: int) -> str:
    """One INSERT DATA of ``count`` units: a write that is slow on purpose."""
    body = " ".join(
        f"<{UNIT}{prefix}{n}> a thb:LawEnforcementUnit ; skos:prefLabel '{prefix}{n}'@en ."
        for n in range(count)
    )
    return (
        "PREFIX thb: <https://w3id.org/thb-graph/ontology#>\n"
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
        f"INSERT DATA {{ GRAPH <{ACTORS}> {{ {body} }} }}"
    )


def test_a_write_worker_killed_mid_write_answers_503_and_changes_nothing(tmp_path: Path) -> None:
    """A write large enough to keep its planning (staging, validating, inferring) busy for
    seconds: the worker doing it is killed, the write answers 503 and changes nothing, and
    the next write is taken."""
    require_part(Path("/proc/self/stat").exists(), "finding the write worker needs Linux /proc")
    env = {k: v for k, v in os.environ.items() if not k.startswith("THB_GRAPH_")}
    env.update(
        THB_GRAPH_STORE=f"oxigraph:{tmp_path / 'store'}",
        THB_GRAPH_WRITE_TOKEN=TOKEN,
        THB_GRAPH_WORKERS="1",
        THB_GRAPH_LOG_LEVEL="WARNING",
        THB_GRAPH_MAX_QUERY_BYTES=str(16 * 1024 * 1024),
        THB_GRAPH_MAX_BODY_BYTES=str(32 * 1024 * 1024),
        THB_GRAPH_WRITE_TIMEOUT_S="300",
    )
    server = launch_server(env, tmp_path / "server.log", timeout=300, new_session=True)
    try:
        answers: list[tuple[int, str]] = []
        update = big_insert("killed-", BIG_WRITE_UNITS)

        def write_one(answers: list[tuple[int, str]] = answers) -> None:
            answer = requests.post(
                server.url + "/sparql/update", data={"update": update}, headers=AUTH, timeout=300
            )
            answers.append((answer.status_code, answer.text))

        thread = threading.Thread(target=write_one)
        thread.start()
        time.sleep(1.5)  # the update is received and its planning is at work
        victim = busiest_leaf(server.process.pid)
        os.kill(victim, signal.SIGKILL)
        thread.join(120)
        status, body = answers[0]
        assert status == 503, body
        assert "nothing was changed" in body and "stopped unexpectedly" in body
        assert units(server, "killed-") == set(), "the write changed nothing"
        answer = write(server, "after-kill")
        assert answer.status_code == 200, answer.text
        assert units(server, "after-") == {"after-kill"}
    finally:
        stop(server)
