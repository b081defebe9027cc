"""Run queries in killable worker processes, so that a timeout really stops the work.

Why processes: neither rdflib nor pyoxigraph can cancel a query running in the same
process. rdflib evaluates in Python with no cancellation hook, pyoxigraph in native code
that offers none, and a Python thread cannot be killed. A "timeout" that only stops
waiting would leave the query burning a core (or the GIL) long after the client got its
503, and a handful of such queries would take the server down.

So each query runs in a worker process that runs the whole job (parse, guard, evaluate,
serialise), sends back bytes, and waits for the next job. When the time is up the parent
sends SIGKILL: the work stops at once, its CPU and memory come back, and a fresh worker is
started on the next request. The server's threads only wait on pipes meanwhile, so other
requests keep being answered.

Two ways to start a worker (``start=``):

* ``"forkserver"`` (on-disk stores): workers come from a clean, single-threaded fork server
  and open the store themselves (read-only). Forking the server process itself would copy
  its native locks in whatever state its other threads (and RocksDB's) hold them, and a
  worker could then wait forever on a lock nobody will release.
* ``"fork"`` (in-memory stores, which only the server process holds): a fork of the server
  process shares the loaded store copy-on-write and is ready in milliseconds.

Waiting is bounded twice: a query waits for a free worker no longer than its own time limit,
and no more than ``max_waiting`` queries wait at once (by default
:data:`WAITING_PER_WORKER` per worker); one more is refused at once (503) instead of holding
a server thread. So at most :func:`query_slots` server threads are ever taken by queries,
and a server with more threads than that always has one free for requests that need no
worker (``/health``, static files, cached answers).

Freshness and hygiene: a worker sees the store as it was when it started; when
``version()`` changes (a write) idle workers are replaced before they serve again. A worker
retires after ``max_jobs`` jobs, and exits by itself when its owner is gone. POSIX only.
"""

from __future__ import annotations

import contextlib
import math
import os
import pickle
import signal
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing import Pipe, get_context
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any, Generic, Literal, TypeVar

from thb_graph.errors import (
    QueryRejectedError,
    QueryTimeoutError,
    ServerBusyError,
    StoreError,
    ThbGraphError,
    WorkerLostError,
)

J = TypeVar("J")
R = TypeVar("R")

_PARENT_CHECK_S = 1.0
#: Queries that may wait for a free worker, per worker, unless ``max_waiting`` says otherwise.
WAITING_PER_WORKER = 4
StartMethod = Literal["fork", "forkserver"]
_RESET_SIGNALS = ("SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGCHLD")


def query_slots(size: int, max_waiting: int | None = None) -> int:
    """Most queries an executor of ``size`` workers holds at once, running or waiting."""
    size = max(1, size)
    return size + (WAITING_PER_WORKER * size if max_waiting is None else max(0, max_waiting))


@dataclass(eq=False)
class _Worker:
    pid: int
    conn: Connection
    generation: str
    jobs: int = 0
    started: float = field(default_factory=time.monotonic)
    process: BaseProcess | None = None
    spawned: bool = False  # forked by a replica (``spawn``): not this process's child
    reaped: bool = False  # its exit was collected: its pid may belong to another process now


