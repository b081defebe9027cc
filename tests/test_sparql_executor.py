"""The executor: a timeout really stops the work, and the pool keeps serving meanwhile."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator

import pytest

from thb_graph.errors import (
    QuerySyntaxError,
    QueryTimeoutError,
    ServerBusyError,
    StoreError,
    WorkerLostError,
)
from thb_graph.sparql.executor import Executor, query_slots


def work(job: tuple[str, float]) -> int:
    """A stand-in for a query: answers the worker's pid, or misbehaves on request."""
    action, arg = job
    if action == "spin":
        end = time.monotonic() + arg
        while time.monotonic() < end:
            pass
    elif action == "syntax":
        raise QuerySyntaxError("bad", line=3, column=7)
    elif action == "die":
        os._exit(9)
    return os.getpid()


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture
def executor() -> Iterator[Executor[tuple[str, float], int]]:
    pool: Executor[tuple[str, float], int] = Executor(work, size=2)
    yield pool
    pool.close()


def test_work_runs_in_another_process(executor: Executor[tuple[str, float], int]) -> None:
    pid = executor.run(("pid", 0), timeout=5)
    assert pid != os.getpid()
    assert executor.run(("pid", 0), timeout=5) == pid


def test_timeout_kills_the_worker_and_says_after_how_long(
    executor: Executor[tuple[str, float], int],
) -> None:
    started = time.monotonic()
    with pytest.raises(QueryTimeoutError, match=r"stopped after 0\.5 s"):
        executor.run(("spin", 60), timeout=0.5)
    assert time.monotonic() - started < 3
    assert executor.worker_pids() == []
    assert executor.run(("pid", 0), timeout=5) > 0


def test_timed_out_process_is_gone() -> None:
    pool: Executor[tuple[str, float], int] = Executor(work, size=1)
    try:
        pid = pool.run(("pid", 0), timeout=5)
        with pytest.raises(QueryTimeoutError):
            pool.run(("spin", 60), timeout=0.3)
        assert not alive(pid)
    finally:
        pool.close()


def test_quick_work_is_answered_while_slow_work_runs(
    executor: Executor[tuple[str, float], int],
) -> None:
    slow = threading.Thread(target=lambda: executor.run(("spin", 1.5), timeout=5))
    slow.start()
    time.sleep(0.2)
    started = time.monotonic()
    executor.run(("pid", 0), timeout=5)
    assert time.monotonic() - started < 0.5
    slow.join()


def test_busy_pool_refuses_after_the_deadline_without_running() -> None:
    pool: Executor[tuple[str, float], int] = Executor(work, size=1)
    try:
        slow = threading.Thread(target=lambda: pool.run(("spin", 1.5), timeout=5))
        slow.start()
        time.sleep(0.2)
        with pytest.raises(ServerBusyError, match="was not run") as caught:
            pool.run(("pid", 0), timeout=0.3)
        assert caught.value.retry_after == 1
        slow.join()
    finally:
        pool.close()


def test_a_full_waiting_line_refuses_at_once_without_running() -> None:
    pool: Executor[tuple[str, float], int] = Executor(work, size=1, max_waiting=1)
    try:
        assert pool.max_waiting == 1
        slow = threading.Thread(target=lambda: pool.run(("spin", 1.5), timeout=5))
        slow.start()
        time.sleep(0.2)
        waiter_pid: list[int] = []
        waiter = threading.Thread(target=lambda: waiter_pid.append(pool.run(("pid", 0), 5)))
        waiter.start()
        time.sleep(0.2)
        started = time.monotonic()
        with pytest.raises(ServerBusyError, match="was not run") as caught:
            pool.run(("pid", 0), timeout=5)
        assert caught.value.retry_after == 5  # the longest a query waits
        assert time.monotonic() - started < 0.2
        slow.join()
        waiter.join()
        assert waiter_pid and waiter_pid[0] > 0, "the query already waiting was run"
    finally:
        pool.close()


def test_queries_may_wait_four_per_worker_by_default() -> None:
    assert query_slots(2) == 10 and query_slots(3, max_waiting=0) == 3
    pool: Executor[tuple[str, float], int] = Executor(work, size=2)
    try:
        assert pool.max_waiting == 8
    finally:
        pool.close()