class Executor(Generic[J, R]):
    """A small pool of forked worker processes running ``target(job)`` under a deadline."""

    def __init__(
        self,
        target: Callable[[J], R] | None,
        *,
        spawn: Callable[[Connection], int] | None = None,
        size: int = 2,
        version: Callable[[], str] = lambda: "",
        max_jobs: int = 500,
        start: StartMethod = "fork",
        preload: tuple[str, ...] = (),
        max_waiting: int | None = None,
        stopped_on_purpose: Callable[[int], bool] = lambda pid: False,
    ) -> None:
        """``target`` must be picklable with ``start="forkserver"`` (a module-level function
        or an instance of a module-level class); ``preload`` names modules the fork server
        imports once for all its workers; ``max_waiting`` bounds the queries waiting for a
        free worker (default: :data:`WAITING_PER_WORKER` per worker). Without ``target``,
        ``spawn(conn)`` starts each worker elsewhere (a process holding the store in memory,
        ``kg.store.replica``), serving jobs on ``conn``, and gives its pid;
        ``stopped_on_purpose(pid)`` says whether that process was stopped by its owner (a
        reload): the jobs it took down run again, as those of one killed for a timeout."""
        if (target is None) == (spawn is None):
            raise ValueError("an executor needs either a target or a way to spawn workers")
        self._target = target
        self._spawn = spawn
        self._start = start
        self._preload = preload
        self._size = max(1, size)
        self._max_waiting = query_slots(self._size, max_waiting) - self._size
        self._waiting = 0
        self._version = version
        self._max_jobs = max_jobs
        self._cond = threading.Condition()
        self._idle: list[_Worker] = []
        self._busy: set[_Worker] = set()
        self._starting = 0
        self._closed = False
        # replicas killed for a job's timeout: their other jobs run again (see ``run``)
        self._stopped: deque[int] = deque(maxlen=64)
        self._stopped_on_purpose = stopped_on_purpose
        self.owner_pid = os.getpid()

    @property
    def size(self) -> int:
        """Most worker processes alive at once."""
        return self._size

    @property
    def max_waiting(self) -> int:
        """Most queries waiting for a free worker at once (more are refused at once)."""
        return self._max_waiting

    def worker_pids(self) -> list[int]:
        """Process ids of the live workers (idle and busy)."""
        with self._cond:
            return [w.pid for w in (*self._idle, *self._busy)]

    def run(self, job: J, timeout: float) -> R:
        """``target(job)`` in a worker; the worker is killed if it takes more than ``timeout``.

        Raises QueryTimeoutError (also when no worker frees up in time, or at once when
        ``max_waiting`` queries already wait), WorkerLostError when the worker dies (the
        next job gets a fresh one), or the domain error the target raised. A job lost
        because another job's timeout stopped the process they shared (reader threads of
        a replica) runs again in the time it has left.
        """
        deadline = time.monotonic() + timeout
        while True:
            try:
                return self._run_once(job, deadline, timeout)
            except _SharedStop as e:
                # with too little time left to finish, running it again would only kill the
                # next copy at its deadline: it is a query over its time limit
                if deadline - time.monotonic() < min(_RETRY_MIN_S, timeout / 2):
                    raise _timeout_error(timeout) from e

    def _run_once(self, job: J, deadline: float, timeout: float) -> R:
        worker = self._acquire(deadline, timeout)
        healthy = timed_out = False
        try:
            worker.conn.send(job)
            if not worker.conn.poll(max(deadline - time.monotonic(), 0.0)):
                timed_out = True
                raise _timeout_error(timeout)
            status, payload = worker.conn.recv()
            healthy = True
        except (EOFError, OSError) as e:
            with self._cond:  # the killer records the pid before the kill (``_release``)
                shared_stop = worker.spawned and (
                    worker.pid in self._stopped or self._stopped_on_purpose(worker.pid)
                )
            lost = _SharedStop if shared_stop else WorkerLostError
            raise lost(
                "the worker process running it stopped unexpectedly (killed, or out of "
                "memory); another one is started, try again"
            ) from e
        finally:
            self._release(worker, healthy=healthy, timed_out=timed_out)
        if status == "ok":
            return payload  # type: ignore[no-any-return]
        raise payload

    def close(self) -> None:
        """Stop every worker (busy ones are killed when their job returns)."""
        with self._cond:
            self._closed = True
            idle, self._idle = self._idle, []
            self._cond.notify_all()
        for worker in idle:
            _kill(worker)

    # ---- pool ---------------------------------------------------------------------------

    def _acquire(self, deadline: float, timeout: float) -> _Worker:
        with self._cond:
            while True:
                if self._closed:
                    raise StoreError("the query executor is closed")
                generation = self._version()
                while self._idle:
                    worker = self._idle.pop()
                    fresh = worker.generation == generation and worker.jobs < self._max_jobs
                    if fresh and _running(worker):  # an idle worker may have been killed
                        self._busy.add(worker)
                        return worker
                    _kill(worker)
                if len(self._busy) + self._starting < self._size:
                    self._starting += 1
                    break
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise ServerBusyError(
                        f"every query worker stayed busy for {timeout:g} s, the time limit; "
                        "the query was not run, try again later",
                        retry_after=math.ceil(timeout),
                    )
                if self._waiting >= self._max_waiting:
                    raise ServerBusyError(
                        f"every query worker stayed busy with {self._waiting} more queries "
                        "waiting for one; the query was not run, try again later",
                        retry_after=math.ceil(timeout),
                    )
                self._waiting += 1
                try:
                    self._cond.wait(remaining)
                finally:
                    self._waiting -= 1
        try:
            worker = self._fork(generation)
        except OSError as e:
            raise StoreError(f"cannot start a query worker: {e}") from e
        finally:
            with self._cond:
                self._starting -= 1
        with self._cond:
            self._busy.add(worker)
        return worker

    def _release(self, worker: _Worker, *, healthy: bool, timed_out: bool = False) -> None:
        with self._cond:
            self._busy.discard(worker)
            if healthy and not self._closed:
                worker.jobs += 1
                self._idle.append(worker)
            else:
                if worker.spawned and timed_out:
                    self._stopped.append(worker.pid)
                _kill(worker, stop_work=not healthy)
            self._cond.notify()

    def prestart(self) -> None:
        """Start one idle worker now (and the fork server), so the first query does not wait."""
        worker = self._acquire(time.monotonic() + 60, 60)
        self._release(worker, healthy=True)

    def _fork(self, generation: str) -> _Worker:
        if self._spawn is not None:
            parent_end, child_end = Pipe(duplex=True)
            try:
                pid = self._spawn(child_end)
            finally:
                child_end.close()
            return _Worker(pid=pid, conn=parent_end, generation=generation, spawned=True)
        assert self._target is not None  # noqa: S101 - the constructor checked
        if self._start == "forkserver":
            return self._from_fork_server(generation)
        parent_end, child_end = Pipe(duplex=True)
        with self._cond:
            inherited = [w.conn for w in (*self._idle, *self._busy)]
        parent_pid = os.getpid()
        pid = os.fork()
        if pid == 0:  # the child: never return into the parent's stack
            code = 0
            try:
                parent_end.close()
                for conn in inherited:
                    conn.close()
                serve_jobs(child_end, self._target, parent_pid)
            except BaseException:  # the last resort of a forked child, which must _exit
                traceback.print_exc(file=sys.stderr)
                code = 1
            finally:
                os._exit(code)
        child_end.close()
        return _Worker(pid=pid, conn=parent_end, generation=generation)

    def _from_fork_server(self, generation: str) -> _Worker:
        context = get_context("forkserver")
        if self._preload:
            context.set_forkserver_preload(list(self._preload))
        parent_end, child_end = Pipe(duplex=True)
        process = context.Process(
            target=serve_jobs, args=(child_end, self._target, os.getpid()), daemon=True
        )
        process.start()
        child_end.close()
        if process.pid is None:
            raise StoreError("the fork server did not start a query worker")
        return _Worker(pid=process.pid, conn=parent_end, generation=generation, process=process)