def test_domain_errors_cross_with_their_details(executor: Executor[tuple[str, float], int]) -> None:
    with pytest.raises(QuerySyntaxError) as info:
        executor.run(("syntax", 0), timeout=5)
    assert (info.value.message, info.value.line, info.value.column) == ("bad", 3, 7)


def test_a_worker_that_dies_is_a_store_error_and_is_replaced(
    executor: Executor[tuple[str, float], int],
) -> None:
    with pytest.raises(StoreError, match="stopped unexpectedly"):
        executor.run(("die", 0), timeout=5)
    assert executor.run(("pid", 0), timeout=5) > 0


def test_workers_are_replaced_when_the_store_version_changes() -> None:
    version = ["v1"]
    pool: Executor[tuple[str, float], int] = Executor(work, size=1, version=lambda: version[0])
    try:
        first = pool.run(("pid", 0), timeout=5)
        assert pool.run(("pid", 0), timeout=5) == first
        version[0] = "v2"
        second = pool.run(("pid", 0), timeout=5)
        assert second != first and not alive(first)
    finally:
        pool.close()


def test_workers_retire_after_max_jobs() -> None:
    pool: Executor[tuple[str, float], int] = Executor(work, size=1, max_jobs=2)
    try:
        pids = [pool.run(("pid", 0), timeout=5) for _ in range(3)]
        assert pids[0] == pids[1] != pids[2]
    finally:
        pool.close()


def test_close_stops_the_workers() -> None:
    pool: Executor[tuple[str, float], int] = Executor(work, size=1)
    pid = pool.run(("pid", 0), timeout=5)
    pool.close()
    assert not alive(pid)
    with pytest.raises(StoreError):
        pool.run(("pid", 0), timeout=5)


def test_fork_server_workers_are_killed_on_timeout_too() -> None:
    pool: Executor[tuple[str, float], int] = Executor(work, size=1, start="forkserver")
    try:
        pid = pool.run(("pid", 0), timeout=30)
        assert pid != os.getpid() and os.getppid() != pid
        with pytest.raises(QueryTimeoutError, match="stopped after"):
            pool.run(("spin", 60), timeout=0.5)
        time.sleep(0.2)
        assert not alive(pid)
        with pytest.raises(QuerySyntaxError):
            pool.run(("syntax", 0), timeout=30)
        assert pool.run(("pid", 0), timeout=30) != pid
    finally:
        pool.close()


@pytest.mark.parametrize("start", ["fork", "forkserver"])
def test_a_worker_killed_mid_job_is_a_worker_lost_error_and_is_replaced(start: str) -> None:
    pool: Executor[tuple[str, float], int] = Executor(work, size=1, start=start)  # type: ignore[arg-type]
    try:
        first = pool.run(("pid", 0), timeout=30)
        errors: list[BaseException] = []

        def spin() -> None:
            try:
                pool.run(("spin", 30), timeout=20)
            except BaseException as e:
                errors.append(e)

        thread = threading.Thread(target=spin)
        started = time.monotonic()
        thread.start()
        time.sleep(0.5)
        os.kill(first, signal.SIGKILL)
        thread.join(20)
        assert time.monotonic() - started < 10, "answered when the worker died, not at the limit"
        assert len(errors) == 1 and isinstance(errors[0], WorkerLostError), errors
        assert pool.run(("pid", 0), timeout=30) not in (first, 0)
    finally:
        pool.close()


@pytest.mark.parametrize("start", ["fork", "forkserver"])
def test_an_idle_worker_killed_is_replaced_before_the_next_job(start: str) -> None:
    pool: Executor[tuple[str, float], int] = Executor(work, size=1, start=start)  # type: ignore[arg-type]
    try:
        first = pool.run(("pid", 0), timeout=30)
        os.kill(first, signal.SIGKILL)
        time.sleep(0.2)
        assert pool.run(("pid", 0), timeout=30) != first, "the next job is answered"
    finally:
        pool.close()