#: Least time left for a job lost with a shared process to run again (see ``run``).
_RETRY_MIN_S = 0.5


def _timeout_error(timeout: float) -> QueryTimeoutError:
    return QueryTimeoutError(
        f"the query was stopped after {timeout:g} s, the time limit of this endpoint; "
        "simplify it or add a LIMIT"
    )


class _SharedStop(Exception):
    """A job lost because another job's timeout killed the replica they shared."""


def serve_jobs(
    conn: Connection, target: Callable[[Any], Any], owner_pid: int, *, in_thread: bool = False
) -> None:
    """The worker's loop: one job in, one ``(status, payload)`` out, until the owner is gone
    (``in_thread``: a reader thread of a replica, whose signals are its process's)."""
    if not in_thread:
        for name in _RESET_SIGNALS:
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    while True:
        if not conn.poll(_PARENT_CHECK_S):
            if not _alive(owner_pid):
                return
            continue
        try:
            job = conn.recv()
        except EOFError:
            return
        try:
            reply: tuple[str, Any] = ("ok", target(job))
        except ThbGraphError as e:
            reply = ("error", e)
        except RecursionError:
            reply = ("error", QueryRejectedError("the query is nested too deeply"))
        except MemoryError:
            reply = ("error", StoreError("the query needed more memory than free"))
        try:
            conn.send(reply)
        except (
            pickle.PicklingError,
            TypeError,
            AttributeError,
        ) as e:  # an answer that cannot travel
            conn.send(("error", StoreError(f"the worker could not send its answer back: {e}")))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _running(worker: _Worker) -> bool:
    """True unless the worker has exited (its pipe's other end is then closed)."""
    if worker.process is not None:
        return worker.process.is_alive()
    if worker.spawned:  # an idle worker has nothing to say: readable means its end closed
        return not worker.conn.poll(0)
    try:
        pid, _ = os.waitpid(worker.pid, os.WNOHANG)
    except ChildProcessError:
        pid = worker.pid
    worker.reaped = pid != 0
    return not worker.reaped


def _kill(worker: _Worker, *, stop_work: bool = False) -> None:
    """Stop ``worker``. A reader thread of a replica only has its channel closed (it ends
    by itself) unless its work must stop (a query over time): then the replica is killed,
    its other queries answer 503, and the next request starts a new one."""
    if worker.process is not None:  # a child of the fork server: it reaps it
        worker.process.kill()
        worker.process.join(5)
        worker.conn.close()
        return
    if worker.spawned:
        if stop_work:
            with contextlib.suppress(ProcessLookupError):
                os.kill(worker.pid, signal.SIGKILL)
    elif not worker.reaped:
        with contextlib.suppress(ProcessLookupError):
            os.kill(worker.pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(worker.pid, 0)
    worker.conn.close()
